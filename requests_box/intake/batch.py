"""The one intake pipeline: raw mails in, one outcome each (created, reply, duplicate, ignored,
quarantined), every decision taken here and nowhere else. A single mail is a batch of one.

A batch is read and identified once, then taken in by waves, in one transaction. A wave decides its
mails in order, in memory, from a few set-based reads (known receipts, Message-IDs, threads, senders'
counts), as if they came one after the other, then writes them in bulk. A mail whose decision depends on
a row this wave has not written yet (it reuses the Message-ID of a mail of the wave, it opens a request
related to a request of the wave, it is the second reply waking the same request, or it is a copy of,
a reply to, or a mail of the same sender as a mail put off) is put off to the next wave, which reads the
database again. The first mail of a wave is never put off, so the waves end.

If a batch fails for any reason, it is rolled back and its mails are taken in again as batches of one;
a mail that still fails is quarantined whole ("intake error"), so nothing is ever lost.
"""

import datetime as dt
import logging
import uuid
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from requests_box.bulk import insert
from requests_box.deadlines import initial_deadline
from requests_box.files import storage_name
from requests_box.history import record_event
from requests_box.intake.checks import ThreadGate, thread_addresses, unverified_reason
from requests_box.intake.identity import MailIdentity, identity
from requests_box.intake.parse import ParsedMail, parse_message, peek
from requests_box.intake.results import IntakeResult
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
    QuarantinedMessage,
    ReferenceCounter,
    RelatedReason,
    Request,
    RequestEvent,
    Status,
)
from requests_box.routing import active_rules, matching_rule, route
from requests_box.signals import mail_ignored
from requests_box.tasks import send_acknowledgements
from requests_box.workflow import client_replied, portal_language, set_clock

logger = logging.getLogger(__name__)

# How many Message-IDs of In-Reply-To and References are looked up to thread a mail.
THREAD_IDS = 50
DUPLICATE = "duplicate"  # an outcome with no receipt of its own


@dataclass(eq=False)
class _Mail:
    index: int
    source: str
    raw: bytes
    parsed: ParsedMail | None
    ident: MailIdentity
    received_at: dt.datetime
    problem: str = ""  # why it cannot even be read (too large, unparseable): quarantined
    sender: str = ""  # for the quarantine list
    subject: str = ""
    # The decision.
    outcome: str = ""
    reason: str = ""
    twin: "_Mail | None" = None  # the mail of this wave it is a copy of
    request: Request | None = None  # the request it joins (a reply), or the one it opens
    root: "_Mail | None" = None  # the mail of this wave whose new request it opens or joins
    unverified: str = ""
    related: Request | None = None
    related_reason: str = ""
    reuses_id: int | None = None
    wakes: bool = False  # a reply to a request waiting for its client
    receipt: MailReceipt | None = None

    @property
    def from_email(self) -> str:
        return self.parsed.from_email if self.parsed is not None else ""

    @property
    def message_id(self) -> str:
        return self.ident.message_id[:255]

    @property
    def thread_ids(self) -> list[str]:
        p = self.parsed
        return [mid for mid in (*p.in_reply_to, *reversed(p.references)) if mid][:THREAD_IDS]


def ingest_batch(intake, pairs: list[tuple[str, bytes]]) -> list[IntakeResult]:
    """[(source, raw)] -> [IntakeResult], committed together."""
    saved = intake.checkpoint()
    try:
        with transaction.atomic():
            return _run(intake, pairs)
    except Exception as exc:
        intake.rollback(saved)
        if len(pairs) > 1:
            logger.exception("Batch intake failed; taking its mails in one at a time")
            return [ingest_batch(intake, [pair])[0] for pair in pairs]
        source, raw = pairs[0]
        return [_failed(intake, source, raw, exc)]


def _run(intake, pairs) -> list[IntakeResult]:
    results: list[IntakeResult | None] = [None] * len(pairs)
    todo = [_read(intake, index, source, raw) for index, (source, raw) in enumerate(pairs)]
    while todo:
        todo = _wave(intake, todo, results)
    return results


# -- reading: each mail parsed and identified once


def _read(intake, index: int, source: str, raw: bytes) -> _Mail:
    now = timezone.now()
    if len(raw) > intake.max_bytes:
        message_id, sender, subject, digest = peek(raw)
        problem = f"too large: {len(raw)} bytes > {intake.max_bytes}"
        ident = identity(message_id, digest, raw)
        return _Mail(index, source, raw, None, ident, now, problem, sender=sender, subject=subject)
    try:
        parsed = parse_message(raw, loop_header=intake.loop_header)
    except Exception as exc:
        return _Mail(
            index, source, raw, None, identity("", "", raw), now, f"unparseable: {type(exc).__name__}"
        )
    if parsed.from_email and parsed.from_email == intake.own_address:
        parsed.noise_reason = parsed.noise_reason or "loop"
    ident = identity(parsed.message_id, parsed.content_digest, raw)
    return _Mail(index, source, raw, parsed, ident, intake.received_at(parsed))


