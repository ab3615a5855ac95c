"""Reads of the functional mailbox, with the visibility rule in one place.

Who may read a request (`requests_visible_to`) and who may work it (`can_work`) are decided here and
nowhere else: the views, the exports and the other apps' links all go through these two.
"""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from directory.roles import CIO, PRODUCT_MANAGERS, RELATIONSHIP_MANAGERS, has_role
from directory.selectors import contact_for_user
from requests_box.models import (
    FINISHED,
    Direction,
    IgnoredMessage,
    Kind,
    Message,
    PreventiveAction,
    QuarantinedMessage,
    QuarantineStatus,
    Request,
    Status,
    Team,
)

# A resolved request may be reopened by its client during this many days.
REOPEN_DAYS = 30


def can_manage_mailbox(user) -> bool:
    return has_role(user, RELATIONSHIP_MANAGERS)


def reads_every_request(user) -> bool:
    """Relationship managers (who work them all) and the CIO (read-only) read every request."""
    return has_role(user, RELATIONSHIP_MANAGERS, CIO)


def reads_complaint_tables(user) -> bool:
    """The complaint tables and the preventive-action register: relationship managers, and general
    management (the CIO) who follows them (complaint method, phases 5 and 6)."""
    return has_role(user, RELATIONSHIP_MANAGERS, CIO)


def team_ids_of(user) -> frozenset[int]:
    """The teams a user belongs to (one query, remembered on the user object for the request)."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_request_team_ids", None)
    if cached is None:
        cached = frozenset(Team.objects.filter(members=user).values_list("pk", flat=True))
        user._request_team_ids = cached
    return cached


def _my_teams(user):
    # A subquery, not a join: a request counts once whatever the number of its team's members.
    return Team.objects.filter(members=user).values("pk")


def requests_visible_to(user) -> QuerySet[Request]:
    """Every request the user may read.

    - relationship managers and the CIO: every request (the CIO only reads);
    - whoever a request is assigned to, personally or through one of their teams, and the team or person
      a complaint was forwarded to or sent a copy of its answer;
    - a product manager: every request (complaints included) about the services they manage, read-only;
    - a business user: their own requests; a directorate correspondent: their directorate's.
    Nobody else's."""
    base = Request.objects.select_related("service", "entity__directorate", "contact")
    if not getattr(user, "is_authenticated", False):
        return base.none()
    if reads_every_request(user):
        return base
    teams = _my_teams(user)
    rule = (
        _client_rule(user)
        | Q(assignee=user)
        | Q(team__in=teams)
        | Q(forwarded_user=user)
        | Q(forwarded_team__in=teams)
    )
    if has_role(user, PRODUCT_MANAGERS):
        rule |= Q(service__product_manager=user)
    return base.filter(rule)


def _client_rule(user) -> Q:
    """The requests a user reads as a client: their own, and their directorate's for a correspondent."""
    rule = Q(submitted_by=user) | Q(contact__user=user)
    contact = contact_for_user(user)
    if contact is not None:
        rule |= Q(contact=contact)
        if contact.is_correspondent:
            rule |= Q(entity__directorate_id=contact.entity.directorate_id)
    return rule


def requests_of_client(user) -> QuerySet[Request]:
    """ "My requests": what the user asked as a client (or their directorate's, for a correspondent);
    relationship managers and the CIO list every request there. Work given to them is elsewhere."""
    if reads_every_request(user) or not getattr(user, "is_authenticated", False):
        return requests_visible_to(user)
    return Request.objects.select_related("service", "entity__directorate", "contact").filter(
        _client_rule(user)
    )


def can_work(user, request: Request) -> bool:
    """May the user work the request (qualify, answer, note, wait for the client, resolve)?

    Relationship managers work every request; anyone else only the requests assigned to them or to one
    of their teams. Reading (the CIO, a product manager about their services) is not working."""
    if not getattr(user, "is_authenticated", False):
        return False
    if can_manage_mailbox(user):
        return True
    if request.assignee_id is not None and request.assignee_id == user.pk:
        return True
    return request.team_id is not None and request.team_id in team_ids_of(user)


