"""The last polls of the shared mailbox and their outcome, for the back office and `/sante/`.

`requests_box.intake.imap.poll_once` is wrapped by `recorded_poll`: one row per poll (kept: the last
`KEEP` polls), whatever runs it (the scheduler's task, `poll_mailbox --every`, a manual run).
"""

import functools
import logging
import socket

from django.utils import timezone

from operations.models import MailboxPoll, PollOutcome

logger = logging.getLogger("relais.mailbox")
KEEP = 500


def record_poll(
    *, started_at, outcome: str, counts: dict | None = None, error: str = ""
) -> MailboxPoll | None:
    try:
        poll = MailboxPoll.objects.create(
            started_at=started_at,
            finished_at=timezone.now(),
            outcome=outcome,
            counts=counts or {},
            error=error[:500],
            hostname=socket.gethostname()[:255],
        )
        oldest_kept = MailboxPoll.objects.order_by("-finished_at").values_list("finished_at", flat=True)[
            KEEP : KEEP + 1
        ]
        MailboxPoll.objects.filter(finished_at__lt=oldest_kept).delete()
        return poll
    except Exception:  # the record must never break a poll (the database may be what failed)
        logger.warning("could not record the mailbox poll", exc_info=True)
        return None


def recorded_poll(poll_function):
    """Records each poll's outcome: its counts when it returns, the error's class when it raises."""

    @functools.wraps(poll_function)
    def wrapper(*args, **kwargs):
        started_at = timezone.now()
        try:
            summary = poll_function(*args, **kwargs)
        except Exception as exc:
            record_poll(
                started_at=started_at, outcome=PollOutcome.ERROR, error=f"{type(exc).__name__}: {exc}"
            )
            logger.warning("mailbox poll failed: %s", type(exc).__name__)
            raise
        counts = summary.counts() if hasattr(summary, "counts") else {}
        record_poll(started_at=started_at, outcome=PollOutcome.OK, counts=counts)
        logger.info("mailbox poll: %s", " ".join(f"{k}={v}" for k, v in counts.items()))
        return summary

    return wrapper


def last_poll() -> MailboxPoll | None:
    return MailboxPoll.objects.order_by("-finished_at").first()
