"""Polling the shared mailbox over IMAP.

A message is flagged as processed on the server only after its outcome is committed in the database,
so a crash at any moment loses nothing; run again, the receipt's unique key makes it a duplicate.
"""

import logging
from collections.abc import Callable

from django.conf import settings
from imapclient import IMAPClient

from operations.mailbox import recorded_poll
from requests_box.intake.intake import Intake
from requests_box.intake.results import IntakeResult, Summary

logger = logging.getLogger(__name__)

PROCESSED_FLAG = b"RelaisProcessed"
# Bodies are fetched by batches of at most this many bytes (big mails alone).
FETCH_BATCH_BYTES = 8 * 1024 * 1024
FETCH_BATCH_COUNT = 50


def connect() -> IMAPClient:
    client = IMAPClient(
        settings.IMAP_HOST, port=settings.IMAP_PORT, ssl=settings.IMAP_TLS, timeout=60, use_uid=True
    )
    client.login(settings.IMAP_USER, settings.IMAP_PASSWORD)
    return client


def _batches(sizes: dict[int, int]):
    batch, total = [], 0
    for uid in sorted(sizes):
        if batch and (total + sizes[uid] > FETCH_BATCH_BYTES or len(batch) >= FETCH_BATCH_COUNT):
            yield batch
            batch, total = [], 0
        batch.append(uid)
        total += sizes[uid]
    if batch:
        yield batch


@recorded_poll  # the back office and /sante/ show the last poll and its outcome
def poll_once(
    *, folder: str | None = None, report: Callable[[str, IntakeResult], None] | None = None
) -> Summary:
    """Take in every message of the folder not yet flagged as processed."""
    folder = folder or settings.IMAP_FOLDER
    summary = Summary()
    intake = Intake()
    client = connect()
    try:
        client.select_folder(folder)
        uids = client.search(["NOT", "KEYWORD", PROCESSED_FLAG.decode()])
        if not uids:
            return summary
        sizes = {
            uid: data.get(b"RFC822.SIZE", 0) for uid, data in client.fetch(uids, ["RFC822.SIZE"]).items()
        }
        for batch in _batches(sizes):
            fetched = client.fetch(batch, ["BODY.PEEK[]"])
            present = [uid for uid in batch if uid in fetched]  # the others were expunged meanwhile
            pairs = [(f"imap:{folder}/{uid}", fetched[uid][b"BODY[]"]) for uid in present]
            # One intake batch per fetch batch, committed before anything is flagged.
            results = list(intake.ingest_many(pairs, batch_size=len(pairs) or 1))
            if present:
                # Committed: only now may the server forget about them.
                client.add_flags(present, [PROCESSED_FLAG, b"\\Seen"])
            for source, result in results:
                summary.add(result)
                if report is not None:
                    report(source, result)
    finally:
        try:
            client.logout()
        except Exception:  # noqa: S110 - the connection may already be gone
            pass
    return summary
