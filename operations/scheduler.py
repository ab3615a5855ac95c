"""The periodic jobs, enqueued at their intervals by `manage.py scheduler`, safe with several schedulers.

Each job has a row (`PeriodicJob`). A scheduler locks the row of a due job (`SELECT … FOR UPDATE SKIP
LOCKED`; SQLite's write lock does the same), moves its next run forward and enqueues the task in the
same transaction: of two schedulers, one enqueues and the other finds the row locked or no longer
due. A run is not enqueued again while the previous one still waits or runs (workers down for an hour
do not find sixty polls waiting). The jobs themselves are safe to run twice at once as well (unique
keys and conditional updates), which covers `poll_mailbox --every` loops and manual runs beside it.
"""

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db.models import DBTaskResult

from accounts.sync.sources import sync_configured
from operations import queue
from operations.models import PeriodicJob

logger = logging.getLogger("relais.scheduler")


@dataclass(frozen=True)
class Job:
    name: str
    task_path: str
    every: int  # seconds
    enabled: Callable[[], bool] = lambda: True


def jobs() -> list[Job]:
    every = settings.SCHEDULER_INTERVALS
    return [
        Job(
            "poll_mailbox",
            "requests_box.intake.tasks.poll_mailbox",
            every["poll_mailbox"],
            enabled=lambda: bool(settings.IMAP_USER),
        ),
        Job("check_deadlines", "requests_box.tasks.check_deadlines", every["check_deadlines"]),
        Job("send_surveys", "kpis.surveys.tasks.send_due_surveys", every["send_surveys"]),
        Job("refresh_indicators", "kpis.tasks.refresh_standard_periods", every["refresh_indicators"]),
        Job("event_reminders", "communications.tasks.send_event_reminders", every["event_reminders"]),
        Job("prune_reports", "home.tasks.prune_generated_reports", every["prune_reports"]),
        Job(
            "sync_directory",
            "accounts.tasks.sync_directory",
            every["sync_directory"],
            enabled=sync_configured,
        ),
    ]


def ensure_rows(selected: list[Job]) -> None:
    for job in selected:
        PeriodicJob.objects.get_or_create(name=job.name)


def _still_queued(task_id: str) -> bool:
    return bool(task_id) and DBTaskResult.objects.filter(pk=task_id, status__in=["READY", "RUNNING"]).exists()


def run_due(selected: list[Job] | None = None, now: dt.datetime | None = None) -> list[str]:
    """Enqueue every due job once; returns the names enqueued by this call."""
    selected = [job for job in (selected if selected is not None else jobs()) if job.enabled()]
    enqueued = []
    for job in selected:
        with transaction.atomic():
            now_ = now or timezone.now()
            row = (
                PeriodicJob.objects.select_for_update(skip_locked=True)
                .filter(name=job.name, next_run_at__lte=now_)
                .first()
            )
            if row is None:
                continue
            row.next_run_at = now_ + dt.timedelta(seconds=job.every)
            if _still_queued(row.last_task_id):
                row.save(update_fields=["next_run_at"])
                logger.info("%s: previous run still queued, not enqueued again", job.name)
                continue
            result = import_string(job.task_path).enqueue()
            row.last_task_id = str(result.id)
            row.last_enqueued_at = now_
            row.save(update_fields=["next_run_at", "last_task_id", "last_enqueued_at"])
            enqueued.append(job.name)
            logger.info("%s: enqueued task %s", job.name, result.id)
    return enqueued


def reap(now: dt.datetime | None = None) -> int:
    count = queue.requeue_abandoned(now)
    if count:
        logger.warning("requeued %d task(s) abandoned by a lost worker", count)
    return count
