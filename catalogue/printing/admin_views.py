"""The back office's page of printed documents: state of each cached PDF, download links, draft sheets."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render

from catalogue import selectors
from catalogue.models import PrintedDocument, PrintKind, ServicePage
from directory import roles

SHARED = (PrintKind.CATALOGUE, PrintKind.POSTER, PrintKind.LEAFLET)


def printed_documents(request):
    if not roles.has_role(request.user, *roles.ADMIN_ROLES):
        raise PermissionDenied
    version = selectors.catalogue_version()
    cached = {doc.kind: doc for doc in PrintedDocument.objects.filter(kind__in=SHARED, service_code="")}
    rows = [
        {"kind": kind, "label": PrintKind(kind).label, "document": cached.get(kind),
         "current": bool(cached.get(kind) and cached[kind].is_ready and cached[kind].version == version)}
        for kind in SHARED
    ]  # fmt: skip
    is_editor = roles.has_role(request.user, roles.EDITORS)
    services = ServicePage.objects.order_by("title").only("pk", "title", "code", "live", "product_manager_id")
    page = Paginator(services, 50).get_page(request.GET.get("p"))
    for service in page.object_list:
        service.may_preview = is_editor or service.product_manager_id == request.user.pk
    return render(
        request, "catalogue/print/admin.html", {"rows": rows, "page": page, "services": page.object_list}
    )
