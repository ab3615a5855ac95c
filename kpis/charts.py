"""Charts of the dashboard as SVG strings, drawn on the server so the web page and the PDF show the same.

Pure functions: data in, markup out. Every text is escaped; each chart is an accessible image
(role="img", <title>, <desc>) and the page puts a table with the same numbers next to it. Series are
told apart by colour and by dash pattern and marker shape, never by colour alone.
"""

import zlib

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 720, 300
LEFT, RIGHT, TOP, BOTTOM = 56, 32, 20, 64
COLOURS = ["#1f4e8c", "#c2410c", "#15803d", "#7e22ce", "#525252", "#b45309"]
DASHES = ["", "6 3", "2 3", "8 3 2 3", "1 2", "10 4"]
FONT = 'font-family="Liberation Sans, DejaVu Sans, sans-serif" font-size="11"'


def _fmt(value: float) -> str:
    return f"{value:g}" if float(value).is_integer() else f"{value:.2f}"


def _open(title: str, desc: str, width: int = WIDTH, height: int = HEIGHT) -> list[str]:
    uid = zlib.crc32(f"{title}|{desc}".encode())
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-labelledby="t{uid} d{uid}" class="chart">',
        f'<title id="t{uid}">{escape(title)}</title>',
        f'<desc id="d{uid}">{escape(desc)}</desc>',
    ]


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000, 20000, 50000):
        if value <= step * 5:
            return step * 5
    return value


