"""The CIO dashboard, its drill-down, exports and targets: thin views over dashboard, report and exports."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from directory.models import Directorate
from kpis import dashboard, exports, targets
from kpis.forms import PeriodForm, TargetForm
from kpis.freshness import indicators as compute_indicators
from kpis.report import build_report

PER_PAGE = 50


def _period_form(request) -> PeriodForm:
    return PeriodForm(request.GET, today=timezone.localdate())


def _links(choice) -> dict:
    return {
        "query": urlencode(choice.params()),
        "previous_query": urlencode(choice.previous().params()),
        "next_query": urlencode(choice.next().params()),
    }


def _bad_period(request, form, template="kpis/dashboard.html", **context):
    return render(request, template, {"form": form, **context}, status=400)


def dashboard_page(request):
    scope = dashboard.scope_for(request.user)
    form = _period_form(request)
    if not form.is_valid():
        return _bad_period(request, form, scope=scope)
    choice = form.cleaned_data["choice"]
    report = build_report(scope, choice)
    context = {
        **report,
        **_links(choice),
        "form": form,
        "can_edit_targets": dashboard.can_edit_targets(request.user),
    }
    if scope.company:  # the communication section (communications/): company-wide only
        from communications.selectors import communication_summary

        context["communication"] = communication_summary(choice.period.start_at, choice.period.end_at)
    return render(request, "kpis/dashboard.html", context)


def directorate_detail(request, code):
    scope = dashboard.scope_for(request.user)
    if not scope.allows(code):
        raise PermissionDenied
    directorate = get_object_or_404(Directorate, code=code)
    form = _period_form(request)
    if not form.is_valid():
        return _bad_period(request, form, "kpis/directorate.html", directorate=directorate)
    choice = form.cleaned_data["choice"]
    period = choice.period
    result = compute_indicators(period)
    previous = compute_indicators(period.previous())
    entity, service = request.GET.get("entity", ""), request.GET.get("service", "")
    requests = dashboard.requests_of_directorate(period, directorate, entity, service)
    context = {
        **_links(choice),
        "form": form,
        "choice": choice,
        "period": period,
        "directorate": directorate,
        "cards": dashboard.cards(result, previous, dashboard.targets_by_key(), code),
        "by_entity": dashboard.requests_by_entity(period, directorate),
        "by_service": dashboard.requests_by_service(period, directorate),
        "entity_filter": entity,
        "service_filter": service,
        "page": Paginator(requests, PER_PAGE).get_page(request.GET.get("page")),
    }
    return render(request, "kpis/directorate.html", context)


def _export_report(request):
    scope = dashboard.scope_for(request.user)
    form = _period_form(request)
    if not form.is_valid():
        errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
        return None, HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
    return build_report(scope, form.cleaned_data["choice"]), None


def _filename(report, extension: str) -> str:
    period = report["period"]
    scope = report["scope"]
    who = "entreprise" if scope.company else scope.directorate.code
    return f"indicateurs-{who}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.{extension}"


def export_csv(request):
    report, error = _export_report(request)
    if error:
        return error
    response = HttpResponse(exports.report_csv(report), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(report, "csv")}"'
    return response


def export_pdf(request):
    report, error = _export_report(request)
    if error:
        return error
    response = HttpResponse(exports.report_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(report, "pdf")}"'
    return response


def target_list(request):
    if not dashboard.can_edit_targets(request.user):
        raise PermissionDenied
    current = dashboard.targets_by_key()
    data = request.POST if request.method == "POST" else None
    forms = [
        TargetForm(data, indicator=indicator, target=current.get(indicator.key))
        for indicator in dashboard.INDICATORS
    ]
    if data is not None:
        valid = [form.is_valid() for form in forms]  # every form, so that every error shows
        if all(valid):
            for form in forms:
                targets.set_target(
                    key=form.indicator.key,
                    value=form.cleaned_data["value"],
                    direction=form.cleaned_data["direction"],
                    user=request.user,
                )
            messages.success(request, _("The targets are saved."))
            return redirect("kpis:targets")
        return render(request, "kpis/targets.html", {"forms": forms, "has_errors": True}, status=400)
    return render(request, "kpis/targets.html", {"forms": forms})
