"""What a client does on their own request from the portal: add a message or files (threaded exactly as
a reply by mail), cancel it while it is open, reopen it within 30 days of its resolution.

Cancelling and reopening take the version of the request the client saw: when the DSI changed it
meanwhile, `workflow.StaleRequest` is raised and nothing is written, so the page can say so and keep
what the client typed."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from requests_box import services, workflow
from requests_box.models import Channel, Message, Request, Status
from requests_box.selectors import REOPEN_DAYS, may_reopen


def _sender(user, request: Request) -> str:
    name = user.get_full_name() or request.sender_name
    address = request.sender_email or user.email
    return f"{name} <{address}>" if name and address else (address or name)


def _post(request: Request, *, user, text: str, files) -> Message:
    """The one place a client's web message joins its request: the same function as a reply by mail
    (history, the clock of a request waiting for the client), on the web channel."""
    with workflow.portal_language():
        subject = _("Re: [{reference}] {subject}").format(
            reference=request.reference, subject=request.subject
        )
    return services.add_inbound_message(
        request=request,
        channel=Channel.WEB,
        text=text.strip(),
        sender=_sender(user, request),
        subject=" ".join(subject.split())[:255],
        files=files,
        author=user,
    )


@transaction.atomic
def add_client_message(request: Request, *, user, text: str, files=()) -> Message:
    """A message (and/or files) from the client on an open request."""
    current = Request.objects.select_for_update().get(pk=request.pk)
    if not current.is_open:
        raise ValidationError(
            _("This request is closed: reopen it (within %(days)s days of its resolution) or make a new one.")
            % {"days": REOPEN_DAYS}
        )
    if not text.strip() and not files:
        raise ValidationError(_("Write a message or attach a file."))
    return _post(current, user=user, text=text, files=files)


@transaction.atomic
def cancel_request(request: Request, *, user, reason: str, version: int | None) -> Request:
    """The client no longer needs it: the request ends, with their reason in its history."""
    current = workflow._lock(request, version)
    if not current.is_open:
        raise ValidationError(_("Only an open request can be cancelled."))
    if not reason.strip():
        raise ValidationError(_("Say why you cancel the request."))
    with workflow.portal_language():
        detail = _("Reason given by the client: %(reason)s") % {"reason": reason.strip()}
    return workflow.change_status(current, Status.CANCELLED, actor=user, detail=detail)


@transaction.atomic
def reopen_request(
    request: Request, *, user, reason: str, version: int | None, files=(), now: dt.datetime | None = None
) -> Request:
    """The answer did not settle it: within 30 days of the resolution the client reopens the request;
    their explanation joins the conversation and the request gets a fresh deadline."""
    now = now or timezone.now()
    current = workflow._lock(request, version)
    if not may_reopen(current, now):
        raise ValidationError(
            _(
                "This request can no longer be reopened (more than %(days)s days after its resolution): "
                "make a new one."
            )
            % {"days": REOPEN_DAYS}
        )
    if not reason.strip():
        raise ValidationError(_("Say what is still wrong, so that the DSI can pick it up."))
    current = workflow.change_status(current, Status.REOPENED, actor=user, now=now)
    _post(current, user=user, text=reason, files=files)
    return Request.objects.get(pk=current.pk)
