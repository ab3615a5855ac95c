"""HTML to PDF with WeasyPrint: local files only (no network at render time), fonts from Debian packages."""

import logging
import re
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone, translation

from catalogue.printing import content

CSS_DIR = Path(__file__).resolve().parent / "css"
PAGE_SIZES_MM = {"catalogue": (210, 297), "sheet": (210, 297), "poster": (420, 297), "leaflet": (297, 210)}
# The poster's type: as large as the tallest column allows (read from a metre away), within these bounds.
POSTER_MAX_PT = 28.0
POSTER_MIN_PT = 6.0

Progress = Callable[[int], None]


def _noop(_percent: int) -> None:
    return None


def _fetcher():
    from weasyprint.urls import URLFetcher

    # file: (our stylesheets) and data: URIs only; http(s) is refused so rendering never waits on a network.
    return URLFetcher(allowed_protocols={"file", "data"})


class _LayoutProgress(logging.Handler):
    """Turns WeasyPrint's progress log ("Step 5 - Creating layout - Page 12") into a percentage (35 to 80)."""

    PAGE = re.compile(r"Creating layout - Page (\d+)")

    def __init__(self, progress: Progress, expected_pages: int):
        super().__init__(logging.INFO)
        self.progress, self.expected, self.last = progress, max(expected_pages, 1), 0

    def emit(self, record):
        match = self.PAGE.search(record.getMessage())
        if match:
            percent = 40 + min(40, 40 * int(match.group(1)) // self.expected)
            if percent > self.last:
                self.last = percent
                self.progress(percent)


@contextmanager
def _follow_layout(progress: Progress, expected_pages: int):
    if progress is _noop:
        yield
        return
    logger = logging.getLogger("weasyprint.progress")
    handler, level = _LayoutProgress(progress, expected_pages), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def html_to_pdf(html: str, stylesheet: str, progress: Progress = _noop, expected_pages: int = 1):
    """Lay out the HTML; returns WeasyPrint's Document (pages known) to write."""
    from weasyprint import CSS, HTML

    fetcher = _fetcher()
    with _follow_layout(progress, expected_pages):
        document = HTML(string=html, base_url=str(CSS_DIR), url_fetcher=fetcher).render(
            stylesheets=[CSS(filename=str(CSS_DIR / stylesheet), url_fetcher=fetcher)]
        )
    progress(85)
    return document


def _html(template: str, context: dict) -> str:
    with translation.override("fr"):
        return render_to_string(
            f"catalogue/print/{template}.html", {**context, "printed_on": timezone.localdate()}
        )


def catalogue_html(context: dict | None = None) -> str:
    return _html("catalogue", context or content.catalogue_context())


def render_catalogue(progress: Progress = _noop, draft: bool = False) -> tuple[bytes, int]:
    progress(10)
    context = content.catalogue_context(draft=draft)
    progress(25)
    html = catalogue_html(context)
    progress(35)
    # About two services a page plus the front and back matter: only used to scale the progress bar.
    document = html_to_pdf(html, "catalogue.css", progress, expected_pages=context["service_count"] // 2 + 8)
    pdf = document.write_pdf()
    return pdf, len(document.pages)


def render_sheet(service, draft: bool = False, progress: Progress = _noop) -> tuple[bytes, int]:
    html = _html("sheet", content.sheet_context(service, draft=draft))
    document = html_to_pdf(html, "sheet.css", progress)
    return document.write_pdf(), len(document.pages)


# Heights on the poster, in lines of the offer's type: a family's coloured title band and the space after it.
FAMILY_HEADER_LINES = 2.5
FAMILY_GAP_LINES = 0.8
POSTER_COLUMNS = 6
POSTER_USABLE_MM = 297 - 24 - 42  # page height minus margins and title band
POSTER_LINE_HEIGHT = 1.3


def poster_columns(offers: list, columns: int = POSTER_COLUMNS) -> list[list]:
    """The families, in reading order, cut into at most `columns` runs of even height; a family never splits.

    Planned here rather than by the browser's column balancing: WeasyPrint balances columns by laying
    them out again and again, which took minutes for a poster of 200 services.
    """
    if not offers:
        return []
    heights = [FAMILY_HEADER_LINES + FAMILY_GAP_LINES + len(offer.services) for offer in offers]

    def runs(limit: float) -> list[list]:
        cut, current, used = [], [], 0.0
        for offer, height in zip(offers, heights, strict=True):
            if current and used + height > limit:
                cut.append(current)
                current, used = [], 0.0
            current.append(offer)
            used += height
        return [*cut, current]

    # The best limit is the height of some run of consecutive families: try them from the lowest.
    limits = sorted({sum(heights[i:j]) for i in range(len(heights)) for j in range(i + 1, len(heights) + 1)})
    return next(runs(limit) for limit in limits if limit >= max(heights) and len(runs(limit)) <= columns)


def poster_font_size(column_lines: float) -> float:
    """The type size at which the tallest column fills the page's height (within the poster's bounds)."""
    size_pt = POSTER_USABLE_MM / max(column_lines, 1) / POSTER_LINE_HEIGHT / 0.3528
    return max(POSTER_MIN_PT, min(POSTER_MAX_PT, size_pt))


def render_poster(progress: Progress = _noop, draft: bool = False) -> tuple[bytes, int]:
    context = content.poster_context(draft=draft)
    runs = poster_columns(context["synopsis"])
    context["runs"] = runs
    context["columns"] = max(1, len(runs))
    tallest = max(
        (sum(FAMILY_HEADER_LINES + FAMILY_GAP_LINES + len(offer.services) for offer in run) for run in runs),
        default=1,
    )
    size = poster_font_size(tallest)
    # Long titles wrap: shrink a little until the offer fits one page (usually the first layout fits).
    while True:
        context["font_size"] = f"{size:.2f}"
        document = html_to_pdf(_html("poster", context), "poster.css", progress)
        if len(document.pages) == 1 or size <= POSTER_MIN_PT:
            return document.write_pdf(), len(document.pages)
        size = max(POSTER_MIN_PT, size * 0.92)


def render_leaflet(progress: Progress = _noop, draft: bool = False) -> tuple[bytes, int]:
    document = html_to_pdf(_html("leaflet", content.leaflet_context(draft=draft)), "leaflet.css", progress)
    return document.write_pdf(), len(document.pages)


def render(
    kind: str, service_code: str = "", progress: Progress = _noop, draft: bool = False
) -> tuple[bytes, int]:
    """A document, (PDF bytes, page count): published content, or the latest revisions when `draft`."""
    if kind == "catalogue":
        return render_catalogue(progress, draft=draft)
    if kind == "sheet":
        if draft:
            return render_sheet(content.draft_service(service_code), draft=True, progress=progress)
        return render_sheet(content.published_service(service_code), progress=progress)
    if kind == "poster":
        return render_poster(progress, draft=draft)
    if kind == "leaflet":
        return render_leaflet(progress, draft=draft)
    raise ValueError(f"Unknown document kind: {kind}")
