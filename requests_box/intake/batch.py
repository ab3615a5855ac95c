"""Taking in many mails at once (mailbox migrations, replays, busy polls) in one transaction per batch.

Same outcomes as `Intake.ingest` one by one, with set-based reads and bulk inserts: a batch costs a
handful of queries instead of a dozen per message. Anything unusual (too large, unparseable, noise,
rate-limited) goes through the one-by-one path inside the batch; if the bulk path fails for any
reason, the whole batch is rolled back and replayed one by one, so the outcome never depends on it.
"""

import datetime as dt
import logging
import uuid
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from directory.models import Contact
from requests_box.deadlines import initial_deadline
from requests_box.intake.checks import ThreadGate, thread_addresses, unverified_reason
from requests_box.intake.identity import MailIdentity, identity
from requests_box.intake.parse import ParsedMail, parse_message
from requests_box.models import (
    Attachment,
    Channel,
    Direction,
    EventKind,
    IgnoredMessage,
    MailReceipt,
    Message,
    Outcome,
    Participant,
    ReferenceCounter,
    Request,
    RequestEvent,
)
from requests_box.services import _storage_name

logger = logging.getLogger(__name__)


@dataclass
class _Item:
    index: int
    source: str
    raw: bytes
    parsed: ParsedMail
    ident: MailIdentity
    received_at: dt.datetime
    request: Request | None = None  # set for replies (existing request) and new requests
    reply_to_index: int | None = None  # a reply to a request created earlier in the same batch
    duplicate_of: int | None = None

    @property
    def key(self) -> str:
        return self.ident.key


def ingest_batch(intake, items: list[tuple[str, bytes]]):
    """[(source, raw)] -> [IntakeResult], committed together."""
    if not connection.features.can_return_rows_from_bulk_insert:
        with transaction.atomic():
            return [intake.ingest_one(raw, source=source) for source, raw in items]
    try:
        with transaction.atomic():
            return _bulk(intake, items)
    except Exception:
        logger.exception("Bulk intake failed; taking the batch in one by one")
        with transaction.atomic():
            return [intake.ingest_one(raw, source=source) for source, raw in items]