def is_requester(user, request: Request) -> bool:
    """The client who made the request (not a correspondent reading it): may write, cancel, reopen."""
    if not getattr(user, "is_authenticated", False):
        return False
    if request.submitted_by_id == user.pk:
        return True
    contact = contact_for_user(user)
    return contact is not None and request.contact_id == contact.pk


@dataclass(frozen=True)
class RequestAccess:
    """What one user may do on one request; the views and templates read it, never the roles."""

    request: Request
    manager: bool  # relationship manager: everything, assignment and complaint phases included
    works: bool  # qualify, reply, note, status
    dsi: bool  # sees the internal side: notes, routing, assignment, complaint codification
    requester: bool  # the client: add a message, cancel, reopen

    @property
    def read_only(self) -> bool:
        return not self.works and not self.requester


def access_to(user, request: Request) -> RequestAccess:
    manager = can_manage_mailbox(user)
    works = can_work(user, request)
    dsi = (
        works
        or reads_every_request(user)
        or (
            request.service_id is not None
            and has_role(user, PRODUCT_MANAGERS)
            and request.service.product_manager_id == user.pk
        )
        or request.forwarded_user_id == user.pk
        or (request.forwarded_team_id is not None and request.forwarded_team_id in team_ids_of(user))
    )
    return RequestAccess(request, manager, works, dsi, is_requester(user, request))


def may_reopen(request: Request, now: dt.datetime | None = None) -> bool:
    """A resolved (or closed) request may be reopened by its client within REOPEN_DAYS of its resolution."""
    if request.status not in (Status.RESOLVED, Status.CLOSED) or request.resolved_at is None:
        return False
    now = now or timezone.now()
    return now - request.resolved_at <= dt.timedelta(days=REOPEN_DAYS)


def reopen_until(request: Request) -> dt.datetime | None:
    if request.resolved_at is None:
        return None
    return request.resolved_at + dt.timedelta(days=REOPEN_DAYS)


def access_request(user, reference: str) -> Request:
    """The request if the user may see it; 404 otherwise (its existence is not revealed)."""
    request = (
        requests_visible_to(user)
        .select_related("assignee", "team", "cause", "forwarded_team", "forwarded_user", "related_to")
        .filter(reference=reference)
        .first()
    )
    if request is None:
        raise Http404
    return request


def messages_of(request: Request, *, include_notes: bool = False) -> QuerySet[Message]:
    messages = request.messages.select_related("author").prefetch_related("attachments")
    if not include_notes:
        messages = messages.exclude(direction=Direction.NOTE)
    return messages.order_by("sent_at", "pk")


CLIENT_EVENTS = ("created", "reply", "acknowledged", "answered", "status")


THREAD_LATEST = 150


@dataclass(frozen=True)
class Thread:
    items: list[tuple[str, object]]  # ("message", Message) or ("event", RequestEvent), oldest first
    earlier: int  # how many older items are not shown


def thread_of(request: Request, *, dsi: bool, latest: int | None = THREAD_LATEST) -> Thread:
    """The conversation: messages (and, for the DSI, internal notes) and history events, in time order.
    The latest `latest` items only (None: all), so that a very long thread still opens at once; five
    queries whatever its length."""
    messages = messages_of(request, include_notes=dsi)
    events = events_of(request, include_internal=dsi)
    if latest is not None:
        total = messages.count() + events.count()
        messages = reversed(list(messages.order_by("-sent_at", "-pk")[:latest]))
        events = reversed(list(events.order_by("-at", "-pk")[:latest]))
    items = [("message", m) for m in messages] + [("event", e) for e in events]
    # Messages before events at the same instant: the creation event follows its first message.
    items.sort(key=lambda item: (item[1].sent_at if item[0] == "message" else item[1].at, item[0] == "event"))
    if latest is None:
        return Thread(items, 0)
    return Thread(items[-latest:], total - len(items[-latest:]))


def events_of(request: Request, *, include_internal: bool = True):
    """The history; the client sees only what concerns them (no notes, routing, assignment)."""
    events = request.events.select_related("actor").order_by("at", "pk")
    if not include_internal:
        events = events.filter(kind__in=CLIENT_EVENTS)
    return events


