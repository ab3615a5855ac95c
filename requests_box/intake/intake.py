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

from requests_box.intake.parse import ParsedMail, dedup_key, parse_message, peek_headers
from requests_box.models import Channel, MailReceipt, Message, Outcome, Request
from requests_box.services import (
    NewFile,
    add_inbound_message,
    create_request,
    find_contact,
    ignore_mail,
    quarantine_mail,
)

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
            return self._duplicate(self._key_of(raw)) or IntakeResult("duplicate", "")
        except Exception as exc:  # never stop on one message: keep it for a human
            logger.exception("Intake failed for %s", source)
            reason = f"intake error: {type(exc).__name__}: {exc}"[:255]
            return self._quarantine(raw, source, reason, key=self._key_of(raw))

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

    def _key_of(self, raw: bytes) -> str:
        try:
            message_id = peek_headers(raw)[0]
        except Exception:
            message_id = ""
        return dedup_key(message_id, raw)

    def _ingest(
        self, raw: bytes, source: str, *, rate_limited: bool = False, parsed: ParsedMail | None = None
    ) -> IntakeResult:
        if len(raw) > self.max_bytes:
            message_id, sender, subject = peek_headers(raw)
            key = dedup_key(message_id, raw)
            if (duplicate := self._duplicate(key)) is not None:
                return duplicate
            reason = f"too large: {len(raw)} bytes > {self.max_bytes}"
            return self._quarantine(raw, source, reason, key=key, sender=sender, subject=subject)
        try:
            parsed = parsed or parse_message(raw, loop_header=self.loop_header)
        except Exception as exc:
            key = dedup_key("", raw)
            if (duplicate := self._duplicate(key)) is not None:
                return duplicate
            return self._quarantine(raw, source, f"unparseable: {type(exc).__name__}", key=key)
        key = dedup_key(parsed.message_id, raw)
        if (duplicate := self._duplicate(key)) is not None:
            return duplicate
        if parsed.from_email and parsed.from_email == self.own_address:
            parsed.noise_reason = parsed.noise_reason or "loop"
        if parsed.noise_reason:
            return self._ignore(raw, source, parsed.noise_reason, key, parsed)
        if not parsed.from_email:
            return self._quarantine(raw, source, "no sender address", key=key, subject=parsed.subject)
        if parsed.is_empty:
            return self._quarantine(raw, source, "empty message", key=key, sender=parsed.from_email)
        received_at = self._received_at(parsed)
        if rate_limited or self._over_rate_limit(parsed.from_email, received_at):
            return self._ignore(raw, source, "rate-limit", key, parsed)
        with transaction.atomic():
            request = self._thread_of(parsed)
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
                request = create_request(
                    channel=Channel.EMAIL,
                    subject=parsed.subject,
                    text=parsed.text,
                    sender_email=parsed.from_email,
                    sender_name=parsed.from_name,
                    contact=self._contact(parsed.from_email),
                    received_at=received_at,
                    message_id=parsed.message_id,
                    headers=parsed.headers,
                    safe_html=parsed.html,
                    files=files,
                    acknowledge=self.acknowledge,
                    event_detail=f"email {source}"[:500],
                )
                outcome = Outcome.CREATED
            self._receipt(key, parsed.message_id, parsed.from_email, received_at, source, outcome, request)
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
        if reference:
            request = Request.objects.filter(reference=reference).first()
            if request is not None:
                return request
        ids = [mid for mid in (*parsed.in_reply_to, *reversed(parsed.references)) if mid][:50]
        if ids:
            message = (
                Message.objects.filter(message_id__in=ids).select_related("request").order_by("-pk").first()
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

    def _duplicate(self, key: str) -> IntakeResult | None:
        receipt = MailReceipt.objects.filter(dedup_key=key).select_related("request").first()
        if receipt is None:
            return None
        if receipt.request is not None:
            return IntakeResult("duplicate", receipt.request.reference, receipt.request_id)
        return IntakeResult("duplicate", f"({receipt.outcome})")

    def _receipt(self, key, message_id, sender, received_at, source, outcome, request=None) -> None:
        MailReceipt.objects.create(
            dedup_key=key,
            message_id=message_id[:255],
            sender_email=sender[:254],
            received_at=received_at,
            source=source[:500],
            outcome=outcome,
            request=request,
        )

    def _ignore(self, raw: bytes, source: str, reason: str, key: str, parsed: ParsedMail) -> IntakeResult:
        with transaction.atomic():
            ignore_mail(
                raw=raw,
                reason=reason,
                source=source,
                message_id=parsed.message_id,
                sender=parsed.from_email,
                subject=parsed.subject,
            )
            self._receipt(key, parsed.message_id, parsed.from_email, timezone.now(), source, Outcome.IGNORED)
        return IntakeResult("ignored", reason)

    def _quarantine(
        self, raw: bytes, source: str, reason: str, *, key: str = "", sender: str = "", subject: str = ""
    ) -> IntakeResult:
        with transaction.atomic():
            quarantine_mail(raw=raw, reason=reason, source=source, sender=sender, subject=subject)
            if key:
                self._receipt(key, "", sender, timezone.now(), source, Outcome.QUARANTINED)
        return IntakeResult("quarantined", reason)
