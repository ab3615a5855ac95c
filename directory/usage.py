"""Which services an entity uses, and which to suggest: those most used by entities like it.

"Like it" means the same client type and segment (the targeting of seed 003). The share of similar
entities that use a service is counted among the entities in the company today, the entity itself
excluded. Everything is read in a fixed number of queries, for one entity or for many (the committee
pack asks for a whole directorate at once).
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, QuerySet
from django.utils import timezone

from catalogue.models import ServicePage
from catalogue.selectors import offered_services
from directory.models import Entity
from kpis.coverage import active_on, entities_in_company_on
from kpis.models import Subscription

SUGGESTIONS_SHOWN = 5


@dataclass
class Suggestion:
    service: ServicePage
    users: int  # similar entities that use the service
    similar: int  # similar entities (same client type and segment, in the company, itself excluded)

    @property
    def share_pct(self) -> float:
        return round(self.users * 100 / self.similar, 1)


def subscriptions_of(entity: Entity) -> QuerySet[Subscription]:
    """Every subscription of the entity, current ones first, then ended ones, newest first."""
    return (
        Subscription.objects.filter(entity=entity)
        .select_related("service")
        .order_by("end", "-start", "service__title")
    )


def _in_company(entity: Entity, today: date) -> bool:
    return (entity.active_from is None or entity.active_from <= today) and (
        entity.active_until is None or entity.active_until > today
    )


def suggestions_for(
    entities: list[Entity], *, limit: int = SUGGESTIONS_SHOWN, today: date | None = None
) -> dict[int, list[Suggestion]]:
    """Per entity id: the offered services it does not use, most used by its similar entities first
    (ties by title). Four queries whatever the number of entities, services and subscriptions."""
    today = today or timezone.localdate()
    if not entities:
        return {}
    groups = {(e.client_type, e.segment) for e in entities}
    group_sizes = {
        (row["client_type"], row["segment"]): row["n"]
        for row in Entity.objects.filter(entities_in_company_on(today))
        .values("client_type", "segment")
        .annotate(n=Count("id"))
        .order_by()
        if (row["client_type"], row["segment"]) in groups
    }
    usage: dict[tuple[str, str], dict[int, int]] = defaultdict(dict)
    for row in (
        Subscription.objects.filter(
            active_on(today),
            entities_in_company_on(today, "entity__"),
            entity__client_type__in={g[0] for g in groups},
            entity__segment__in={g[1] for g in groups},
            service_id__in=offered_services().values("pk"),
        )
        .values("entity__client_type", "entity__segment", "service_id")
        .annotate(n=Count("entity_id", distinct=True))
        .order_by()
    ):
        usage[(row["entity__client_type"], row["entity__segment"])][row["service_id"]] = row["n"]
    used: dict[int, set[int]] = defaultdict(set)
    for entity_id, service_id in Subscription.objects.filter(
        active_on(today), entity_id__in=[e.pk for e in entities]
    ).values_list("entity_id", "service_id"):
        used[entity_id].add(service_id)
    services = offered_services().in_bulk({pk for counts in usage.values() for pk in counts})
    result = {}
    for entity in entities:
        group = (entity.client_type, entity.segment)
        similar = group_sizes.get(group, 0) - _in_company(entity, today)
        candidates = [
            Suggestion(services[service_id], users, similar)
            for service_id, users in usage.get(group, {}).items()
            if service_id not in used[entity.pk] and service_id in services and users and similar > 0
        ]
        candidates.sort(key=lambda s: (-s.users, s.service.title.lower(), s.service.pk))
        result[entity.pk] = candidates[:limit]
    return result


def suggestions_for_entity(entity: Entity, *, limit: int = SUGGESTIONS_SHOWN) -> list[Suggestion]:
    return suggestions_for([entity], limit=limit)[entity.pk]


@dataclass
class DirectorateSuggestion:
    """A service suggested to some entities of a directorate: to which, and the best share among them."""

    service: ServicePage
    entities: list[Entity]
    best_share_pct: float


def suggestions_for_directorate(
    entities: list[Entity], *, limit: int = 10, today: date | None = None
) -> list[DirectorateSuggestion]:
    """The entities' suggestions gathered by service: suggested to the most entities first."""
    by_service: dict[int, DirectorateSuggestion] = {}
    names = {entity.pk: entity for entity in entities}
    for entity_id, suggestions in suggestions_for(entities, today=today).items():
        for suggestion in suggestions:
            row = by_service.setdefault(
                suggestion.service.pk, DirectorateSuggestion(suggestion.service, [], 0.0)
            )
            row.entities.append(names[entity_id])
            row.best_share_pct = max(row.best_share_pct, suggestion.share_pct)
    rows = sorted(
        by_service.values(), key=lambda r: (-len(r.entities), -r.best_share_pct, r.service.title.lower())
    )
    return rows[:limit]