def web_requests_since(user, since: dt.datetime) -> int:
    return Request.objects.filter(submitted_by=user, channel="web", created__gte=since).count()


def recent_web_requests(user) -> int:
    return web_requests_since(user, timezone.now() - dt.timedelta(hours=1))


def unknown_sender_requests() -> QuerySet[Request]:
    return Request.objects.filter(entity__isnull=True).select_related("service").order_by("-received_at")


def pending_quarantine() -> QuerySet[QuarantinedMessage]:
    return QuarantinedMessage.objects.filter(status=QuarantineStatus.PENDING)


def quarantined_messages() -> QuerySet[QuarantinedMessage]:
    return QuarantinedMessage.objects.select_related("request", "handled_by")


def ignored_messages() -> QuerySet[IgnoredMessage]:
    return IgnoredMessage.objects.all()


# Complaints whose client is to be called back and has not been yet (phase 4 of the complaint method).
CALLBACK_DUE = Q(
    kind=Kind.RECLAMATION,
    callback_due__isnull=False,
    satisfaction_checked_at__isnull=True,
    status__in=[Status.RESOLVED, Status.CLOSED],
)


def mailbox_counts() -> dict[str, int]:
    counts = Request.objects.aggregate(
        total=Count("pk"),
        unknown=Count("pk", filter=Q(entity__isnull=True)),
        new=Count("pk", filter=Q(status="new")),
        callbacks=Count("pk", filter=CALLBACK_DUE),
    )
    counts["quarantine"] = pending_quarantine().count()
    counts["ignored"] = IgnoredMessage.objects.count()
    return counts


# -- the triage screen

OPEN_EXCLUDED = tuple(str(s) for s in FINISHED)
QUEUES = ("open", "mine", "teams", "unassigned", "soon", "complaints", "unknown", "all")


def triage_queryset(user, queue: str, now: dt.datetime | None = None) -> QuerySet[Request]:
    """The requests of one queue of the triage screen."""
    now = now or timezone.now()
    base = Request.objects.select_related("service", "entity__directorate", "assignee", "team", "related_to")
    open_ = base.exclude(status__in=OPEN_EXCLUDED)
    if queue == "all":
        return base
    if queue == "mine":
        return open_.filter(assignee=user)
    if queue == "teams":
        return open_.filter(team__in=_my_teams(user))
    if queue == "unassigned":
        return open_.filter(assignee__isnull=True, team__isnull=True)
    if queue == "soon":
        return open_.exclude(status="waiting_client").filter(warning_at__lte=now)
    if queue == "complaints":
        return base.filter(kind="reclamation").exclude(status__in=["closed", "cancelled"])
    if queue == "unknown":
        return open_.filter(entity__isnull=True)
    return open_


def queue_counts(user, now: dt.datetime | None = None) -> dict[str, int]:
    """Every queue's size in one query (plus one for the quarantine)."""
    now = now or timezone.now()
    is_open = ~Q(status__in=OPEN_EXCLUDED)
    counts = Request.objects.aggregate(
        all=Count("pk"),
        open=Count("pk", filter=is_open),
        mine=Count("pk", filter=is_open & Q(assignee=user)),
        teams=Count("pk", filter=is_open & Q(team__in=_my_teams(user))),
        unassigned=Count("pk", filter=is_open & Q(assignee__isnull=True, team__isnull=True)),
        soon=Count("pk", filter=is_open & ~Q(status="waiting_client") & Q(warning_at__lte=now)),
        complaints=Count("pk", filter=Q(kind="reclamation") & ~Q(status__in=["closed", "cancelled"])),
        unknown=Count("pk", filter=is_open & Q(entity__isnull=True)),
    )
    counts["quarantine"] = pending_quarantine().count()
    return counts


def client_history(request: Request, limit: int = 20) -> QuerySet[Request]:
    """The client's other requests (same entity, else same address), for phase 2 of a complaint."""
    if request.entity_id:
        others = Request.objects.filter(entity_id=request.entity_id)
    elif request.sender_email:
        others = Request.objects.filter(sender_email=request.sender_email)
    else:
        return Request.objects.none()
    return others.exclude(pk=request.pk).select_related("service").order_by("-received_at")[:limit]


