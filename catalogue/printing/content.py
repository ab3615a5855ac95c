"""What the printed documents show: published content only, read in a fixed number of queries."""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Prefetch
from django.http import Http404
from wagtail.models import Page

from catalogue import selectors
from catalogue.models import (
    CatalogueIndexPage,
    FamilyPage,
    ServiceBenefit,
    ServicePage,
    ServiceStrongPoint,
    SynopsisPage,
)


@dataclass
class Chapter:
    family: FamilyPage
    services: list[ServicePage] = field(default_factory=list)


def _with_details(queryset):
    return queryset.select_related("product_manager").prefetch_related(
        Prefetch("benefits", queryset=ServiceBenefit.objects.order_by("sort_order")),
        Prefetch("strong_points", queryset=ServiceStrongPoint.objects.order_by("sort_order")),
    )


def common() -> dict:
    index = selectors.catalogue_index()
    return {
        "index": index,
        "mailbox": settings.MAILBOX_ADDRESS,
        "site_name": "Relais DSI",
    }


def chapters(index: CatalogueIndexPage | None) -> list[Chapter]:
    """Live families in tree order, each with its live services (by title), details prefetched."""
    if index is None:
        return []
    by_path = {family.path: Chapter(family) for family in selectors.live_families(index)}
    services = _with_details(ServicePage.objects.live().descendant_of(index)).order_by("title")
    for service in services:
        chapter = by_path.get(service.path[: -Page.steplen])
        if chapter is not None:
            service.print_family = chapter.family
            chapter.services.append(service)
    return [chapter for chapter in by_path.values() if chapter.services]


def catalogue_context() -> dict:
    context = common()
    index = context["index"]
    context["chapters"] = chapters(index)
    context["synopsis"] = selectors.synopsis(index)
    context["synopsis_page"] = SynopsisPage.objects.live().child_of(index).first() if index else None
    services = [service for chapter in context["chapters"] for service in chapter.services]
    context["services_index"] = sorted(services, key=lambda s: s.title.lower())
    context["service_count"] = len(services)
    return context


def poster_context() -> dict:
    context = common()
    index = context["index"]
    context["synopsis"] = [offer for offer in selectors.synopsis(index) if offer.services]
    context["synopsis_page"] = SynopsisPage.objects.live().child_of(index).first() if index else None
    context["service_count"] = sum(len(offer.services) for offer in context["synopsis"])
    return context


def leaflet_context() -> dict:
    context = common()
    context["families"] = selectors.families_with_counts(context["index"]) if context["index"] else []
    context["service_count"] = sum(family.service_count for family in context["families"])
    return context


def published_service(code: str) -> ServicePage:
    """The live service with that code, its family live too; 404 otherwise."""
    service = _with_details(ServicePage.objects.live()).filter(code=code).first()
    family = service.get_parent().specific if service else None
    if service is None or not isinstance(family, FamilyPage) or not family.live:
        raise Http404
    service.print_family = family
    return service


def draft_service(code: str) -> ServicePage:
    """The latest revision of the service (published or not), for an editor's preview."""
    page = ServicePage.objects.filter(code=code).first()
    if page is None:
        raise Http404
    service = page.get_latest_revision_as_object()
    service.print_family = page.get_parent().specific
    return service


def sheet_context(service: ServicePage, draft: bool = False) -> dict:
    context = common()
    context["service"] = service
    context["family"] = service.print_family
    context["draft"] = draft
    context["related"] = selectors.related_services(service) if not draft else []
    return context
