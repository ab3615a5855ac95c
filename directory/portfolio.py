"""A relationship manager's portfolio: their directorates and entities, and where each relationship stands.

Everything is read in a fixed number of queries (aggregates and subqueries), whatever the number of
directorates, entities, requests, interactions or answers: the portfolio page asserts it.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from committees.cadence import add_months
from committees.models import MET_KINDS, Action, ActionStatus, Interaction, Meeting, MeetingStatus, Project
from committees.selectors import FOLLOW_UP_MONTHS
from directory.models import Contact, Directorate, Entity
from kpis.coverage import active_on, entities_in_company_on
from kpis.models import Subscription, SurveyAnswer
from requests_box.models import FINISHED, Request, Status

# Projects still to follow (delivered and abandoned ones are history).
LIVE_PROJECT_STATUSES = ("en_etude", "signe", "en_cours")
# How many of a directorate's open committee actions the page lists (the count is always complete).
ACTIONS_SHOWN = 10


def without_manager() -> Q:
    """Directorates nobody answers for: no active relationship manager and no active backup."""
    return (Q(relationship_manager__isnull=True) | Q(relationship_manager__is_active=False)) & (
        Q(backup_relationship_manager__isnull=True) | Q(backup_relationship_manager__is_active=False)
    )


def directorates_without_manager() -> QuerySet[Directorate]:
    return Directorate.objects.filter(without_manager()).order_by("name")


def months_between(earlier: date, later: date) -> int:
    """Whole calendar months from `earlier` to `later` (15 Jan → 14 Mar: 1; → 15 Mar: 2)."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    if later.day < earlier.day:
        months -= 1
    return max(months, 0)


@dataclass
class EntityLine:
    entity: Entity
    subscriptions: list[Subscription] = field(default_factory=list)
    open_requests: int = 0
    late_requests: int = 0
    last_met_on: date | None = None
    last_met_contact: Contact | None = None
    last_answer: SurveyAnswer | None = None
    projects: list[Project] = field(default_factory=list)
    today: date = field(default_factory=timezone.localdate)

    @property
    def rhythm_months(self) -> int:
        """How often the segment's contacts should be met (committees.selectors.FOLLOW_UP_MONTHS)."""
        return FOLLOW_UP_MONTHS.get(self.entity.segment, 6)

    @property
    def months_not_met(self) -> int | None:
        return None if self.last_met_on is None else months_between(self.last_met_on, self.today)

    @property
    def meeting_due_on(self) -> date:
        return self.today if self.last_met_on is None else add_months(self.last_met_on, self.rhythm_months)

    @property
    def not_met_in_rhythm(self) -> bool:
        """Never met, or not met within the segment's rhythm."""
        return self.last_met_on is None or self.meeting_due_on < self.today


@dataclass
class DirectorateLine:
    directorate: Directorate
    role: str  # "manager", "backup" or "standing_in" (the backup while the manager is away)
    entities: list[EntityLine] = field(default_factory=list)
    next_meeting: Meeting | None = None
    open_actions: list[Action] = field(default_factory=list)
    open_action_count: int = 0
    late_action_count: int = 0

    @property
    def open_requests(self) -> int:
        return sum(line.open_requests for line in self.entities)

    @property
    def late_requests(self) -> int:
        return sum(line.late_requests for line in self.entities)

    @property
    def not_met_count(self) -> int:
        return sum(1 for line in self.entities if line.not_met_in_rhythm)


@dataclass
class Portfolio:
    manager: object
    directorates: list[DirectorateLine]
    unassigned: list[Directorate]

    @property
    def entity_count(self) -> int:
        return sum(len(line.entities) for line in self.directorates)

    @property
    def open_requests(self) -> int:
        return sum(line.open_requests for line in self.directorates)

    @property
    def late_requests(self) -> int:
        return sum(line.late_requests for line in self.directorates)

    @property
    def not_met_count(self) -> int:
        return sum(line.not_met_count for line in self.directorates)


def _role(directorate: Directorate, user) -> str:
    if directorate.relationship_manager_id == user.pk:
        return "manager"
    manager = directorate.relationship_manager
    return "standing_in" if manager is None or not manager.is_active else "backup"


def request_counts(entity_ids: list[int], now: datetime) -> dict[int, tuple[int, int]]:
    """Per entity: (open requests, late ones). Late: open, past the deadline, clock not paused."""
    rows = (
        Request.objects.filter(entity_id__in=entity_ids)
        .exclude(status__in=FINISHED)
        .values("entity_id")
        .annotate(
            open=Count("id"),
            late=Count("id", filter=Q(deadline__lt=now) & ~Q(status=Status.WAITING_CLIENT)),
        )
        .order_by()
    )
    return {row["entity_id"]: (row["open"], row["late"]) for row in rows}


