"""The one path from raw mail bytes to an outcome: created, reply, duplicate, ignored or quarantined.

Used by `poll_mailbox`, `ingest_mail`, the demo and the tests alike. Every call ends in exactly one
outcome and never raises on a bad message: what cannot become a request is quarantined whole.
"""

import datetime as dt
import logging
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from requests_box.intake.checks import ThreadGate, record_participants, thread_addresses, unverified_reason
from requests_box.intake.identity import MailIdentity, identity
from requests_box.intake.parse import ParsedMail, parse_message, peek
from requests_box.models import Channel, EventKind, MailReceipt, Message, Outcome, RelatedReason, Request
from requests_box.services import (
    NewFile,
    add_inbound_message,
    create_request,
    find_contact,
    ignore_mail,
    quarantine_mail,
    record_event,
)
from requests_box.signals import mail_ignored
from requests_box.workflow import portal_language

logger = logging.getLogger(__name__)

OUTCOMES = ("created", "reply", "duplicate", "ignored", "quarantined")


@dataclass(frozen=True)
class IntakeResult:
    outcome: str  # one of OUTCOMES
    detail: str  # the request's reference, or the reason
    request_id: int | None = None

    def line(self, source: str) -> str:
        return f"{source}: {self.outcome} {self.detail}".rstrip()


@dataclass
class Summary:
    counter: Counter = field(default_factory=Counter)

    def add(self, result: IntakeResult) -> None:
        self.counter[result.outcome] += 1

    def counts(self) -> dict[str, int]:
        return {name: self.counter[name] for name in OUTCOMES}

    def line(self) -> str:
        c = self.counter
        total = sum(c[name] for name in OUTCOMES)
        return (
            f"summary: {total} messages, {c['created']} created, {c['reply']} replies, "
            f"{c['duplicate']} duplicates, {c['ignored']} ignored, {c['quarantined']} quarantined"
        )


