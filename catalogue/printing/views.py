"""Request handling of printed documents (wrapped by catalogue.views, which adds login_required;
the editors' draft previews of the shared documents are routed here directly)."""

from django.contrib.auth.decorators import login_required
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


def _serve(request, document: documents.PrintedDocument, status_url: str | None):
    """The PDF when it is ready for the current content, else a progress page polling this address."""
    if documents.is_current(document, documents.selectors.catalogue_version()):
        response = FileResponse(
            document.file.open("rb"), as_attachment="inline" not in request.GET,
            filename=documents.file_name(document), content_type="application/pdf",
        )  # fmt: skip
        # A draft preview must not linger in any cache (browser or proxy) once the draft moves on.
        response["Cache-Control"] = "private, no-store" if document.draft else "private, no-cache"
        return response
    context = {"document": document, "download_url": request.get_full_path(), "status_url": status_url}
    response = render(request, "catalogue/print/status.html", context, status=202)
    response["Cache-Control"] = "no-store"
    return response


def download(request, kind: str, code: str = ""):
    kind = _kind(kind)
    if (kind == PrintKind.SHEET) != bool(code):
        raise Http404
    document = documents.get_document(kind, code)
    return _serve(request, document, reverse("catalogue:print_status", args=[kind]))


def status(request, kind: str):
    kind = _kind(kind)
    if kind not in SHARED_KINDS:
        raise Http404
    document = documents.PrintedDocument.objects.filter(kind=kind, service_code="", draft=False).first()
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


def may_preview_drafts(user) -> bool:
    """Only editors preview the whole catalogue's drafts (every service's pending changes)."""
    return roles.has_role(user, roles.EDITORS)


@login_required
def draft_document(request, kind: str):
    """An editor's preview of the catalogue, poster or leaflet from the latest revisions (drafts included)."""
    if not may_preview_drafts(request.user):
        raise PermissionDenied
    kind = _kind(kind)
    if kind not in SHARED_KINDS:
        raise Http404
    return _serve(request, documents.get_document(kind, draft=True), None)


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
