"""Faults, process by process, on PostgreSQL (issue 20): real schedulers, workers, pollers and gunicorn.

- Two schedulers, two workers and two `poll_mailbox --every` loops at once take each mail in once and
  send each acknowledgement and deadline notice once (a real Dovecot, a real SMTP sink).
- A worker SIGKILLed in the middle of a poll, and a scheduler SIGKILLed while it runs, lose nothing
  and send no mail twice once a worker is started again.
- PostgreSQL restarted (a throwaway cluster of the test's own, never the machine's server) while a
  gunicorn serves: only the requests in flight fail, then it serves again without being restarted.

The processes work on a copy of the test database (PostgreSQL's CREATE DATABASE … TEMPLATE): several
processes sharing one database is what SQLite is not meant for, so these tests run in the PostgreSQL
pass only. Every process started here is stopped at the end of its test, also on failure.
"""

import collections
import contextlib
import hashlib
import http.client
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

import psycopg
import pytest
from aiosmtpd.controller import Controller

from tests.mailservers import free_port
from tests.operations import pgcluster
from tests.requests_box.conftest import SmtpSink, dovecot  # noqa: F401 - dovecot is a fixture

ROOT = Path(__file__).resolve().parents[2]
DATABASE_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = DATABASE_URL.startswith(("postgres://", "postgresql://"))
GUNICORN = Path(sys.executable).parent / "gunicorn"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db,  # so that pytest-django sets the test database up, even for this module alone
    pytest.mark.skipif(
        not ON_POSTGRES,
        reason="several processes on one database: runs in the PostgreSQL pass (DATABASE_URL=postgres://…)",
    ),
]

PEOPLE = """
from django.contrib.auth.models import Group, User
from directory import roles
from directory.models import ClientType, Contact, Directorate, Entity, Segment

directorate = Directorate.objects.create(code="DFIN", name="Direction Financière")
entity = Entity.objects.create(code="DFIN-CPT", name="Comptabilité", directorate=directorate,
                               client_type=ClientType.METIER, segment=Segment.COEUR_DE_CIBLE)
for n in range(40):
    Contact.objects.create(email=f"client{n}@groupe-aurelia.fr", first_name="Client", last_name=str(n),
                           entity=entity)
User.objects.create_user("karim", "karim@groupe-aurelia.fr", "pw")
camille = User.objects.create_user("camille", "camille@groupe-aurelia.fr", "pw")
camille.groups.set(Group.objects.filter(name=roles.BUSINESS_USERS))
print("SEEDED")
"""

DEADLINES = """
import datetime as dt
from django.contrib.auth.models import User
from django.utils import timezone
from requests_box import services
from requests_box.models import Request

owner, now = User.objects.get(username="karim"), timezone.now()
for n in range(%(breaches)d):
    request = services.create_request(channel="web", subject=f"Retard {n}", text="Bonjour",
                                      sender_email="client39@groupe-aurelia.fr", acknowledge=False)
    Request.objects.filter(pk=request.pk).update(assignee=owner, deadline=now - dt.timedelta(hours=1))
for n in range(%(warnings)d):
    request = services.create_request(channel="web", subject=f"Bientôt {n}", text="Bonjour",
                                      sender_email="client39@groupe-aurelia.fr", acknowledge=False)
    Request.objects.filter(pk=request.pk).update(
        assignee=owner, warning_at=now - dt.timedelta(hours=1), deadline=now + dt.timedelta(days=1))
print("SEEDED")
"""


class Sink(SmtpSink):
    """The tests' SMTP sink, counting each mail by (recipients, subject, body): sent twice, seen twice."""

    def __init__(self):
        super().__init__("127.0.0.1", free_port())
        self.controller = Controller(self, hostname=self.host, port=self.port)
        self.controller.start()

    def counts(self) -> collections.Counter:
        keys = collections.Counter()
        for mail in list(self.received):
            message = mail["message"]
            body = message.get_body(("plain",))
            text = body.get_content() if body is not None else ""
            keys[
                (
                    tuple(sorted(mail["to"])),
                    str(message["Subject"]),
                    hashlib.sha256(text.encode()).hexdigest(),
                )
            ] += 1
        return keys

    def subjects(self, word: str) -> int:
        return sum(1 for mail in list(self.received) if word in str(mail["message"]["Subject"]))