def _bulk(intake, items):
    from requests_box.intake.intake import IntakeResult

    results: list = [None] * len(items)
    normal: list[_Item] = []
    noise: list[_Item] = []
    for index, (source, raw) in enumerate(items):
        parsed = None
        if len(raw) <= intake.max_bytes:
            try:
                parsed = parse_message(raw, loop_header=intake.loop_header)
            except Exception:
                parsed = None
        if parsed is not None and parsed.from_email and parsed.from_email == intake.own_address:
            parsed.noise_reason = parsed.noise_reason or "loop"
        if parsed is not None and parsed.noise_reason:
            ident = identity(parsed.message_id, parsed.content_digest, raw)
            noise.append(_Item(index, source, raw, parsed, ident, timezone.now()))
            continue
        usual = parsed is not None and parsed.from_email and not parsed.is_empty
        if not usual:
            results[index] = intake.ingest_one(raw, source=source, parsed=parsed)
            continue
        ident = identity(parsed.message_id, parsed.content_digest, raw)
        normal.append(_Item(index, source, raw, parsed, ident, intake.received_at(parsed)))
    # Duplicates: already taken in (under the key of today or of older receipts), or twice in this batch.
    everything = (*normal, *noise)
    known: dict[str, tuple] = {}
    for key, reference, request_id, outcome in (
        MailReceipt.objects.filter(dedup_key__in=[k for item in everything for k in item.ident.keys])
        .order_by("pk")
        .values_list("dedup_key", "request__reference", "request_id", "outcome")
    ):
        known.setdefault(key, (reference, request_id, outcome))
    for item in everything:  # an older receipt's key stands for the mail's key of today
        if item.key not in known and item.ident.legacy in known:
            known[item.key] = known[item.ident.legacy]
    # Message-IDs already taken in with another content: the one-by-one path records the reuse.
    reused = _reused_message_ids(everything, known)
    odd_noise = [item for item in noise if item.key not in known and reused(item)]
    odd = {item.index for item in odd_noise}
    _ignore_noise([item for item in noise if item.index not in odd], known, results)
    deferred = _Deferred()
    if not normal:
        return _finish(intake, odd_noise, results)
    first_with_key: dict[str, _Item] = {}
    pending: list[_Item] = []
    for item in normal:
        if deferred.needs(item):  # a copy of, or a reply to, a mail taken in one by one
            deferred.add(item)
        elif item.key in known:
            reference, request_id, outcome = known[item.key]
            detail = reference or f"({outcome})"
            results[item.index] = IntakeResult("duplicate", detail, request_id)
        elif item.key in first_with_key:
            item.duplicate_of = first_with_key[item.key].index
        elif reused(item) or unverified_reason(item.parsed):
            deferred.add(item)
        else:
            first_with_key[item.key] = item
            pending.append(item)

    # The rate limit, per sender, in memory from one read.
    senders = {item.parsed.from_email for item in pending}
    if pending:
        intake.load_recent(senders, min(item.received_at for item in pending))
    accepted = []
    for item in pending:
        if intake.over_rate_limit(item.parsed.from_email, item.received_at):
            results[item.index] = intake.ingest_one(
                item.raw, source=item.source, rate_limited=True, parsed=item.parsed
            )
        else:
            intake.count_in(item.parsed.from_email, item.received_at)
            accepted.append(item)

    # Threading: references in subjects, then Message-IDs, including messages of this batch.
    references = {item.parsed.subject_reference for item in accepted} - {None}
    by_reference = {
        r.reference: r for r in Request.objects.filter(reference__in=references).select_related("contact")
    }
    wanted_ids = {mid for item in accepted for mid in (*item.parsed.in_reply_to, *item.parsed.references)}
    by_message_id: dict[str, Request] = {}
    if wanted_ids:
        for message in (
            Message.objects.filter(message_id__in=wanted_ids)
            .select_related("request__contact")
            .order_by("pk")
        ):
            by_message_id[message.message_id] = message.request
    threads = {r.pk: r for r in (*by_reference.values(), *by_message_id.values())}
    gate = ThreadGate(list(threads.values()), {item.parsed.from_email for item in accepted})
    in_batch: dict[str, _Item] = {}
    in_batch_allowed: dict[int, set[str]] = {}
    threaded: list[_Item] = []
    for item in accepted:
        if deferred.needs(item):
            deferred.add(item)
            continue
        request = by_reference.get(item.parsed.subject_reference or "")
        if request is None:
            for mid in (*item.parsed.in_reply_to, *reversed(item.parsed.references)):
                if mid in by_message_id:
                    request = by_message_id[mid]
                    break
                if mid in in_batch:
                    root = in_batch[mid]
                    if root.request is not None:  # a reply of this batch to an older request
                        request = root.request
                    else:
                        item.reply_to_index = (
                            root.reply_to_index if root.reply_to_index is not None else root.index
                        )
                    break
        sender = item.parsed.from_email
        if request is not None:
            # Someone outside the thread, or a reply the clock of its request waits for: one by one.
            if not gate.may_reply(request, sender) or request.status == "waiting_client":
                deferred.add(item)
                continue
            gate.admit(request, item.parsed)
        elif item.reply_to_index is not None:
            allowed = in_batch_allowed[item.reply_to_index]
            if sender not in allowed and sender not in gate.dsi:
                item.reply_to_index = None
                deferred.add(item)
                continue
            allowed.update(thread_addresses(item.parsed))
        else:
            in_batch_allowed[item.index] = thread_addresses(item.parsed)
        item.request = request
        threaded.append(item)
        if item.parsed.message_id:
            in_batch[item.parsed.message_id] = item
    accepted = threaded

    # New requests: references allocated in one statement per year, then one insert.
    new_items = [item for item in accepted if item.request is None and item.reply_to_index is None]
    intake.contacts_for({item.parsed.from_email for item in new_items})
    references_by_year = _allocate(new_items)
    now = timezone.now()
    requests = []
    for item in new_items:
        contact = intake.contact_of(item.parsed.from_email)
        item.request = Request(
            reference=references_by_year[item.index],
            received_at=item.received_at,
            channel=Channel.EMAIL,
            contact=contact,
            entity_id=contact.entity_id if contact else None,
            sender_email=item.parsed.from_email,
            sender_name=(item.parsed.from_name or (contact.full_name if contact else ""))[:200],
            subject=(item.parsed.subject.strip() or "(sans objet)")[:255],
            deadline=initial_deadline(requested=None, received_at=item.received_at),
            created=now,
            updated=now,
        )
        requests.append(item.request)
    Request.objects.bulk_create(requests)
    from kpis import aggregates  # bulk_create sends no signal: the indicators' daily counts, once

    aggregates.refresh_requests(requests)
    new_indexes = {item.index for item in new_items}
    by_index = {item.index: item for item in accepted}
    for item in accepted:
        if item.reply_to_index is not None:
            item.request = by_index[item.reply_to_index].request

    messages, events, receipts = [], [], []
    for item in accepted:
        p = item.parsed
        new = item.index in new_indexes
        sender = f"{p.from_name} <{p.from_email}>" if p.from_name else p.from_email
        messages.append(
            Message(
                request=item.request,
                direction=Direction.INBOUND,
                channel=Channel.EMAIL,
                message_id=p.message_id[:255],
                sender=sender[:255],
                subject=(item.request.subject if new else p.subject)[:255],
                headers=p.headers,
                text=p.text,
                safe_html=p.html,
                sent_at=item.received_at,
            )
        )
        kind, detail = (
            (EventKind.CREATED, f"email {item.source}"[:500]) if new else (EventKind.REPLY, sender[:255])
        )
        events.append(
            RequestEvent(request=item.request, kind=kind, detail=detail, at=item.received_at if new else now)
        )
        outcome = Outcome.CREATED if new else Outcome.REPLY
        receipts.append(
            MailReceipt(
                dedup_key=item.key,
                message_id=p.message_id[:255],
                content_digest=item.ident.digest,
                sender_email=p.from_email[:254],
                received_at=item.received_at,
                source=item.source[:500],
                outcome=outcome,
                request=item.request,
            )
        )
        results[item.index] = IntakeResult(str(outcome), item.request.reference, None)
    Message.objects.bulk_create(messages)
    attachments = []
    for item, message in zip(accepted, messages, strict=True):
        for parsed_file in item.parsed.attachments:
            attachment = Attachment(
                message=message,
                original_name=parsed_file.filename[:255],
                content_type=parsed_file.content_type[:127],
                size=len(parsed_file.data),
                inline=parsed_file.inline,
            )
            attachment.file.save(
                _storage_name(parsed_file.filename), ContentFile(parsed_file.data), save=False
            )
            attachments.append(attachment)
    Attachment.objects.bulk_create(attachments)
    RequestEvent.objects.bulk_create(events)
    MailReceipt.objects.bulk_create(receipts)
    Participant.objects.bulk_create(
        [
            Participant(request=item.request, email=address)
            for item in accepted
            for address in sorted(thread_addresses(item.parsed))
        ],
        ignore_conflicts=True,
    )
    for item in accepted:
        results[item.index] = IntakeResult(
            results[item.index].outcome, item.request.reference, item.request.pk
        )
    _route(requests)
    if intake.acknowledge and requests:
        from requests_box.tasks import send_acknowledgements

        send_acknowledgements.enqueue([r.pk for r in requests if r.sender_email])
    _finish(intake, [*odd_noise, *deferred.items], results)
    for item in normal:
        if item.duplicate_of is not None:
            first = results[item.duplicate_of]
            results[item.index] = IntakeResult("duplicate", first.detail, first.request_id)
    return results