def _identify(intake, raw: bytes) -> MailIdentity:
    return _read(intake, 0, "", raw).ident


# -- deciding


class _Later:
    """The mails put off to the next wave, and what tells that a mail depends on one of them."""

    def __init__(self):
        self.mails: list[_Mail] = []
        self.message_ids: set[str] = set()
        self.keys: set[str] = set()
        self.senders: set[str] = set()

    def add(self, mail: _Mail) -> None:
        self.mails.append(mail)
        self.keys.update(mail.ident.keys)
        if mail.ident.message_id:
            self.message_ids.add(mail.ident.message_id)
        if mail.from_email:
            self.senders.add(mail.from_email)

    def needs(self, mail: _Mail) -> bool:
        if not self.mails:
            return False
        if any(k in self.keys for k in mail.ident.keys):
            return True
        if mail.from_email in self.senders:  # the sender's count (rate limit) goes in order
            return True
        p = mail.parsed
        ids = (mail.ident.message_id, *p.in_reply_to, *p.references) if p else (mail.ident.message_id,)
        return any(mid in self.message_ids for mid in ids if mid)


class _Known:
    """What the database knows before the wave: receipts by key and by Message-ID, threads, senders."""

    def __init__(self, intake, mails: list[_Mail]):
        self.receipts: dict[str, tuple[int, str | None, int | None, str]] = {}
        keys = {k for mail in mails for k in mail.ident.keys}
        for pk, key, reference, request_id, outcome in MailReceipt.objects.filter(
            dedup_key__in=keys
        ).values_list("pk", "dedup_key", "request__reference", "request_id", "outcome"):
            self.receipts[key] = (pk, reference, request_id, outcome)
        ids = {mail.message_id for mail in mails if mail.message_id}
        self.by_message_id: dict[str, list[tuple[int, str]]] = {}
        if ids:
            rows = MailReceipt.objects.filter(message_id__in=ids).order_by("pk")
            for pk, message_id, key in rows.values_list("pk", "message_id", "dedup_key"):
                self.by_message_id.setdefault(message_id, []).append((pk, key))
        usable = [m for m in mails if m.parsed is not None and not m.problem]
        senders = {m.from_email for m in usable if m.from_email and not m.parsed.noise_reason}
        if senders:
            intake.load_recent(senders, min(m.received_at for m in usable if m.from_email in senders))
        references = {m.parsed.subject_reference for m in usable} - {None}
        self.by_reference: dict[str, Request] = {}
        if references:
            found = Request.objects.filter(reference__in=references).select_related("contact")
            self.by_reference = {r.reference: r for r in found}
        wanted = {mid for m in usable for mid in m.thread_ids}
        self.threads: dict[str, tuple[int, Request]] = {}  # Message-ID -> newest message's (pk, request)
        if wanted:
            messages = Message.objects.filter(message_id__in=wanted).select_related("request__contact")
            for message in messages.order_by("pk"):
                self.threads[message.message_id] = (message.pk, message.request)
        self.gate: ThreadGate | None = None
        if references or wanted:
            requests = {
                r.pk: r for r in (*self.by_reference.values(), *(r for _, r in self.threads.values()))
            }
            self.gate = ThreadGate(list(requests.values()), {m.from_email for m in usable if m.from_email})

    def duplicate_of(self, mail: _Mail) -> IntakeResult | None:
        hits = [self.receipts[k] for k in mail.ident.keys if k in self.receipts]
        if not hits:
            return None
        _pk, reference, request_id, outcome = min(hits)
        return IntakeResult("duplicate", reference or f"({outcome})", request_id)

    def reused(self, mail: _Mail) -> int | None:
        """The first receipt of another mail with the same Message-ID (a reused Message-ID), or None."""
        for pk, key in self.by_message_id.get(mail.message_id, ()) if mail.message_id else ():
            if key not in mail.ident.keys:
                return pk
        return None


