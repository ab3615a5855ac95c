"""Reads of the functional mailbox, with the visibility rule in one place."""

import datetime as dt

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from directory.roles import RELATIONSHIP_MANAGERS, has_role
from directory.selectors import contact_for_user
from requests_box.models import (
    Direction,
    IgnoredMessage,
    Message,
    PreventiveAction,
    QuarantinedMessage,
    QuarantineStatus,
    Request,
)


def can_manage_mailbox(user) -> bool:
    return has_role(user, RELATIONSHIP_MANAGERS)


def requests_visible_to(user) -> QuerySet[Request]:
    """Relationship managers see every request; a business user their own; a correspondent their
    directorate's. Nobody else's."""
    base = Request.objects.select_related("service", "entity__directorate", "contact")
    if not getattr(user, "is_authenticated", False):
        return base.none()
    if can_manage_mailbox(user):
        return base
    rule = Q(submitted_by=user) | Q(contact__user=user)
    contact = contact_for_user(user)
    if contact is not None:
        rule |= Q(contact=contact)
        if contact.is_correspondent:
            rule |= Q(entity__directorate_id=contact.entity.directorate_id)
    return base.filter(rule)


def access_request(user, reference: str) -> Request:
    """The request if the user may see it; 404 otherwise (its existence is not revealed)."""
    request = requests_visible_to(user).filter(reference=reference).first()
    if request is None:
        raise Http404
    return request


def messages_of(request: Request, *, include_notes: bool = False) -> QuerySet[Message]:
    messages = request.messages.prefetch_related("attachments")
    if not include_notes:
        messages = messages.exclude(direction=Direction.NOTE)
    return messages.order_by("sent_at", "pk")


CLIENT_EVENTS = ("created", "reply", "acknowledged", "answered", "status")


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


def mailbox_counts() -> dict[str, int]:
    counts = Request.objects.aggregate(
        total=Count("pk"),
        unknown=Count("pk", filter=Q(entity__isnull=True)),
        new=Count("pk", filter=Q(status="new")),
    )
    counts["quarantine"] = pending_quarantine().count()
    counts["ignored"] = IgnoredMessage.objects.count()
    return counts


# -- the triage screen

OPEN_EXCLUDED = ("resolved", "closed")
QUEUES = ("open", "mine", "teams", "unassigned", "soon", "complaints", "unknown", "all")


def _my_teams(user):
    # A subquery, not a join: a request counts once whatever the number of its team's members.
    from requests_box.models import Team

    return Team.objects.filter(members=user).values("pk")


def triage_queryset(user, queue: str, now: dt.datetime | None = None) -> QuerySet[Request]:
    """The requests of one queue of the triage screen."""
    now = now or timezone.now()
    base = Request.objects.select_related("service", "entity__directorate", "assignee", "team")
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
        return base.filter(kind="reclamation").exclude(status="closed")
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
        complaints=Count("pk", filter=Q(kind="reclamation") & ~Q(status="closed")),
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
