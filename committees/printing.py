"""Minutes of a meeting as a PDF (WeasyPrint), with the committees' own A4 print stylesheet."""

from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone

from committees import selectors

STYLESHEET = Path(__file__).resolve().parent / "print" / "minutes.css"


def minutes_html(meeting) -> str:
    context = {"meeting": meeting, "printed_on": timezone.localdate(), **selectors.meeting_details(meeting)}
    return render_to_string("committees/print/minutes.html", context)


def minutes_pdf(meeting) -> bytes:
    from weasyprint import CSS, HTML

    return HTML(string=minutes_html(meeting), base_url=str(STYLESHEET.parent)).write_pdf(
        stylesheets=[CSS(filename=str(STYLESHEET))]
    )


def pack_html(pack, *, for_print: bool = True) -> str:
    return render_to_string("committees/print/pack.html", {"pack": pack, "for_print": for_print})


def pack_pdf(pack) -> bytes:
    """The preparation pack as a PDF, with the minutes' print charter."""
    from weasyprint import CSS, HTML

    return HTML(string=pack_html(pack), base_url=str(STYLESHEET.parent)).write_pdf(
        stylesheets=[CSS(filename=str(STYLESHEET))]
    )