def _wave(intake, mails: list[_Mail], results: list) -> list[_Mail]:
    """Decide the mails in order and write them; returns the mails put off to the next wave."""
    known = _Known(intake, mails)
    later = _Later()
    decided: list[_Mail] = []
    by_key: dict[str, _Mail] = {}  # mails of the wave that leave a receipt, by key
    by_message_id: dict[str, list[_Mail]] = {}  # the same, by Message-ID
    messages: dict[str, _Mail] = {}  # mails of the wave that leave a message, by Message-ID
    allowed: dict[int, set[str]] = {}  # who may reply into a request opened by the wave (by mail index)
    woken: set[int] = set()
    for mail in mails:
        if later.needs(mail):
            later.add(mail)
            continue
        if (duplicate := known.duplicate_of(mail)) is not None:
            results[mail.index] = duplicate
            continue
        twin = next((by_key[k] for k in mail.ident.keys if k in by_key), None)
        if twin is not None:
            mail.outcome, mail.twin = DUPLICATE, twin
            decided.append(mail)
            continue
        mail.reuses_id = known.reused(mail)
        if mail.reuses_id is None and any(
            other.ident.key not in mail.ident.keys for other in by_message_id.get(mail.message_id, ())
        ):  # reuses the Message-ID of a mail of this wave: its receipt is not written yet
            later.add(mail)
            continue
        if not _decide(intake, mail, known, messages, allowed, woken):
            later.add(mail)
            continue
        decided.append(mail)
        by_key[mail.ident.key] = mail
        if mail.message_id:
            by_message_id.setdefault(mail.message_id, []).append(mail)
            if mail.outcome in (Outcome.CREATED, Outcome.REPLY):
                messages[mail.message_id] = mail
    _write(intake, decided, results)
    return later.mails


def _decide(intake, mail: _Mail, known: _Known, messages, allowed, woken) -> bool:
    """Set the mail's outcome; False when it must wait for the next wave."""
    p = mail.parsed
    if mail.problem:
        return _set(mail, Outcome.QUARANTINED, mail.problem)
    if p.noise_reason:
        return _set(mail, Outcome.IGNORED, p.noise_reason)
    if not p.from_email:
        mail.subject = p.subject
        return _set(mail, Outcome.QUARANTINED, "no sender address")
    if p.is_empty:
        mail.sender = p.from_email
        return _set(mail, Outcome.QUARANTINED, "empty message")
    if intake.over_rate_limit(p.from_email, mail.received_at):
        return _set(mail, Outcome.IGNORED, "rate-limit")
    sender = p.from_email
    request, root = _thread(mail, known, messages)
    mail.unverified = unverified_reason(p)
    if request is not None or root is not None:
        if root is not None:
            may = sender in allowed[root.index] or (known.gate is not None and sender in known.gate.dsi)
        else:
            may = known.gate.may_reply(request, sender)
        if mail.unverified or not may:
            if root is not None:  # a request related to one this wave opens: once that one is written
                return False
            mail.related = request
            mail.related_reason = RelatedReason.UNVERIFIED if mail.unverified else RelatedReason.THIRD_PARTY
        elif root is not None:
            allowed[root.index].update(thread_addresses(p))
            mail.root = root
            mail.outcome = Outcome.REPLY
        else:
            if request.status == Status.WAITING_CLIENT:
                if request.pk in woken:  # its clock restarts with the first reply; the next one after
                    return False
                woken.add(request.pk)
                mail.wakes = True
            known.gate.admit(request, p)
            mail.request = request
            mail.outcome = Outcome.REPLY
    if not mail.outcome:
        mail.outcome = Outcome.CREATED
        mail.root = mail
        allowed[mail.index] = thread_addresses(p)
    intake.count_in(sender, mail.received_at)
    return True


def _set(mail: _Mail, outcome: str, reason: str) -> bool:
    mail.outcome, mail.reason = outcome, reason
    return True


def _thread(mail: _Mail, known: _Known, messages: dict[str, _Mail]) -> tuple[Request | None, _Mail | None]:
    """The request a mail answers: by the reference in its subject, else by the newest message carrying one
    of the Message-IDs it answers (a message of this wave is newer than any written before)."""
    reference = mail.parsed.subject_reference
    if reference and reference in known.by_reference:
        return known.by_reference[reference], None
    ids = mail.thread_ids
    ours = [messages[mid] for mid in ids if mid in messages]
    if ours:
        newest = max(ours, key=lambda m: m.index)
        return (newest.request, None) if newest.root is None else (None, newest.root)
    theirs = [known.threads[mid] for mid in ids if mid in known.threads]
    if theirs:
        return max(theirs, key=lambda pair: pair[0])[1], None
    return None, None


# -- writing, in bulk


