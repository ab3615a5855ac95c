"""Reads of the communications app: listings, the plan by month, what an entity was sent."""

import datetime as dt
from collections import defaultdict

from django.db.models import QuerySet
from django.utils import timezone

from communications.models import (
    Campaign,
    Delivery,
    DeliveryStatus,
    Event,
    PlanItem,
    Registration,
    RegistrationStatus,
    Unsubscription,
)


def campaigns_for_listing() -> QuerySet[Campaign]:
    return Campaign.objects.select_related("audience", "created_by").order_by("-created_at", "-pk")


def unsubscriptions_of(contact_ids: list[int]) -> dict[int, list[str]]:
    result = defaultdict(list)
    for unsub in Unsubscription.objects.filter(contact_id__in=contact_ids):
        result[unsub.contact_id].append(unsub.get_kind_display())
    return result


def upcoming_events() -> list[Event]:
    since = timezone.now() - dt.timedelta(days=1)
    return list(
        Event.objects.filter(ends_at__gte=since).select_related("news_page").order_by("starts_at")[:100]
    )


def registrations_of(contact, event_ids: list[int]) -> dict[int, Registration]:
    if contact is None:
        return {}
    return {
        r.event_id: r
        for r in Registration.objects.filter(contact=contact, event_id__in=event_ids).exclude(
            status=RegistrationStatus.CANCELLED
        )
    }


def plan_by_month(year: int) -> list[tuple[dt.date, list[PlanItem]]]:
    """The twelve months of the year, each with its planned communications (one query)."""
    items = (
        PlanItem.objects.filter(date__year=year)
        .select_related("audience", "owner", "campaign", "event")
        .order_by("date", "pk")
    )
    by_month = defaultdict(list)
    for item in items:
        by_month[item.date.month].append(item)
    return [(dt.date(year, month, 1), by_month.get(month, [])) for month in range(1, 13)]


def entity_communications(entity, limit: int = 200) -> list[dict]:
    """What an entity's contacts were sent and attended, newest first (for the relationship timeline)."""
    rows = []
    for delivery in (
        Delivery.objects.filter(
            contact__entity=entity, status__in=[DeliveryStatus.SENT, DeliveryStatus.BOUNCED]
        )
        .select_related("campaign", "contact")
        .order_by("-sent_at")[:limit]
    ):
        rows.append(
            {
                "day": timezone.localdate(delivery.sent_at) if delivery.sent_at else None,
                "kind": "campaign",
                "label": f"{delivery.campaign.title} · {delivery.contact.full_name}",
                "badge": delivery.status,
            }
        )
    for registration in (
        Registration.objects.filter(contact__entity=entity)
        .exclude(status=RegistrationStatus.CANCELLED)
        .select_related("event", "contact")
        .order_by("-event__starts_at")[:limit]
    ):
        rows.append(
            {
                "day": timezone.localdate(registration.event.starts_at),
                "kind": "event",
                "label": f"{registration.event.title} · {registration.contact.full_name}",
                "badge": "attended" if registration.attended else registration.status,
            }
        )
    return rows