class Processes:
    """The processes of one test, each with its log; all stopped at the end, also on failure."""

    def __init__(self, env: dict, logs: Path):
        self.env, self.logs = env, logs
        self.running: dict[str, subprocess.Popen] = {}
        self.logs.mkdir(parents=True, exist_ok=True)

    def start(self, name: str, *command, env: dict | None = None) -> subprocess.Popen:
        if command and command[0] not in (str(GUNICORN),):
            command = (sys.executable, str(ROOT / "manage.py"), *command)
        log = (self.logs / f"{name}.log").open("a")
        process = subprocess.Popen(  # noqa: S603
            [str(c) for c in command],
            cwd=ROOT,
            env={**self.env, **(env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped with its children
        )
        self.running[name] = process
        return process

    def kill(self, name: str) -> None:
        process = self.running.pop(name)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)

    def pid_of(self, name: str) -> int:
        return self.running[name].pid

    def tails(self) -> str:
        return "\n".join(
            f"--- {log.name}\n" + "\n".join(log.read_text(errors="replace").splitlines()[-12:])
            for log in sorted(self.logs.glob("*.log"))
        )

    def stop(self) -> None:
        for process in self.running.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.running.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
        self.running.clear()


def _psql(url: str, sql: str) -> None:
    subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-qc", sql], check=True, capture_output=True)  # noqa: S603, S607


@pytest.fixture(scope="module")
def database(django_db_setup, django_db_blocker, tmp_path_factory):
    """A copy of the (migrated, empty) test database, for processes to share; dropped at the end."""
    from django.db import connections

    source = connections["default"].settings_dict["NAME"]
    server = DATABASE_URL.rsplit("/", 1)[0]
    name = f"relais_faults_{os.getpid()}"
    with django_db_blocker.unblock():
        connections.close_all()  # a template must have no other session
    _psql(f"{server}/postgres", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    _psql(f"{server}/postgres", f'CREATE DATABASE {name} TEMPLATE "{source}"')
    url = f"{server}/{name}"
    assert "SEEDED" in _manage(_environment(url, tmp_path_factory.mktemp("seed")), "shell", "-c", PEOPLE)
    yield url
    _psql(f"{server}/postgres", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def sink():
    server = Sink()
    yield server
    server.controller.stop()


def _environment(database_url: str, tmp_path: Path, **extra) -> dict:
    base = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "IMAP_"))
    }
    return {
        **base,
        "DJANGO_SETTINGS_MODULE": "tests.operations.process_settings",
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "BEHIND_TLS_PROXY": "1",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "LOG_LEVEL": "WARNING",
        **{k: str(v) for k, v in extra.items()},
    }


def _mail_environment(database, tmp_path, dovecot, folder, sink) -> dict:  # noqa: F811
    return _environment(
        database,
        tmp_path,
        **dovecot.env(folder),
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST=sink.host,
        EMAIL_PORT=sink.port,
        SCHEDULE_POLL_MAILBOX_SECONDS=1,
        SCHEDULE_CHECK_DEADLINES_SECONDS=1,
        SCHEDULE_SEND_SURVEYS_SECONDS=3600,
        SCHEDULE_REFRESH_INDICATORS_SECONDS=3600,
        WORKER_HEARTBEAT_SECONDS=1,
        WORKER_DEAD_AFTER_SECONDS=4,
    )


