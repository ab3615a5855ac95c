"""Reads of the catalogue, each in a fixed number of queries whatever the number of services."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from wagtail.models import Page

from catalogue.models import (
    CatalogueIndexPage,
    CatalogueNewsPage,
    FamilyPage,
    Maturity,
    ServiceBenefit,
    ServicePage,
    SynopsisPage,
)


class LazyValue(SimpleLazyObject):
    """A context value computed only if the template uses it (a cached fragment does not)."""


def catalogue_version() -> str:
    """Changes whenever a page is published, unpublished, added or deleted: the key of cached fragments."""
    stats = Page.objects.aggregate(
        published=Max("last_published_at"),
        revised=Max("latest_revision_created_at"),
        live=Count("pk", filter=Q(live=True)),
        total=Count("pk"),
    )
    published = stats["published"].timestamp() if stats["published"] else 0
    revised = stats["revised"].timestamp() if stats["revised"] else 0
    return f"{published:.6f}-{revised:.6f}-{stats['live']}-{stats['total']}"


def offered_services() -> QuerySet[ServicePage]:
    """The services the catalogue offers: published and not retired (a retired service is hidden from
    the web catalogue, search, suggestions and every printed document)."""
    return ServicePage.objects.live().exclude(maturity=Maturity.RETIRE)


def retired_services() -> QuerySet[ServicePage]:
    """Every retired service, published or not: what the editors' listing shows as retired."""
    return ServicePage.objects.filter(maturity=Maturity.RETIRE).order_by("title")


def catalogue_index() -> CatalogueIndexPage | None:
    return CatalogueIndexPage.objects.live().first()


def live_families(index: Page | None = None) -> QuerySet[FamilyPage]:
    families = FamilyPage.objects.live()
    if index is not None:
        families = families.child_of(index)
    return families.order_by("path")


def _family_path(service: Page) -> str:
    return service.path[: -Page.steplen]


def families_with_counts(index: Page) -> list[FamilyPage]:
    """Live families of the index, each with `service_count` (its live services): two queries."""
    families = list(live_families(index))
    counts: dict[str, int] = defaultdict(int)
    for path in offered_services().descendant_of(index).values_list("path", flat=True):
        counts[path[: -Page.steplen]] += 1
    for family in families:
        family.service_count = counts[family.path]
    return families


def services_for_listing(queryset: QuerySet[ServicePage] | None = None) -> QuerySet[ServicePage]:
    """Offered services with what a list shows (benefits' needs, product manager) prefetched."""
    queryset = offered_services() if queryset is None else queryset
    return queryset.select_related("product_manager").prefetch_related(
        Prefetch("benefits", queryset=ServiceBenefit.objects.order_by("sort_order"))
    )


def attach_families(services, families: list[FamilyPage] | None = None) -> list[ServicePage]:
    """Set `listing_family` on each service from one query on families (instead of one per service)."""
    services = list(services)
    if families is None:
        families = list(FamilyPage.objects.live())
    by_path = {family.path: family for family in families}
    for service in services:
        service.listing_family = by_path.get(_family_path(service))
    return services


def services_of_family(family: FamilyPage) -> list[ServicePage]:
    services = services_for_listing(offered_services().child_of(family).order_by("title"))
    return attach_families(services, [family])


def related_services(service: ServicePage) -> list[ServicePage]:
    ids = [relation.service_id for relation in service.related_services.all()]
    if not ids:
        return []
    related = {page.pk: page for page in offered_services().filter(pk__in=ids)}
    return [related[pk] for pk in ids if pk in related]


def latest_news(index: Page, limit: int = 4) -> dict[str, list[CatalogueNewsPage]]:
    """Upcoming events (soonest first) and recent news (newest first)."""
    today = timezone.localdate()
    pages = CatalogueNewsPage.objects.live().child_of(index)
    return {
        "events": list(pages.filter(kind="event", date__gte=today).order_by("date")[:limit]),
        "news": list(pages.filter(kind="news").order_by("-date")[:limit]),
    }


def synopsis_page(index: Page) -> SynopsisPage | None:
    return SynopsisPage.objects.live().child_of(index).first()


@dataclass
class FamilyOffer:
    family: FamilyPage
    services: list[ServicePage] = field(default_factory=list)


def synopsis(index: Page | None) -> list[FamilyOffer]:
    """The whole live offer by family, in tree order: two queries."""
    if index is None:
        return []
    offers = {family.path: FamilyOffer(family) for family in live_families(index)}
    services = (
        offered_services()
        .descendant_of(index)
        .order_by("path")
        .only("pk", "path", "title", "url_path", "promise", "maturity", "code", "depth")
    )
    for service in services:
        offer = offers.get(_family_path(service))
        if offer:
            offer.services.append(service)
    for offer in offers.values():
        offer.services.sort(key=lambda s: s.title.lower())
    return list(offers.values())
