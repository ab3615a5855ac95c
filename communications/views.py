"""Campaigns, audiences, events and the plan in the portal: thin views over access, services, selectors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from communications import access, audiences, events, selectors, services, unsubscribe
from communications.forms import AttendanceForm
from communications.mail import build_message, read_click
from communications.models import (
    Audience,
    Campaign,
    CampaignStatus,
    CommunicationKind,
    Event,
    RegistrationStatus,
)
from directory.models import Contact
from directory.selectors import contact_for_user
from home.exports import ics_response

PER_PAGE = 50


# --- Campaigns -------------------------------------------------------------------------------------


def campaign_list(request):
    access.require_reader(request.user)
    page = Paginator(selectors.campaigns_for_listing(), PER_PAGE).get_page(request.GET.get("page"))
    measures = services.campaign_measures([c.pk for c in page])
    rows = [(campaign, measures[campaign.pk]) for campaign in page]
    return render(
        request,
        "communications/campaign_list.html",
        {"page": page, "rows": rows, "can_compose": access.can_compose(request.user)},
    )


def campaign_detail(request, pk):
    access.require_reader(request.user)
    campaign = get_object_or_404(Campaign.objects.select_related("audience", "created_by"), pk=pk)
    context = {
        "campaign": campaign,
        "measures": services.campaign_measures([campaign.pk])[campaign.pk],
        "can_compose": access.can_compose(request.user),
        "can_see_members": access.can_manage_audiences(request.user),
    }
    if context["can_compose"] and campaign.status == CampaignStatus.DRAFT:
        context["problems"] = services.check_campaign(campaign)
        if campaign.audience_id:
            context["summary"] = audiences.summarise(campaign.audience, kind=campaign.kind)
            context["preview_contacts"] = audiences.members(campaign.audience, kind=campaign.kind).order_by(
                "last_name", "first_name"
            )[:100]
    return render(request, "communications/campaign_detail.html", context)


def campaign_preview(request, pk):
    """The e-mail exactly as a chosen member of the audience will receive it (links not counted)."""
    access.require_composer(request.user)
    campaign = get_object_or_404(Campaign, pk=pk)
    contact = None
    if campaign.audience_id:
        members = audiences.members(campaign.audience).select_related("entity__directorate")
        contact_id = request.GET.get("contact", "")
        contact = members.filter(pk=int(contact_id)).first() if contact_id.isdigit() else members.first()
    if contact is None:
        messages.error(request, _("Choose a member of the campaign's audience to preview the e-mail."))
        return redirect("communications:campaign_detail", pk=campaign.pk)
    message = build_message(campaign, contact)
    html = message.alternatives[0][0]
    if request.GET.get("format") == "text":
        return HttpResponse(message.body, content_type="text/plain; charset=utf-8")
    return HttpResponse(html)


@require_POST
def campaign_send_test(request, pk):
    access.require_composer(request.user)
    campaign = get_object_or_404(Campaign, pk=pk)
    try:
        address = services.send_test(campaign, user=request.user)
    except services.CampaignError as exc:
        for problem in exc.problems:
            messages.error(request, problem)
    else:
        messages.success(request, _("A test was sent to %(address)s.") % {"address": address})
    return redirect("communications:campaign_detail", pk=campaign.pk)


@require_POST
def campaign_queue(request, pk):
    access.require_composer(request.user)
    campaign = get_object_or_404(Campaign, pk=pk)
    try:
        count = services.queue_campaign(campaign, user=request.user)
    except services.CampaignError as exc:
        messages.error(request, _("Nothing was sent."))
        for problem in exc.problems:
            messages.error(request, problem)
    else:
        campaign.refresh_from_db()
        when = (
            campaign.scheduled_at
            if campaign.scheduled_at and campaign.scheduled_at > timezone.now()
            else None
        )
        if when:
            messages.success(
                request,
                _("%(count)d e-mails will be sent from %(when)s.")
                % {"count": count, "when": timezone.localtime(when).strftime("%d/%m/%Y %H:%M")},
            )
        else:
            messages.success(request, _("%(count)d e-mails are being sent.") % {"count": count})
    return redirect("communications:campaign_detail", pk=campaign.pk)


@require_POST
def campaign_cancel(request, pk):
    access.require_composer(request.user)
    campaign = get_object_or_404(Campaign, pk=pk)
    services.cancel_campaign(campaign)
    messages.success(request, _("The campaign is cancelled: nothing more will be sent."))
    return redirect("communications:campaign_detail", pk=campaign.pk)


@require_POST
def campaign_fill_newsletter(request, pk):
    access.require_composer(request.user)
    campaign = get_object_or_404(Campaign, pk=pk, status=CampaignStatus.DRAFT)
    added = services.fill_newsletter(campaign)
    messages.success(request, _("%(count)d news items added to the newsletter.") % {"count": added})
    return redirect("communications:campaign_detail", pk=campaign.pk)


# --- Audiences -------------------------------------------------------------------------------------


def audience_detail(request, pk):
    access.require_audience_manager(request.user)
    audience = get_object_or_404(Audience, pk=pk)
    members = (
        audiences.members(audience).select_related("entity__directorate").order_by("last_name", "first_name")
    )
    page = Paginator(members, PER_PAGE).get_page(request.GET.get("page"))
    unsubscribed = selectors.unsubscriptions_of([c.pk for c in page])
    rows = [
        (contact, audiences.is_valid_address(contact.email), unsubscribed.get(contact.pk, []))
        for contact in page
    ]
    return render(
        request,
        "communications/audience_detail.html",
        {"audience": audience, "page": page, "rows": rows, "size": page.paginator.count},
    )


@require_POST
def audience_exclude(request, pk):
    access.require_audience_manager(request.user)
    audience = get_object_or_404(Audience, pk=pk)
    contact_id = request.POST.get("contact", "")
    contact = Contact.objects.filter(pk=int(contact_id)).first() if contact_id.isdigit() else None
    if contact is None:
        messages.error(request, _("Choose a contact to exclude."))
        return redirect("communications:audience_detail", pk=audience.pk)
    audiences.exclude_contact(audience, contact)
    messages.success(request, _("%(name)s is excluded from this audience.") % {"name": contact.full_name})
    return redirect("communications:audience_detail", pk=audience.pk)


# --- Links in the mails: unsubscribe and counted clicks (no login: the token is the credential) -------


@login_not_required
@csrf_exempt  # the one-click unsubscribe (RFC 8058) is a POST from the mail client, without a form
def unsubscribe_view(request, token):
    data = unsubscribe.read_token(token)
    contact = Contact.objects.filter(pk=data[0]).first() if data else None
    if contact is None:
        return render(request, "communications/unsubscribe.html", {"invalid": True}, status=404)
    kind = CommunicationKind(data[1])
    done = False
    if request.method == "POST":
        unsubscribe.unsubscribe(contact=contact, kind=kind, campaign_id=data[2])
        done = True
    return render(
        request,
        "communications/unsubscribe.html",
        {"kind": kind, "done": done or unsubscribe.is_unsubscribed(contact.pk, kind), "token": token},
    )


@login_not_required
def click(request, token):
    data = read_click(token)
    if data is None:
        raise Http404
    services.record_click(*data)
    return HttpResponseRedirect(data[1])


# --- Events ----------------------------------------------------------------------------------------


def event_list(request):
    upcoming = selectors.upcoming_events()
    measures = events.event_measures([e.pk for e in upcoming])
    mine = selectors.registrations_of(contact_for_user(request.user), [e.pk for e in upcoming])
    rows = [(event, measures[event.pk], mine.get(event.pk)) for event in upcoming]
    return render(
        request,
        "communications/event_list.html",
        {"rows": rows, "can_manage": access.can_manage_audiences(request.user)},
    )


def event_detail(request, pk):
    event = get_object_or_404(Event, pk=pk)
    contact = contact_for_user(request.user)
    registration = event.registrations.filter(contact=contact).first() if contact else None
    return render(
        request,
        "communications/event_detail.html",
        {
            "event": event,
            "measures": events.event_measures([event.pk])[event.pk],
            "registration": registration,
            "has_contact": contact is not None,
            "can_manage": access.can_manage_audiences(request.user),
        },
    )


@require_POST
def event_register(request, pk):
    event = get_object_or_404(Event, pk=pk)
    contact = contact_for_user(request.user)
    if contact is None:
        messages.error(
            request, _("Your account is not linked to a client contact: ask the relationship team.")
        )
        return redirect("communications:event_detail", pk=event.pk)
    try:
        registration = events.register(event=event, contact=contact)
    except events.RegistrationError as exc:
        messages.error(request, str(exc))
    else:
        if registration.status == RegistrationStatus.REGISTERED:
            messages.success(request, _("You are registered. The invitation is on its way to your mailbox."))
        else:
            messages.success(request, _("The event is full: you are on the waiting list."))
    return redirect("communications:event_detail", pk=event.pk)


@require_POST
def event_unregister(request, pk):
    event = get_object_or_404(Event, pk=pk)
    contact = contact_for_user(request.user)
    registration = (
        event.registrations.filter(contact=contact).exclude(status=RegistrationStatus.CANCELLED).first()
    )
    if contact is None or registration is None:
        raise Http404
    events.cancel(registration=registration)
    messages.success(request, _("Your registration is cancelled."))
    return redirect("communications:event_detail", pk=event.pk)


def event_ics(request, pk):
    event = get_object_or_404(Event, pk=pk)
    contact = contact_for_user(request.user)
    if (
        contact is None
        or not event.registrations.filter(contact=contact, status=RegistrationStatus.REGISTERED).exists()
    ):
        raise Http404
    return ics_response([events.calendar_event(event, contact)], f"evenement-{event.pk}.ics")


def event_attendance(request, pk):
    access.require_audience_manager(request.user)
    event = get_object_or_404(Event, pk=pk)
    registrations = list(
        event.registrations.exclude(status=RegistrationStatus.CANCELLED).select_related("contact__entity")
    )
    form = AttendanceForm(request.POST or None, registrations=registrations)
    if request.method == "POST" and form.is_valid():
        present = events.record_attendance(
            event=event, attended_ids=set(form.cleaned_data["attended"]), author=request.user
        )
        messages.success(request, _("Attendance recorded: %(count)d present.") % {"count": present})
        return redirect("communications:event_attendance", pk=event.pk)
    return render(
        request,
        "communications/event_attendance.html",
        {"event": event, "registrations": registrations, "form": form},
    )


# --- The communication plan ------------------------------------------------------------------------


def plan(request):
    access.require_reader(request.user)
    year = request.GET.get("annee", "")
    year = int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else timezone.localdate().year
    months = selectors.plan_by_month(year)
    return render(
        request,
        "communications/plan.html",
        {"year": year, "months": months, "previous": year - 1, "next": year + 1},
    )
