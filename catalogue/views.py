from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from catalogue import selectors
from catalogue.filters import ServiceFilter
from catalogue.search import views as search_views
from catalogue.search.text import clean_query

PAGE_SIZE = 24


def _browse_results(filterset: ServiceFilter, page_number: str | None) -> dict:
    queryset = filterset.qs.order_by("title")
    page = Paginator(selectors.services_for_listing(queryset), PAGE_SIZE).get_page(page_number)
    return {"page": page, "services": selectors.attach_families(page.object_list)}


def browse(request):
    """Every offered service, filtered and searched; plain GET form, so it works without JavaScript.

    Without a query the list is rendered once per catalogue version (fragment cache). A search is
    counted each time and renders afresh (catalogue.search.views.search_page)."""
    filterset = ServiceFilter(request.GET or None, queryset=selectors.offered_services())
    query = clean_query(request.GET.get("q", ""))
    if query:
        return search_views.search_page(request, filterset, query, PAGE_SIZE)
    results = selectors.LazyValue(lambda: _browse_results(filterset, request.GET.get("page")))
    return render(
        request,
        "catalogue/browse.html",
        {
            "filter": filterset,
            "results": results,
            "catalogue_version": selectors.catalogue_version(),
            "cache_key": request.get_full_path(),
        },
    )


# --- The catalogue in print (catalogue/printing) -------------------------------------------------


@login_required
def print_document(request, kind: str, code: str = ""):
    """A printed document of published content: the PDF when ready, else a progress page that polls."""
    from catalogue.printing import views as print_views

    return print_views.download(request, kind, code)


@login_required
def print_status(request, kind: str):
    from catalogue.printing import views as print_views

    return print_views.status(request, kind)


@login_required
def print_draft_sheet(request, code: str):
    """An editor's or product manager's preview of a service's sheet from its latest revision."""
    from catalogue.printing import views as print_views

    return print_views.draft_sheet(request, code)


# --- A service's clients, for its product manager (catalogue/clients.py) ----------------------------


@login_required
def service_clients_list(request):
    """The services whose clients the user may see, with their coverage today."""
    from catalogue import clients

    services = list(clients.services_for_clients_list(request.user))
    counts = clients.subscribed_counts([s.pk for s in services], timezone.localdate())
    rows = [(service, counts.get(service.pk, 0)) for service in services]
    return render(request, "catalogue/service_clients_list.html", {"rows": rows})


@login_required
def service_clients(request, code: str):
    from catalogue import clients

    service = clients.access_service(request.user, code)
    return render(request, "catalogue/service_clients.html", {"clients": clients.service_clients(service)})
