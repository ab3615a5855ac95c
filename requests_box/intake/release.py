"""Releasing a quarantined mail: a relationship manager turns it into a request by hand.

It lives with intake because it reads the mail again (`parse_message`); the request itself is made by
the domain (`services.create_request`), like any other.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from requests_box.files import NewFile
from requests_box.history import record_event
from requests_box.intake.parse import parse_message
from requests_box.labels import intake_reason
from requests_box.models import Channel, EventKind, QuarantinedMessage, QuarantineStatus, Request
from requests_box.services import create_request


@transaction.atomic
def release_quarantined(
    *, item: QuarantinedMessage, actor, sender_email: str = "", subject: str = ""
) -> Request:
    """Turn a quarantined mail into a request by hand; the raw mail becomes its attachment."""
    if item.status != QuarantineStatus.PENDING:
        raise ValidationError(_("This message has already been handled."))
    with item.raw.open("rb") as handle:
        raw = handle.read()
    text, parsed_sender, parsed_subject = "", "", item.subject
    try:
        if len(raw) <= settings.MAILBOX_MAX_MESSAGE_BYTES:
            parsed = parse_message(raw)
            text, parsed_sender, parsed_subject = parsed.text, parsed.from_email, parsed.subject
    except Exception:  # noqa: S110 - unparseable: the raw mail is attached whole anyway
        pass
    request = create_request(
        channel=Channel.EMAIL,
        subject=subject or parsed_subject or item.subject,
        text=text
        or _("Released from quarantine ({reason}). The original mail is attached.").format(
            reason=intake_reason(item.reason)
        ),
        sender_email=sender_email or parsed_sender,
        submitted_by=actor,
        received_at=item.received_at,
        files=[NewFile("message-original.eml", "message/rfc822", raw)],
        event_detail=_("released from quarantine"),
    )
    record_event(request, EventKind.RELEASED, actor=actor, detail=item.reason)
    item.status = QuarantineStatus.RELEASED
    item.request = request
    item.handled_by = actor
    item.handled_at = timezone.now()
    item.save(update_fields=["status", "request", "handled_by", "handled_at"])
    return request
