"""The request page: one workspace around the conversation, for everyone who may open the request.

What each person gets comes from `selectors.access_to`: the client writes, cancels and reopens; whoever
works the request qualifies, answers, notes and changes its status; a relationship manager also assigns
and runs a complaint's phases; the CIO and a product manager about their service read."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from requests_box import complaints, selectors, workflow
from requests_box.forms import (
    CancelForm,
    ClientMessageForm,
    ComposeForm,
    ForwardForm,
    LinkSenderForm,
    PanelForm,
    ReopenForm,
    SatisfactionForm,
    StatusForm,
)
from requests_box.models import Attachment, Direction, Kind, RequestEvent, Status
from requests_box.views.common import attachment_response, files_of

TEMPLATE = "requests_box/request_detail.html"


def request_detail(request, reference):
    client_request = selectors.access_request(request.user, reference)
    access = selectors.access_to(request.user, client_request)
    return render(request, TEMPLATE, workspace_context(request, access))


def _late_by(client_request, now: dt.datetime) -> dt.timedelta | None:
    if client_request.deadline_state(now) == "breach":
        return now - client_request.deadline
    return None


def _preview(client_request, urgent: bool, important: bool, requested) -> dict:
    deadline = workflow.preview_deadline(
        client_request, urgent=urgent, important=important, requested=requested
    )
    if urgent and important:
        rule = _("urgent and important: 24 hours")
    elif urgent != important and requested is not None:
        rule = _("the date asked by the client")
    elif urgent != important:
        rule = _("no date asked by the client: one week")
    else:
        rule = _("neither urgent nor important: one week (5 business days)")
    local = timezone.localtime(deadline)
    return {
        "deadline": local.isoformat(),
        "text": date_format(local, "l j F Y, H:i"),
        "rule": str(rule),
        "changes": abs((deadline - client_request.deadline).total_seconds()) >= 60,
    }


def workspace_context(request, access: selectors.RequestAccess, bound: dict | None = None) -> dict:
    client_request = access.request
    now = timezone.now()
    version = {"version": client_request.version}
    complaint = client_request.kind == Kind.RECLAMATION
    context = {
        "client_request": client_request,
        "access": access,
        "is_manager": access.manager,
        "thread": selectors.thread_of(
            client_request,
            dsi=access.dsi,
            latest=None if request.GET.get("fil") == "tout" else selectors.THREAD_LATEST,
        ),
        "deadline_state": client_request.deadline_state(now),
        "late_by": _late_by(client_request, now),
        "complaint": complaint,
    }
    if access.works:
        context |= {
            "panel_form": PanelForm.for_request(client_request, manager=access.manager),
            "status_form": StatusForm(
                initial=version, current=client_request.status, manager=access.manager, prefix="status"
            ),
            "compose_form": ComposeForm(initial=version, can_reply=bool(client_request.sender_email)),
            "preview": _preview(
                client_request,
                client_request.urgent,
                client_request.important,
                client_request.requested_deadline,
            ),
        }
    if access.manager and complaint:
        context["forward_form"] = ForwardForm(initial=version)
        if client_request.status in (Status.RESOLVED, Status.CLOSED):
            context["satisfaction_form"] = SatisfactionForm(initial=version, prefix="satisfaction")
    if access.dsi:
        context["survey_answers"] = selectors.survey_answers_of(client_request)
        if complaint:
            context["history"] = selectors.client_history(client_request)
            context["preventive_actions"] = selectors.preventive_actions_of(client_request)
    if access.manager and client_request.sender_unknown:
        context["link_form"] = LinkSenderForm()
    if access.requester:
        if client_request.is_open:
            context["message_form"] = ClientMessageForm(prefix="message")
            context["cancel_form"] = CancelForm(initial=version, prefix="cancel")
        elif selectors.may_reopen(client_request, now):
            context["reopen_form"] = ReopenForm(initial=version, prefix="reopen")
            context["reopen_until"] = selectors.reopen_until(client_request)
    context.update(bound or {})
    return context


@require_GET
def deadline_preview(request, reference):
    """The deadline the chosen urgency × importance (and asked date) would give: the server's own
    computation, for the live preview of the request page (JSON)."""
    client_request = selectors.access_request(request.user, reference)
    if not selectors.can_work(request.user, client_request):
        raise PermissionDenied
    requested = None
    raw = request.GET.get("requested_deadline", "")
    if raw:
        try:
            requested = dt.date.fromisoformat(raw)
        except ValueError:
            return JsonResponse({"error": _("Enter a valid date.")}, status=400)
    flags = {key: request.GET.get(key, "") in ("1", "on", "true") for key in ("urgent", "important")}
    return JsonResponse(_preview(client_request, flags["urgent"], flags["important"], requested))


# -- the DSI's actions on the request


ACTIONS = {
    # action: (form context name, who: "works" or "manager")
    "save": ("panel_form", "works"),
    "status": ("status_form", "works"),
    "compose": ("compose_form", "works"),
    "forward": ("forward_form", "manager"),
    "satisfaction": ("satisfaction_form", "manager"),
}


def _bind(action: str, request, access: selectors.RequestAccess, data=None):
    client_request = access.request
    data = request.POST if data is None else data
    files = request.FILES or None
    if action == "save":
        return PanelForm(data, manager=access.manager, keep_service=client_request.service_id)
    if action == "status":
        return StatusForm(data, current=client_request.status, manager=access.manager, prefix="status")
    if action == "compose":
        return ComposeForm(data, files, can_reply=bool(client_request.sender_email))
    if action == "forward":
        return ForwardForm(data, files)
    return SatisfactionForm(data, prefix="satisfaction")


@require_POST
def request_action(request, reference):
    """One form of the request page: the side panel's save, the status, the composer, a complaint's steps."""
    client_request = selectors.access_request(request.user, reference)
    access = selectors.access_to(request.user, client_request)
    action = request.POST.get("action", "")
    if action not in ACTIONS:
        raise Http404
    name, who = ACTIONS[action]
    if not (access.manager if who == "manager" else access.works):
        raise PermissionDenied
    form = _bind(action, request, access)
    if form.is_valid():
        try:
            done = _apply(action, form, access, request.user)
        except workflow.StaleRequest as exc:
            messages.error(request, " ".join(exc.messages))
            # What the user typed stays; the form now carries the current version, to re-apply at will.
            data = request.POST.copy()
            data[f"{form.prefix}-version"] = exc.current.version
            current = selectors.access_to(request.user, _reload(exc.current, request.user))
            form = _bind(action, request, current, data)
            form.is_valid()
            return render(request, TEMPLATE, workspace_context(request, current, {name: form}), status=409)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            if done:
                messages.success(request, done)
            return redirect(client_request)
    current = selectors.access_to(request.user, _reload(client_request, request.user))
    return render(request, TEMPLATE, workspace_context(request, current, {name: form}), status=400)


def _reload(client_request, user):
    return selectors.access_request(user, client_request.reference)


def _saved_message(client_request, since_pk: int, changed: bool) -> str:
    if not changed:
        return _("Nothing to save: the request was already like this.")
    details = [
        e.detail
        for e in RequestEvent.objects.filter(request=client_request, pk__gt=since_pk).order_by("pk")
        if e.detail and e.kind in ("qualified", "assigned")
    ]
    saved = _("Saved at %(time)s.") % {"time": date_format(timezone.localtime(), "H:i")}
    return f"{saved} {' ; '.join(details)}".strip()


def _apply(action: str, form, access: selectors.RequestAccess, user) -> str:
    client_request = access.request
    data = form.cleaned_data
    version = data.get("version")
    if action == "save":
        last = (
            RequestEvent.objects.filter(request=client_request).order_by("-pk").values_list("pk", flat=True)
        )
        since = last.first() or 0
        current, changed = workflow.update_request(
            client_request,
            actor=user,
            version=version,
            qualification=form.qualification(client_request),
            assignment=form.assignment(),
        )
        return _saved_message(current, since, changed)
    if action == "status":
        current = workflow.change_status(
            client_request,
            data["status"],
            actor=user,
            version=version,
            response_type=data["response_type"],
            detail=data["comment"],
        )
        return _("Status: %(status)s.") % {"status": current.get_status_display()}
    if action == "compose":
        if data["mode"] == "reply":
            workflow.reply_to_client(
                client_request, actor=user, text=data["text"], files=files_of(form), version=version
            )
            return _("Answer sent to %(address)s.") % {"address": client_request.sender_email}
        workflow.add_note(client_request, actor=user, text=data["text"], files=files_of(form))
        return _("Internal note added.")
    if action == "forward":
        person = data["user"]
        recipient = data["team"].name if data["team"] else (person.get_full_name() or person.username)
        if data["mode"] == "copy":
            complaints.answer_with_copy(
                client_request,
                actor=user,
                text=data["text"],
                team=data["team"],
                user=data["user"],
                files=files_of(form),
                version=version,
            )
            return _("Answer sent to the client; copy sent to %(who)s.") % {"who": recipient}
        complaints.forward_complaint(
            client_request,
            actor=user,
            team=data["team"],
            user=data["user"],
            note=data["text"],
            version=version,
        )
        return _("Complaint forwarded to %(who)s, who has been told by e-mail.") % {"who": recipient}
    complaints.record_satisfaction(client_request, actor=user, note=data["note"], version=version)
    return _("Re-satisfaction check recorded.")


def attachment_download(request, reference, pk):
    client_request = selectors.access_request(request.user, reference)
    attachment = get_object_or_404(Attachment, pk=pk, message__request=client_request)
    if (
        attachment.message.direction == Direction.NOTE
        and not selectors.access_to(request.user, client_request).dsi
    ):
        raise Http404
    return attachment_response(attachment.file.open("rb"), attachment.original_name, attachment.content_type)
