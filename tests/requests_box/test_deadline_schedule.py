"""`check_deadlines --background --every N`: a task that re-enqueues itself, run by the real worker."""

import datetime as dt
import os
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from requests_box import services
from requests_box.models import EventKind, Request
from tests.requests_box.test_imap import ROOT, _database_url, committed_db  # noqa: F401 - fixture


def _env(tmp_path) -> dict[str, str]:
    # The real settings (database backend for tasks), not the test ones (immediate backend).
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DEBUG": "1",
        "DATABASE_URL": _database_url(),
        "MEDIA_ROOT": str(tmp_path),
        "PYTHONUNBUFFERED": "1",
    }


def test_deadline_check_as_a_background_task_run_by_the_worker_re_enqueues_itself(committed_db, tmp_path):  # noqa: F811
    from django_tasks_db.models import DBTaskResult

    late = services.create_request(
        channel="email",
        subject="En retard",
        text="x",
        sender_email="x@ailleurs.example",
        received_at=timezone.now() - dt.timedelta(days=20),
        acknowledge=False,
    )
    env = _env(tmp_path)
    enqueue = [sys.executable, "manage.py", "check_deadlines", "--background", "--every", "600"]
    done = subprocess.run(enqueue, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("enqueued check_deadlines task ")
    late.refresh_from_db()
    assert late.breach_notified_at is None  # only enqueued
    task_path = "requests_box.tasks.check_deadlines"
    assert DBTaskResult.objects.filter(task_path=task_path, status="READY").count() == 1

    worker = [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay", "--no-reload"]
    done = subprocess.run(worker, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    late.refresh_from_db()
    assert late.breach_notified_at is not None
    assert late.events.filter(kind=EventKind.BREACH).count() == 1
    ran = DBTaskResult.objects.get(task_path=task_path, status="SUCCESSFUL")
    assert ran.return_value == {"warnings": 0, "breaches": 1, "callbacks": 0}
    # The next check is waiting for its time, 10 minutes later.
    later = DBTaskResult.objects.get(task_path=task_path, status="READY")
    assert later.args_kwargs["kwargs"] == {"every": 600}
    assert later.run_after - timezone.now() > dt.timedelta(minutes=9)
    # A second batch finds nothing due: the breach is not notified twice.
    done = subprocess.run(worker, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert Request.objects.get(pk=late.pk).events.filter(kind=EventKind.BREACH).count() == 1


def test_the_command_refuses_a_zero_period():
    with pytest.raises(CommandError):
        call_command("check_deadlines", "--every", "0")
