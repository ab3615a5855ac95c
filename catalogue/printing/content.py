"""What the printed documents show: published content, or for editors' draft previews the latest
revisions (drafts included); read in a fixed number of queries."""

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q
from django.http import Http404
from wagtail.models import Page, Revision

from catalogue import selectors
from catalogue.models import (
    CatalogueIndexPage,
    FamilyPage,
    Maturity,
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
    services = _with_details(selectors.offered_services().descendant_of(index)).order_by("title")
    for service in services:
        chapter = by_path.get(service.path[: -Page.steplen])
        if chapter is not None:
            service.print_family = chapter.family
            chapter.services.append(service)
    return [chapter for chapter in by_path.values() if chapter.services]


# --- Draft previews: the catalogue as it would print if editors published their pending changes. ----

# Live pages and pages never published yet; a page withdrawn (unpublished) after publication stays out.
IN_DRAFT_PREVIEW = Q(live=True) | Q(first_published_at__isnull=True)


@dataclass
class DraftOffer:
    index: CatalogueIndexPage | None
    chapters: list[Chapter]  # every family of the preview, with or without services
    synopsis_page: SynopsisPage | None


def _latest_revisions(pages) -> list[Page]:
    """Each page as its latest revision (one query for all the revisions).

    Tree fields and `live` stay those of the page; unlike `get_latest_revision_as_object()`, no
    query per page (parent lookup, foreign key checks).
    """
    pages = list(pages)
    ids = [page.latest_revision_id for page in pages if page.latest_revision_id]
    contents = dict(Revision.objects.filter(pk__in=ids).values_list("pk", "content")) if ids else {}
    latest = []
    for page in pages:
        content = contents.get(page.latest_revision_id)
        if content is None:  # created without a revision: the row is the latest state
            latest.append(page)
            continue
        revision = type(page).from_serializable_data(content, check_fks=False)
        revision.pk = revision.id = page.pk
        revision.path, revision.depth, revision.numchild = page.path, page.depth, page.numchild
        revision.url_path, revision.live = page.url_path, page.live
        revision.first_published_at = page.first_published_at
        latest.append(revision)
    return latest


def _attach_product_managers(services: list[ServicePage]) -> None:
    ids = {service.product_manager_id for service in services if service.product_manager_id}
    users = get_user_model().objects.in_bulk(ids) if ids else {}
    for service in services:
        service.product_manager = users.get(service.product_manager_id)


def draft_offer() -> DraftOffer:
    """Families and services of the catalogue at their latest revisions, drafts included: 5 queries."""
    index = selectors.catalogue_index()
    if index is None:
        return DraftOffer(None, [], None)
    index = _latest_revisions([index])[0]
    families = _latest_revisions(FamilyPage.objects.child_of(index).filter(IN_DRAFT_PREVIEW).order_by("path"))
    by_path = {family.path: Chapter(family) for family in families}
    services = _latest_revisions(ServicePage.objects.descendant_of(index).filter(IN_DRAFT_PREVIEW))
    # A service retired in its latest revision would leave every printed document on publication.
    services = [service for service in services if service.maturity != Maturity.RETIRE]
    _attach_product_managers(services)
    for service in sorted(services, key=lambda s: s.title.lower()):
        chapter = by_path.get(service.path[: -Page.steplen])
        if chapter is not None:
            service.print_family = chapter.family
            chapter.services.append(service)
    synopsis_pages = _latest_revisions(
        SynopsisPage.objects.child_of(index).filter(IN_DRAFT_PREVIEW).order_by("path")[:1]
    )
    return DraftOffer(index, list(by_path.values()), synopsis_pages[0] if synopsis_pages else None)


def _draft_common(offer: DraftOffer) -> dict:
    return {**common(), "index": offer.index, "draft": True}


def _draft_synopsis(offer: DraftOffer) -> list[selectors.FamilyOffer]:
    return [selectors.FamilyOffer(chapter.family, list(chapter.services)) for chapter in offer.chapters]


# --- Contexts of the shared documents ----------------------------------------------------------------


def catalogue_context(draft: bool = False) -> dict:
    if draft:
        offer = draft_offer()
        context = _draft_common(offer)
        context["chapters"] = [chapter for chapter in offer.chapters if chapter.services]
        context["synopsis"] = _draft_synopsis(offer)
        context["synopsis_page"] = offer.synopsis_page
    else:
        context = common()
        index = context["index"]
        context["chapters"] = chapters(index)
        context["synopsis"] = selectors.synopsis(index)
        context["synopsis_page"] = SynopsisPage.objects.live().child_of(index).first() if index else None
    services = [service for chapter in context["chapters"] for service in chapter.services]
    context["services_index"] = sorted(services, key=lambda s: s.title.lower())
    context["service_count"] = len(services)
    return context


def poster_context(draft: bool = False) -> dict:
    if draft:
        offer = draft_offer()
        context = _draft_common(offer)
        context["synopsis"] = [family for family in _draft_synopsis(offer) if family.services]
        context["synopsis_page"] = offer.synopsis_page
    else:
        context = common()
        index = context["index"]
        context["synopsis"] = [offer for offer in selectors.synopsis(index) if offer.services]
        context["synopsis_page"] = SynopsisPage.objects.live().child_of(index).first() if index else None
    context["service_count"] = sum(len(offer.services) for offer in context["synopsis"])
    return context


def leaflet_context(draft: bool = False) -> dict:
    if draft:
        offer = draft_offer()
        context = _draft_common(offer)
        context["families"] = [chapter.family for chapter in offer.chapters]
        for chapter in offer.chapters:
            chapter.family.service_count = len(chapter.services)
    else:
        context = common()
        context["families"] = selectors.families_with_counts(context["index"]) if context["index"] else []
    context["service_count"] = sum(family.service_count for family in context["families"])
    return context


def published_service(code: str) -> ServicePage:
    """The offered service with that code (published, not retired), its family live too; 404 otherwise."""
    service = _with_details(selectors.offered_services()).filter(code=code).first()
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
    if service.maturity == Maturity.RETIRE:
        raise Http404
    service.print_family = page.get_parent().specific
    return service


def sheet_context(service: ServicePage, draft: bool = False) -> dict:
    context = common()
    context["service"] = service
    context["family"] = service.print_family
    context["draft"] = draft
    context["related"] = selectors.related_services(service) if not draft else []
    return context
