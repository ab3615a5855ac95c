"""Polling a real Dovecot IMAP server: flags after commit, crash safety, loop, background task."""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from requests_box.intake.imap import PROCESSED_FLAG, poll_once
from requests_box.models import (
    Attachment,
    IgnoredMessage,
    MailReceipt,
    Message,
    QuarantinedMessage,
    ReferenceCounter,
    Request,
    RequestEvent,
)
from tests.requests_box.mails import build_mail

ROOT = Path(__file__).resolve().parents[2]
POLL_TASK = "requests_box.intake.tasks.poll_mailbox"


def append(dovecot, folder: str, *raws: bytes) -> None:
    client = dovecot.client()
    for raw in raws:
        client.append(folder, raw)
    client.logout()


def unprocessed(dovecot, folder: str) -> list[int]:
    client = dovecot.client()
    client.select_folder(folder, readonly=True)
    uids = client.search(["NOT", "KEYWORD", PROCESSED_FLAG.decode()])
    client.logout()
    return uids


@pytest.mark.django_db
def test_poll_takes_in_new_messages_and_flags_them_processed(dovecot, imap_folder, user_a):
    append(
        dovecot,
        imap_folder,
        build_mail(subject="Poste de travail lent"),
        build_mail(headers={"Auto-Submitted": "auto-replied"}),
        b"not a mail at all",
    )
    lines = []
    summary = poll_once(report=lambda source, result: lines.append(result.line(source)))
    assert summary.counts() == {"created": 1, "reply": 0, "duplicate": 0, "ignored": 1, "quarantined": 1}
    reference = Request.objects.get().reference
    assert lines == [
        f"imap:{imap_folder}/1: created {reference}",
        f"imap:{imap_folder}/2: ignored auto-reply",
        f"imap:{imap_folder}/3: quarantined unparseable: NotAMail",
    ]
    assert unprocessed(dovecot, imap_folder) == []
    # A second poll has nothing left to do.
    assert sum(poll_once().counts().values()) == 0


@pytest.mark.django_db
def test_a_message_seen_by_a_human_is_still_taken_in(dovecot, imap_folder):
    append(dovecot, imap_folder, build_mail(subject="lu dans Outlook"))
    client = dovecot.client()
    client.select_folder(imap_folder)
    client.add_flags([1], [b"\\Seen"])
    client.logout()
    assert poll_once().counts()["created"] == 1


@pytest.mark.django_db
def test_poll_mailbox_command_prints_the_contract_lines(dovecot, imap_folder, capsys):
    raw = build_mail(subject="Commande")
    append(dovecot, imap_folder, raw, raw)
    call_command("poll_mailbox")
    out = capsys.readouterr().out.splitlines()
    reference = Request.objects.get().reference
    assert out == [
        f"imap:{imap_folder}/1: created {reference}",
        f"imap:{imap_folder}/2: duplicate {reference}",
        "summary: 2 messages, 1 created, 0 replies, 1 duplicates, 0 ignored, 0 quarantined",
    ]


