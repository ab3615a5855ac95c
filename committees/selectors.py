"""Reads of the committees app: agendas, action plans, the clients-met indicator and the follow-up lists."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, F, Max, Min, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from committees.cadence import add_months, month_starts
from committees.models import (
    MET_KINDS,
    Action,
    ActionCarryOver,
    ActionStatus,
    Interaction,
    Meeting,
    MeetingStatus,
    Project,
)
from directory.models import Contact, Directorate, Segment
from kpis.models import SurveyAnswer

# How often a contact of each segment should be met, in months ("next contact due").
FOLLOW_UP_MONTHS = {
    Segment.CIBLE_SENSIBLE: 1,
    Segment.COEUR_DE_CIBLE: 2,
    Segment.AVOCAT: 3,
    Segment.STANDARD: 6,
}

TIMELINE_LIMIT = 200


# --- The indicator: clients met per month ----------------------------------------------------------


def _directorate_filter(directorate, prefix: str = "contact__entity__directorate") -> Q:
    if directorate is None:
        return Q()
    if isinstance(directorate, Directorate):
        return Q(**{f"{prefix}_id": directorate.pk})
    if isinstance(directorate, int):
        return Q(**{f"{prefix}_id": directorate})
    return Q(**{f"{prefix}__code": directorate})


def contacts_met_by_month(start: date, end: date, directorate=None) -> dict[str, int]:
    """Distinct contacts met (comite, rendez_vous or visite) in each month whose 1st day is in [start, end).

    The whole calendar month counts. `directorate` is a Directorate, its id or its code; None for the
    company. Every month is present, with 0 when nobody was met. Counted by the database (GROUP BY).
    """
    months = month_starts(start, end)
    result = {f"{m:%Y-%m}": 0 for m in months}
    if not months:
        return result
    rows = (
        Interaction.objects.filter(
            _directorate_filter(directorate),
            kind__in=MET_KINDS,
            date__gte=months[0],
            date__lt=add_months(months[-1], 1),
        )
        .annotate(month=TruncMonth("date"))
        .values("month")
        .annotate(n=Count("contact_id", distinct=True))
        .order_by()
    )
    for row in rows:
        result[f"{row['month']:%Y-%m}"] = row["n"]
    return result


def contacts_met_by_month_by_directorate(start: date, end: date) -> dict[str, dict[str, int]]:
    """The same count for every directorate at once (one query), keyed by directorate code."""
    months = month_starts(start, end)
    result = {
        code: {f"{m:%Y-%m}": 0 for m in months} for code in Directorate.objects.values_list("code", flat=True)
    }
    if not months:
        return result
    rows = (
        Interaction.objects.filter(
            kind__in=MET_KINDS, date__gte=months[0], date__lt=add_months(months[-1], 1)
        )
        .annotate(month=TruncMonth("date"), directorate_code=F("contact__entity__directorate__code"))
        .values("month", "directorate_code")
        .annotate(n=Count("contact_id", distinct=True))
        .order_by()
    )
    for row in rows:
        result[row["directorate_code"]][f"{row['month']:%Y-%m}"] = row["n"]
    return result


# --- Meetings and actions ----------------------------------------------------------------------


def meeting_details(meeting: Meeting) -> dict:
    """Everything a meeting page shows, in a fixed number of queries."""
    return {
        "attendances": list(
            meeting.attendances.select_related("contact__entity", "user").order_by(
                "user_id", "contact__last_name", "contact__first_name"
            )
        ),
        "decisions": list(meeting.decisions.all()),
        "actions": list(
            meeting.actions.select_related("owner", "project", "service").order_by("due_on", "id")
        ),
        "carried_over": list(
            ActionCarryOver.objects.filter(meeting=meeting)
            .select_related("action__owner", "action__meeting", "action__project", "action__service")
            .order_by("action__due_on", "action_id")
        ),
    }


def meetings_of_committee(queryset: QuerySet[Meeting]) -> QuerySet[Meeting]:
    return queryset.annotate(
        present_count=Count("attendances", filter=Q(attendances__present=True), distinct=True),
        action_count=Count("actions", distinct=True),
    ).order_by("-scheduled_at")


def open_actions_of_committee(committee) -> QuerySet[Action]:
    return (
        Action.objects.filter(meeting__committee=committee, status=ActionStatus.OPEN)
        .select_related("owner", "meeting")
        .order_by("due_on", "id")
    )


def overdue_actions(*, on: date | None = None) -> QuerySet[Action]:
    """Open actions whose due date has passed."""
    return Action.objects.filter(status=ActionStatus.OPEN, due_on__lt=on or timezone.localdate())


def actions_for_listing() -> QuerySet[Action]:
    return Action.objects.select_related(
        "owner", "meeting__committee__directorate", "project", "service"
    ).annotate(carry_over_count=Count("carry_overs"))


def actions_of_owner(user) -> QuerySet[Action]:
    return actions_for_listing().filter(owner=user)


# --- Follow-up of contacts -----------------------------------------------------------------------


def contacts_with_follow_up() -> QuerySet[Contact]:
    """Contacts still in the company (a contact who has left is not followed up) with the date they were
    last met and the date of their next planned committee meeting."""
    return (
        Contact.objects.filter(is_active=True)
        .select_related("entity__directorate")
        .annotate(
            last_met=Max("interactions__date", filter=Q(interactions__kind__in=MET_KINDS)),
            next_meeting=Min(
                "attendances__meeting__scheduled_at",
                filter=Q(
                    attendances__meeting__status=MeetingStatus.PLANNED,
                    attendances__meeting__scheduled_at__gte=timezone.now(),
                ),
            ),
        )
    )


def not_met_since(
    queryset: QuerySet[Contact], *, months: int, today: date | None = None
) -> QuerySet[Contact]:
    """Contacts not met (committee, appointment or visit) for `months` months, never-met first."""
    cutoff = add_months(today or timezone.localdate(), -months)
    return queryset.filter(Q(last_met__lt=cutoff) | Q(last_met__isnull=True)).order_by(
        F("last_met").asc(nulls_first=True), "last_name", "first_name", "pk"
    )


@dataclass
class FollowUp:
    contact: Contact
    last_met: date | None
    due_on: date
    next_meeting: object

    @property
    def overdue(self) -> bool:
        return self.due_on < timezone.localdate()


def due_on(segment: str, last_met: date | None, today: date) -> date:
    """When a contact should next be met: last meeting + the segment's frequency; today if never met."""
    if last_met is None:
        return today
    return add_months(last_met, FOLLOW_UP_MONTHS.get(segment, 6))


