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
from home import reports
from kpis import dashboard, exports, targets
from kpis.forms import PeriodForm, TargetForm
from kpis.freshness import indicators_covering
from kpis.report import build_report, pdf_parameters

PER_PAGE = 50


def _period_form(request) -> PeriodForm:
    return PeriodForm(request.GET, today=timezone.localdate())


def _shown(form: PeriodForm) -> PeriodForm:
    """The picker as the period shown (the default quarter included), so its fields match the page."""
    shown = PeriodForm(form.cleaned_data["choice"].params(), today=form.today)
    shown.is_valid()
    return shown


def _links(choice) -> dict:
    following = choice.next()
    return {
        "in_progress": choice.period.end > timezone.localdate(),
        "query": urlencode(choice.params()),
        "previous_query": urlencode(choice.previous().params()),
        # no link to a period that has not started yet (the form refuses it)
        "next_query": urlencode(following.params()) if following.period.start <= timezone.localdate() else "",
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
        "form": _shown(form),
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
    result = indicators_covering(period, code)
    previous = indicators_covering(period.previous())
    entity, service = request.GET.get("entity", ""), request.GET.get("service", "")
    requests = dashboard.requests_of_directorate(request.user, period, directorate, entity, service)
    context = {
        **_links(choice),
        "form": _shown(form),
        "choice": choice,
        "period": period,
        "directorate": directorate,
        "cards": dashboard.cards(
            result,
            previous,
            dashboard.targets_for(dashboard.targets_by_key(), dashboard.directorate_targets([code]), code),
            code,
            dashboard.latest_campaigns(result, period, timezone.localdate()),
            dashboard.latest_campaigns(previous, period.previous(), timezone.localdate()),
        ),
        "has_data": dashboard.has_data(result["directorates"][code]),
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
    return exports.report_csv_response(report, _filename(report, "csv"))


def export_pdf(request):
    """Starts (or reuses) the PDF built in the background: the file when ready, else its progress page."""
    scope = dashboard.scope_for(request.user)
    form = _period_form(request)
    if not form.is_valid():
        errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
        return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
    params = pdf_parameters(scope, form.cleaned_data["choice"])
    report = reports.request_report("kpis_dashboard", params, request.user, language=request.LANGUAGE_CODE)
    return reports.redirect_to(report)


def target_list(request, code: str | None = None):
    """The company's targets (no code) or one directorate's own targets, with their history."""
    if not dashboard.can_edit_targets(request.user):
        raise PermissionDenied
    directorate = get_object_or_404(Directorate, code=code) if code else None
    company = dashboard.targets_by_key()
    current = company if directorate is None else dashboard.directorate_targets([code]).get(code, {})
    data = request.POST if request.method == "POST" else None
    forms = [
        TargetForm(
            data,
            indicator=indicator,
            target=current.get(indicator.key),
            company_target=company.get(indicator.key) if directorate else None,
        )
        for indicator in dashboard.INDICATORS
        if not (directorate and indicator.company_only)
    ]
    context = {
        "forms": forms,
        "directorate": directorate,
        "directorates": Directorate.objects.order_by("name") if directorate is None else None,
        "history": targets.history(directorate),
    }
    if data is not None:
        valid = [form.is_valid() for form in forms]  # every form, so that every error shows
        if all(valid):
            for form in forms:
                targets.set_target(
                    key=form.indicator.key,
                    value=form.cleaned_data["value"],
                    direction=form.cleaned_data["direction"],
                    user=request.user,
                    directorate=directorate,
                )
            messages.success(request, _("The targets are saved."))
            return redirect(request.path)
        return render(request, "kpis/targets.html", {**context, "has_errors": True}, status=400)
    return render(request, "kpis/targets.html", context)
