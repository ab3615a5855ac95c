"""The scheduler enqueues each run once whoever runs it; a lost worker's task goes back to the queue."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from operations import queue, scheduler
from operations.models import PeriodicJob, TaskRetry, WorkerHeartbeat

JOB = scheduler.Job("check_deadlines", "requests_box.tasks.check_deadlines", 300)


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def test_two_schedulers_enqueue_a_due_run_once(db, database_tasks):
    scheduler.ensure_rows([JOB])
    assert scheduler.run_due([JOB]) == ["check_deadlines"]
    assert scheduler.run_due([JOB]) == []  # the second scheduler: no longer due
    assert DBTaskResult.objects.filter(task_path__endswith="check_deadlines").count() == 1
    row = PeriodicJob.objects.get(name="check_deadlines")
    assert row.next_run_at > timezone.now() + dt.timedelta(seconds=290)


def test_a_run_is_not_enqueued_again_while_the_previous_one_waits(db, database_tasks):
    scheduler.ensure_rows([JOB])
    scheduler.run_due([JOB])
    later = timezone.now() + dt.timedelta(seconds=301)
    assert scheduler.run_due([JOB], now=later) == []
    assert DBTaskResult.objects.count() == 1
    DBTaskResult.objects.update(status="SUCCESSFUL")
    assert scheduler.run_due([JOB], now=later + dt.timedelta(seconds=301)) == ["check_deadlines"]


def test_the_poll_is_scheduled_only_when_a_mailbox_is_configured(settings):
    settings.IMAP_USER = ""
    poll = next(job for job in scheduler.jobs() if job.name == "poll_mailbox")
    assert not poll.enabled()
    settings.IMAP_USER = "relais-dsi@example.test"
    assert poll.enabled()


def _running_task(worker_id: str) -> DBTaskResult:
    from requests_box.tasks import check_deadlines

    result = check_deadlines.enqueue()
    task = DBTaskResult.objects.get(pk=result.id)
    task.claim(worker_id)
    return task


def test_a_task_of_a_worker_that_stopped_beating_is_queued_again_once(db, database_tasks, settings):
    settings.WORKER_DEAD_AFTER_SECONDS = 60
    old = timezone.now() - dt.timedelta(minutes=5)
    WorkerHeartbeat.objects.create(worker_id="dead-1", hostname="web1", pid=1, last_seen=old)
    WorkerHeartbeat.objects.create(worker_id="alive-1", hostname="web2", pid=2)
    lost, busy = _running_task("dead-1"), _running_task("alive-1")
    assert queue.requeue_abandoned() == 1
    assert queue.requeue_abandoned() == 0  # a second scheduler finds nothing more
    lost.refresh_from_db()
    busy.refresh_from_db()
    assert (lost.status, busy.status) == ("READY", "RUNNING")
    assert TaskRetry.objects.get().reason == "worker_lost"
    assert not WorkerHeartbeat.objects.filter(worker_id="dead-1").exists()
    assert queue.queue_state().retried == 1


def test_tasks_of_workers_without_heartbeat_are_left_alone(db, database_tasks):
    task = _running_task("plain-db-worker")
    assert queue.requeue_abandoned() == 0
    task.refresh_from_db()
    assert task.status == "RUNNING"


def test_queue_state_counts_pending_scheduled_failed_and_waiting(db, database_tasks):
    from requests_box.tasks import check_deadlines

    check_deadlines.enqueue()
    check_deadlines.using(run_after=timezone.now() + dt.timedelta(hours=1)).enqueue()
    failed = check_deadlines.enqueue()
    DBTaskResult.objects.filter(pk=failed.id).update(status="FAILED", finished_at=timezone.now())
    DBTaskResult.objects.exclude(pk=failed.id).update(enqueued_at=timezone.now() - dt.timedelta(minutes=10))
    state = queue.queue_state()
    assert (state.pending, state.scheduled, state.failed, state.running) == (1, 1, 1, 0)
    assert state.oldest_waiting_seconds >= 590
    assert queue.retry_failed(str(failed.id))
    assert queue.queue_state().pending == 2


def test_deadline_notices_are_claimed_so_a_second_check_sends_nothing(db, user_a, relationship_manager):
    from requests_box import services as box_services
    from requests_box.workflow import check_deadlines

    request = box_services.create_request(
        channel="web", subject="Accès VPN", text="Bonjour", sender_email=user_a.email, acknowledge=False
    )
    type(request).objects.filter(pk=request.pk).update(deadline=timezone.now() - dt.timedelta(hours=1))
    mail.outbox.clear()
    first = check_deadlines()
    second = check_deadlines()
    assert first["breaches"] == 1 and second["breaches"] == 0
    assert len([m for m in mail.outbox if request.reference in m.subject]) == 1


def test_a_task_interrupted_by_a_database_restart_is_queued_again_a_few_times(db, database_tasks):
    task = _running_task("worker-a")
    assert not queue.requeue_after_database_error(task, "worker-b")  # not that worker's task
    for _ in range(queue.DATABASE_RETRIES):
        DBTaskResult.objects.filter(pk=task.pk).update(status="RUNNING")
        assert queue.requeue_after_database_error(task, "worker-a")
        task.refresh_from_db()
        assert task.status == "READY" and task.run_after > timezone.now()
    DBTaskResult.objects.filter(pk=task.pk).update(status="FAILED")
    assert not queue.requeue_after_database_error(task, "worker-a")  # then it stays failed, for a human
    assert TaskRetry.objects.filter(reason="database_lost").count() == queue.DATABASE_RETRIES
