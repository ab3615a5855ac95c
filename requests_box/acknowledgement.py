"""The acknowledgement of a new request (phase 1 of the complaint method: welcome, thank, promise)."""

from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from requests_box.history import record_event
from requests_box.models import Direction, EventKind, Message, Request


def _domain() -> str:
    return settings.MAILBOX_ADDRESS.rsplit("@", 1)[-1] or "relais-dsi.invalid"


def build_acknowledgement(request: Request) -> EmailMessage:
    with translation.override(settings.LANGUAGE_CODE):
        first = request.messages.filter(direction=Direction.INBOUND).order_by("pk").first()
        context = {
            "request": request,
            "deadline": timezone.localtime(request.deadline),
            "url": settings.PORTAL_BASE_URL + request.get_absolute_url(),
            "mailbox_address": settings.MAILBOX_ADDRESS,
            "relationship_manager": _relationship_manager(request),
        }
        body = render_to_string("requests_box/email/acknowledgement.txt", context)
        subject = _("[{reference}] We have received your request: {subject}").format(
            reference=request.reference, subject=request.subject
        )
    headers = {
        "Auto-Submitted": "auto-replied",
        settings.MAILBOX_LOOP_HEADER: settings.MAILBOX_ADDRESS,
        "Message-ID": make_msgid(domain=_domain()),
        "X-Auto-Response-Suppress": "All",
    }
    if first is not None and first.message_id:
        headers["In-Reply-To"] = first.message_id
        headers["References"] = first.message_id
    return EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[request.sender_email],
        reply_to=[settings.MAILBOX_ADDRESS],
        headers=headers,
    )


def _relationship_manager(request: Request):
    """The relationship manager of the client's directorate (or their backup), named in the mail."""
    from directory.selectors import relationship_manager_for

    return relationship_manager_for(request.entity) if request.entity_id else None


def send_acknowledgement(request: Request) -> Message | None:
    """Send the acknowledgement once per request and keep it in the request's messages."""
    if not request.sender_email or request.events.filter(kind=EventKind.ACKNOWLEDGED).exists():
        return None
    mail = build_acknowledgement(request)
    mail.send(fail_silently=False)
    message = Message.objects.create(
        request=request,
        direction=Direction.OUTBOUND,
        channel="email",
        message_id=mail.extra_headers["Message-ID"],
        sender=settings.DEFAULT_FROM_EMAIL[:255],
        subject=mail.subject[:255],
        text=mail.body,
    )
    record_event(request, EventKind.ACKNOWLEDGED, detail=request.sender_email)
    return message
