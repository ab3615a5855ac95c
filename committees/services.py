"""State changes of committees, meetings, actions, interactions and projects: one function each."""

from datetime import date, datetime

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from committees.cadence import cadence_dates
from committees.calendar import build_invitation
from committees.models import (
    Action,
    ActionCarryOver,
    ActionStatus,
    Attendance,
    Committee,
    Decision,
    Interaction,
    InteractionKind,
    Meeting,
    MeetingStatus,
    Project,
    ProjectStatus,
)


def meeting_datetime(committee: Committee, day: date) -> datetime:
    """The aware date-time of a meeting held on `day` at the committee's usual time (Paris time)."""
    return timezone.make_aware(datetime.combine(day, committee.meeting_time))


# --- Committees and meetings -------------------------------------------------------------------


@transaction.atomic
def invite_members(meeting: Meeting) -> int:
    """Put every standing member of the committee on the meeting's attendance list (idempotent)."""
    added = 0
    for member in meeting.committee.members.all():
        lookup = {"contact_id": member.contact_id} if member.contact_id else {"user_id": member.user_id}
        _attendance, created = Attendance.objects.get_or_create(meeting=meeting, **lookup)
        added += created
    return added


@transaction.atomic
def plan_meetings(committee: Committee, *, until: date) -> list[Meeting]:
    """Create the meetings the cadence calls for up to `until`, skipping dates already held or planned.

    Each new meeting gets the members as attendees, and the next one to come inherits the open actions.
    """
    if not committee.is_active:
        return []
    taken = {
        timezone.localtime(moment).date()
        for moment in committee.meetings.values_list("scheduled_at", flat=True)
    }
    created = []
    for day in cadence_dates(committee.starts_on, committee.cadence_months, until):
        if day in taken:
            continue
        meeting = Meeting.objects.create(
            committee=committee,
            scheduled_at=meeting_datetime(committee, day),
            duration_minutes=committee.duration_minutes,
            location=committee.location,
            agenda=_default_agenda(),
        )
        invite_members(meeting)
        created.append(meeting)
    upcoming = next_planned_meeting(committee, after=timezone.now())
    if upcoming is not None:
        carry_over_open_actions(upcoming)
    return created


def _default_agenda() -> str:
    # Stored: written in the portal's language, whatever the language of the screen that planned it.
    with translation.override(settings.LANGUAGE_CODE):
        return _("Follow-up of the action plan\nRequests and projects in progress\nAny other business")


def next_planned_meeting(committee: Committee, *, after: datetime) -> Meeting | None:
    return (
        committee.meetings.filter(status=MeetingStatus.PLANNED, scheduled_at__gt=after)
        .order_by("scheduled_at")
        .first()
    )


@transaction.atomic
def carry_over_open_actions(meeting: Meeting) -> int:
    """Put on a planned meeting's agenda every open action decided at an earlier meeting of its committee.

    Idempotent; records whether each action was already late on the meeting's date.
    """
    if meeting.status != MeetingStatus.PLANNED:
        return 0
    day = meeting.local_date
    open_actions = Action.objects.filter(
        meeting__committee_id=meeting.committee_id,
        meeting__scheduled_at__lt=meeting.scheduled_at,
        status=ActionStatus.OPEN,
    ).exclude(carry_overs__meeting=meeting)
    rows = [
        ActionCarryOver(action=action, meeting=meeting, was_overdue=action.due_on < day)
        for action in open_actions.only("id", "due_on")
    ]
    ActionCarryOver.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def _carry_to_next(meeting: Meeting) -> None:
    upcoming = next_planned_meeting(meeting.committee, after=meeting.scheduled_at)
    if upcoming is not None:
        carry_over_open_actions(upcoming)


@transaction.atomic
def mark_attendance(attendance: Attendance, *, present: bool, author=None) -> Attendance:
    """Record whether one person was there; at a held meeting a present contact was met (comite)."""
    attendance.present = present
    attendance.save(update_fields=["present"])
    meeting = attendance.meeting
    if attendance.contact_id and meeting.status == MeetingStatus.HELD:
        if present:
            record_interaction(
                contact=attendance.contact,
                kind=InteractionKind.COMITE,
                on=meeting.local_date,
                meeting=meeting,
                author=author,
                note=str(meeting.committee),
            )
        else:
            Interaction.objects.filter(
                meeting=meeting, contact_id=attendance.contact_id, kind=InteractionKind.COMITE
            ).delete()
    return attendance


@transaction.atomic
def record_meeting(
    meeting: Meeting, *, present_attendance_ids: set[int], minutes: str | None = None, author=None
) -> Meeting:
    """Mark a meeting as held with who was there: present contacts get their comite interaction,
    and the open actions move to the next planned meeting's agenda."""
    meeting.status = MeetingStatus.HELD
    fields = ["status"]
    if minutes is not None:
        meeting.minutes = minutes
        fields.append("minutes")
    meeting.save(update_fields=fields)
    for attendance in meeting.attendances.select_related("contact"):
        mark_attendance(attendance, present=attendance.id in present_attendance_ids, author=author)
    _carry_to_next(meeting)
    return meeting