def next_contacts_due(
    queryset: QuerySet[Contact], *, horizon: date, today: date | None = None
) -> list[FollowUp]:
    """Contacts who should be met by `horizon`, soonest first (overdue ones at the top).

    The database keeps only the candidates (one condition per segment); the exact due dates, which need
    calendar-month arithmetic, are then computed on those rows.
    """
    today = today or timezone.localdate()
    candidates = Q(last_met__isnull=True)
    for segment, months in FOLLOW_UP_MONTHS.items():
        candidates |= Q(
            entity__segment=segment, last_met__lte=add_months(horizon, -months) + timedelta(days=3)
        )
    rows = []
    for contact in queryset.filter(candidates):
        due = due_on(contact.entity.segment, contact.last_met, today)
        if due <= horizon:
            rows.append(FollowUp(contact, contact.last_met, due, contact.next_meeting))
    rows.sort(key=lambda row: (row.due_on, row.contact.last_name, row.contact.first_name, row.contact.pk))
    return rows


# --- Timelines -----------------------------------------------------------------------------------


@dataclass
class TimelineEvent:
    day: date
    kind: str  # meeting, interaction, project, request
    label: str
    detail: str = ""
    url: str = ""
    badge: str = ""


def _interaction_events(queryset: QuerySet[Interaction]) -> list[TimelineEvent]:
    events = []
    # A committee attendance shows as the meeting itself; other interactions show as such.
    for interaction in queryset.exclude(kind="comite", meeting__isnull=False).select_related(
        "contact", "author"
    )[:TIMELINE_LIMIT]:
        events.append(
            TimelineEvent(
                interaction.date,
                "interaction",
                f"{interaction.get_kind_display()} · {interaction.contact.full_name}",
                interaction.note,
                badge=interaction.kind,
            )
        )
    return events


