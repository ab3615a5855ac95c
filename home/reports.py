"""PDFs built in the background with progress: one mechanism for every document too long to build
while a web request waits (the CIO dashboard's export, a committee's preparation pack).

A `ReportKind` says who may read the document, which data it is built from (`version`: a built PDF is
reused while it is unchanged), how to gather that data and how to render it. `request_report()` gives
a user their report for some parameters: ready (reused), being built, or new (enqueued for the worker,
`home.tasks.build_generated_report`). `build()` renders with WeasyPrint and records its progress at
each stage. A report is reached by its unguessable token, only by its owner, and only while the owner
may still read the document (`access_report`). Tasks that need the PDF itself (sending an invitation
with the pack) call `built_pdf()`, which builds it on the spot when no current one exists.
"""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from home.models import GeneratedReport, ReportStatus

logger = logging.getLogger(__name__)

# The kinds of document, by name: "module.ATTRIBUTE" of their ReportKind (imported when first used).
KINDS = {
    "kpis_dashboard": "kpis.report.DASHBOARD_PDF",
    "committee_pack": "committees.pack.PACK_PDF",
}

# Progress recorded when each stage is reached; WeasyPrint's layout is the longest stage.
STAGES = {
    "queued": (0, _("Waiting for the background worker")),
    "started": (5, _("Started")),
    "data": (30, _("Data gathered")),
    "html": (45, _("Page composed")),
    "layout": (85, _("PDF laid out")),
    "saved": (100, _("PDF saved")),
}
# A build still not finished after this long is considered lost (its worker stopped) and started again.
LOST_AFTER = timedelta(minutes=15)


@dataclass(frozen=True)
class ReportKind:
    name: str
    title: Callable[[dict], str]  # the document's name, shown on the progress page
    check: Callable[[object, dict], None]  # raises PermissionDenied or Http404 for who may not read it
    key: Callable[[dict], str]  # the parameters as a short stable string
    version: Callable[[dict], str]  # the state of the data it shows: a change means a new PDF
    gather: Callable[[dict], object]  # the data (queries)
    html: Callable[[object], str]  # the data as an HTML page
    stylesheet: Path
    file_name: Callable[[dict], str]
    back_url: Callable[[dict], str]  # where the document is read on screen
    follow_ups: dict[str, Callable[[GeneratedReport], None]] = field(default_factory=dict)


def kind_of(name: str) -> ReportKind:
    if name not in KINDS:
        raise Http404
    return import_string(KINDS[name])


def stage_label(report: GeneratedReport) -> str:
    if report.status == ReportStatus.PENDING:
        return str(STAGES["queued"][1])
    return str(STAGES.get(report.stage, (0, ""))[1])


def is_lost(report: GeneratedReport) -> bool:
    return report.is_building and timezone.now() - report.requested_at > LOST_AFTER


def _current(kind: ReportKind, params: dict, language: str, owner=None) -> GeneratedReport | None:
    """The newest report of these parameters built (or, for `owner`, being built) from the current data."""
    reports = GeneratedReport.objects.filter(
        kind=kind.name, key=kind.key(params), version=kind.version(params), language=language
    )
    if owner is None:
        return reports.filter(status=ReportStatus.READY).exclude(file="").order_by("-built_at").first()
    mine = reports.filter(owner=owner).exclude(status=ReportStatus.FAILED).order_by("-requested_at").first()
    if mine is not None and (mine.is_ready or (mine.is_building and not is_lost(mine))):
        return mine
    return None


def _new(kind: ReportKind, params: dict, owner, language: str, follow_up: str) -> GeneratedReport:
    report = GeneratedReport(
        kind=kind.name,
        key=kind.key(params),
        version=kind.version(params),
        parameters=params,
        language=language,
        owner=owner,
        follow_up=follow_up,
        file_name=kind.file_name(params),
        stage="queued",
    )
    shared = _current(kind, params, language)
    if shared is not None:  # another reader built the same document from the same data: reuse its file
        report.file = shared.file.name
        report.status, report.progress, report.stage = ReportStatus.READY, 100, "saved"
        report.page_count, report.built_at, report.build_seconds = shared.page_count, shared.built_at, 0
    report.save()
    return report


def request_report(
    name: str, params: dict, user, *, language: str = "", follow_up: str = ""
) -> GeneratedReport:
    """The user's report for these parameters: reused when current, else queued for the worker.

    `follow_up` names an action of the kind run once the PDF is ready (at once if it already is)."""
    kind = kind_of(name)
    kind.check(user, params)
    language = language or settings.LANGUAGE_CODE
    report = _current(kind, params, language, owner=user)
    if report is not None:
        if follow_up:
            _ask_follow_up(report, follow_up)
        return report
    report = _new(kind, params, user, language, follow_up)
    if report.is_ready:
        _run_follow_up(report)
        return report
    from home.tasks import build_generated_report

    # Without a transaction around the request the row is committed already; with the database
    # backend the task row is written in the same transaction as the report anyway.
    build_generated_report.enqueue(report.pk)
    report.refresh_from_db()  # an immediate backend (tests, development) has built it already
    return report