def preventive_actions_of(complaint: Request) -> QuerySet[PreventiveAction]:
    """The preventive actions this complaint motivated (phase 6), newest first."""
    return complaint.preventive_actions.select_related("owner").order_by("-decided_on", "-pk")


def preventive_actions() -> QuerySet[PreventiveAction]:
    """The register of preventive actions, each with the complaints that motivated it (two queries)."""
    complaints = Request.objects.select_related("cause", "entity__directorate").order_by("received_at", "pk")
    return (
        PreventiveAction.objects.select_related("owner")
        .prefetch_related(Prefetch("complaints", queryset=complaints))
        .order_by("done", "-decided_on", "-pk")
    )


# -- the assignees' queues (/demandes/a-traiter/)

WORK_QUEUES = ("mine", "teams", "services", "done")


def assignable_users() -> QuerySet:
    """Whom a request can be given to: relationship managers, product managers and the members of the
    DSI's active teams (technicians, developers…)."""
    in_team = Team.objects.filter(active=True, members=OuterRef("pk"))
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(groups__name__in=[RELATIONSHIP_MANAGERS, PRODUCT_MANAGERS]) | Q(Exists(in_team)))
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def has_work_queue(user) -> bool:
    """Shows "Requests to handle" to whoever requests can be given to: relationship and product managers,
    and the members of the DSI's teams (one small query for the last, remembered for the request)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if has_role(user, RELATIONSHIP_MANAGERS, PRODUCT_MANAGERS):
        return True
    return bool(team_ids_of(user))


def work_queryset(user, queue: str) -> QuerySet[Request]:
    """One queue of an assignee: open requests given to them ("mine") or to their teams ("teams"),
    every request about the services they manage ("services", read-only), what they resolved ("done")."""
    base = Request.objects.select_related("service", "entity__directorate", "assignee", "team", "related_to")
    open_ = base.exclude(status__in=OPEN_EXCLUDED)
    if queue == "teams":
        return open_.filter(team__in=_my_teams(user))
    if queue == "services":
        return base.filter(service__product_manager=user)
    if queue == "done":
        return base.filter(Q(assignee=user) | Q(team__in=_my_teams(user)), status__in=OPEN_EXCLUDED)
    return open_.filter(assignee=user)


def work_counts(user, now: dt.datetime | None = None) -> dict[str, int]:
    """The size of each queue, and how many of "mine" are late or at 75 %, in one query."""
    now = now or timezone.now()
    is_open = ~Q(status__in=OPEN_EXCLUDED)
    mine = is_open & Q(assignee=user)
    running = ~Q(status=Status.WAITING_CLIENT)
    return Request.objects.aggregate(
        mine=Count("pk", filter=mine),
        teams=Count("pk", filter=is_open & Q(team__in=_my_teams(user))),
        services=Count("pk", filter=Q(service__product_manager=user)),
        done=Count("pk", filter=~is_open & (Q(assignee=user) | Q(team__in=_my_teams(user)))),
        late=Count("pk", filter=mine & running & Q(deadline__lte=now)),
        soon=Count("pk", filter=mine & running & Q(warning_at__lte=now, deadline__gt=now)),
    )


def survey_answers_about_services_of(user):
    """Named answers to the post-request survey about the services a product manager manages."""
    from kpis.models import SurveyAnswer

    return (
        SurveyAnswer.objects.filter(request__service__product_manager=user)
        .select_related("request__service", "contact", "entity__directorate", "survey")
        .order_by("-answered_at", "-pk")
    )


def survey_answers_of(request: Request):
    from kpis.models import SurveyAnswer

    return SurveyAnswer.objects.filter(request=request).select_related("survey").order_by("answered_at")


# -- complaints: the call-back queue (phase 4)


def callbacks() -> QuerySet[Request]:
    """Resolved complaints whose client is to be called back (15 days after resolution) and has not
    been yet, soonest first."""
    return (
        Request.objects.filter(CALLBACK_DUE)
        .select_related("entity__directorate", "assignee", "contact", "cause")
        .order_by("callback_due", "pk")
    )