def _meeting_events(attendances) -> list[TimelineEvent]:
    from django.urls import reverse

    by_meeting: dict[int, tuple[Meeting, list[str], list[str]]] = {}
    for attendance in attendances:
        entry = by_meeting.setdefault(attendance.meeting_id, (attendance.meeting, [], []))
        (entry[1] if attendance.present else entry[2]).append(attendance.contact.full_name)
    events = []
    for meeting, present, absent in by_meeting.values():
        parts = []
        if meeting.status == MeetingStatus.HELD:
            if present:
                parts.append("✔ " + ", ".join(present))
            if absent:
                parts.append("✘ " + ", ".join(absent))
        events.append(
            TimelineEvent(
                meeting.local_date,
                "meeting",
                str(meeting.committee),
                " · ".join(parts),
                reverse("committees:meeting_detail", args=[meeting.pk]),
                badge=meeting.status,
            )
        )
    return events


def _project_events(queryset: QuerySet[Project]) -> list[TimelineEvent]:
    events = []
    for project in queryset.select_related("service")[:TIMELINE_LIMIT]:
        service = f" · {project.service.title}" if project.service_id else ""
        events.append(
            TimelineEvent(
                project.created_on,
                "project",
                f"{project.code} · {project.name}",
                service.strip(" ·"),
                badge="created",
            )
        )
        if project.signed_on:
            events.append(
                TimelineEvent(
                    project.signed_on, "project", f"{project.code} · {project.name}", "", badge="signed"
                )
            )
    return events


def _survey_events(queryset) -> list[TimelineEvent]:
    """Survey answers given by named contacts; anonymous answers never appear (they could be recognised)."""
    events = []
    for answer in (
        queryset.filter(contact__isnull=False)
        .select_related("survey", "contact")
        .order_by("-answered_at")[:TIMELINE_LIMIT]
    ):
        scores = [
            f"NPS {answer.nps}" if answer.nps is not None else "",
            f"CSAT {answer.csat}/5" if answer.csat else "",
        ]
        label = " · ".join(part for part in (answer.survey.title, answer.contact.full_name, *scores) if part)
        events.append(TimelineEvent(timezone.localdate(answer.answered_at), "survey", label, answer.comment))
    return events


def _sorted(events: list[TimelineEvent]) -> list[TimelineEvent]:
    return sorted(events, key=lambda e: (e.day, e.kind), reverse=True)


def contact_timeline(contact: Contact) -> list[TimelineEvent]:
    """A contact's relationship in one list: meetings, interactions, requests and their entity's projects."""
    from committees.requests_link import request_events
    from communications.selectors import communication_events

    attendances = (
        contact.attendances.select_related("meeting__committee", "contact")
        .exclude(meeting__status=MeetingStatus.CANCELLED)
        .order_by("-meeting__scheduled_at")[:TIMELINE_LIMIT]
    )
    events = _meeting_events(attendances)
    events += _interaction_events(Interaction.objects.filter(contact=contact).order_by("-date"))
    events += _project_events(Project.objects.filter(entity_id=contact.entity_id).order_by("-created_on"))
    events += request_events(contact=contact)
    events += _survey_events(SurveyAnswer.objects.filter(contact=contact))
    events += communication_events(contact=contact)
    return _sorted(events)


def entity_timeline(entity) -> list[TimelineEvent]:
    """The same for a whole entity, over all its contacts."""
    from committees.models import Attendance
    from committees.requests_link import request_events
    from communications.selectors import communication_events

    attendances = (
        Attendance.objects.filter(contact__entity=entity)
        .exclude(meeting__status=MeetingStatus.CANCELLED)
        .select_related("meeting__committee", "contact")
        .order_by("-meeting__scheduled_at")[:TIMELINE_LIMIT]
    )
    events = _meeting_events(attendances)
    events += _interaction_events(Interaction.objects.filter(contact__entity=entity).order_by("-date"))
    events += _project_events(Project.objects.filter(entity=entity).order_by("-created_on"))
    events += request_events(entity=entity)
    events += _survey_events(SurveyAnswer.objects.filter(entity=entity))
    events += communication_events(entity=entity)
    return _sorted(events)


def projects_for_listing() -> QuerySet[Project]:
    return Project.objects.select_related("entity__directorate", "service")
