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
# The poster's type size starts large (read from a metre away) and shrinks until the offer fits one page.
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


def render_catalogue(progress: Progress = _noop) -> tuple[bytes, int]:
    progress(10)
    context = content.catalogue_context()
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


def poster_font_size(service_count: int, family_count: int) -> float:
    """A first guess of the poster's type size from the amount of text (lines per column)."""
    columns = max(1, min(family_count, 6))
    lines = (service_count + 2.5 * family_count) / columns + 1
    usable_mm = 297 - 24 - 42  # page height minus margins and title band
    size_pt = usable_mm / max(lines, 1) / 1.45 / 0.3528
    return max(POSTER_MIN_PT, min(POSTER_MAX_PT, size_pt))


def render_poster(progress: Progress = _noop) -> tuple[bytes, int]:
    context = content.poster_context()
    # Start above the estimate (titles wrap less than feared) and shrink until the offer fits one page.
    size = min(POSTER_MAX_PT, 1.4 * poster_font_size(context["service_count"], len(context["synopsis"])))
    context["columns"] = max(1, min(len(context["synopsis"]), 6))
    while True:
        context["font_size"] = f"{size:.2f}"
        document = html_to_pdf(_html("poster", context), "poster.css", progress)
        if len(document.pages) == 1 or size <= POSTER_MIN_PT:
            return document.write_pdf(), len(document.pages)
        size = max(POSTER_MIN_PT, size * 0.85)


def render_leaflet(progress: Progress = _noop) -> tuple[bytes, int]:
    document = html_to_pdf(_html("leaflet", content.leaflet_context()), "leaflet.css", progress)
    return document.write_pdf(), len(document.pages)


def render(kind: str, service_code: str = "", progress: Progress = _noop) -> tuple[bytes, int]:
    """The published version of a document: (PDF bytes, page count)."""
    if kind == "catalogue":
        return render_catalogue(progress)
    if kind == "sheet":
        return render_sheet(content.published_service(service_code), progress=progress)
    if kind == "poster":
        return render_poster(progress)
    if kind == "leaflet":
        return render_leaflet(progress)
    raise ValueError(f"Unknown document kind: {kind}")