def _route(requests: list[Request]) -> None:
    """The routing rules, as the one-by-one path applies them to a new request: the rules are read once
    for the batch, and a request no rule matches costs no query."""
    from requests_box.routing import active_rules, matching_rule, route

    rules = active_rules() if requests else []
    for request in requests:
        if rules and matching_rule(request, rules) is not None:
            route(request)


class _Deferred:
    """The mails of a batch taken in one by one after the others (a reused Message-ID, an unverified
    sender, a third party's reply, a reply to a request waiting for its client), and those that depend on
    them: a copy of one of them, or a reply to one of them."""

    def __init__(self):
        self.items: list[_Item] = []
        self.message_ids: set[str] = set()

    def add(self, item: _Item) -> None:
        self.items.append(item)
        if item.parsed.message_id:
            self.message_ids.add(item.parsed.message_id)

    def needs(self, item: _Item) -> bool:
        if not self.message_ids:
            return False
        p = item.parsed
        return any(mid in self.message_ids for mid in (p.message_id, *p.in_reply_to, *p.references) if mid)


def _finish(intake, deferred: list[_Item], results: list) -> list:
    """The unusual mails of the batch, one by one and in their order, once the others are written."""
    for item in sorted(deferred, key=lambda item: item.index):
        results[item.index] = intake.ingest_one(item.raw, source=item.source, parsed=item.parsed)
    return results


