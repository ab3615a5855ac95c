"""Survey pages: the public one-time answer page (no login), and the relationship manager's results,
exports, campaign launch and follow-ups. Thin views over kpis.surveys."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from directory.models import ClientType, Directorate
from directory.roles import CIO, RELATIONSHIP_MANAGERS, has_role
from home.exports import csv_response
from kpis.models import Survey, SurveyFollowUp
from kpis.surveys import barometer, exports, selectors, services, tasks
from kpis.surveys.forms import AnswerForm

STATE_STATUS = {"unknown": 404, "expired": 410, "answered": 200}


def _require_reader(user):
    if not has_role(user, RELATIONSHIP_MANAGERS, CIO):
        raise PermissionDenied


def _require_manager(user):
    if not has_role(user, RELATIONSHIP_MANAGERS):
        raise PermissionDenied


# --- The one-time link ------------------------------------------------------------------------------


@login_not_required
def survey_answer(request, token):
    link = services.link_state(token)
    if link.state != "open":
        return _closed_link(request, link.state, link.invitation)
    survey = link.invitation.survey
    form = AnswerForm(request.POST or None, survey=survey)
    if request.method == "POST" and form.is_valid():
        outcome, _answer = services.submit_answer(
            token=token,
            nps=form.cleaned_data.get("nps"),
            csat=form.cleaned_data.get("csat"),
            comment=form.cleaned_data.get("comment", ""),
            choices=form.cleaned_data.get("choices"),
            scores=form.scores(),
            theme_comments=form.theme_comments(),
        )
        if outcome != "saved":
            return _closed_link(request, outcome, link.invitation)
        return render(request, "kpis/surveys/answer_thanks.html", {"survey": survey})
    status = 400 if request.method == "POST" else 200
    context = {"survey": survey, "form": form, "invitation": link.invitation}
    return render(request, "kpis/surveys/answer_form.html", context, status=status)


def _closed_link(request, state, invitation):
    context = {"state": state, "survey": invitation.survey if invitation else None}
    return render(request, "kpis/surveys/answer_closed.html", context, status=STATE_STATUS.get(state, 404))


# --- Results ----------------------------------------------------------------------------------------


class ResultsFilter(forms.Form):
    directorate = forms.ChoiceField(label=gettext_lazy("Directorate"), required=False)
    client_type = forms.ChoiceField(
        label=gettext_lazy("Client type"),
        required=False,
        choices=[("", gettext_lazy("All client types")), *ClientType.choices],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["directorate"].choices = [
            ("", _("All directorates")),
            *Directorate.objects.order_by("name").values_list("code", "name"),
        ]


def _results(request, code):
    _require_reader(request.user)
    survey = get_object_or_404(Survey, code=code)
    form = ResultsFilter(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    return form, selectors.survey_results(
        survey, directorate=filters.get("directorate", ""), client_type=filters.get("client_type", "")
    )


def survey_list(request):
    _require_reader(request.user)
    context = {
        "surveys": selectors.surveys_with_counts(),
        "can_manage": has_role(request.user, RELATIONSHIP_MANAGERS),
        "open_follow_ups": selectors.open_follow_ups().count(),
    }
    return render(request, "kpis/surveys/survey_list.html", context)


def survey_results(request, code):
    form, results = _results(request, code)
    context = {
        "form": form,
        "results": results,
        "survey": results.survey,
        "query": request.GET.urlencode(),
        "can_manage": has_role(request.user, RELATIONSHIP_MANAGERS),
        "edit_url": reverse("wagtailsnippets_kpis_survey:edit", args=[results.survey.pk]),
    }
    return render(request, "kpis/surveys/survey_results.html", context)


def survey_export_csv(request, code):
    _form, results = _results(request, code)
    filters = request.GET
    answers = selectors.filtered_answers(
        results.survey, directorate=filters.get("directorate", ""), client_type=filters.get("client_type", "")
    )
    return csv_response(exports.answer_rows(results.survey, answers), f"enquete-{results.survey.code}.csv")


def survey_export_pdf(request, code):
    _form, results = _results(request, code)
    response = HttpResponse(exports.results_pdf(results), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="enquete-{results.survey.code}.pdf"'
    return response


def survey_themes(request, code):
    """The results by theme and directorate, against the previous campaign, with comments by theme."""
    _require_reader(request.user)
    survey = get_object_or_404(Survey, code=code)
    context = {"survey": survey, "results": barometer.barometer_results(survey)}
    return render(request, "kpis/surveys/survey_themes.html", context)


def survey_themes_csv(request, code):
    _require_reader(request.user)
    survey = get_object_or_404(Survey, code=code)
    results = barometer.barometer_results(survey)
    return csv_response(barometer.result_rows(results), barometer.export_filename(survey))


@require_POST
def survey_launch(request, code):
    _require_manager(request.user)
    survey = get_object_or_404(Survey, code=code)
    if survey.kind not in services.CAMPAIGN_KINDS:
        messages.error(request, _("Surveys after a request are sent automatically when requests are closed."))
    elif not survey.is_open_on(timezone.localdate()):
        messages.error(request, _("This survey is not open today: change its dates first."))
    else:
        tasks.launch_campaign.enqueue(survey.pk)
        messages.success(request, _("The invitations are being sent to the survey's audience."))
    return redirect("kpis:survey_results", code=survey.code)


# --- Follow-ups -------------------------------------------------------------------------------------


def follow_up_list(request):
    _require_manager(request.user)
    return render(request, "kpis/surveys/follow_ups.html", {"follow_ups": selectors.open_follow_ups()})


@require_POST
def follow_up_done(request, pk):
    _require_manager(request.user)
    follow_up = get_object_or_404(SurveyFollowUp, pk=pk, done_at__isnull=True)
    services.complete_follow_up(
        follow_up=follow_up, user=request.user, note=request.POST.get("note", "")[:2000]
    )
    messages.success(request, _("The follow-up is marked as done."))
    return redirect("kpis:survey_follow_ups")
