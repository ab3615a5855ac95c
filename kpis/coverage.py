"""Coverage rates of services and the share held by mature services, computed by the database."""

import datetime as dt
from collections.abc import Iterable

from django.db.models import Count, Exists, OuterRef, Q

from directory.models import Entity
from kpis.models import Subscription

MATURE_COVERAGE_PCT = 90


def active_on(day: dt.date, prefix: str = "") -> Q:
    """Subscriptions active at `day`: start <= day < end (no end: still active)."""
    return Q(**{f"{prefix}start__lte": day}) & (
        Q(**{f"{prefix}end__isnull": True}) | Q(**{f"{prefix}end__gt": day})
    )


def entities_in_company_on(day: dt.date, prefix: str = "") -> Q:
    return (Q(**{f"{prefix}active_from__isnull": True}) | Q(**{f"{prefix}active_from__lte": day})) & (
        Q(**{f"{prefix}active_until__isnull": True}) | Q(**{f"{prefix}active_until__gt": day})
    )


def entity_count_on(day: dt.date) -> int:
    return Entity.objects.filter(entities_in_company_on(day)).count()


def subscribed_entities_by_service(day: dt.date, service_ids: Iterable[int] | None = None) -> dict[int, int]:
    """Per service: distinct entities in the company with an active subscription at `day`."""
    rows = Subscription.objects.filter(active_on(day), entities_in_company_on(day, "entity__"))
    if service_ids is not None:
        rows = rows.filter(service_id__in=list(service_ids))
    counts = rows.values("service_id").annotate(n=Count("entity_id", distinct=True)).order_by()
    return {row["service_id"]: row["n"] for row in counts}


def coverage_pct_by_service(
    day: dt.date, service_ids: Iterable[int], subscribed: dict[int, int] | None = None
) -> dict[int, float | None]:
    """Coverage rate at `day` in % for each service (0.0 without subscriptions; None if no entity at all).

    `subscribed`: `subscribed_entities_by_service(day)` when the caller already has it."""
    service_ids = list(service_ids)
    total = entity_count_on(day)
    if total == 0:
        return dict.fromkeys(service_ids)
    if subscribed is None:
        subscribed = subscribed_entities_by_service(day, service_ids)
    return {service_id: subscribed.get(service_id, 0) * 100 / total for service_id in service_ids}


def coverage_pct_by_maturity(
    days: tuple[dt.date, ...], maturities: Iterable[str]
) -> dict[tuple[dt.date, str], float | None]:
    """Usage by maturity at each of `days`: the % of the company's entities with an active subscription to
    at least one service of that maturity label (an entity counts once per label); None if no entity at
    all. Two queries whatever the number of days and labels."""
    maturities = list(maturities)
    totals = Entity.objects.aggregate(
        **{f"d{i}": Count("id", filter=entities_in_company_on(day)) for i, day in enumerate(days)}
    )
    rows = (
        Subscription.objects.filter(service__maturity__in=maturities)
        .values("service__maturity")
        .annotate(
            **{
                f"d{i}": Count(
                    "entity_id",
                    distinct=True,
                    filter=active_on(day) & entities_in_company_on(day, "entity__"),
                )
                for i, day in enumerate(days)
            }
        )
        .order_by()
    )
    counts = {row["service__maturity"]: row for row in rows}
    result: dict[tuple[dt.date, str], float | None] = {}
    for i, day in enumerate(days):
        total = totals[f"d{i}"]
        for maturity in maturities:
            n = counts.get(maturity, {}).get(f"d{i}", 0)
            result[(day, maturity)] = None if not total else n * 100 / total
    return result


def mature_share_held_by_directorate(
    start: dt.date, end: dt.date, subscribed: dict[int, int] | None = None
) -> dict[str, float | None]:
    """Renewal capacity (KPIS.md), for the company (key "__company__") and each directorate code.

    Mature services: company-wide coverage >= 90 % at `start`, whatever their maturity label. Of the
    (service, entity) pairs with an active subscription to a mature service at `start`, the % whose pair
    still has an active subscription (any one) at `end`; None where there is no such pair.
    `subscribed`: `subscribed_entities_by_service(start)` when the caller already has it.
    """
    total = entity_count_on(start)
    if total == 0:
        return {}
    if subscribed is None:
        subscribed = subscribed_entities_by_service(start)
    mature = [sid for sid, n in subscribed.items() if n * 100 >= MATURE_COVERAGE_PCT * total]
    if not mature:
        return {}
    # One row per (service, entity) pair: the pair's lowest-id subscription active at `start`.
    earlier_twin = Subscription.objects.filter(
        active_on(start),
        service_id=OuterRef("service_id"),
        entity_id=OuterRef("entity_id"),
        id__lt=OuterRef("id"),
    )
    held_at_end = Subscription.objects.filter(
        active_on(end), service_id=OuterRef("service_id"), entity_id=OuterRef("entity_id")
    )
    rows = (
        Subscription.objects.filter(active_on(start), service_id__in=mature)
        .filter(~Exists(earlier_twin))
        .annotate(held=Exists(held_at_end))
        .values("entity__directorate__code")
        .annotate(pairs=Count("id"), kept=Count("id", filter=Q(held=True)))
        .order_by()
    )
    pairs: dict[str, int] = {}
    kept: dict[str, int] = {}
    for row in rows:
        for group in ("__company__", row["entity__directorate__code"]):
            pairs[group] = pairs.get(group, 0) + row["pairs"]
            kept[group] = kept.get(group, 0) + row["kept"]
    return {group: kept[group] * 100 / pairs[group] for group in pairs if pairs[group]}
