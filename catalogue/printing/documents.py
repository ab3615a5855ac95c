"""Cached printed documents: built on demand, kept until the catalogue's version changes."""

import time
from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from catalogue import selectors
from catalogue.models import PrintedDocument, PrintKind, PrintStatus
from catalogue.printing import render

# The full catalogue is too long to build inside a web request (see STACK-NOTES), and the poster may take
# several layouts to find its type size: a background task builds them. Sheets and the leaflet are quick.
BACKGROUND_KINDS = frozenset({PrintKind.CATALOGUE, PrintKind.POSTER})
# A build that has not finished after this long is considered lost (worker restarted) and started again.
STALE_BUILD = timedelta(minutes=15)


def file_name(document: PrintedDocument) -> str:
    names = {
        PrintKind.CATALOGUE: "catalogue-services-dsi.pdf",
        PrintKind.POSTER: "synopsis-offre-dsi.pdf",
        PrintKind.LEAFLET: "depliant-catalogue-dsi.pdf",
    }
    name = names.get(document.kind) or f"fiche-{document.service_code.lower()}.pdf"
    return f"brouillon-{name}" if document.draft else name


def is_current(document: PrintedDocument, version: str) -> bool:
    return document.is_ready and document.version == version


def _building(document: PrintedDocument, version: str) -> bool:
    started = document.requested_at or timezone.now()
    return (
        document.status in (PrintStatus.PENDING, PrintStatus.RUNNING)
        and document.version == version
        and timezone.now() - started < STALE_BUILD
    )


def get_document(
    kind: str, service_code: str = "", *, background: bool | None = None, draft: bool = False
) -> PrintedDocument:
    """The document for the current content: ready, or being built (then poll again).

    Published content, or with `draft` an editors' preview from the latest revisions, kept in a row of
    its own so that it is never served as the published document. Only one build runs per document
    and version: the row is claimed with a conditional UPDATE.
    """
    if kind == PrintKind.SHEET:
        if draft:  # draft sheets are quick and personal: rendered on each request (see draft_sheet)
            raise ValueError("Draft product sheets are not cached.")
        render.content.published_service(service_code)  # 404 for an unknown or unpublished service
    else:
        service_code = ""
    background = kind in BACKGROUND_KINDS if background is None else background
    # Any new revision, draft or published, changes the version: a draft preview is rebuilt after it.
    version = selectors.catalogue_version()
    key = {"kind": kind, "service_code": service_code, "draft": draft}
    try:
        with transaction.atomic():
            document, _created = PrintedDocument.objects.get_or_create(**key)
    except IntegrityError:  # created by a concurrent request
        document = PrintedDocument.objects.get(**key)
    if is_current(document, version) or _building(document, version):
        return document
    claimed = PrintedDocument.objects.filter(
        pk=document.pk, status=document.status, version=document.version, requested_at=document.requested_at
    ).update(status=PrintStatus.PENDING, version=version, progress=0, error="", requested_at=timezone.now())
    if claimed:
        if background:
            from catalogue.tasks import build_printed_document

            transaction.on_commit(lambda: build_printed_document.enqueue(document.pk))
        else:
            build(document.pk)
    document.refresh_from_db()
    return document


def build(document_id: int) -> PrintedDocument:
    """Render the document now and store it; progress is saved as the build goes."""
    document = PrintedDocument.objects.get(pk=document_id)
    version = document.version

    def progress(percent: int) -> None:
        PrintedDocument.objects.filter(pk=document.pk, version=version).update(
            status=PrintStatus.RUNNING, progress=percent
        )

    progress(5)
    started = time.perf_counter()
    try:
        pdf, pages = render.render(document.kind, document.service_code, progress, draft=document.draft)
    except Exception as error:
        PrintedDocument.objects.filter(pk=document.pk, version=version).update(
            status=PrintStatus.FAILED, error=f"{type(error).__name__}: {error}"[:2000]
        )
        raise
    old_name = document.file.name
    document.refresh_from_db()
    if document.version != version:  # content changed meanwhile: a newer build owns the row
        return document
    document.file.save(file_name(document), ContentFile(pdf), save=False)
    document.status = PrintStatus.READY
    document.progress = 100
    document.page_count = pages
    document.built_at = timezone.now()
    document.build_seconds = round(time.perf_counter() - started, 3)
    document.save()
    if old_name and old_name != document.file.name:
        document.file.storage.delete(old_name)
    return document


def draft_sheet(service_code: str) -> bytes:
    """A product sheet from the service's latest revision (never cached): editors' preview."""
    service = render.content.draft_service(service_code)
    pdf, _pages = render.render_sheet(service, draft=True)
    return pdf
