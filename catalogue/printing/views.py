"""Request handling of printed documents (wrapped by catalogue.views, which adds login_required)."""

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse

from catalogue.models import PrintKind, ServicePage
from catalogue.printing import documents
from directory import roles

SHARED_KINDS = {PrintKind.CATALOGUE, PrintKind.POSTER, PrintKind.LEAFLET}


def _kind(kind: str) -> str:
    if kind not in PrintKind.values:
        raise Http404
    return kind


def download(request, kind: str, code: str = ""):
    kind = _kind(kind)
    if (kind == PrintKind.SHEET) != bool(code):
        raise Http404
    document = documents.get_document(kind, code)
    if document.is_ready and document.version == documents.selectors.catalogue_version():
        response = FileResponse(
            document.file.open("rb"), as_attachment="inline" not in request.GET,
            filename=documents.file_name(document), content_type="application/pdf",
        )  # fmt: skip
        response["Cache-Control"] = "private, no-cache"
        return response
    context = {
        "document": document,
        "download_url": request.path,
        "status_url": reverse("catalogue:print_status", args=[kind]),
    }
    return render(request, "catalogue/print/status.html", context, status=202)


def status(request, kind: str):
    kind = _kind(kind)
    if kind not in SHARED_KINDS:
        raise Http404
    document = documents.PrintedDocument.objects.filter(kind=kind, service_code="").first()
    current = documents.selectors.catalogue_version()
    if document is None:
        return JsonResponse({"status": "absent", "progress": 0, "ready": False})
    ready = documents.is_current(document, current)
    return JsonResponse(
        {
            "status": document.status if document.version == current else "stale",
            "progress": document.progress,
            "ready": ready,
            "pages": document.page_count if ready else None,
            "url": reverse("catalogue:print", args=[kind]),
        }
    )


def may_preview_draft(user, service: ServicePage) -> bool:
    """Editors preview any draft; a product manager the drafts of the services they manage."""
    if roles.has_role(user, roles.EDITORS):
        return True
    return roles.has_role(user, roles.PRODUCT_MANAGERS) and service.product_manager_id == user.pk


def draft_sheet(request, code: str):
    service = ServicePage.objects.filter(code=code).only("pk", "product_manager_id").first()
    if service is None:
        raise Http404
    if not may_preview_draft(request.user, service):
        raise PermissionDenied
    response = HttpResponse(documents.draft_sheet(code), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="brouillon-fiche-{code.lower()}.pdf"'
    response["Cache-Control"] = "no-store"
    return response