class Intake:
    """Takes mail in. One instance per run: it caches contacts and per-sender counts for speed."""

    def __init__(self, *, acknowledge: bool = True, now: dt.datetime | None = None):
        self.acknowledge = acknowledge
        self.max_bytes = settings.MAILBOX_MAX_MESSAGE_BYTES
        self.rate_limit = settings.MAILBOX_RATE_LIMIT_PER_HOUR
        self.loop_header = settings.MAILBOX_LOOP_HEADER
        self.own_address = settings.MAILBOX_ADDRESS.lower()
        self.now = now
        self._contacts: dict[str, object] = {}
        self._recent: dict[str, list[dt.datetime]] = {}

    def ingest(self, raw: bytes, *, source: str = "") -> IntakeResult:
        """Take in one mail, in its own transaction."""
        with transaction.atomic():
            return self.ingest_one(raw, source=source)

    def ingest_many(self, messages, *, batch_size: int = 100, batch_bytes: int = 64 * 1024 * 1024):
        """Take in (source, raw) pairs by batches; yields (source, result) once each batch is committed."""
        from requests_box.intake.batch import ingest_batch

        batch, size = [], 0
        try:
            for source, raw in messages:
                batch.append((source, raw))
                size += len(raw)
                if len(batch) >= batch_size or size >= batch_bytes:
                    yield from zip([s for s, _ in batch], ingest_batch(self, batch), strict=True)
                    batch, size = [], 0
        finally:  # a source failing midway: what was read is still taken in
            if batch:
                yield from zip([s for s, _ in batch], ingest_batch(self, batch), strict=True)

    def ingest_one(
        self, raw: bytes, *, source: str = "", rate_limited: bool = False, parsed: ParsedMail | None = None
    ) -> IntakeResult:
        try:
            with transaction.atomic():
                return self._ingest(raw, source, rate_limited=rate_limited, parsed=parsed)
        except IntegrityError:
            # Another process took the same mail in between our check and our commit.
            return self._duplicate(self.identify(raw)) or IntakeResult("duplicate", "")
        except Exception as exc:  # never stop on one message: keep it for a human
            logger.exception("Intake failed for %s", source)
            reason = f"intake error: {type(exc).__name__}: {exc}"[:255]
            return self._quarantine(raw, source, reason, ident=self.identify(raw))

    # -- per-run caches used by the batch path

    def received_at(self, parsed: ParsedMail) -> dt.datetime:
        return self._received_at(parsed)

    def contacts_for(self, addresses: set[str]) -> None:
        from requests_box.intake.batch import contacts_by_email

        missing = {a for a in addresses if a not in self._contacts}
        if missing:
            self._contacts.update(contacts_by_email(missing))

    def contact_of(self, address: str):
        return self._contact(address)

    def load_recent(self, senders: set[str], since: dt.datetime) -> None:
        missing = {s for s in senders if s not in self._recent}
        if not missing or not self.rate_limit:
            return
        for sender in missing:
            self._recent[sender] = []
        rows = MailReceipt.objects.filter(
            sender_email__in=missing,
            received_at__gt=since - dt.timedelta(hours=1),
            outcome__in=[Outcome.CREATED, Outcome.REPLY],
        ).values_list("sender_email", "received_at")
        for sender, at in rows:
            self._recent[sender].append(at)

    def over_rate_limit(self, sender: str, at: dt.datetime) -> bool:
        if not self.rate_limit:
            return False
        window = at - dt.timedelta(hours=1)
        return sum(1 for t in self._recent.get(sender, ()) if window < t <= at) >= self.rate_limit

    def count_in(self, sender: str, at: dt.datetime) -> None:
        self._recent.setdefault(sender, []).append(at)

    # -- steps

    def identify(self, raw: bytes) -> MailIdentity:
        """The identity `_ingest` gives these bytes, when it failed before telling it."""
        if len(raw) > self.max_bytes:
            message_id, _sender, _subject, digest = peek(raw)
            return identity(message_id, digest, raw)
        try:
            parsed = parse_message(raw, loop_header=self.loop_header)
        except Exception:
            return identity("", "", raw)
        return identity(parsed.message_id, parsed.content_digest, raw)

    def _ingest(
        self, raw: bytes, source: str, *, rate_limited: bool = False, parsed: ParsedMail | None = None
    ) -> IntakeResult:
        if len(raw) > self.max_bytes:
            message_id, sender, subject, digest = peek(raw)
            ident = identity(message_id, digest, raw)
            if (duplicate := self._duplicate(ident)) is not None:
                return duplicate
            reason = f"too large: {len(raw)} bytes > {self.max_bytes}"
            return self._quarantine(raw, source, reason, ident=ident, sender=sender, subject=subject)
        try:
            parsed = parsed or parse_message(raw, loop_header=self.loop_header)
        except Exception as exc:
            ident = identity("", "", raw)
            if (duplicate := self._duplicate(ident)) is not None:
                return duplicate
            return self._quarantine(raw, source, f"unparseable: {type(exc).__name__}", ident=ident)
        ident = identity(parsed.message_id, parsed.content_digest, raw)
        if (duplicate := self._duplicate(ident)) is not None:
            return duplicate
        if parsed.from_email and parsed.from_email == self.own_address:
            parsed.noise_reason = parsed.noise_reason or "loop"
        if parsed.noise_reason:
            return self._ignore(raw, source, parsed.noise_reason, ident, parsed)
        if not parsed.from_email:
            return self._quarantine(raw, source, "no sender address", ident=ident, subject=parsed.subject)
        if parsed.is_empty:
            return self._quarantine(raw, source, "empty message", ident=ident, sender=parsed.from_email)
        received_at = self._received_at(parsed)
        if rate_limited or self._over_rate_limit(parsed.from_email, received_at):
            return self._ignore(raw, source, "rate-limit", ident, parsed)
        with transaction.atomic():
            unverified = unverified_reason(parsed)
            request = self._thread_of(parsed)
            related, why = None, ""
            if request is not None and (
                unverified
                or not ThreadGate([request], {parsed.from_email}).may_reply(request, parsed.from_email)
            ):
                related, why, request = (
                    request,
                    RelatedReason.UNVERIFIED if unverified else RelatedReason.THIRD_PARTY,
                    None,
                )
            files = [NewFile(a.filename, a.content_type, a.data, a.inline) for a in parsed.attachments]
            if request is not None:
                sender = (
                    f"{parsed.from_name} <{parsed.from_email}>" if parsed.from_name else parsed.from_email
                )
                add_inbound_message(
                    request=request,
                    channel=Channel.EMAIL,
                    text=parsed.text,
                    sender=sender,
                    subject=parsed.subject,
                    message_id=parsed.message_id,
                    headers=parsed.headers,
                    safe_html=parsed.html,
                    files=files,
                    sent_at=received_at,
                )
                outcome = Outcome.REPLY
            else:
                held = bool(unverified or related)
                request = create_request(
                    channel=Channel.EMAIL,
                    subject=parsed.subject,
                    text=parsed.text,
                    sender_email=parsed.from_email,
                    sender_name=parsed.from_name,
                    contact=None if unverified else self._contact(parsed.from_email),
                    received_at=received_at,
                    message_id=parsed.message_id,
                    headers=parsed.headers,
                    safe_html=parsed.html,
                    files=files,
                    acknowledge=self.acknowledge and not held,
                    event_detail=f"email {source}"[:500],
                    route=not held,
                    sender_unverified=bool(unverified),
                    related_to=related,
                    related_reason=why,
                )
                if held:
                    record_held(request, unverified, related)
                outcome = Outcome.CREATED
            record_participants(request, thread_addresses(parsed))
            receipt = self._receipt(ident, parsed.from_email, received_at, source, outcome, request)
            if receipt.reuses_id is not None:
                record_reuse(request, receipt)
        return IntakeResult(str(outcome), request.reference, request.pk)

    def _received_at(self, parsed: ParsedMail) -> dt.datetime:
        now = self.now or timezone.now()
        # The Date header dates an imported mailbox correctly; never trust one in the future.
        if parsed.date is not None and parsed.date <= now + dt.timedelta(minutes=5):
            return min(parsed.date, now)
        return now

    def _contact(self, address: str):
        if address not in self._contacts:
            self._contacts[address] = find_contact(address)
        return self._contacts[address]

    def _thread_of(self, parsed: ParsedMail) -> Request | None:
        reference = parsed.subject_reference
        requests = Request.objects.select_related("contact")
        if reference:
            request = requests.filter(reference=reference).first()
            if request is not None:
                return request
        ids = [mid for mid in (*parsed.in_reply_to, *reversed(parsed.references)) if mid][:50]
        if ids:
            message = (
                Message.objects.filter(message_id__in=ids)
                .select_related("request__contact")
                .order_by("-pk")
                .first()
            )
            if message is not None:
                return message.request
        return None

    def _over_rate_limit(self, address: str, at: dt.datetime) -> bool:
        if not self.rate_limit:
            return False
        recent = MailReceipt.objects.filter(
            sender_email=address,
            received_at__gt=at - dt.timedelta(hours=1),
            received_at__lte=at,
            outcome__in=[Outcome.CREATED, Outcome.REPLY],
        )
        return recent.count() >= self.rate_limit

    def _duplicate(self, ident: MailIdentity) -> IntakeResult | None:
        receipt = (
            MailReceipt.objects.filter(dedup_key__in=ident.keys)
            .select_related("request")
            .order_by("pk")
            .first()
        )
        if receipt is None:
            return None
        if receipt.request is not None:
            return IntakeResult("duplicate", receipt.request.reference, receipt.request_id)
        return IntakeResult("duplicate", f"({receipt.outcome})")

    def _receipt(
        self, ident: MailIdentity, sender, received_at, source, outcome, request=None
    ) -> MailReceipt:
        return MailReceipt.objects.create(
            dedup_key=ident.key,
            message_id=ident.message_id[:255],
            content_digest=ident.digest,
            reuses=earlier_with_message_id(ident),
            sender_email=sender[:254],
            received_at=received_at,
            source=source[:500],
            outcome=outcome,
            request=request,
        )

    def _ignore(
        self, raw: bytes, source: str, reason: str, ident: MailIdentity, parsed: ParsedMail
    ) -> IntakeResult:
        with transaction.atomic():
            ignore_mail(
                raw=raw,
                reason=reason,
                source=source,
                message_id=parsed.message_id,
                sender=parsed.from_email,
                subject=parsed.subject,
            )
            receipt = self._receipt(ident, parsed.from_email, timezone.now(), source, Outcome.IGNORED)
            announce_ignored(receipt, reason, raw, parsed)
        return IntakeResult("ignored", reason)

    def _quarantine(
        self,
        raw: bytes,
        source: str,
        reason: str,
        *,
        ident: MailIdentity | None = None,
        sender: str = "",
        subject: str = "",
    ) -> IntakeResult:
        with transaction.atomic():
            quarantine_mail(raw=raw, reason=reason, source=source, sender=sender, subject=subject)
            if ident is not None:
                self._receipt(ident, sender, timezone.now(), source, Outcome.QUARANTINED)
        return IntakeResult("quarantined", reason)