def test_poll_as_a_background_task_on_the_database_backend_run_by_its_worker(
    dovecot, imap_folder, committed_db, tmp_path
):
    from django_tasks_db.models import DBTaskResult

    append(dovecot, imap_folder, build_mail(subject="Par la tâche de fond"))
    # The real settings (database backend for tasks), not the test ones (immediate backend).
    env = {**_subprocess_env(dovecot, imap_folder), "DJANGO_SETTINGS_MODULE": "portal.settings", "DEBUG": "1"}
    env["MEDIA_ROOT"] = str(tmp_path)
    enqueue = [sys.executable, "manage.py", "poll_mailbox", "--background", "--every", "300"]
    done = subprocess.run(enqueue, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)  # noqa: S603
    assert done.returncode == 0, done.stderr
    assert Request.objects.count() == 0  # only enqueued
    assert (
        DBTaskResult.objects.filter(
            task_path="requests_box.intake.tasks.poll_mailbox", status="READY"
        ).count()
        == 1
    )

    worker = [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay", "--no-reload"]
    done = subprocess.run(worker, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)  # noqa: S603
    assert done.returncode == 0, done.stderr
    request = Request.objects.get()
    assert request.subject == "Par la tâche de fond"
    assert unprocessed(dovecot, imap_folder) == []
    # The acknowledgement was sent by the worker; the poll re-enqueued itself for later.
    assert request.events.filter(kind="acknowledged").exists()
    later = DBTaskResult.objects.get(task_path=POLL_TASK, status="READY")
    assert later.run_after is not None and later.args_kwargs["kwargs"] == {"every": 300}


def test_poll_every_n_seconds_keeps_polling(dovecot, imap_folder, committed_db):
    append(dovecot, imap_folder, build_mail(subject="premier"))
    command = [sys.executable, "manage.py", "poll_mailbox", "--every", "1"]
    env = _subprocess_env(dovecot, imap_folder)
    env["PYTHONUNBUFFERED"] = "1"
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)  # noqa: S603
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(process.stdout), daemon=True)
    reader.start()
    try:
        _wait_for(lambda: Request.objects.count() == 1)
        append(dovecot, imap_folder, build_mail(subject="second"))
        _wait_for(lambda: Request.objects.count() == 2)
        # The request is committed before the cycle prints its summary: wait for the line, not a guess.
        _wait_for(lambda: sum("created REQ" in line for line in lines) == 2)
        _wait_for(lambda: sum(line.startswith("summary:") for line in lines) >= 2)
    finally:
        process.terminate()
        process.wait(timeout=10)
        reader.join(timeout=10)
    assert sorted(Request.objects.values_list("subject", flat=True)) == ["premier", "second"]


def _wait_for(condition, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _subprocess_env(dovecot, folder: str) -> dict[str, str]:
    return {
        **os.environ,
        **dovecot.env(folder),
        "DJANGO_SETTINGS_MODULE": "portal.test_settings",
        "DATABASE_URL": _database_url(),
        "PYTHONUNBUFFERED": "1",
    }


def _clean_mailbox_tables():
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.all().delete()
    for model in (Attachment, Message, RequestEvent, MailReceipt, QuarantinedMessage, IgnoredMessage):
        model.objects.all().delete()
    Request.objects.all().delete()
    ReferenceCounter.objects.all().delete()


@pytest.fixture
def committed_db(django_db_setup, django_db_blocker):
    """Database access without a wrapping transaction, so another process sees what is committed.

    Cleans the mailbox's tables before and after instead of flushing (Wagtail's pages and the role
    groups stay in place for the other tests).
    """
    with django_db_blocker.unblock():
        _clean_mailbox_tables()
        yield
        _clean_mailbox_tables()


@pytest.mark.slow
def test_a_poll_killed_midway_then_run_again_loses_nothing_and_duplicates_nothing(
    dovecot, imap_folder, committed_db
):
    total = 100
    append(
        dovecot,
        imap_folder,
        *(build_mail(subject=f"Demande {n}", sender=f"c{n}@ext.example") for n in range(total)),
    )
    env = _subprocess_env(dovecot, imap_folder)
    command = [sys.executable, "manage.py", "poll_mailbox"]
    first = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # noqa: S603
    deadline = time.monotonic() + 60
    while MailReceipt.objects.count() < 20 and time.monotonic() < deadline and first.poll() is None:
        time.sleep(0.01)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    assert first.returncode == -signal.SIGKILL, "the first poll must be killed, not finish"
    taken_before_kill = MailReceipt.objects.count()
    assert 0 < taken_before_kill < total, "the kill must land in the middle of the poll"
    assert len(unprocessed(dovecot, imap_folder)) > 0

    second = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)  # noqa: S603
    assert second.returncode == 0, second.stderr
    summary = second.stdout.strip().splitlines()[-1]
    assert summary.startswith("summary:")

    subjects = list(Request.objects.values_list("subject", flat=True))
    assert sorted(subjects) == sorted(f"Demande {n}" for n in range(total))  # each exactly once
    assert MailReceipt.objects.count() == total
    assert unprocessed(dovecot, imap_folder) == []
