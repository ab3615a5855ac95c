"""Meeting invitations as iCalendar (RFC 5545), written by hand: one VEVENT with its attendees."""

from datetime import UTC, datetime

from django.conf import settings
from django.utils import timezone

CRLF = "\r\n"


def escape_text(value: str) -> str:
    """TEXT values escape backslash, semicolon, comma and newlines (RFC 5545 §3.3.11)."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line into chunks of at most 75 octets, never splitting a UTF-8 character."""
    encoded = line.encode("utf-8")
    if len(encoded) <= 75:
        return line
    parts: list[str] = []
    current = b""
    limit = 75
    for char in line:
        octets = char.encode("utf-8")
        if len(current) + len(octets) > limit:
            parts.append(current.decode("utf-8"))
            current = b""
            limit = 74  # continuation lines start with one space
        current += octets
    parts.append(current.decode("utf-8"))
    return (CRLF + " ").join(parts)


def utc_stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _quoted(value: str) -> str:
    # Parameter values holding ; : , must be quoted; DQUOTE itself is not allowed inside.
    return '"' + value.replace('"', "'") + '"'


def meeting_uid(meeting) -> str:
    return f"meeting-{meeting.pk}@{settings.MAILBOX_ADDRESS.split('@')[-1]}"


def build_invitation(meeting, *, organizer_name: str, organizer_email: str, sequence: int = 0) -> str:
    """The .ics text of an invitation (METHOD:REQUEST) to a meeting, for all its attendees."""
    attendances = meeting.attendances.select_related("contact", "user").order_by("id")
    description_lines = [line.strip() for line in meeting.agenda.splitlines() if line.strip()]
    description = "\n".join(f"- {line}" for line in description_lines)
    lines = [
        "BEGIN:VCALENDAR",
        "PRODID:-//Relais DSI//Comites clients//FR",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        "METHOD:REQUEST",
        "BEGIN:VEVENT",
        f"UID:{meeting_uid(meeting)}",
        f"SEQUENCE:{sequence}",
        f"DTSTAMP:{utc_stamp(timezone.now())}",
        f"DTSTART:{utc_stamp(meeting.scheduled_at)}",
        f"DTEND:{utc_stamp(meeting.ends_at)}",
        f"SUMMARY:{escape_text(str(meeting.committee))}",
        f"LOCATION:{escape_text(meeting.location)}",
    ]
    if description:
        lines.append(f"DESCRIPTION:{escape_text(description)}")
    lines.append(f"ORGANIZER;CN={_quoted(organizer_name)}:mailto:{organizer_email}")
    for attendance in attendances:
        if not attendance.email:
            continue
        lines.append(
            f"ATTENDEE;CN={_quoted(attendance.person_name)};ROLE=REQ-PARTICIPANT;"
            f"PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:{attendance.email}"
        )
    lines += ["STATUS:CONFIRMED", "END:VEVENT", "END:VCALENDAR"]
    return CRLF.join(fold(line) for line in lines) + CRLF
