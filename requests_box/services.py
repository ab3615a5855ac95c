"""State changes of the functional mailbox: one function per change, called by views, intake, tasks, tests."""

import datetime as dt
import uuid
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from directory.models import Contact
from requests_box.deadlines import compute_deadline, initial_deadline
from requests_box.files import NewFile, storage_name, store_attachments
from requests_box.history import deferred_events, record_event
from requests_box.models import (
    Direction,
    EventKind,
    IgnoredMessage,
    Message,
    QuarantinedMessage,
    QuarantineStatus,
    ReferenceCounter,
    Request,
)
from requests_box.routing import route as apply_rules
from requests_box.tasks import send_acknowledgement
from requests_box.workflow import client_replied, set_clock

__all__ = [
    "NewFile",
    "deferred_events",
    "record_event",
    "store_attachments",
    "storage_name",
]


def find_contact(email_address: str) -> Contact | None:
    if not email_address:
        return None
    return Contact.objects.select_related("entity").filter(email=email_address.strip().lower()).first()


@transaction.atomic
def create_request(
    *,
    channel: str,
    subject: str,
    text: str,
    sender_email: str = "",
    sender_name: str = "",
    contact: Contact | None = None,
    service=None,
    submitted_by=None,
    received_at: dt.datetime | None = None,
    requested_deadline: dt.date | None = None,
    urgent: bool = False,
    important: bool = False,
    kind: str = "simple",
    message_id: str = "",
    headers: str = "",
    safe_html: str = "",
    files: Iterable[NewFile] = (),
    acknowledge: bool = True,
    event_detail: str = "",
    route: bool = True,
    sender_unverified: bool = False,
    related_to: Request | None = None,
    related_reason: str = "",
) -> Request:
    """Take in a new request from any channel: reference, deadline, first message, history, receipt.

    An unverified sender (intake's check, MAIL.md) is linked to no contact until a human confirms it."""
    received_at = received_at or timezone.now()
    sender_email = sender_email.strip().lower()
    if sender_unverified:
        contact = None
    elif contact is None and sender_email:
        contact = find_contact(sender_email)
    if contact is not None and not sender_email:
        sender_email = contact.email
    commitment = service.commitment_delay_days if service is not None else None
    request = Request(
        reference=ReferenceCounter.next_reference(received_at.astimezone(dt.UTC).year),
        received_at=received_at,
        channel=channel,
        contact=contact,
        entity_id=contact.entity_id if contact else None,
        sender_email=sender_email,
        sender_name=(sender_name or (contact.full_name if contact else ""))[:200],
        submitted_by=submitted_by,
        service=service,
        subject=(subject.strip() or _("(no subject)"))[:255],
        kind=kind,
        urgent=urgent,
        important=important,
        requested_deadline=requested_deadline,
        sender_unverified=sender_unverified,
        related_to=related_to,
        related_reason=related_reason,
        deadline=compute_deadline(
            urgent=urgent,
            important=important,
            requested=requested_deadline,
            received_at=received_at,
            commitment_days=commitment,
        )
        if urgent or important
        else initial_deadline(
            requested=requested_deadline, received_at=received_at, commitment_days=commitment
        ),
    )
    set_clock(request)
    request.save(force_insert=True)
    message = Message.objects.create(
        request=request,
        direction=Direction.INBOUND,
        channel=channel,
        message_id=message_id[:255],
        sender=(f"{sender_name} <{sender_email}>" if sender_name else sender_email)[:255],
        subject=request.subject,
        headers=headers,
        text=text,
        safe_html=safe_html,
        author=submitted_by,
        sent_at=received_at,
    )
    store_attachments(message, files)
    record_event(
        request, EventKind.CREATED, actor=submitted_by, detail=event_detail or channel, at=received_at
    )
    if route:
        if apply_rules(request) is not None:
            request.refresh_from_db()
    if acknowledge and request.sender_email:
        # Enqueued in the same transaction: with the database backend the ack exists iff the request does.
        send_acknowledgement.enqueue(request.pk)
    return request


