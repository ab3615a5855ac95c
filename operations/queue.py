"""The background queue (django-tasks' database backend) as the operations team sees it.

Workers started with `manage.py worker` beat every few seconds (`WorkerHeartbeat`). A task left
"running" by a worker that stopped beating (killed, machine lost) is put back in the queue once, by
`requeue_abandoned` (run by the scheduler): the task runs again from its start. The portal's tasks are
written for that: each re-reads its state and skips what is already done (an acknowledgement already
recorded, a deadline already notified, an invitation already sent), so a restart loses nothing and
does not send a mail twice.
"""

import datetime as dt
import os
import socket
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Min, Q
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from operations.models import TaskRetry, WorkerHeartbeat

READY, RUNNING, FAILED, SUCCESSFUL = "READY", "RUNNING", "FAILED", "SUCCESSFUL"


def worker_identity() -> tuple[str, str, int]:
    hostname = socket.gethostname()[:40]
    pid = os.getpid()
    return f"{hostname}-{pid}-{os.urandom(4).hex()}", hostname, pid


def beat(worker_id: str, hostname: str, pid: int) -> None:
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id, defaults={"hostname": hostname, "pid": pid, "last_seen": timezone.now()}
    )


def forget(worker_id: str) -> None:
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def _dead_after() -> dt.timedelta:
    return dt.timedelta(seconds=settings.WORKER_DEAD_AFTER_SECONDS)


def live_workers(now: dt.datetime | None = None):
    now = now or timezone.now()
    return WorkerHeartbeat.objects.filter(last_seen__gte=now - _dead_after())


def requeue_abandoned(now: dt.datetime | None = None) -> int:
    """Put back in the queue the running tasks whose worker stopped beating; returns how many.

    Only workers that beat are judged (a plain `db_worker` never beats: its tasks are left alone).
    The update is conditional on the task still running under that worker, so two schedulers doing
    this at once requeue each task once."""
    now = now or timezone.now()
    dead = list(
        WorkerHeartbeat.objects.filter(last_seen__lt=now - _dead_after()).values_list("worker_id", flat=True)
    )
    if not dead:
        return 0
    requeued = 0
    for task in DBTaskResult.objects.filter(status=RUNNING).only("id", "worker_ids", "task_path"):
        if task.worker_ids and task.worker_ids[-1] in dead:
            if DBTaskResult.objects.filter(pk=task.pk, status=RUNNING, worker_ids=task.worker_ids).update(
                status=READY
            ):
                TaskRetry.objects.create(task_id=str(task.pk), task_path=task.task_path, reason="worker_lost")
                requeued += 1
    # Forget dead workers once nothing of theirs runs any more.
    still_running = {
        worker_ids[-1]
        for worker_ids in DBTaskResult.objects.filter(status=RUNNING).values_list("worker_ids", flat=True)
        if worker_ids
    }
    WorkerHeartbeat.objects.filter(worker_id__in=[w for w in dead if w not in still_running]).delete()
    return requeued


DATABASE_RETRIES = 3


def requeue_after_database_error(task: DBTaskResult, worker_id: str, delay: float = 5.0) -> bool:
    """Put back in the queue a task of this worker that a database restart interrupted (it was left
    running, or failed on the lost connection); at most DATABASE_RETRIES times per task."""
    if TaskRetry.objects.filter(task_id=str(task.pk), reason="database_lost").count() >= DATABASE_RETRIES:
        return False
    row = DBTaskResult.objects.filter(pk=task.pk, status__in=[RUNNING, FAILED]).only("status", "worker_ids")
    row = row.first()
    if row is None or not row.worker_ids or row.worker_ids[-1] != worker_id:
        return False
    requeued = DBTaskResult.objects.filter(pk=task.pk, status=row.status, worker_ids=row.worker_ids).update(
        status=READY, run_after=timezone.now() + dt.timedelta(seconds=delay)
    )
    if requeued:
        TaskRetry.objects.create(task_id=str(task.pk), task_path=task.task_path, reason="database_lost")
    return bool(requeued)


def _due(now: dt.datetime) -> Q:
    return Q(run_after=get_date_max()) | Q(run_after__lte=now)


def oldest_waiting_seconds(now: dt.datetime | None = None) -> float:
    """How long the oldest task that could run has waited for a worker (0 when none waits)."""
    now = now or timezone.now()
    oldest = (
        DBTaskResult.objects.filter(status=READY)
        .filter(_due(now))
        .aggregate(
            enqueued=Min("enqueued_at", filter=Q(run_after=get_date_max())),
            deferred=Min("run_after", filter=~Q(run_after=get_date_max())),
        )
    )
    moments = [m for m in oldest.values() if m is not None]
    return max(0.0, (now - min(moments)).total_seconds()) if moments else 0.0


@dataclass(frozen=True)
class QueueState:
    pending: int  # ready to run now
    scheduled: int  # waiting for their time
    running: int
    failed: int
    retried: int  # put back in the queue in the last 7 days (a worker died under them, or by hand)
    succeeded_last_day: int
    oldest_waiting_seconds: float
    live_workers: int


def queue_state(now: dt.datetime | None = None) -> QueueState:
    """The figures of the back office's queue page, in two queries."""
    now = now or timezone.now()
    counts = DBTaskResult.objects.aggregate(
        pending=Count("pk", filter=Q(status=READY) & _due(now)),
        scheduled=Count("pk", filter=Q(status=READY) & ~_due(now)),
        running=Count("pk", filter=Q(status=RUNNING)),
        failed=Count("pk", filter=Q(status=FAILED)),
        succeeded=Count("pk", filter=Q(status=SUCCESSFUL, finished_at__gte=now - dt.timedelta(days=1))),
    )
    retried = TaskRetry.objects.filter(at__gte=now - dt.timedelta(days=7)).count()
    return QueueState(
        pending=counts["pending"],
        scheduled=counts["scheduled"],
        running=counts["running"],
        failed=counts["failed"],
        retried=retried,
        succeeded_last_day=counts["succeeded"],
        oldest_waiting_seconds=oldest_waiting_seconds(now),
        live_workers=live_workers(now).count(),
    )


def recent_tasks(status: str, limit: int = 20):
    order = "-finished_at" if status in (FAILED, SUCCESSFUL) else "-started_at"
    return (
        DBTaskResult.objects.filter(status=status)
        .order_by(order)
        .only(
            "id",
            "task_path",
            "enqueued_at",
            "started_at",
            "finished_at",
            "exception_class_path",
            "worker_ids",
        )[:limit]
    )


def retry_failed(task_id: str) -> bool:
    """Run a failed task again (the back office's button): it goes back to the queue as it was."""
    task = DBTaskResult.objects.filter(pk=task_id, status=FAILED).only("id", "task_path").first()
    if task is None or not DBTaskResult.objects.filter(pk=task.pk, status=FAILED).update(
        status=READY, run_after=get_date_max()
    ):
        return False
    TaskRetry.objects.create(task_id=str(task.pk), task_path=task.task_path, reason="manual")
    return True
