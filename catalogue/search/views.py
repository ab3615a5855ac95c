"""The search pages: results (never a dead end), suggestions as you type, and what people searched."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from catalogue import selectors, services
from catalogue.links import NEW_REQUEST_PATH
from catalogue.models import FamilyPage
from catalogue.search import analytics, closest, search, suggest
from catalogue.search.cards import cards_for
from catalogue.search.index import current_index
from catalogue.search.promotions import promoted_for
from catalogue.search.text import clean_query
from directory import roles

INSIGHT_PERIODS = (7, 30, 90, 365)
INSIGHT_ROLES = (roles.EDITORS, roles.RELATIONSHIP_MANAGERS)


def describe_need_url(query: str) -> str:
    """The free-form request, its subject and description pre-filled with what was searched."""
    try:
        base = reverse("requests_box:new_request")
    except NoReverseMatch:  # the mailbox app is not installed
        base = NEW_REQUEST_PATH
    return f"{base}?{urlencode({'subject': query[:200], 'description': query})}"


def search_url(query: str) -> str:
    return f"{reverse('catalogue:browse')}?{urlencode({'q': query})}"


FILTERS = ("family", "maturity", "client_type", "need")


def search_page(request, filterset, query: str, page_size: int):
    """The results of a search, best first, with the filters of the browse page; never a dead end."""
    index = current_index()
    outcome = search(query, index)
    filterset.search_result = outcome
    ids = outcome.service_ids
    filters = [(name, request.GET.get(name, "")) for name in FILTERS if request.GET.get(name)]
    if filters:
        allowed = set(filterset.qs.values_list("pk", flat=True))
        ids = [pk for pk in ids if pk in allowed]
    page = Paginator(ids, page_size).get_page(request.GET.get("page"))
    count = page.paginator.count
    urls = dict(zip(outcome.service_ids, outcome.urls, strict=True))
    analytics.record_search(
        request.session,
        query=query,
        result_count=count,
        result_urls=[urls[pk] for pk in ids],
        corrected_to=outcome.corrected_to or outcome.did_you_mean,
    )
    context = {
        "filter": filterset,
        "results": {"page": page},
        "cards": cards_for(index, list(page.object_list)),
        "query": query,
        "search_query": query,
        "index_version": index.version,
        "filter_values": urlencode(filters),
        "outcome": outcome,
        "describe_need_url": describe_need_url(query),
        "promoted": promoted_for(query) if page.number == 1 else [],
        "did_you_mean_url": search_url(outcome.did_you_mean) if outcome.did_you_mean else "",
    }
    if count == 0:
        context.update(_closest(query, index))
    return render(request, "catalogue/browse.html", context)


def _closest(query: str, index) -> dict:
    near = closest(query, index=index)
    families = (
        {f.pk: f for f in FamilyPage.objects.live().filter(pk__in=near.family_ids)} if near.family_ids else {}
    )
    closest_families = [families[pk] for pk in near.family_ids if pk in families]
    if not closest_families:
        closest_families = list(selectors.live_families(selectors.catalogue_index()))
    return {"closest_cards": cards_for(index, near.service_ids), "closest_families": closest_families}


@require_GET
def suggestions(request):
    """Service titles and keywords completing what is being typed (JSON, for the search boxes)."""
    query = clean_query(request.GET.get("q", ""))
    items = [
        {
            "label": item.label,
            "url": search_url(item.label) if item.is_keyword else item.url,
            "hint": item.service if item.is_keyword else "",
            "kind": "keyword" if item.is_keyword else "service",
        }
        for item in suggest(query)
    ]
    response = JsonResponse({"query": query, "suggestions": items})
    response["Cache-Control"] = "private, max-age=60"
    return response


def _check_insight_role(user) -> None:
    if not roles.has_role(user, *INSIGHT_ROLES):
        raise PermissionDenied


def insights(request):
    """Top queries, queries without result and queries whose results nobody opened."""
    _check_insight_role(request.user)
    try:
        days = int(request.GET.get("jours", 30))
    except ValueError:
        days = 30
    if days not in INSIGHT_PERIODS:
        days = 30
    data = analytics.search_insights(days=days)
    index = current_index()
    by_pk = {doc.pk: doc for doc in index.docs}
    for row in data.no_result:
        near = closest(row.query, services=1, index=index).service_ids
        row.suggested = by_pk[near[0]].title if near and near[0] in by_pk else ""
    for row in data.no_click:
        found = search(row.query, index, correct=False).service_ids
        row.suggested = by_pk[found[0]].title if found and found[0] in by_pk else ""
    return render(
        request,
        "catalogue/search_insights.html",
        {
            "insights": data,
            "days": days,
            "periods": INSIGHT_PERIODS,
            "service_titles": sorted(doc.title for doc in index.docs),
        },
    )


@require_POST
def add_keyword(request):
    """One click from the insights: the searched words become a keyword of the chosen service."""
    _check_insight_role(request.user)
    term = clean_query(request.POST.get("term", ""))[:100]
    name = clean_query(request.POST.get("service", ""))
    back = reverse("catalogue:search_insights")
    days = request.POST.get("jours", "")
    if days.isdigit():
        back += f"?jours={days}"
    service = (
        selectors.offered_services().filter(title__iexact=name).first()
        or selectors.offered_services().filter(code__iexact=name).first()
    )
    if not term:
        messages.error(request, _("Give the words to add as a keyword."))
    elif service is None:
        messages.error(request, _("No service of the catalogue is called “%(name)s”.") % {"name": name})
    elif services.add_keyword(service=service, term=term, user=request.user):
        messages.success(
            request,
            _("“%(term)s” is now a keyword of “%(service)s”.") % {"term": term, "service": service.title},
        )
    else:
        messages.info(
            request,
            _("“%(term)s” was already a keyword of “%(service)s”.")
            % {"term": term, "service": service.title},
        )
    return redirect(back)