def _write(intake, mails: list[_Mail], results: list) -> None:
    now = timezone.now()
    new = [m for m in mails if m.outcome == Outcome.CREATED]
    taken = [m for m in mails if m.outcome in (Outcome.CREATED, Outcome.REPLY)]
    quarantined = [m for m in mails if m.outcome == Outcome.QUARANTINED]
    ignored = [m for m in mails if m.outcome == Outcome.IGNORED]
    _keep_whole(QuarantinedMessage, quarantined, _quarantined)
    _keep_whole(IgnoredMessage, ignored, _ignored)
    _write_requests(intake, new, now)
    for mail in taken:
        if mail.root is not None:
            mail.request = mail.root.request
    _write_messages(taken, now)
    for mail in new:
        if mail.unverified or mail.related is not None:
            record_held(mail.request, mail.unverified, mail.related)
    _route([m.request for m in new if not _held(m)])
    if intake.acknowledge:
        ids = [m.request.pk for m in new if not _held(m) and m.request.sender_email]
        if ids:
            send_acknowledgements.enqueue(ids)
    for mail in taken:
        if mail.wakes:
            client_replied(mail.request)
    insert(
        [Participant(request=m.request, email=a) for m in taken for a in sorted(thread_addresses(m.parsed))],
        ignore_conflicts=True,
    )
    receipts = [m for m in mails if m.outcome != DUPLICATE]
    for mail in receipts:
        taken_in = mail.outcome in (Outcome.CREATED, Outcome.REPLY)
        mail.receipt = MailReceipt(
            dedup_key=mail.ident.key,
            message_id=mail.message_id,
            content_digest=mail.ident.digest,
            reuses_id=mail.reuses_id,
            sender_email=(mail.from_email if mail.parsed is not None else mail.sender)[:254],
            received_at=mail.received_at if taken_in else now,
            source=mail.source[:500],
            outcome=mail.outcome,
            request=mail.request if taken_in else None,
            raw=mail.raw if taken_in else b"",
        )
    insert([m.receipt for m in receipts])
    for mail in taken:
        if mail.reuses_id is not None:
            record_reuse(mail.request, mail.receipt)
    for mail in ignored:
        announce_ignored(mail.receipt, mail.reason, mail.raw, mail.parsed)
    for mail in mails:
        results[mail.index] = _result(mail)


def _held(mail: _Mail) -> bool:
    return bool(mail.unverified or mail.related is not None)


def _result(mail: _Mail) -> IntakeResult:
    if mail.outcome == DUPLICATE:
        twin = mail.twin
        if twin.request is not None:
            return IntakeResult("duplicate", twin.request.reference, twin.request.pk)
        return IntakeResult("duplicate", f"({twin.outcome})")
    if mail.outcome in (Outcome.CREATED, Outcome.REPLY):
        return IntakeResult(str(mail.outcome), mail.request.reference, mail.request.pk)
    return IntakeResult(str(mail.outcome), mail.reason)


def _keep_whole(model, mails: list[_Mail], fields) -> None:
    """Mails set aside (quarantined, ignored): a row each, with the raw bytes as they came."""
    rows = []
    for mail in mails:
        row = model(**fields(mail))
        row.raw.save(f"{uuid.uuid4().hex}.eml", ContentFile(mail.raw), save=False)
        rows.append(row)
    insert(rows)


def _quarantined(mail: _Mail) -> dict:
    return {
        "size": len(mail.raw),
        "reason": mail.reason[:255],
        "source": mail.source[:500],
        "sender": mail.sender[:255],
        "subject": mail.subject[:255],
    }


def _ignored(mail: _Mail) -> dict:
    p = mail.parsed
    return {
        "reason": mail.reason[:40],
        "source": mail.source[:500],
        "message_id": p.message_id[:255],
        "sender": p.from_email[:255],
        "subject": p.subject[:255],
    }


def _write_requests(intake, new: list[_Mail], now: dt.datetime) -> None:
    """New requests: references allocated in one statement per year, then one insert."""
    if not new:
        return
    intake.contacts_for({m.from_email for m in new if not m.unverified})
    references = _allocate(new)
    with portal_language():
        no_subject = _("(no subject)")
    requests = []
    for mail in new:
        p = mail.parsed
        contact = None if mail.unverified else intake.contact_of(p.from_email)
        request = Request(
            reference=references[mail.index],
            received_at=mail.received_at,
            channel=Channel.EMAIL,
            contact=contact,
            entity_id=contact.entity_id if contact else None,
            sender_email=p.from_email,
            sender_name=(p.from_name or (contact.full_name if contact else ""))[:200],
            subject=(p.subject.strip() or no_subject)[:255],
            sender_unverified=bool(mail.unverified),
            related_to=mail.related,
            related_reason=mail.related_reason,
            deadline=initial_deadline(requested=None, received_at=mail.received_at),
            created=now,
            updated=now,
        )
        set_clock(request)
        mail.request = request
        requests.append(request)
    insert(requests)
    from kpis import aggregates  # a bulk insert sends no signal: the indicators' daily counts, once

    aggregates.refresh_requests(requests)


