"""Intake's periodic task: polling the shared mailbox (from the scheduler or `poll_mailbox --background`)."""

from django_tasks import task

from requests_box.intake.imap import poll_once
from requests_box.tasks import _schedule


@task()
def poll_mailbox(every: int | None = None) -> dict[str, int]:
    """Poll the shared mailbox once; with `every`, enqueue the next poll (no periodic scheduler on 3.11)."""
    try:
        summary = poll_once()
    finally:
        if every:
            schedule_poll(every)
    return summary.counts()


def schedule_poll(every: int):
    return _schedule(poll_mailbox, every)