def _manage(env: dict, *args: str) -> str:
    done = subprocess.run(  # noqa: S603
        [sys.executable, ROOT / "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    return done.stdout


def _fresh_folder(dovecot, count: int, attachment: int = 0) -> str:  # noqa: F811
    """A new IMAP folder holding `count` new requests from `count` different known senders."""
    folder = f"Faults{os.getpid()}x{secrets.token_hex(3)}"
    client = dovecot.client()
    try:
        client.create_folder(folder)
        for n in range(count):
            mail = EmailMessage()
            mail["From"] = f"client{n}@groupe-aurelia.fr"
            mail["To"] = "relais-dsi@groupe-aurelia.fr"
            mail["Subject"] = f"Demande {folder} numéro {n}"
            mail["Message-ID"] = make_msgid(domain="faults.test")
            mail.set_content(f"Bonjour,\nPourriez-vous traiter la demande {n} ?\n")
            if attachment:
                mail.add_attachment(
                    os.urandom(attachment), maintype="application", subtype="pdf", filename="a.pdf"
                )
            client.append(folder, bytes(mail))
    finally:
        client.logout()
    return folder


def _processed(dovecot, folder: str) -> int:  # noqa: F811
    client = dovecot.client()
    try:
        client.select_folder(folder, readonly=True)
        return len(client.search(["KEYWORD", "RelaisProcessed"]))
    finally:
        client.logout()


def _query(url: str, sql: str, *params) -> list:
    with psycopg.connect(url, autocommit=True) as conn:
        cursor = conn.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def _receipts(url: str, folder: str) -> tuple[int, int]:
    """Mails of the folder taken in, and the distinct requests they made."""
    sql = "SELECT count(*), count(DISTINCT request_id) FROM requests_box_mailreceipt WHERE source LIKE %s"
    return tuple(_query(url, sql, f"imap:{folder}/%")[0])


def _wait(predicate, timeout: float, processes: Processes, what: str, every: float = 0.25) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} within {timeout:.0f} s\n{processes.tails()}")
        time.sleep(every)


def test_two_schedulers_workers_and_pollers_take_each_mail_once_and_send_each_notice_once(
    database,
    dovecot,  # noqa: F811
    sink,
    tmp_path,
):
    mails, breaches, warnings = 24, 4, 3
    folder = _fresh_folder(dovecot, mails)
    env = _mail_environment(database, tmp_path, dovecot, folder, sink)
    assert "SEEDED" in _manage(env, "shell", "-c", DEADLINES % {"breaches": breaches, "warnings": warnings})
    processes = Processes(env, tmp_path / "logs")
    try:
        for n in (1, 2):
            processes.start(f"scheduler{n}", "scheduler", "--tick", "0.2")
            processes.start(
                f"worker{n}", "worker", "--queue-name", "default", "--interval", "0.2", "--no-startup-delay"
            )
            processes.start(f"poller{n}", "poll_mailbox", "--every", "1")
        expected = mails + breaches + warnings
        _wait(
            lambda: _processed(dovecot, folder) == mails and len(sink.received) >= expected,
            120,
            processes,
            f"{mails} mails taken in and {expected} mails sent",
        )
        time.sleep(4)  # a few more rounds of every process: nothing more may come
        alive = {name: p.poll() is None for name, p in processes.running.items()}
    finally:
        processes.stop()
    assert _receipts(database, folder) == (mails, mails)
    created = _query(
        database, "SELECT count(*) FROM requests_box_request WHERE subject LIKE %s", f"%{folder}%"
    )
    assert created[0][0] == mails
    sent = sink.counts()
    assert [key for key, n in sent.items() if n > 1] == []
    assert len(sink.received) == expected, [str(m["message"]["Subject"]) for m in sink.received]
    assert all(alive.values()), alive


def test_a_worker_and_a_scheduler_killed_mid_job_lose_nothing_and_send_no_mail_twice(
    database,
    dovecot,  # noqa: F811
    sink,
    tmp_path,
):
    mails = 40
    _query(database, "DELETE FROM django_tasks_database_dbtaskresult")
    _query(database, "UPDATE operations_periodicjob SET next_run_at = now(), last_task_id = ''")
    folder = _fresh_folder(dovecot, mails, attachment=1_000_000)  # big enough for a poll to take a while
    env = _mail_environment(database, tmp_path, dovecot, folder, sink)
    received = f"imap:{folder}/%"
    processes = Processes(env, tmp_path / "logs")
    try:
        processes.start("scheduler1", "scheduler", "--tick", "0.2")
        for n in (1, 2):
            processes.start(
                f"worker{n}", "worker", "--queue-name", "default", "--interval", "0.2", "--no-startup-delay"
            )

        poll = {}

        def poll_running_mid_way() -> bool:
            """The poll task running, some of the mails taken in, most not yet: who runs it."""
            rows = _query(
                database,
                "SELECT t.worker_ids, (SELECT count(*) FROM requests_box_mailreceipt WHERE source LIKE %s) "
                "FROM django_tasks_database_dbtaskresult t "
                "WHERE t.status = 'RUNNING' AND t.task_path LIKE %s",
                received,
                "%poll_mailbox",
            )
            if len(rows) == 1 and 1 <= rows[0][1] < mails - 3:
                poll["worker"] = rows[0][0][-1]
                return True
            return False

        _wait(poll_running_mid_way, 90, processes, "a poll under way", every=0.05)
        pid = int(poll["worker"].split("-")[-2])  # worker ids are host-pid-random
        victim = next(name for name in ("worker1", "worker2") if processes.pid_of(name) == pid)
        processes.kill(victim)  # SIGKILL in the middle of the poll
        processes.kill("scheduler1")  # and the scheduler, wherever it is
        taken_at_kill = _query(
            database, "SELECT count(*) FROM requests_box_mailreceipt WHERE source LIKE %s", received
        )
        assert taken_at_kill[0][0] < mails
        # Restarted: a scheduler and a worker again.
        processes.start("scheduler1-again", "scheduler", "--tick", "0.2")
        processes.start(
            f"{victim}-again", "worker", "--queue-name", "default", "--interval", "0.2", "--no-startup-delay"
        )
        _wait(
            lambda: _processed(dovecot, folder) == mails and sink.subjects(folder) >= mails,
            120,
            processes,
            f"the {mails} mails taken in and acknowledged after the kill",
        )
        time.sleep(3)
    finally:
        processes.stop()
    assert _receipts(database, folder) == (mails, mails)
    acknowledgements = [key for key in sink.counts().items() if folder in key[0][1]]
    assert len(acknowledgements) == mails
    assert [key for key, n in acknowledgements if n > 1] == []
    retried = _query(database, "SELECT count(*) FROM operations_taskretry WHERE reason = 'worker_lost'")
    assert retried[0][0] == 1


def _get(port: int, path: str, cookies: dict | None = None, body: str | None = None) -> tuple[int, dict, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    headers = {"Host": "127.0.0.1", "X-Forwarded-Proto": "https"}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["Referer"] = f"https://127.0.0.1{path}"
    conn.request("POST" if body is not None else "GET", path, body=body, headers=headers)
    response = conn.getresponse()
    text = response.read().decode("utf-8", "replace")
    conn.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, text


def _log_in(port: int) -> dict:
    cookies = {}
    status, headers, page = _get(port, "/connexion/")
    cookies["csrftoken"] = re.search(r"csrftoken=([^;]+)", headers["set-cookie"]).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": "camille", "password": "pw"})
    status, headers, _ = _get(port, "/connexion/", cookies, body=form)
    assert status == 302, status
    cookies["sessionid"] = re.search(r"sessionid=([^;]+)", headers["set-cookie"]).group(1)
    return cookies


def _worker_pids(master: int) -> set[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return {int(p) for p in children.read_text().split()} if children.exists() else set()


def test_postgresql_restarted_under_gunicorn_fails_only_the_requests_in_flight(database, tmp_path):
    reason = pgcluster.available()
    if reason:
        pytest.skip(reason)
    pg_dir = Path(tempfile.mkdtemp(prefix="relais-faults-pg-"))  # reachable by the postgres user
    pg_dir.chmod(0o755)
    cluster = processes = None
    try:
        cluster = pgcluster.Cluster(pg_dir / "cluster", options="-c fsync=off")
        # The schema and the users of the shared copy, into the throwaway server.
        env = _environment(f"{cluster.url}/relais", tmp_path)
        cluster.psql("CREATE DATABASE relais")
        dump = subprocess.run(["pg_dump", "-Fc", database], check=True, capture_output=True).stdout  # noqa: S603, S607
        subprocess.run(  # noqa: S603
            ["pg_restore", "--no-owner", "-d", f"{cluster.url}/relais"],  # noqa: S607
            input=dump,
            check=True,
            capture_output=True,  # noqa: S607
        )
        processes = Processes(env, tmp_path / "logs")
        port = free_port()
        web = processes.start(
            "gunicorn",
            str(GUNICORN),
            "portal.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--no-control-socket",
        )
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(OSError):
                if _get(port, "/sante/")[0] in (200, 503):
                    break
            assert time.monotonic() < deadline and web.poll() is None, processes.tails()
            time.sleep(0.3)
        cookies = _log_in(port)
        assert _get(port, "/demandes/", cookies)[0] == 200
        workers_before = _worker_pids(web.pid)

        results: list[tuple[float, float, int]] = []
        stop = threading.Event()

        def browse(path: str):
            while not stop.is_set():
                started = time.monotonic()
                try:
                    status = _get(port, path, cookies)[0]
                except OSError:
                    status = 0
                results.append((started, time.monotonic(), status))
                time.sleep(0.05)

        threads = [threading.Thread(target=browse, args=(path,)) for path in ("/demandes/", "/", "/sante/")]
        for thread in threads:
            thread.start()
        try:
            time.sleep(2)
            restart_started = time.monotonic()
            cluster.restart()
            restart_ended = time.monotonic()
            time.sleep(4)
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=30)
        before = [r for r in results if r[1] < restart_started]
        after = [r for r in results if r[0] > restart_ended]
        assert before and after
        assert all(status == 200 for *_, status in before), collections.Counter(s for *_, s in before)
        # Once PostgreSQL is back, every request succeeds: the old connections are not reused blindly.
        assert all(status == 200 for *_, status in after), (
            collections.Counter(s for *_, s in after),
            processes.tails(),
        )
        # The same gunicorn and the same workers served them: nothing was restarted.
        assert web.poll() is None and _worker_pids(web.pid) == workers_before
    finally:
        if processes is not None:
            processes.stop()
        if cluster is not None:
            cluster.stop()
        shutil.rmtree(pg_dir, ignore_errors=True)
