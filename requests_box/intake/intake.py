"""Taking mail in: the `Intake` facade over the one batch pipeline (`requests_box.intake.batch`).

Used by `poll_mailbox`, `ingest_mail`, the demo and the tests alike. A single mail is a batch of one.
Every mail ends in exactly one outcome and intake never raises on a bad message: what cannot become a
request is quarantined whole.
"""

import datetime as dt

from django.conf import settings
from django.utils import timezone

from directory.models import Contact
from requests_box.intake.batch import ingest_batch
from requests_box.intake.parse import ParsedMail
from requests_box.intake.results import OUTCOMES, IntakeResult, Summary
from requests_box.models import MailReceipt, Outcome

__all__ = ["OUTCOMES", "Intake", "IntakeResult", "Summary"]


class Intake:
    """Takes mail in. One instance per run: it holds the settings and caches contacts and per-sender
    counts (the rate limit) across the run's batches."""

    def __init__(self, *, acknowledge: bool = True, now: dt.datetime | None = None):
        self.acknowledge = acknowledge
        self.max_bytes = settings.MAILBOX_MAX_MESSAGE_BYTES
        self.rate_limit = settings.MAILBOX_RATE_LIMIT_PER_HOUR
        self.loop_header = settings.MAILBOX_LOOP_HEADER
        self.own_address = settings.MAILBOX_ADDRESS.lower()
        self.now = now
        self._contacts: dict[str, Contact | None] = {}
        self._recent: dict[str, list[dt.datetime]] = {}

    def ingest(self, raw: bytes, *, source: str = "") -> IntakeResult:
        """Take in one mail: a batch of one, in its own transaction."""
        return ingest_batch(self, [(source, raw)])[0]

    def ingest_many(self, messages, *, batch_size: int = 100, batch_bytes: int = 64 * 1024 * 1024):
        """Take in (source, raw) pairs by batches; yields (source, result) once each batch is committed."""
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

    # -- per-run state used by the pipeline

    def received_at(self, parsed: ParsedMail) -> dt.datetime:
        now = self.now or timezone.now()
        # The Date header dates an imported mailbox correctly; never trust one in the future.
        if parsed.date is not None and parsed.date <= now + dt.timedelta(minutes=5):
            return min(parsed.date, now)
        return now

    def contacts_for(self, addresses: set[str]) -> None:
        missing = {a for a in addresses if a and a not in self._contacts}
        if missing:
            found = {c.email: c for c in Contact.objects.filter(email__in=missing).select_related("entity")}
            self._contacts.update({address: found.get(address) for address in missing})

    def contact_of(self, address: str) -> Contact | None:
        return self._contacts.get(address)

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

    def checkpoint(self) -> dict[str, list[dt.datetime]]:
        """The per-sender counts as they are, to put back when a batch is rolled back."""
        return {sender: list(times) for sender, times in self._recent.items()}

    def rollback(self, saved: dict[str, list[dt.datetime]]) -> None:
        self._recent = saved