def built_pdf(name: str, params: dict, owner, *, language: str = "") -> GeneratedReport:
    """A ready report for these parameters, built now in this process when no current one exists: for
    background tasks that need the file itself. The caller has checked the permissions."""
    kind = kind_of(name)
    language = language or settings.LANGUAGE_CODE
    report = _current(kind, params, language, owner=owner)
    if report is None or not report.is_ready:
        report = _current(kind, params, language) or _new(kind, params, owner, language, "")
    if not report.is_ready:
        build(report.pk)
        report.refresh_from_db()
    return report


def access_report(user, token: str) -> GeneratedReport:
    """The user's own report by its token (404 for anyone else's), while they may still read it."""
    report = get_object_or_404(GeneratedReport, token=token, owner_id=user.pk)
    kind_of(report.kind).check(user, report.parameters)
    return report


def retry(report: GeneratedReport) -> GeneratedReport:
    """A new build of a failed (or lost) report's document, for its owner."""
    return request_report(report.kind, report.parameters, report.owner, language=report.language)


# --- building ------------------------------------------------------------------------------------


def _set_stage(report_id: int, stage: str, **fields) -> None:
    GeneratedReport.objects.filter(pk=report_id).update(
        status=ReportStatus.RUNNING, stage=stage, progress=STAGES[stage][0], **fields
    )


def build(report_id: int) -> GeneratedReport:
    """Gather the data, render the PDF and store it, recording progress at each stage. Run by the worker;
    a build run again (its worker was lost) starts over, and one already done returns at once."""
    from weasyprint import CSS, HTML

    report = GeneratedReport.objects.get(pk=report_id)
    if report.is_ready:
        return report
    kind = kind_of(report.kind)
    started = time.perf_counter()
    _set_stage(report.pk, "started", started_at=timezone.now(), error="")
    try:
        with translation.override(report.language):
            data = kind.gather(report.parameters)
            _set_stage(report.pk, "data")
            html = kind.html(data)
            _set_stage(report.pk, "html")
            base_url, stylesheet = str(kind.stylesheet.parent), CSS(filename=str(kind.stylesheet))
            document = HTML(string=html, base_url=base_url).render(stylesheets=[stylesheet])
            _set_stage(report.pk, "layout")
            pdf = document.write_pdf()
        report.file.save(report.file_name, ContentFile(pdf), save=False)
    except Exception as error:
        GeneratedReport.objects.filter(pk=report.pk).update(
            status=ReportStatus.FAILED, error=f"{type(error).__name__}: {error}"[:2000]
        )
        logger.exception("report %s (%s) failed", report.pk, report.kind)
        raise
    report.status, report.progress, report.stage = ReportStatus.READY, 100, "saved"
    report.page_count = len(document.pages)
    report.built_at = timezone.now()
    report.build_seconds = round(time.perf_counter() - started, 3)
    # Not `follow_up`: a request may ask for one while this runs (read back below).
    report.save(
        update_fields=["file", "status", "progress", "stage", "page_count", "built_at", "build_seconds"]
    )
    report.follow_up = GeneratedReport.objects.values_list("follow_up", flat=True).get(pk=report.pk)
    _run_follow_up(report)
    return report


def _ask_follow_up(report: GeneratedReport, name: str) -> None:
    """Run `name` once the report is ready: now if it is, else when its build ends. The build sets
    "ready" before reading the follow-up, and this writes it only while not ready: it runs once."""
    if not report.is_ready:
        building = Q(status__in=[ReportStatus.PENDING, ReportStatus.RUNNING])
        if GeneratedReport.objects.filter(building, pk=report.pk).update(follow_up=name):
            report.follow_up = name
            return
        report.refresh_from_db()
        if not report.is_ready:
            return
    report.follow_up = name
    _run_follow_up(report)


def _run_follow_up(report: GeneratedReport) -> None:
    if not report.follow_up:
        return
    action = kind_of(report.kind).follow_ups[report.follow_up]
    GeneratedReport.objects.filter(pk=report.pk).update(follow_up="")
    action(report)
    report.follow_up = ""


# --- what the views show ---------------------------------------------------------------------------


def page_url(report: GeneratedReport) -> str:
    return reverse("report", args=[report.token])


def download_url(report: GeneratedReport) -> str:
    return reverse("report_download", args=[report.token])


def redirect_to(report: GeneratedReport):
    """Straight to the file when it is ready, else to the progress page."""
    return redirect(download_url(report) if report.is_ready else page_url(report))


def status_of(report: GeneratedReport) -> dict:
    return {
        "status": report.status,
        "progress": report.progress,
        "stage": stage_label(report),
        "ready": report.is_ready,
        "failed": report.status == ReportStatus.FAILED or is_lost(report),  # the page offers a retry
        "pages": report.page_count if report.is_ready else None,
        "download_url": download_url(report) if report.is_ready else None,
    }


def prune(older_than: timedelta = timedelta(days=7)) -> int:
    """Forget reports requested before `older_than` ago; a file goes once no report names it."""
    old = GeneratedReport.objects.filter(requested_at__lt=timezone.now() - older_than)
    names = set(old.exclude(file="").values_list("file", flat=True))
    count, _by_model = old.delete()
    still_used = set(GeneratedReport.objects.filter(file__in=names).values_list("file", flat=True))
    storage = GeneratedReport._meta.get_field("file").storage
    for name in names - still_used:
        storage.delete(name)
    return count