def line_chart(
    title: str,
    desc: str,
    x_labels: list[str],
    series: list[tuple[str, list[float | None]]],
    y_min: float | None = None,
    y_max: float | None = None,
    partial: tuple[int, str] | None = None,
) -> SafeString:
    """Lines over a shared x axis; a None value breaks the line (no observation that month).

    `partial` = (index, label): that point is not final (the month in progress): its column is hatched
    and labelled, and the line reaches it dashed with a hollow marker, so it never reads as a drop."""
    values = [v for _label, points in series for v in points if v is not None]
    low = y_min if y_min is not None else min([0, *values])
    high = y_max if y_max is not None else _nice_max(max([0, *values]))
    if high <= low:
        high = low + 1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(x_labels) - 1, 1)

    def x(i):
        return LEFT + i * step

    def y(v):
        return TOP + plot_h - (v - low) * plot_h / (high - low)

    out = _open(title, desc)
    out.append(f'<g {FONT} fill="#333">')
    partial_index = None if partial is None else partial[0]
    if partial is not None:
        left = max(x(partial_index) - step / 2, LEFT)
        width = min(x(partial_index) + step / 2, WIDTH - RIGHT) - left
        uid = zlib.crc32(f"{title}|partial".encode())
        out.append(
            f'<defs><pattern id="h{uid}" width="6" height="6" patternUnits="userSpaceOnUse" '
            f'patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="6" stroke="#c9ced6" '
            f'stroke-width="2"/></pattern></defs>'
            f'<rect x="{left:.1f}" y="{TOP}" width="{width:.1f}" height="{plot_h}" fill="url(#h{uid})" '
            f'class="partial-month"/>'
            f'<text x="{x(partial_index):.1f}" y="{TOP - 6}" text-anchor="end">{escape(partial[1])}</text>'
        )
    for tick in range(5):
        v = low + (high - low) * tick / 4
        out.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#ddd"/>'
            f'<text x="{LEFT - 6}" y="{y(v) + 4:.1f}" text-anchor="end">{escape(_fmt(v))}</text>'
        )
    for i, label in enumerate(x_labels):
        out.append(
            f'<text x="{x(i):.1f}" y="{TOP + plot_h + 16}" text-anchor="middle">{escape(label)}</text>'
        )
    for index, (label, points) in enumerate(series):
        colour, dash = COLOURS[index % len(COLOURS)], DASHES[index % len(DASHES)]
        segments, current = [], []
        final = points if partial_index is None else points[:partial_index]
        for i, v in enumerate(final):
            if v is None:
                if current:
                    segments.append(current)
                current = []
            else:
                current.append(f"{x(i):.1f},{y(v):.1f}")
        if current:
            segments.append(current)
        for segment in segments:
            out.append(
                f'<polyline fill="none" stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}" '
                f'points="{" ".join(segment)}"/>'
            )
        for i, v in enumerate(final):
            if v is not None:
                out.append(_marker(index, x(i), y(v), colour))
        if partial_index is not None and points[partial_index] is not None:
            v = points[partial_index]
            before = points[partial_index - 1] if partial_index > 0 else None
            if before is not None:
                out.append(
                    f'<polyline fill="none" stroke="{colour}" stroke-width="1.5" stroke-dasharray="2 3" '
                    f'points="{x(partial_index - 1):.1f},{y(before):.1f} {x(partial_index):.1f},{y(v):.1f}"/>'
                )
            out.append(
                f'<circle cx="{x(partial_index):.1f}" cy="{y(v):.1f}" r="3.5" fill="#fff" stroke="{colour}" '
                f'stroke-width="1.5"/>'
            )
        legend_x = LEFT + (index % 4) * 160
        legend_y = HEIGHT - 28 + (index // 4) * 14
        out.append(
            f'<line x1="{legend_x}" x2="{legend_x + 22}" y1="{legend_y - 4}" y2="{legend_y - 4}" '
            f'stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}"/>'
            f"{_marker(index, legend_x + 11, legend_y - 4, colour)}"
            f'<text x="{legend_x + 28}" y="{legend_y}">{escape(label)}</text>'
        )
    out.append("</g></svg>")
    return mark_safe("".join(out))  # noqa: S308 - every text above is escaped


def _marker(index: int, cx: float, cy: float, colour: str) -> str:
    shape = index % 3
    if shape == 0:
        return f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="3" fill="{colour}"/>'
    if shape == 1:
        return f'<rect x="{cx - 3:.1f}" y="{cy - 3:.1f}" width="6" height="6" fill="{colour}"/>'
    points = f"M{cx:.1f},{cy - 4:.1f} L{cx + 4:.1f},{cy + 3:.1f} L{cx - 4:.1f},{cy + 3:.1f} Z"
    return f'<path d="{points}" fill="{colour}"/>'


def coverage_chart(
    title: str, desc: str, rows: list[tuple[str, float | None, float | None]], labels
) -> SafeString:
    """Horizontal bars per service: coverage at the start (light, hatched outline) and at the end (dark)."""
    bar, gap, label_w = 10, 10, 220
    height = TOP + len(rows) * (2 * bar + gap) + 40
    plot_w = WIDTH - label_w - RIGHT - 40
    out = _open(title, desc, height=height)
    out.append(f'<g {FONT} fill="#333">')
    for tick in range(0, 101, 25):
        tx = label_w + plot_w * tick / 100
        out.append(
            f'<line x1="{tx:.1f}" x2="{tx:.1f}" y1="{TOP - 6}" y2="{height - 36}" stroke="#ddd"/>'
            f'<text x="{tx:.1f}" y="{TOP - 8}" text-anchor="middle">{tick} %</text>'
        )
    for i, (label, start, end) in enumerate(rows):
        top = TOP + i * (2 * bar + gap)
        out.append(f'<text x="{label_w - 6}" y="{top + bar + 4}" text-anchor="end">{escape(label)}</text>')
        for offset, value, fill, stroke in (
            (0, start, "#c7d7ee", "#1f4e8c"),
            (bar, end, "#1f4e8c", "#1f4e8c"),
        ):
            if value is None:
                continue
            width = plot_w * max(0.0, min(float(value), 100.0)) / 100
            out.append(
                f'<rect x="{label_w}" y="{top + offset}" width="{width:.1f}" height="{bar - 1}" '
                f'fill="{fill}" stroke="{stroke}" stroke-width="0.5"/>'
                f'<text x="{label_w + width + 4:.1f}" y="{top + offset + bar - 1}">'
                f"{escape(_fmt(value))}</text>"
            )
    start_label, end_label = labels
    legend_y = height - 14
    out.append(
        f'<rect x="{label_w}" y="{legend_y - 9}" width="12" height="9" fill="#c7d7ee" stroke="#1f4e8c"/>'
        f'<text x="{label_w + 16}" y="{legend_y}">{escape(start_label)}</text>'
        f'<rect x="{label_w + 200}" y="{legend_y - 9}" width="12" height="9" fill="#1f4e8c"/>'
        f'<text x="{label_w + 216}" y="{legend_y}">{escape(end_label)}</text>'
    )
    out.append("</g></svg>")
    return mark_safe("".join(out))  # noqa: S308 - every text above is escaped