@transaction.atomic
def sync_meeting(meeting: Meeting, *, author=None) -> None:
    """Bring interactions and carry-overs in line after a meeting was edited in the back office."""
    if meeting.status == MeetingStatus.HELD:
        for attendance in meeting.attendances.select_related("contact").filter(contact__isnull=False):
            mark_attendance(attendance, present=attendance.present, author=author)
        _carry_to_next(meeting)
    else:
        meeting.interactions.filter(kind=InteractionKind.COMITE).delete()
        if meeting.status == MeetingStatus.PLANNED:
            carry_over_open_actions(meeting)
        else:
            meeting.carry_overs.all().delete()


@transaction.atomic
def cancel_meeting(meeting: Meeting) -> Meeting:
    meeting.status = MeetingStatus.CANCELLED
    meeting.save(update_fields=["status"])
    sync_meeting(meeting)
    _carry_to_next(meeting)
    return meeting


@transaction.atomic
def publish_minutes(meeting: Meeting, *, minutes: str | None = None, published: bool = True) -> Meeting:
    """Make the minutes visible to the directorate's business users (only for a held meeting)."""
    if meeting.status != MeetingStatus.HELD and published:
        raise ValueError("Only the minutes of a held meeting can be published.")
    fields = ["minutes_published"]
    if minutes is not None:
        meeting.minutes = minutes
        fields.append("minutes")
    meeting.minutes_published = published
    meeting.save(update_fields=fields)
    return meeting


def add_decision(meeting: Meeting, *, text: str) -> Decision:
    decision = Decision(meeting=meeting, text=text.strip())
    decision.full_clean()
    decision.save()
    return decision


@transaction.atomic
def add_action(
    meeting: Meeting,
    *,
    title: str,
    owner,
    due_on: date,
    project: Project | None = None,
    service=None,
    request=None,
) -> Action:
    """Add an action to a meeting's plan; once the meeting is held it goes on the next meeting's agenda."""
    action = Action(
        meeting=meeting,
        title=title.strip(),
        owner=owner,
        due_on=due_on,
        project=project,
        service=service,
        request=request,
    )
    action.full_clean()
    action.save()
    if meeting.status == MeetingStatus.HELD:
        _carry_to_next(meeting)
    return action


@transaction.atomic
def set_action_status(action: Action, *, status: str, on: date | None = None) -> Action:
    """Close (done or cancelled) or reopen an action. A closed action leaves the agendas still to come."""
    action.status = status
    if status == ActionStatus.OPEN:
        action.closed_on = None
    else:
        action.closed_on = on or timezone.localdate()
    action.save(update_fields=["status", "closed_on"])
    if status == ActionStatus.OPEN:
        _carry_to_next(action.meeting)
    else:
        action.carry_overs.filter(meeting__status=MeetingStatus.PLANNED).delete()
    return action


# --- Invitations ---------------------------------------------------------------------------------


def send_invitations(meeting: Meeting, *, organizer=None, with_pack: bool = False) -> int:
    """E-mail the attendees an invitation with the meeting as an iCalendar request (and, if asked, the
    preparation pack attached to the meeting, built and attached first when none is); returns the number
    of recipients."""
    from email.mime.text import MIMEText

    recipients = sorted(
        {a.email for a in meeting.attendances.select_related("contact", "user") if a.email}, key=str.lower
    )
    if not recipients:
        return 0
    organizer_email = (organizer.email if organizer and organizer.email else None) or settings.MAILBOX_ADDRESS
    organizer_name = (organizer.get_full_name() if organizer else "") or "Relais DSI"
    ics = build_invitation(meeting, organizer_name=organizer_name, organizer_email=organizer_email)
    local = timezone.localtime(meeting.scheduled_at)
    with translation.override(settings.LANGUAGE_CODE):  # the attendees read the portal's language
        subject = _("Invitation: %(committee)s on %(date)s") % {
            "committee": meeting.committee,
            "date": local.strftime("%d/%m/%Y %H:%M"),
        }
        body = _("You are invited to %(committee)s on %(date)s (%(location)s).\n\nAgenda:\n%(agenda)s\n") % {
            "committee": meeting.committee,
            "date": local.strftime("%d/%m/%Y %H:%M"),
            "location": meeting.location or "-",
            "agenda": meeting.agenda,
        }
    message = EmailMessage(subject=subject, body=body, to=recipients, reply_to=[organizer_email])
    part = MIMEText(ics, "calendar", "utf-8")
    part.set_param("method", "REQUEST")
    part.add_header("Content-Disposition", "attachment", filename="invitation.ics")
    message.attach(part)
    attached = getattr(meeting, "pack", None) if with_pack else None
    if with_pack and attached is None:  # asked for before any was attached: built now (a background task)
        attached = attach_pack(meeting, author=organizer)
    if attached is not None:
        with attached.file.open("rb") as pdf:
            message.attach(pack_file_name(meeting), pdf.read(), "application/pdf")
    message.send()
    return len(recipients)