def _write_messages(taken: list[_Mail], now: dt.datetime) -> None:
    messages, events = [], []
    for mail in taken:
        p = mail.parsed
        new = mail.outcome == Outcome.CREATED
        sender = f"{p.from_name} <{p.from_email}>" if p.from_name else p.from_email
        messages.append(
            Message(
                request=mail.request,
                direction=Direction.INBOUND,
                channel=Channel.EMAIL,
                message_id=p.message_id[:255],
                sender=sender[:255],
                subject=(mail.request.subject if new else p.subject)[:255],
                headers=p.headers,
                text=p.text,
                safe_html=p.html,
                sent_at=mail.received_at,
            )
        )
        if new:
            event = RequestEvent(
                request=mail.request,
                kind=EventKind.CREATED,
                detail=f"email {mail.source}"[:500],
                at=mail.received_at,
            )
        else:
            event = RequestEvent(request=mail.request, kind=EventKind.REPLY, detail=sender[:255], at=now)
        events.append(event)
    insert(messages)
    attachments = []
    for mail, message in zip(taken, messages, strict=True):
        for parsed_file in mail.parsed.attachments:
            attachment = Attachment(
                message=message,
                original_name=parsed_file.filename[:255],
                content_type=(parsed_file.content_type or "application/octet-stream")[:127],
                size=len(parsed_file.data),
                inline=parsed_file.inline,
            )
            attachment.file.save(
                storage_name(parsed_file.filename), ContentFile(parsed_file.data), save=False
            )
            attachments.append(attachment)
    insert(attachments)
    insert(events)


def _route(requests: list[Request]) -> None:
    """The routing rules, read once per wave; a request no rule matches costs no query."""
    rules = active_rules() if requests else []
    for request in requests:
        if rules and matching_rule(request, rules) is not None:
            route(request)


def _allocate(new: list[_Mail]) -> dict[int, str]:
    by_year: dict[int, list[_Mail]] = {}
    for mail in new:
        by_year.setdefault(mail.received_at.astimezone(dt.UTC).year, []).append(mail)
    allocated = {}
    for year, group in by_year.items():
        ReferenceCounter.objects.get_or_create(year=year)
        ReferenceCounter.objects.filter(year=year).update(last=F("last") + len(group))
        last = ReferenceCounter.objects.filter(year=year).values_list("last", flat=True).get()
        for offset, mail in enumerate(group):
            allocated[mail.index] = f"REQ-{year}-{last - len(group) + offset + 1:06d}"
    return allocated


# -- a mail that failed even alone


def _failed(intake, source: str, raw: bytes, exc: Exception) -> IntakeResult:
    ident = _identify(intake, raw)
    if isinstance(exc, IntegrityError):
        # Another process took the same mail in between our check and our commit.
        receipt = (
            MailReceipt.objects.filter(dedup_key__in=ident.keys)
            .select_related("request")
            .order_by("pk")
            .first()
        )
        if receipt is None:
            return IntakeResult("duplicate", "")
        if receipt.request is not None:
            return IntakeResult("duplicate", receipt.request.reference, receipt.request_id)
        return IntakeResult("duplicate", f"({receipt.outcome})")
    logger.error("Intake failed for %s", source, exc_info=exc)
    reason = f"intake error: {type(exc).__name__}: {exc}"[:255]
    mail = _Mail(0, source, raw, None, ident, timezone.now(), reason)
    mail.outcome, mail.reason = Outcome.QUARANTINED, reason
    with transaction.atomic():
        _keep_whole(QuarantinedMessage, [mail], _quarantined)
        MailReceipt.objects.create(
            dedup_key=ident.key,
            message_id=ident.message_id[:255],
            content_digest=ident.digest,
            reuses=_earlier_with_message_id(ident),
            received_at=timezone.now(),
            source=source[:500],
            outcome=Outcome.QUARANTINED,
        )
    return IntakeResult("quarantined", reason)


def _earlier_with_message_id(ident: MailIdentity) -> MailReceipt | None:
    if not ident.message_id:
        return None
    return (
        MailReceipt.objects.filter(message_id=ident.message_id[:255])
        .exclude(dedup_key__in=ident.keys)
        .order_by("pk")
        .first()
    )


# -- history and announcements


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
