"""Screens of the functional mailbox: a client's requests and form; the relationship manager's intake."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from directory.selectors import contact_for_user
from home.exports import csv_response
from requests_box import measures, routing, selectors, services, workflow
from requests_box.filters import (
    IgnoredFilter,
    PreventiveActionFilter,
    QuarantineFilter,
    RequestFilter,
    TriageFilter,
    UnknownSenderFilter,
)
from requests_box.forms import (
    AssignForm,
    BulkForm,
    DiscardForm,
    ForwardForm,
    LinkSenderForm,
    ManualRequestForm,
    MeasureForm,
    NewRequestForm,
    NoteForm,
    QualifyForm,
    ReleaseForm,
    ReplyForm,
    RuleTestForm,
    SatisfactionForm,
    StatusForm,
)
from requests_box.models import (
    Attachment,
    Channel,
    IgnoredMessage,
    Kind,
    QuarantinedMessage,
    QuarantineStatus,
    Request,
)

# Types a browser may be handed as they are; anything else is served as opaque bytes.
SAFE_CONTENT_TYPES = frozenset(
    {"application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp", "text/plain", "text/csv"}
)


def _files(form) -> list[services.NewFile]:
    return [
        services.NewFile(f.name, f.content_type or "application/octet-stream", f)
        for f in form.cleaned_data.get("attachments") or []
    ]


def _require_manager(user):
    if not selectors.can_manage_mailbox(user):
        raise PermissionDenied


# -- what every business user sees


def my_requests(request):
    filterset = RequestFilter(request.GET or None, queryset=selectors.requests_visible_to(request.user))
    page = Paginator(filterset.qs.order_by("-received_at", "-pk"), 25).get_page(request.GET.get("page"))
    return render(request, "requests_box/my_requests.html", {"filter": filterset, "page": page})


def new_request(request):
    if request.method == "POST":
        form = NewRequestForm(request.POST, request.FILES)
        if selectors.recent_web_requests(request.user) >= _flood_limit():
            form.add_error(None, _("You have sent many requests in the last hour; please wait a little."))
        if form.is_valid():
            contact = contact_for_user(request.user)
            created = services.create_request(
                channel=Channel.WEB,
                subject=form.cleaned_data["subject"],
                text=form.cleaned_data["description"],
                sender_email=(contact.email if contact else request.user.email) or "",
                sender_name=request.user.get_full_name(),
                contact=contact,
                service=form.cleaned_data["service"],
                submitted_by=request.user,
                requested_deadline=form.cleaned_data["requested_deadline"],
                files=_files(form),
            )
            messages.success(
                request,
                _("Your request is registered under the reference %(ref)s.") % {"ref": created.reference},
            )
            return redirect(created)
    else:
        # Pre-filled from a link: a catalogue service, or what a search did not find ("Describe my need").
        form = NewRequestForm(
            initial={
                "service": request.GET.get("service", ""),
                "subject": request.GET.get("subject", "")[:200],
                "description": request.GET.get("description", "")[:2000],
            }
        )
    return render(request, "requests_box/new_request.html", {"form": form})


def _flood_limit() -> int:
    from django.conf import settings

    return settings.WEB_REQUEST_FLOOD_LIMIT


def request_detail(request, reference):
    client_request = selectors.access_request(request.user, reference)
    return render(request, "requests_box/request_detail.html", _detail_context(request, client_request))


def _detail_context(request, client_request, bound: dict | None = None) -> dict:
    manager = selectors.can_manage_mailbox(request.user)
    context = {
        "client_request": client_request,
        "messages_list": selectors.messages_of(client_request, include_notes=manager),
        "events": selectors.events_of(client_request, include_internal=manager),
        "is_manager": manager,
        "link_form": LinkSenderForm() if manager and client_request.sender_unknown else None,
        "deadline_state": client_request.deadline_state(),
    }
    if manager:
        version = {"version": client_request.version}
        forms = {
            "qualify_form": QualifyForm.for_request(client_request),
            "assign_form": AssignForm(
                initial={**version, "assignee": client_request.assignee_id, "team": client_request.team_id},
                prefix="assign",
            ),
            "status_form": StatusForm(initial=version, current=client_request.status, prefix="status"),
            "reply_form": ReplyForm(initial=version, prefix="reply") if client_request.sender_email else None,
            "note_form": NoteForm(prefix="note"),
        }
        if client_request.kind == Kind.RECLAMATION:
            forms["forward_form"] = ForwardForm(initial=version, prefix="forward")
            forms["satisfaction_form"] = SatisfactionForm(initial=version, prefix="satisfaction")
            forms["history"] = selectors.client_history(client_request)
            forms["preventive_actions"] = selectors.preventive_actions_of(client_request)
        forms.update(bound or {})
        context.update(forms)
    return context


ACTIONS = {
    "qualify": ("qualify_form", None),
    "assign": ("assign_form", AssignForm),
    "status": ("status_form", StatusForm),
    "reply": ("reply_form", ReplyForm),
    "note": ("note_form", NoteForm),
    "forward": ("forward_form", ForwardForm),
    "satisfaction": ("satisfaction_form", SatisfactionForm),
}


@require_POST
def request_action(request, reference):
    """One form of the request page (qualify, assign, status, reply, note, complaint steps)."""
    _require_manager(request.user)
    client_request = selectors.access_request(request.user, reference)
    action = request.POST.get("action", "")
    if action not in ACTIONS:
        raise Http404
    name, form_class = ACTIONS[action]
    if action == "qualify":
        form = QualifyForm(request.POST, prefix="qualify")
    elif action == "status":
        form = StatusForm(request.POST, current=client_request.status, prefix="status")
    else:
        form = form_class(request.POST, request.FILES or None, prefix=action)
    if form.is_valid():
        try:
            _apply(action, form.cleaned_data, client_request, request.user, form)
        except workflow.StaleRequest as exc:
            messages.error(request, " ".join(exc.messages))
            # What the user typed stays; the form now carries the current version, to re-apply at will.
            data = request.POST.copy()
            data[f"{action}-version"] = exc.current.version
            form = type(form)(
                data,
                request.FILES or None,
                prefix=action,
                **({"current": exc.current.status} if action == "status" else {}),
            )
            form.is_valid()
            context = _detail_context(request, exc.current, {name: form})
            return render(request, "requests_box/request_detail.html", context, status=409)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            return redirect(client_request)
    client_request.refresh_from_db()
    context = _detail_context(request, client_request, {name: form})
    return render(request, "requests_box/request_detail.html", context, status=400)


def _apply(action, data, client_request, user, form):
    version = data.get("version")
    if action == "qualify":
        workflow.qualify(
            client_request,
            actor=user,
            version=version,
            kind=data["kind"],
            service=data["service"],
            urgent=data["urgent"],
            important=data["important"],
            requested_deadline=data["requested_deadline"],
            entity=data["entity"] if data["entity"] else client_request.entity,
            cause=data["cause"],
            serious=data["serious"],
        )
    elif action == "assign":
        workflow.assign(
            client_request, assignee=data["assignee"], team=data["team"], actor=user, version=version
        )
    elif action == "status":
        workflow.change_status(
            client_request,
            data["status"],
            actor=user,
            version=version,
            response_type=data["response_type"],
            detail=data["comment"],
        )
    elif action == "reply":
        workflow.reply_to_client(
            client_request, actor=user, text=data["text"], files=_files(form), version=version
        )
    elif action == "note":
        workflow.add_note(client_request, actor=user, text=data["text"])
    elif action == "forward":
        workflow.forward_complaint(
            client_request, entity=data["entity"], actor=user, version=version, note=data["note"]
        )
    elif action == "satisfaction":
        workflow.record_satisfaction(client_request, actor=user, note=data["note"], version=version)


def attachment_download(request, reference, pk):
    client_request = selectors.access_request(request.user, reference)
    attachment = get_object_or_404(Attachment, pk=pk, message__request=client_request)
    if not selectors.can_manage_mailbox(request.user) and attachment.message.direction == "note":
        raise Http404
    return _attachment_response(attachment.file.open("rb"), attachment.original_name, attachment.content_type)


def _attachment_response(handle, filename: str, content_type: str) -> FileResponse:
    content_type = content_type.lower().split(";")[0].strip()
    if content_type not in SAFE_CONTENT_TYPES:
        content_type = "application/octet-stream"
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# -- the relationship manager's intake screens (/boite/)


def mailbox_home(request):
    _require_manager(request.user)
    return render(request, "requests_box/mailbox_home.html", {"counts": selectors.mailbox_counts()})


def manual_entry(request):
    _require_manager(request.user)
    form = ManualRequestForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        contact = data["contact"]
        created = services.create_request(
            channel=data["channel"],
            subject=data["subject"],
            text=data["description"],
            sender_email=data["sender_email"] or (contact.email if contact else ""),
            sender_name=data["sender_name"],
            contact=contact,
            service=data["service"],
            submitted_by=request.user,
            received_at=data["received_at"] or timezone.now(),
            requested_deadline=data["requested_deadline"],
            urgent=data["urgent"],
            important=data["important"],
            files=_files(form),
            event_detail=data["channel"],
        )
        messages.success(request, _("Request %(ref)s recorded.") % {"ref": created.reference})
        return redirect(created)
    return render(request, "requests_box/manual_entry.html", {"form": form})


def unknown_senders(request):
    _require_manager(request.user)
    filterset = UnknownSenderFilter(request.GET or None, queryset=selectors.unknown_sender_requests())
    page = Paginator(filterset.qs, 25).get_page(request.GET.get("page"))
    # Evaluated once: every row's form offers the same contacts.
    contact_choices = list(LinkSenderForm().fields["contact"].choices)
    context = {"filter": filterset, "page": page, "contact_choices": contact_choices}
    return render(request, "requests_box/unknown_senders.html", context)


@require_POST
def link_sender(request, reference):
    _require_manager(request.user)
    client_request = selectors.access_request(request.user, reference)
    form = LinkSenderForm(request.POST)
    if form.is_valid():
        count = services.link_sender(
            request=client_request, contact=form.cleaned_data["contact"], actor=request.user
        )
        messages.success(
            request,
            _("%(count)s request(s) linked to %(name)s.")
            % {
                "count": count,
                "name": form.cleaned_data["contact"].full_name,
            },
        )
    else:
        messages.error(request, _("Choose a contact to link."))
    if request.POST.get("next") == "unknown":
        return redirect("requests_box:unknown_senders")
    return redirect(client_request)


def quarantine_list(request):
    _require_manager(request.user)
    data = request.GET.copy()
    data.setdefault("status", QuarantineStatus.PENDING)
    filterset = QuarantineFilter(data, queryset=selectors.quarantined_messages())
    page = Paginator(filterset.qs, 25).get_page(request.GET.get("page"))
    return render(request, "requests_box/quarantine_list.html", {"filter": filterset, "page": page})


def quarantine_detail(request, pk):
    _require_manager(request.user)
    item = get_object_or_404(selectors.quarantined_messages(), pk=pk)
    release_form, discard_form = ReleaseForm(prefix="release"), DiscardForm(prefix="discard")
    if request.method == "POST":
        try:
            if "release" in request.POST:
                release_form = ReleaseForm(request.POST, prefix="release")
                if release_form.is_valid():
                    created = services.release_quarantined(
                        item=item,
                        actor=request.user,
                        sender_email=release_form.cleaned_data["sender_email"],
                        subject=release_form.cleaned_data["subject"],
                    )
                    messages.success(
                        request, _("Released into request %(ref)s.") % {"ref": created.reference}
                    )
                    return redirect(created)
            elif "discard" in request.POST:
                discard_form = DiscardForm(request.POST, prefix="discard")
                if discard_form.is_valid():
                    services.discard_quarantined(
                        item=item, actor=request.user, reason=discard_form.cleaned_data["reason"]
                    )
                    messages.success(request, _("Message discarded."))
                    return redirect("requests_box:quarantine_list")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    preview = _raw_preview(item.raw)
    context = {"item": item, "preview": preview, "release_form": release_form, "discard_form": discard_form}
    return render(request, "requests_box/quarantine_detail.html", context)


def _raw_preview(field, limit: int = 64 * 1024) -> str:
    with field.open("rb") as handle:
        head = handle.read(limit)
    return head.decode("utf-8", errors="replace")


def quarantine_raw(request, pk):
    _require_manager(request.user)
    item = get_object_or_404(QuarantinedMessage, pk=pk)
    return _attachment_response(item.raw.open("rb"), f"quarantaine-{item.pk}.eml", "message/rfc822")


def ignored_list(request):
    _require_manager(request.user)
    filterset = IgnoredFilter(request.GET or None, queryset=selectors.ignored_messages())
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    return render(request, "requests_box/ignored_list.html", {"filter": filterset, "page": page})


def ignored_raw(request, pk):
    _require_manager(request.user)
    item = get_object_or_404(IgnoredMessage, pk=pk)
    return _attachment_response(item.raw.open("rb"), f"ignore-{item.pk}.eml", "message/rfc822")


# -- triage


def triage(request):
    _require_manager(request.user)
    queue = request.GET.get("queue", "open")
    if queue not in selectors.QUEUES:
        queue = "open"
    if request.method == "POST":
        return _bulk(request)
    now = timezone.now()
    filterset = TriageFilter(
        request.GET or None, queryset=selectors.triage_queryset(request.user, queue, now)
    )
    rows = filterset.qs
    if not request.GET.get("ordering"):
        rows = rows.order_by("deadline", "pk")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    for row in page.object_list:
        row.state = row.deadline_state(now)
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("queue", None)
    context = {
        "filter": filterset,
        "page": page,
        "queue": queue,
        "queues": selectors.QUEUES,
        "counts": selectors.queue_counts(request.user, now),
        "bulk_form": BulkForm(),
        "query": query.urlencode(),
    }
    return render(request, "requests_box/triage.html", context)


def _bulk(request):
    form = BulkForm(request.POST)
    back = request.POST.get("next") or ""
    target = redirect(f"{request.path}?{back}" if back else request.path)
    if not form.is_valid():
        errors = [e for errors in form.errors.values() for e in errors]
        messages.error(request, " ".join([_("Choose the requests and the action."), *errors]))
        return target
    data = form.cleaned_data
    done, stale, refused = 0, [], []
    for item in data["selected"]:
        version = data["versions"][item.pk]
        try:
            if data["action"] == "assign":
                workflow.assign(item, assignee=data["assignee"], actor=request.user, version=version)
            elif data["action"] == "team":
                workflow.assign(item, team=data["team"], actor=request.user, version=version)
            else:
                workflow.qualify(item, actor=request.user, kind=data["kind"], version=version)
        except workflow.StaleRequest:
            stale.append(item.reference)
        except ValidationError as exc:
            refused.append(f"{item.reference} ({' '.join(exc.messages)})")
        else:
            done += 1
    messages.success(request, _("%(count)s request(s) updated.") % {"count": done})
    if stale:
        messages.warning(
            request,
            _(
                "Not changed, because someone changed them after this page was loaded: %(refs)s. "
                "Check them and apply the action again."
            )
            % {"refs": ", ".join(stale)},
        )
    if refused:
        messages.error(request, _("Not changed: %(refs)s.") % {"refs": "; ".join(refused)})
    return target


def rule_test(request):
    """Which routing rule a given request would match, and why the others do not."""
    _require_manager(request.user)
    form = RuleTestForm(request.GET or None)
    context = {"form": form, "rules": routing.active_rules()}
    if form.is_valid():
        tested = (
            Request.objects.select_related("entity", "service")
            .filter(reference=form.cleaned_data["reference"].strip())
            .first()
        )
        if tested is None:
            form.add_error("reference", _("No request has this reference."))
        else:
            context["tested"] = tested
            context["matched"] = routing.matching_rule(tested, context["rules"])
    return render(request, "requests_box/rule_test.html", context)


# -- measures and the preventive actions decided from them


def _measure_form(request) -> MeasureForm:
    today = timezone.localdate()
    data = request.GET.copy()
    data.setdefault("end", today.isoformat())
    data.setdefault("start", (today.replace(day=1) - dt.timedelta(days=335)).replace(day=1).isoformat())
    return MeasureForm(data)


def measures_view(request):
    _require_manager(request.user)
    form = _measure_form(request)
    tables = measures.all_tables(form.scope()) if form.is_valid() else []
    query = request.GET.urlencode()
    return render(request, "requests_box/measures.html", {"form": form, "tables": tables, "query": query})


def measures_csv(request, key):
    _require_manager(request.user)
    form = _measure_form(request)
    if not form.is_valid():
        raise Http404
    table = next((t for t in measures.all_tables(form.scope()) if t.key == key), None)
    if table is None:
        raise Http404
    return csv_response([table.header, *table.rows], f"{key}.csv", delimiter=";", bom=True)


def preventive_actions(request):
    """The register of preventive actions (phase 6 of a complaint), with the complaints behind each."""
    _require_manager(request.user)
    filterset = PreventiveActionFilter(request.GET or None, queryset=selectors.preventive_actions())
    page = Paginator(filterset.qs, 20).get_page(request.GET.get("page"))
    return render(request, "requests_box/preventive_actions.html", {"filter": filterset, "page": page})
