"""The back office's page of printed documents: state of each cached PDF, download links, draft previews."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render

from catalogue import selectors
from catalogue.models import PrintedDocument, PrintKind, ServicePage
from catalogue.printing.documents import is_current
from directory import roles

SHARED = (PrintKind.CATALOGUE, PrintKind.POSTER, PrintKind.LEAFLET)


def printed_documents(request):
    if not roles.has_role(request.user, *roles.ADMIN_ROLES):
        raise PermissionDenied
    version = selectors.catalogue_version()
    is_editor = roles.has_role(request.user, roles.EDITORS)
    cached = {
        (doc.kind, doc.draft): doc
        for doc in PrintedDocument.objects.filter(
            kind__in=SHARED, service_code="", draft__in=(False, is_editor)
        )
    }
    rows = []
    for kind in SHARED:
        published, draft = cached.get((kind, False)), cached.get((kind, True))
        rows.append(
            {
                "kind": kind,
                "label": PrintKind(kind).label,
                "document": published,
                "current": bool(published and is_current(published, version)),
                # Draft previews (latest revisions, drafts included) are for editors only.
                "draft": draft,
                "draft_current": bool(draft and is_current(draft, version)),
            }
        )
    services = ServicePage.objects.order_by("title").only("pk", "title", "code", "live", "product_manager_id")
    page = Paginator(services, 50).get_page(request.GET.get("p"))
    for service in page.object_list:
        service.may_preview = is_editor or service.product_manager_id == request.user.pk
    return render(
        request,
        "catalogue/print/admin.html",
        {"rows": rows, "page": page, "services": page.object_list, "draft_previews": is_editor},
    )