@transaction.atomic
def add_inbound_message(
    *,
    request: Request,
    channel: str,
    text: str,
    sender: str = "",
    subject: str = "",
    message_id: str = "",
    headers: str = "",
    safe_html: str = "",
    files: Iterable[NewFile] = (),
    sent_at: dt.datetime | None = None,
    author=None,
) -> Message:
    """A client's follow-up (a reply by mail, a message from the portal) joins its request."""
    message = Message.objects.create(
        request=request,
        direction=Direction.INBOUND,
        channel=channel,
        message_id=message_id[:255],
        sender=sender[:255],
        subject=subject[:255],
        headers=headers,
        text=text,
        safe_html=safe_html,
        author=author,
        sent_at=sent_at or timezone.now(),
    )
    store_attachments(message, files)
    record_event(request, EventKind.REPLY, actor=author, detail=sender[:255])
    client_replied(request)
    return message


def _raw_file(raw: bytes, suffix: str = ".eml") -> ContentFile:
    return ContentFile(raw, name=f"{uuid.uuid4().hex}{suffix}")


def quarantine_mail(
    *, raw: bytes, reason: str, source: str = "", sender: str = "", subject: str = ""
) -> QuarantinedMessage:
    """Keep a mail that cannot become a request by itself, whole, for the relationship manager."""
    item = QuarantinedMessage(
        size=len(raw), reason=reason[:255], source=source[:500], sender=sender[:255], subject=subject[:255]
    )
    item.raw.save(f"{uuid.uuid4().hex}.eml", ContentFile(raw), save=False)
    item.save()
    return item


def ignore_mail(
    *, raw: bytes, reason: str, source: str = "", message_id: str = "", sender: str = "", subject: str = ""
) -> IgnoredMessage:
    """Keep an automatic mail (auto-reply, bounce, list) where it can be listed; nothing answers it."""
    item = IgnoredMessage(
        reason=reason[:40],
        source=source[:500],
        message_id=message_id[:255],
        sender=sender[:255],
        subject=subject[:255],
    )
    item.raw.save(f"{uuid.uuid4().hex}.eml", ContentFile(raw), save=False)
    item.save()
    return item


def discard_quarantined(*, item: QuarantinedMessage, actor, reason: str) -> QuarantinedMessage:
    if item.status != QuarantineStatus.PENDING:
        raise ValidationError(_("This message has already been handled."))
    if not reason.strip():
        raise ValidationError(_("Say why the message is discarded."))
    item.status = QuarantineStatus.DISCARDED
    item.discard_reason = reason.strip()
    item.handled_by = actor
    item.handled_at = timezone.now()
    item.save(update_fields=["status", "discard_reason", "handled_by", "handled_at"])
    return item


@transaction.atomic
def link_sender(*, request: Request, contact: Contact, actor) -> int:
    """Link an unknown sender to a contact: this request and every other one from the same address.

    Indicators group requests by entity, so they follow at once. Returns the number of requests linked.
    """
    # Requests held because their sender is unverified are linked one by one, by a human who looked.
    targets = Request.objects.filter(entity__isnull=True, sender_unverified=False)
    if request.sender_email:
        targets = targets.filter(sender_email=request.sender_email) | Request.objects.filter(pk=request.pk)
    else:
        targets = Request.objects.filter(pk=request.pk)
    linked = list(targets.select_for_update())
    for each in linked:
        if each.sender_unverified:
            _confirm(each, actor)
        each.contact = contact
        each.entity_id = contact.entity_id
        each.save(update_fields=["contact", "entity", "sender_unverified", "updated"])
        record_event(each, EventKind.LINKED, actor=actor, detail=f"{contact.full_name} <{contact.email}>")
    return len(linked)


def _confirm(request: Request, actor) -> None:
    request.sender_unverified = False
    record_event(request, EventKind.SENDER_CONFIRMED, actor=actor, detail=request.sender_email)


@transaction.atomic
def confirm_sender(*, request: Request, actor) -> Request:
    """A human vouches for the sender of a mail intake held (its sender failed the receiving server's
    checks): the request joins the history of the contact with that address, if there is one."""
    request = Request.objects.select_for_update().get(pk=request.pk)
    if not request.sender_unverified:
        raise ValidationError(_("The sender of this request is not waiting for a confirmation."))
    _confirm(request, actor)
    contact = find_contact(request.sender_email)
    if contact is not None:
        request.contact = contact
        request.entity_id = contact.entity_id
        record_event(request, EventKind.LINKED, actor=actor, detail=f"{contact.full_name} <{contact.email}>")
    request.save(update_fields=["contact", "entity", "sender_unverified", "updated"])
    return request