# --- Interactions --------------------------------------------------------------------------------


@transaction.atomic
def record_interaction(
    *, contact, kind: str, on: date, note: str = "", author=None, meeting=None
) -> Interaction:
    """Log one contact with a client (idempotent on date + kind + contact: a second call adds its note)."""
    if kind not in InteractionKind.values:
        raise ValueError(f"Unknown interaction kind: {kind!r}")
    interaction, created = Interaction.objects.get_or_create(
        date=on,
        kind=kind,
        contact=contact,
        defaults={"note": note.strip(), "author": author, "meeting": meeting},
    )
    if not created:
        fields = []
        note = note.strip()
        if note and note not in interaction.note:
            interaction.note = f"{interaction.note}\n{note}".strip()
            fields.append("note")
        if meeting is not None and interaction.meeting_id is None:
            interaction.meeting = meeting
            fields.append("meeting")
        if fields:
            interaction.save(update_fields=fields)
    return interaction


# --- Projects ------------------------------------------------------------------------------------


def next_project_code(on: date) -> str:
    prefix = f"PRJ-{on.year}-"
    last = Project.objects.filter(code__startswith=prefix).aggregate(last=Max("code"))["last"]
    number = int(last.rsplit("-", 1)[1]) + 1 if last and last.rsplit("-", 1)[1].isdigit() else 1
    return f"{prefix}{number:03d}"


@transaction.atomic
def create_project(
    *,
    name: str,
    entity,
    service=None,
    created_on: date | None = None,
    signed_on: date | None = None,
    code: str | None = None,
    status: str | None = None,
    description: str = "",
    source_request=None,
) -> Project:
    created_on = created_on or timezone.localdate()
    project = Project(
        code=code or next_project_code(created_on),
        name=name.strip(),
        entity=entity,
        service=service,
        created_on=created_on,
        signed_on=signed_on,
        status=status or (ProjectStatus.SIGNE if signed_on else ProjectStatus.EN_ETUDE),
        description=description,
        source_request=source_request,
    )
    project.full_clean()
    project.save()
    return project


@transaction.atomic
def sign_project(project: Project, *, on: date | None = None) -> Project:
    project.signed_on = on or timezone.localdate()
    project.status = ProjectStatus.SIGNE
    project.full_clean()
    project.save(update_fields=["signed_on", "status"])
    return project


@transaction.atomic
def create_project_from_request(request, *, name: str | None = None, service=None) -> Project:
    """Open the project a request of kind `projet` asks for (once: a second call returns the same project)."""
    existing = Project.objects.filter(source_request=request).first()
    if existing is not None:
        return existing
    if request.kind != "projet":
        raise ValueError("Only a request of kind 'projet' becomes a project.")
    if request.entity_id is None:
        raise ValueError("Link the request to its entity before opening a project.")
    return create_project(
        name=name or request.subject,
        entity=request.entity,
        service=service or request.service,
        created_on=timezone.localtime(request.received_at).date(),
        source_request=request,
        description=f"{request.reference}: {request.subject}",
    )


# --- Preparation packs ---------------------------------------------------------------------------


def pack_file_name(meeting: Meeting) -> str:
    return (
        f"dossier-preparation-{meeting.committee.directorate.code.lower()}-{meeting.local_date:%Y-%m-%d}.pdf"
    )


def attach_pack(meeting: Meeting, *, author=None, report=None):
    """Attach the meeting's preparation pack (replacing the one attached before): the PDF `report` built
    in the background, else a current built one, else one built now (this is for background tasks and
    follow-ups of a build; the views start a build instead, home/reports.py)."""
    from django.core.files.base import ContentFile

    from committees.models import MeetingPack
    from committees.pack import period_of
    from home import reports

    if report is None:
        report = reports.built_pdf("committee_pack", {"meeting": meeting.pk}, author)
    with report.file.open("rb") as built:
        pdf = built.read()
    _previous, start, _now = period_of(meeting)
    end = min(meeting.scheduled_at, report.started_at or report.built_at)
    with transaction.atomic():
        attached, _created = MeetingPack.objects.select_for_update().get_or_create(
            meeting=meeting, defaults={"period_start": start, "period_end": end}
        )
        old_name = attached.file.name
        attached.file.save(pack_file_name(meeting), ContentFile(pdf), save=False)
        attached.period_start, attached.period_end = start, end
        attached.built_at, attached.built_by = report.built_at, author
        attached.build_seconds = report.build_seconds or 0
        attached.save()
        if old_name and old_name != attached.file.name:
            transaction.on_commit(lambda: attached.file.storage.delete(old_name))
    return attached
