"""The relationship manager's intake screens (/boite/): manual entry, unknown senders, quarantine,
ignored messages, the routing rules' test."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from requests_box import routing, selectors, services
from requests_box.filters import IgnoredFilter, QuarantineFilter, UnknownSenderFilter
from requests_box.forms import DiscardForm, LinkSenderForm, ManualRequestForm, ReleaseForm, RuleTestForm
from requests_box.intake.release import release_quarantined
from requests_box.models import IgnoredMessage, QuarantinedMessage, QuarantineStatus, Request
from requests_box.views.common import attachment_response as _attachment_response
from requests_box.views.common import files_of as _files
from requests_box.views.common import require_manager as _require_manager


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


@require_POST
def confirm_sender(request, reference):
    """The relationship manager vouches for the sender of a mail held as unverified (MAIL.md)."""
    _require_manager(request.user)
    client_request = selectors.access_request(request.user, reference)
    try:
        confirmed = services.confirm_sender(request=client_request, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if confirmed.contact is not None:
            messages.success(
                request,
                _("Sender confirmed; the request is linked to %(name)s.")
                % {"name": confirmed.contact.full_name},
            )
        else:
            messages.success(request, _("Sender confirmed; no contact has this address yet."))
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
                    created = release_quarantined(
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