def entity_lines(entities: QuerySet[Entity], *, today: date | None = None) -> list[EntityLine]:
    """Where the relationship stands with each entity, in six queries whatever their number."""
    today = today or timezone.localdate()
    now = timezone.now()
    met = Interaction.objects.filter(contact__entity=OuterRef("pk"), kind__in=MET_KINDS).order_by(
        "-date", "-id"
    )
    answers = SurveyAnswer.objects.filter(entity=OuterRef("pk")).order_by("-answered_at", "-id")
    rows = list(
        entities.filter(entities_in_company_on(today))
        .select_related("directorate")
        .annotate(
            last_met_on=Subquery(met.values("date")[:1]),
            last_met_contact_id=Subquery(met.values("contact_id")[:1]),
            last_answer_id=Subquery(answers.values("id")[:1]),
        )
        .order_by("directorate__name", "name")
    )
    ids = [entity.pk for entity in rows]
    contacts = Contact.objects.in_bulk([e.last_met_contact_id for e in rows if e.last_met_contact_id])
    last_answers = SurveyAnswer.objects.select_related("survey").in_bulk(
        [e.last_answer_id for e in rows if e.last_answer_id]
    )
    counts = request_counts(ids, now)
    lines = {
        entity.pk: EntityLine(
            entity,
            open_requests=counts.get(entity.pk, (0, 0))[0],
            late_requests=counts.get(entity.pk, (0, 0))[1],
            last_met_on=entity.last_met_on,
            last_met_contact=contacts.get(entity.last_met_contact_id),
            last_answer=last_answers.get(entity.last_answer_id),
            today=today,
        )
        for entity in rows
    }
    for subscription in (
        Subscription.objects.filter(active_on(today), entity_id__in=ids)
        .select_related("service")
        .order_by("service__title", "start")
    ):
        lines[subscription.entity_id].subscriptions.append(subscription)
    for project in (
        Project.objects.filter(entity_id__in=ids, status__in=LIVE_PROJECT_STATUSES)
        .select_related("service")
        .order_by("-created_on", "code")
    ):
        lines[project.entity_id].projects.append(project)
    return list(lines.values())


def next_meetings(directorate_ids: list[int]) -> dict[int, Meeting]:
    """The next planned committee meeting of each directorate (one query plus one for the meetings)."""
    upcoming = Meeting.objects.filter(
        committee__directorate=OuterRef("pk"), status=MeetingStatus.PLANNED, scheduled_at__gte=timezone.now()
    ).order_by("scheduled_at", "id")
    ids = dict(
        Directorate.objects.filter(pk__in=directorate_ids)
        .annotate(next_meeting_id=Subquery(upcoming.values("id")[:1]))
        .filter(next_meeting_id__isnull=False)
        .values_list("pk", "next_meeting_id")
    )
    meetings = Meeting.objects.select_related("committee").in_bulk(list(ids.values()))
    return {directorate_id: meetings[meeting_id] for directorate_id, meeting_id in ids.items()}


def portfolio_of(user, *, today: date | None = None) -> Portfolio:
    """The directorates a relationship manager answers for (in charge or as backup), entity by entity."""
    today = today or timezone.localdate()
    directorates = list(
        Directorate.objects.filter(Q(relationship_manager=user) | Q(backup_relationship_manager=user))
        .select_related("relationship_manager", "backup_relationship_manager")
        .order_by("name")
    )
    ids = [directorate.pk for directorate in directorates]
    lines = {d.pk: DirectorateLine(d, _role(d, user)) for d in directorates}
    for line in entity_lines(Entity.objects.filter(directorate_id__in=ids), today=today):
        lines[line.entity.directorate_id].entities.append(line)
    for directorate_id, meeting in next_meetings(ids).items():
        lines[directorate_id].next_meeting = meeting
    for action in (
        Action.objects.filter(meeting__committee__directorate_id__in=ids, status=ActionStatus.OPEN)
        .select_related("owner", "meeting__committee")
        .order_by("due_on", "id")
    ):
        line = lines[action.meeting.committee.directorate_id]
        line.open_action_count += 1
        line.late_action_count += action.due_on < today
        if len(line.open_actions) < ACTIONS_SHOWN:
            line.open_actions.append(action)
    return Portfolio(user, list(lines.values()), list(directorates_without_manager()))
