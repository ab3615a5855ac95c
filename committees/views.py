"""Committees, meetings and the relationship follow-up: thin views over access, services and selectors."""

from datetime import timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from committees import access, selectors, services
from committees.calendar import build_invitation
from committees.filters import ActionFilter, CommitteeFilter, NextDueFilter, NotMetFilter, ProjectFilter
from committees.forms import ActionForm, ActionStatusForm, AttendanceForm, DecisionForm, InteractionForm
from committees.models import ActionStatus, MeetingStatus
from committees.tasks import send_meeting_invitations
from directory.models import Contact, Entity
from home import reports

PER_PAGE = 50


# --- Committees ----------------------------------------------------------------------------------


def committee_list(request):
    queryset = access.committees_for(request.user)
    filterset = CommitteeFilter(request.GET or None, queryset=queryset)
    page = Paginator(filterset.qs.order_by("directorate__name", "level", "name"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "committees/committee_list.html",
        {"filter": filterset, "page": page, "can_manage": access.can_manage(request.user)},
    )


def committee_detail(request, pk):
    committee = access.access_committee(request.user, pk)
    meetings = selectors.meetings_of_committee(access.meetings_for(request.user).filter(committee=committee))
    context = {
        "committee": committee,
        "members": committee.members.select_related("contact__entity", "user"),
        "meetings": meetings,
        "can_manage": access.can_manage(request.user),
        "can_read_all": access.can_read_all(request.user),
        "today": timezone.localdate(),
    }
    if context["can_read_all"]:
        context["open_actions"] = selectors.open_actions_of_committee(committee)
    return render(request, "committees/committee_detail.html", context)


@require_POST
def committee_plan(request, pk):
    access.require_manager(request.user)
    committee = access.access_committee(request.user, pk)
    created = services.plan_meetings(committee, until=timezone.localdate() + timedelta(days=365))
    messages.success(request, _("%(n)d meeting(s) planned for the coming year.") % {"n": len(created)})
    return redirect("committees:committee_detail", pk=committee.pk)


# --- Meetings ------------------------------------------------------------------------------------


def _render_meeting(request, meeting, status=200, **forms):
    details = selectors.meeting_details(meeting)
    manage = access.can_manage(request.user)
    context = {
        "meeting": meeting,
        **details,
        "can_manage": manage,
        "today": timezone.localdate(),
    }
    if access.can_read_all(request.user):
        context["can_read_all"] = True
        context["attached_pack"] = getattr(meeting, "pack", None)
    if manage:
        context["attendance_form"] = forms.get("attendance_form") or AttendanceForm(
            attendances=details["attendances"]
        )
        context["decision_form"] = forms.get("decision_form") or DecisionForm()
        context["action_form"] = forms.get("action_form") or ActionForm()
    return render(request, "committees/meeting_detail.html", context, status=status)


def meeting_detail(request, pk):
    return _render_meeting(request, access.access_meeting(request.user, pk))


@require_POST
def meeting_record(request, pk):
    """Mark who was there; saving it marks the meeting as held."""
    access.require_manager(request.user)
    meeting = access.access_meeting(request.user, pk)
    attendances = list(meeting.attendances.select_related("contact", "user"))
    form = AttendanceForm(request.POST, attendances=attendances)
    if meeting.status == MeetingStatus.CANCELLED or not form.is_valid():
        return _render_meeting(request, meeting, status=400, attendance_form=form)
    present = {int(pk) for pk in form.cleaned_data["present"]}
    services.record_meeting(meeting, present_attendance_ids=present, author=request.user)
    messages.success(request, _("Attendance recorded: %(n)d present.") % {"n": len(present)})
    return redirect("committees:meeting_detail", pk=meeting.pk)


@require_POST
def meeting_add_decision(request, pk):
    access.require_manager(request.user)
    meeting = access.access_meeting(request.user, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _render_meeting(request, meeting, status=400, decision_form=form)
    services.add_decision(meeting, text=form.cleaned_data["text"])
    messages.success(request, _("Decision recorded."))
    return redirect("committees:meeting_detail", pk=meeting.pk)


@require_POST
def meeting_add_action(request, pk):
    access.require_manager(request.user)
    meeting = access.access_meeting(request.user, pk)
    form = ActionForm(request.POST)
    if not form.is_valid():
        return _render_meeting(request, meeting, status=400, action_form=form)
    data = dict(form.cleaned_data)
    data["request"] = data.pop("request_reference")
    services.add_action(meeting, **data)
    messages.success(request, _("Action added to the action plan."))
    return redirect("committees:meeting_detail", pk=meeting.pk)


@require_POST
def meeting_publish(request, pk):
    access.require_manager(request.user)
    meeting = access.access_meeting(request.user, pk)
    publish = request.POST.get("published") != "0"
    if publish and meeting.status != MeetingStatus.HELD:
        messages.error(request, _("Only the minutes of a held meeting can be published."))
    else:
        services.publish_minutes(meeting, published=publish)
        messages.success(request, _("Minutes published.") if publish else _("Minutes withdrawn."))
    return redirect("committees:meeting_detail", pk=meeting.pk)


@require_POST
def meeting_cancel(request, pk):
    access.require_manager(request.user)
    meeting = access.access_meeting(request.user, pk)
    services.cancel_meeting(meeting)
    messages.success(request, _("Meeting cancelled."))
    return redirect("committees:meeting_detail", pk=meeting.pk)


@require_POST
def meeting_invite(request, pk):
    access.require_manager(request.user)
    meeting = access.access_meeting(request.user, pk)
    send_meeting_invitations.enqueue(meeting.pk, request.user.pk, request.POST.get("with_pack") == "1")
    messages.success(request, _("The invitations are being sent to the attendees."))
    return redirect("committees:meeting_detail", pk=meeting.pk)


def meeting_ics(request, pk):
    access.require_manager(request.user)
    meeting = access.access_meeting(request.user, pk)
    ics = build_invitation(
        meeting,
        organizer_name=request.user.get_full_name() or "Relais DSI",
        organizer_email=request.user.email or "relais-dsi@example.invalid",
    )
    response = HttpResponse(ics, content_type="text/calendar; charset=utf-8; method=REQUEST")
    response["Content-Disposition"] = f'attachment; filename="reunion-{meeting.pk}.ics"'
    return response


def meeting_pdf(request, pk):
    from committees.printing import minutes_pdf

    meeting = access.access_meeting(request.user, pk)
    response = HttpResponse(minutes_pdf(meeting), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="compte-rendu-{meeting.local_date:%Y-%m-%d}.pdf"'
    return response


# --- Preparation pack ----------------------------------------------------------------------------


def meeting_pack(request, pk):
    """The directorate's figures since the committee's last meeting, ready for the meeting."""
    from committees.pack import build_pack

    access.require_reader(request.user)
    meeting = access.access_meeting(request.user, pk)
    context = {"pack": build_pack(meeting), "can_manage": access.can_manage(request.user)}
    return render(request, "committees/meeting_pack.html", context)


def meeting_pack_pdf(request, pk):
    """Starts (or reuses) the pack's PDF built in the background: the file when ready, else its progress."""
    access.require_reader(request.user)
    meeting = access.access_meeting(request.user, pk)
    params = {"meeting": meeting.pk}
    report = reports.request_report("committee_pack", params, request.user, language=request.LANGUAGE_CODE)
    return reports.redirect_to(report)


@require_POST
def meeting_pack_attach(request, pk):
    """Attaches the pack's built PDF to the meeting: at once when a current one is built, else as soon
    as its background build ends (the progress page says so)."""
    access.require_manager(request.user)
    meeting = access.access_meeting(request.user, pk)
    report = reports.request_report(
        "committee_pack", {"meeting": meeting.pk}, request.user, language=request.LANGUAGE_CODE,
        follow_up="attach",
    )  # fmt: skip
    if report.is_ready:
        messages.success(request, _("The preparation pack is attached to the meeting."))
        return redirect("committees:meeting_detail", pk=meeting.pk)
    messages.info(
        request, _("The preparation pack is being built; it will be attached to the meeting when ready.")
    )
    return redirect(reports.page_url(report))


def meeting_pack_file(request, pk):
    """The pack as it was attached to the meeting."""
    access.require_reader(request.user)
    meeting = access.access_meeting(request.user, pk)
    attached = getattr(meeting, "pack", None)
    if attached is None or not attached.file:
        raise Http404
    response = FileResponse(
        attached.file.open("rb"), content_type="application/pdf", filename=services.pack_file_name(meeting)
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- Actions -------------------------------------------------------------------------------------


def my_actions(request):
    data = request.GET.copy() if request.GET else {"status": ActionStatus.OPEN}
    filterset = ActionFilter(data, queryset=selectors.actions_of_owner(request.user))
    page = Paginator(filterset.qs.order_by("due_on", "id"), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "committees/my_actions.html",
        {"filter": filterset, "page": page, "today": timezone.localdate()},
    )


@require_POST
def action_status(request, pk):
    action = access.access_action_to_update(request.user, pk)
    form = ActionStatusForm(request.POST)
    if form.is_valid():
        services.set_action_status(action, status=form.cleaned_data["status"])
        messages.success(request, _("Action updated."))
    target = request.POST.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect("committees:my_actions")


# --- Relationship follow-up ----------------------------------------------------------------------


def _contact_page(request, queryset_page, template, filterset, extra=None):
    return render(request, template, {"filter": filterset, "page": queryset_page, **(extra or {})})


def not_met(request):
    access.require_reader(request.user)
    data = request.GET.copy()
    data.setdefault("months", "6")
    filterset = NotMetFilter(data, queryset=selectors.contacts_with_follow_up())
    months = 6
    queryset = filterset.qs
    if filterset.is_valid():
        months = int(filterset.form.cleaned_data["months"])
    queryset = selectors.not_met_since(queryset, months=months)
    page = Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))
    return _contact_page(request, page, "committees/not_met.html", filterset, {"months": months})


def next_due(request):
    access.require_reader(request.user)
    data = request.GET.copy()
    data.setdefault("within_days", "30")
    filterset = NextDueFilter(data, queryset=selectors.contacts_with_follow_up())
    days = 30
    if filterset.is_valid():
        days = int(filterset.form.cleaned_data["within_days"])
    today = timezone.localdate()
    rows = selectors.next_contacts_due(filterset.qs, horizon=today + timedelta(days=days), today=today)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return _contact_page(request, page, "committees/next_due.html", filterset, {"days": days, "today": today})


def contact_timeline(request, pk):
    access.require_reader(request.user)
    contact = get_object_or_404(Contact.objects.select_related("entity__directorate"), pk=pk)
    form = None
    if access.can_manage(request.user):
        form = InteractionForm()
    return _render_contact(request, contact, form)


def _render_contact(request, contact, form, status=200):
    context = {
        "contact": contact,
        "events": selectors.contact_timeline(contact),
        "form": form,
        "committees": contact.committee_memberships.select_related("committee"),
    }
    return render(request, "committees/contact_timeline.html", context, status=status)


@require_POST
def record_interaction(request, pk):
    access.require_manager(request.user)
    contact = get_object_or_404(Contact.objects.select_related("entity__directorate"), pk=pk)
    form = InteractionForm(request.POST)
    if not form.is_valid():
        return _render_contact(request, contact, form, status=400)
    interaction = services.record_interaction(
        contact=contact,
        kind=form.cleaned_data["kind"],
        on=form.cleaned_data["date"],
        note=form.cleaned_data["note"],
        author=request.user,
    )
    messages.success(
        request,
        _("%(kind)s with %(name)s recorded.")
        % {"kind": interaction.get_kind_display(), "name": contact.full_name},
    )
    return redirect("committees:contact_timeline", pk=contact.pk)


def entity_timeline(request, code):
    access.require_reader(request.user)
    entity = get_object_or_404(Entity.objects.select_related("directorate"), code=code)
    context = {
        "entity": entity,
        "events": selectors.entity_timeline(entity),
        "contacts": selectors.contacts_with_follow_up()
        .filter(entity=entity)
        .order_by("last_name", "first_name"),
    }
    return render(request, "committees/entity_timeline.html", context)


@require_POST
def project_from_request(request, reference):
    """Open the project asked for by a request of kind `projet` (the mailbox links here)."""
    from committees.requests_link import request_model

    access.require_manager(request.user)
    Request = request_model()
    if Request is None:
        raise Http404
    source = get_object_or_404(Request.objects.select_related("entity", "service"), reference=reference)
    try:
        project = services.create_project_from_request(source)
    except ValueError:
        messages.error(request, _("Only a request of kind project, linked to its entity, becomes a project."))
        return redirect(source.get_absolute_url())
    messages.success(request, _("Project %(code)s opened.") % {"code": project.code})
    return redirect("committees:entity_timeline", code=project.entity.code)


def project_list(request):
    access.require_reader(request.user)
    filterset = ProjectFilter(request.GET or None, queryset=selectors.projects_for_listing())
    page = Paginator(filterset.qs.order_by("-created_on", "code"), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "committees/project_list.html", {"filter": filterset, "page": page})
