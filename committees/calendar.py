"""Meeting invitations as iCalendar (RFC 5545): one VEVENT with its attendees, through the shared writer."""

from django.conf import settings

from home.exports import CalendarEvent, Person, ics_calendar


def meeting_uid(meeting) -> str:
    return f"meeting-{meeting.pk}@{settings.MAILBOX_ADDRESS.split('@')[-1]}"


def meeting_event(meeting, *, organizer_name: str, organizer_email: str, sequence: int = 0) -> CalendarEvent:
    attendances = meeting.attendances.select_related("contact", "user").order_by("id")
    agenda = [line.strip() for line in meeting.agenda.splitlines() if line.strip()]
    return CalendarEvent(
        uid=meeting_uid(meeting),
        start=meeting.scheduled_at,
        end=meeting.ends_at,
        summary=str(meeting.committee),
        location=meeting.location,
        description="\n".join(f"- {line}" for line in agenda),
        organizer=Person(organizer_name, organizer_email),
        attendees=[Person(a.person_name, a.email) for a in attendances if a.email],
        sequence=sequence,
    )


def build_invitation(meeting, *, organizer_name: str, organizer_email: str, sequence: int = 0) -> str:
    """The .ics text of an invitation (METHOD:REQUEST) to a meeting, for all its attendees."""
    event = meeting_event(
        meeting, organizer_name=organizer_name, organizer_email=organizer_email, sequence=sequence
    )
    return ics_calendar([event]).decode("utf-8")
