"""The progress page, status and download of a generated PDF (home/reports.py): owner only, by token."""

from django.http import FileResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from home import reports


def report_page(request, token: str):
    report = reports.access_report(request.user, token)
    kind = reports.kind_of(report.kind)
    context = {
        "report": report,
        "title": kind.title(report.parameters),
        "back_url": kind.back_url(report.parameters),
        "stage": reports.stage_label(report),
        "download_url": reports.download_url(report),
        "status_url": reverse("report_status", args=[report.token]),
        "retry_url": reverse("report_retry", args=[report.token]),
        "lost": reports.is_lost(report),
    }
    response = render(request, "home/report.html", context)
    response["Cache-Control"] = "no-store"
    return response


def report_status(request, token: str):
    report = reports.access_report(request.user, token)
    response = JsonResponse(reports.status_of(report))
    response["Cache-Control"] = "no-store"
    return response


def report_download(request, token: str):
    report = reports.access_report(request.user, token)
    if not report.is_ready:
        return redirect(reports.page_url(report))
    response = FileResponse(
        report.file.open("rb"), as_attachment=True, filename=report.file_name, content_type="application/pdf"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def report_retry(request, token: str):
    report = reports.access_report(request.user, token)
    if report.is_ready:
        return redirect(reports.download_url(report))
    return reports.redirect_to(reports.retry(report))
