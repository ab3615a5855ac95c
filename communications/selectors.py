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


def communication_events(*, entity=None, contact=None, limit: int = 200) -> list:
    """What an entity's contacts (or one contact) were sent, for the relationship timeline; what they
    attended shows there already as the interactions recorded with the attendance."""
    from committees.selectors import TimelineEvent

    deliveries = Delivery.objects.filter(status__in=[DeliveryStatus.SENT, DeliveryStatus.BOUNCED])
    deliveries = (
        deliveries.filter(contact=contact)
        if contact is not None
        else deliveries.filter(contact__entity=entity)
    )
    by_campaign: dict[int, tuple] = {}
    for delivery in deliveries.select_related("campaign", "contact").order_by("-sent_at")[:limit]:
        entry = by_campaign.setdefault(delivery.campaign_id, (delivery.campaign, delivery.sent_at, []))
        entry[2].append(delivery.contact.full_name)
    return [
        TimelineEvent(
            timezone.localdate(sent_at) if sent_at else timezone.localdate(),
            "communication",
            campaign.title,
            ", ".join(names),
        )
        for campaign, sent_at, names in by_campaign.values()
    ]


def communication_summary(start_at: dt.datetime, end_at: dt.datetime) -> dict:
    """The CIO dashboard's communication section for a period: campaigns queued in it with their
    measures, events held in it with registrations and attendance (a constant number of queries)."""
    from communications.events import event_measures
    from communications.services import campaign_measures

    campaigns = list(
        Campaign.objects.filter(queued_at__gte=start_at, queued_at__lt=end_at).order_by("-queued_at")[:50]
    )
    measures = campaign_measures([c.pk for c in campaigns])
    held = list(
        Event.objects.filter(starts_at__gte=start_at, starts_at__lt=end_at).order_by("starts_at")[:50]
    )
    attendance = event_measures([e.pk for e in held])
    totals = {
        key: sum(m[key] for m in measures.values())
        for key in ("total", "delivered", "bounced", "clicks", "unsubscribed")
    }
    return {
        "campaigns": [(c, measures[c.pk]) for c in campaigns],
        "events": [(e, attendance[e.pk]) for e in held],
        "totals": totals,
    }
