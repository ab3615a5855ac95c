"""Screens of the functional mailbox: a client's requests and form; the relationship manager's intake."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from directory.selectors import contact_for_user
from requests_box import selectors, services
from requests_box.filters import IgnoredFilter, QuarantineFilter, RequestFilter, UnknownSenderFilter
from requests_box.forms import DiscardForm, LinkSenderForm, ManualRequestForm, NewRequestForm, ReleaseForm
from requests_box.models import Attachment, Channel, IgnoredMessage, QuarantinedMessage, QuarantineStatus

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
        form = NewRequestForm(initial={"service": request.GET.get("service", "")})
    return render(request, "requests_box/new_request.html", {"form": form})


def _flood_limit() -> int:
    from django.conf import settings

    return settings.WEB_REQUEST_FLOOD_LIMIT


def request_detail(request, reference):
    client_request = selectors.access_request(request.user, reference)
    manager = selectors.can_manage_mailbox(request.user)
    context = {
        "client_request": client_request,
        "messages_list": selectors.messages_of(client_request, include_notes=manager),
        "events": selectors.events_of(client_request),
        "is_manager": manager,
        "link_form": LinkSenderForm() if manager and client_request.sender_unknown else None,
    }
    return render(request, "requests_box/request_detail.html", context)


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