def earlier_with_message_id(ident: MailIdentity) -> MailReceipt | None:
    """The first receipt of another mail with the same Message-ID (a reused Message-ID), or None."""
    if not ident.message_id:
        return None
    return (
        MailReceipt.objects.filter(message_id=ident.message_id[:255])
        .exclude(dedup_key__in=ident.keys)
        .order_by("pk")
        .first()
    )


def record_reuse(request: Request, receipt: MailReceipt) -> None:
    """Tell, in the request's history, that its mail reuses the Message-ID of another mail."""
    earlier = MailReceipt.objects.select_related("request").get(pk=receipt.reuses_id)
    with portal_language():
        if earlier.request is not None:
            detail = _("%(id)s was already the Message-ID of another mail, taken in on %(date)s (%(ref)s).")
        else:
            detail = _("%(id)s was already the Message-ID of another mail, taken in on %(date)s.")
        detail = detail % {
            "id": receipt.message_id,
            "date": date_format(timezone.localtime(earlier.received_at), "SHORT_DATETIME_FORMAT"),
            "ref": earlier.request.reference if earlier.request is not None else "",
        }
    record_event(request, EventKind.MESSAGE_ID_REUSED, detail=detail)


def record_held(request: Request, unverified: str, related: Request | None) -> None:
    """Tell, in the request's history, why intake held it for a human instead of threading or linking it."""
    with portal_language():
        notes = []
        if unverified:
            notes.append(
                _("Unverified sender: the receiving server's checks failed (%(checks)s).")
                % {"checks": unverified}
            )
        if related is not None and not unverified:
            notes.append(_("Reply from a third party to %(ref)s.") % {"ref": related.reference})
        elif related is not None:
            notes.append(_("Reply to %(ref)s, not added to it.") % {"ref": related.reference})
    record_event(request, EventKind.HELD, detail=" ".join(notes))


def announce_ignored(receipt: MailReceipt, reason: str, raw: bytes, parsed: ParsedMail) -> None:
    """Send `mail_ignored` once the transaction that ignored the mail is committed."""
    transaction.on_commit(
        lambda: mail_ignored.send(sender=MailReceipt, receipt=receipt, reason=reason, raw=raw, parsed=parsed)
    )