def _reused_message_ids(items, known: dict):
    """A test: does this mail carry a Message-ID already taken in (or earlier in the batch) with another
    content? One query for the whole batch."""
    ids = {item.ident.message_id[:255] for item in items if item.ident.message_id}
    taken: dict[str, set[str]] = {}
    if ids:
        for message_id, key in MailReceipt.objects.filter(message_id__in=ids).values_list(
            "message_id", "dedup_key"
        ):
            taken.setdefault(message_id, set()).add(key)

    def reused(item: _Item) -> bool:
        message_id = item.ident.message_id[:255]
        if not message_id:
            return False
        others = taken.get(message_id, set()) - set(item.ident.keys)
        taken.setdefault(message_id, set()).add(item.key)
        return bool(others)

    return reused


def _ignore_noise(noise: list[_Item], known: dict, results: list) -> None:
    """Automatic mail of the batch: kept whole and listed in bulk, never answered."""
    from requests_box.intake.intake import IntakeResult, announce_ignored

    ignored, receipts, seen, announced = [], [], set(), []
    for item in noise:
        if item.key in known or item.key in seen:
            reference, request_id, outcome = known.get(item.key, (None, None, Outcome.IGNORED))
            results[item.index] = IntakeResult("duplicate", reference or f"({outcome})", request_id)
            continue
        seen.add(item.key)
        p = item.parsed
        entry = IgnoredMessage(
            reason=p.noise_reason[:40],
            source=item.source[:500],
            message_id=p.message_id[:255],
            sender=p.from_email[:255],
            subject=p.subject[:255],
        )
        entry.raw.save(f"{uuid.uuid4().hex}.eml", ContentFile(item.raw), save=False)
        ignored.append(entry)
        receipts.append(
            MailReceipt(
                dedup_key=item.key,
                message_id=p.message_id[:255],
                content_digest=item.ident.digest,
                sender_email=p.from_email[:254],
                received_at=item.received_at,
                source=item.source[:500],
                outcome=Outcome.IGNORED,
            )
        )
        announced.append(item)
        results[item.index] = IntakeResult("ignored", p.noise_reason)
    IgnoredMessage.objects.bulk_create(ignored)
    MailReceipt.objects.bulk_create(receipts)
    for item, receipt in zip(announced, receipts, strict=True):
        announce_ignored(receipt, item.parsed.noise_reason, item.raw, item.parsed)


def _allocate(new_items: list[_Item]) -> dict[int, str]:
    by_year: dict[int, list[_Item]] = {}
    for item in new_items:
        by_year.setdefault(item.received_at.astimezone(dt.UTC).year, []).append(item)
    allocated = {}
    for year, group in by_year.items():
        ReferenceCounter.objects.get_or_create(year=year)
        ReferenceCounter.objects.filter(year=year).update(last=F("last") + len(group))
        last = ReferenceCounter.objects.filter(year=year).values_list("last", flat=True).get()
        for offset, item in enumerate(group):
            allocated[item.index] = f"REQ-{year}-{last - len(group) + offset + 1:06d}"
    return allocated


def contacts_by_email(addresses: set[str]) -> dict[str, Contact]:
    found = {c.email: c for c in Contact.objects.filter(email__in=addresses)}
    return {address: found.get(address) for address in addresses}
