"""The client's side: "My requests", the web form, and what a client does on their request (write,
cancel, reopen). A refused form keeps what was typed; a request changed meanwhile is said so."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from directory.selectors import contact_for_user
from requests_box import client_actions, selectors, services, workflow
from requests_box.filters import RequestFilter
from requests_box.forms import CancelForm, ClientMessageForm, NewRequestForm, ReopenForm
from requests_box.models import Channel, Kind
from requests_box.views.common import files_of
from requests_box.views.workspace import TEMPLATE, workspace_context


def my_requests(request):
    filterset = RequestFilter(request.GET or None, queryset=selectors.requests_of_client(request.user))
    page = Paginator(filterset.qs.order_by("-received_at", "-pk"), 25).get_page(request.GET.get("page"))
    now = timezone.now()
    for row in page.object_list:
        row.state = row.deadline_state(now)
    return render(request, "requests_box/my_requests.html", {"filter": filterset, "page": page})


def new_request(request):
    if request.method == "POST":
        form = NewRequestForm(request.POST, request.FILES)
        if selectors.recent_web_requests(request.user) >= settings.WEB_REQUEST_FLOOD_LIMIT:
            form.add_error(None, _("You have sent many requests in the last hour; please wait a little."))
        if form.is_valid():
            contact = contact_for_user(request.user)
            complaint = form.cleaned_data["complaint"]
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
                kind=Kind.RECLAMATION if complaint else Kind.SIMPLE,
                files=files_of(form),
            )
            text = (
                _("Your complaint is registered under the reference %(ref)s.")
                if complaint
                else _("Your request is registered under the reference %(ref)s.")
            )
            messages.success(request, text % {"ref": created.reference})
            return redirect(created)
    else:
        # Pre-filled from a link: a catalogue service, a complaint, or what a search did not find.
        initial = {
            "service": request.GET.get("service", ""),
            "complaint": request.GET.get("reclamation") == "1",
            "subject": request.GET.get("subject", "")[:200],
            "description": request.GET.get("description", "")[:2000],
        }
        form = NewRequestForm(initial=initial)
    return render(request, "requests_box/new_request.html", {"form": form})


def _requester_access(request, reference) -> selectors.RequestAccess:
    client_request = selectors.access_request(request.user, reference)
    access = selectors.access_to(request.user, client_request)
    if not access.requester:
        raise PermissionDenied
    return access


def _again(request, access, name: str, form, status: int):
    """The request page again, with the client's form as they filled it (files are chosen again)."""
    current = selectors.access_to(
        request.user, selectors.access_request(request.user, access.request.reference)
    )
    context = workspace_context(request, current, {name: form})
    return render(request, TEMPLATE, context, status=status)


@require_POST
def client_message(request, reference):
    access = _requester_access(request, reference)
    form = ClientMessageForm(request.POST, request.FILES or None, prefix="message")
    if form.is_valid():
        try:
            client_actions.add_client_message(
                access.request, user=request.user, text=form.cleaned_data["text"], files=files_of(form)
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return _again(request, access, "message_form", form, 409)
        messages.success(request, _("Your message has been added to the request; the DSI sees it at once."))
        return redirect(access.request)
    return _again(request, access, "message_form", form, 400)


def _stale(request, exc: workflow.StaleRequest, access, name: str, form_class, prefix: str):
    """The request changed since the page was shown: say what it is now, and keep what was typed where
    it can still be sent (the same form at the new version, or as a message if it is open again)."""
    current = exc.current
    messages.error(
        request,
        _(
            "The request changed while you were writing (it is now “%(status)s”): check it, your text "
            "is kept below."
        )
        % {"status": current.get_status_display()},
    )
    typed = request.POST.get(f"{prefix}-text") or request.POST.get(f"{prefix}-reason") or ""
    still_possible = current.is_open if prefix == "cancel" else selectors.may_reopen(current)
    if still_possible:
        data = request.POST.copy()
        data[f"{prefix}-version"] = current.version
        form = form_class(data, prefix=prefix)
        form.is_valid()
        return _again(request, access, name, form, 409)
    if current.is_open:
        return _again(
            request, access, "message_form", ClientMessageForm(initial={"text": typed}, prefix="message"), 409
        )
    return _again(request, access, "kept_text", typed, 409)


def _change(request, reference, form_class, prefix: str, apply, done: str):
    """Cancel or reopen: the form, the change against the version the client saw, the answer."""
    access = _requester_access(request, reference)
    form = form_class(request.POST, request.FILES or None, prefix=prefix)
    name = f"{prefix}_form"
    if not form.is_valid():
        return _again(request, access, name, form, 400)
    try:
        apply(access.request, form)
    except workflow.StaleRequest as exc:
        return _stale(request, exc, access, name, form_class, prefix)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _again(request, access, name, form, 409)
    messages.success(request, done)
    return redirect(access.request)


@require_POST
def client_cancel(request, reference):
    def apply(client_request, form):
        client_actions.cancel_request(
            client_request,
            user=request.user,
            reason=form.cleaned_data["reason"],
            version=form.cleaned_data["version"],
        )

    done = _("Your request is cancelled. Thank you for telling us.")
    return _change(request, reference, CancelForm, "cancel", apply, done)


@require_POST
def client_reopen(request, reference):
    def apply(client_request, form):
        client_actions.reopen_request(
            client_request,
            user=request.user,
            reason=form.cleaned_data["text"],
            files=files_of(form),
            version=form.cleaned_data["version"],
        )

    done = _("Your request is reopened; the DSI will come back to you.")
    return _change(request, reference, ReopenForm, "reopen", apply, done)
