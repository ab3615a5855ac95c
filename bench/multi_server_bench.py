"""Several servers at once: two gunicorn instances, two workers, two schedulers and two pollers on one
PostgreSQL and one Redis (all on loopback), while 50 users browse and 5 triage across both web servers
and mail arrives in Dovecot.

A PostgreSQL cluster of the bench's own (initdb, another port) so that it can be restarted at the end
without touching the machine's shared server. nginx balances the users' requests round-robin over the
two gunicorn instances, so each user's consecutive pages alternate between the servers. Checks: zero
errors (4xx/5xx, socket errors, redirects to the login page = lost sessions), every mail taken in
exactly once, every notification sent exactly once (real SMTP sink), a catalogue publication seen at
once on both servers; then PostgreSQL is restarted under load: only requests in flight fail, and the
web servers recover without a restart.

    .venv/bin/python bench/multi_server_bench.py [--duration 120] [--out bench/results/multi_server.md]

Reuses bench/load_bench.py (users, wrk, Dovecot, mail feeder) and tests/mailservers.py.
"""

import argparse
import collections
import contextlib
import datetime as dt
import hashlib
import json
import os
import platform
import random
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
import load_bench as lb  # noqa: E402

from tests.mailservers import free_port  # noqa: E402
from tests.operations.pgcluster import Cluster  # noqa: E402

ROOT = lb.ROOT
PYTHON = Path(sys.executable)
GUNICORN = PYTHON.parent / "gunicorn"
lb.PYTHON = PYTHON  # the interpreter running this bench (the project's virtualenv)


class Sink(lb.SmtpSink):
    """Keeps a fingerprint of each mail accepted: a notification sent twice has the same one."""

    def __init__(self):
        self.keys = collections.Counter()
        self.subjects = collections.Counter()
        super().__init__()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        from email import message_from_bytes, policy

        message = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        body = message.get_body(("plain",))
        text = body.get_content() if body is not None else ""
        key = (
            tuple(sorted(envelope.rcpt_tos)),
            str(message["Subject"]),
            hashlib.sha256(text.encode()).hexdigest(),
        )
        self.keys[key] += 1
        kind = re.sub(r"\[REQ-[^\]]+\]\s*", "", str(message["Subject"])).split(":")[0][:40].strip()
        self.subjects[kind] += 1
        self.received += 1
        return "250 Message accepted for delivery"


def nginx_balancer(workdir: Path, ports: list[int]) -> tuple[subprocess.Popen, int]:
    port = free_port()
    for sub in ("body", "proxy"):
        (workdir / "nginx" / sub).mkdir(parents=True, exist_ok=True)
    conf = workdir / "nginx.conf"
    servers = "".join(f"server 127.0.0.1:{p};" for p in ports)
    conf.write_text(
        f"user root; daemon off; worker_processes 1; pid {workdir}/nginx.pid; error_log {workdir}/nginx.log warn;\n"  # noqa: E501
        "events { worker_connections 1024; }\n"
        f"http {{ access_log off; client_body_temp_path {workdir}/nginx/body; proxy_temp_path {workdir}/nginx/proxy;\n"  # noqa: E501
        f"  upstream web {{ {servers} keepalive 32; }}\n"
        f"  server {{ listen 127.0.0.1:{port}; location / {{ proxy_pass http://web; proxy_http_version 1.1;\n"
        '    proxy_set_header Connection ""; proxy_set_header Host $http_host;\n'
        "    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for; proxy_set_header X-Forwarded-Proto https;\n"  # noqa: E501
        "    proxy_next_upstream off; } }\n}\n"
    )
    process = subprocess.Popen(["nginx", "-c", str(conf)], stderr=subprocess.DEVNULL)
    return process, port


def wait_http(port: int, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        with contextlib.suppress(OSError):
            if lb.Client(port).call("GET", "/connexion/")[0] == 200:
                return
        if time.monotonic() > deadline or process.poll() is not None:
            raise SystemExit(f"the server on port {port} did not start")
        time.sleep(0.3)


def spawn(env, log: Path, *args) -> subprocess.Popen:
    return subprocess.Popen(
        [PYTHON, ROOT / "manage.py", *args], env=env, cwd=ROOT, stdout=log.open("w"), stderr=subprocess.STDOUT
    )


def shell(env, code: str) -> str:
    return lb.manage(env, "shell", "-c", code, capture=True)


AGE_SOME_REQUESTS = """
import datetime as dt
import json
from django.utils import timezone
from requests_box.models import Request
now = timezone.now()
open_ = Request.objects.exclude(status__in=["resolved", "closed", "waiting_client"]).order_by("pk")
ids = list(open_.values_list("pk", flat=True)[:40])
Request.objects.filter(pk__in=ids[:20]).update(deadline=now - dt.timedelta(hours=1), breach_notified_at=None)
Request.objects.filter(pk__in=ids[20:]).update(
    warning_at=now - dt.timedelta(hours=1), deadline=now + dt.timedelta(days=2), warning_notified_at=None)
Request.objects.exclude(pk__in=ids).update(breach_notified_at=now, warning_notified_at=now)
print("AGED", len(ids))
# What users can open: a retired service's page is gone (404), whatever Wagtail says of it.
from catalogue.models import ServicePage
from catalogue.models.service import Maturity
from requests_box.models import MailReceipt
visible = ServicePage.objects.live().exclude(maturity=Maturity.RETIRE).specific()
print("VISIBLE " + json.dumps([p.url for p in visible]))
print("RECEIPTS", MailReceipt.objects.count())
"""

COUNTS = """
import json
from django.db.models import Count
from requests_box.models import MailReceipt, Request, RequestEvent
fed = Request.objects.filter(subject__startswith="Demande concernant")
dup_subjects = fed.values("subject").annotate(n=Count("pk")).filter(n__gt=1).count()
events = RequestEvent.objects.filter(kind__in=["breach", "warning"])
events = events.values("request_id", "kind").annotate(n=Count("pk"))
print("COUNTS " + json.dumps({
    "receipts": MailReceipt.objects.count(),
    "fed_requests": Request.objects.filter(subject__startswith="Demande concernant").count(),
    "duplicate_subjects": dup_subjects,
    "notice_events": events.count(), "notice_events_twice": sum(1 for e in events if e["n"] > 1),
}))
"""

PUBLISH = """
from catalogue.models import ServicePage
page = ServicePage.objects.live().order_by("pk").first().specific
page.title = "%(title)s"
page.save_revision().publish()
print("PUBLISHED " + page.url)
"""


def count_tracebacks(workdir: Path) -> dict[str, int]:
    """Errors logged by each process (one log line per event: a traceback is one record)."""
    return {
        log.stem: log.read_text(errors="replace").count("Traceback (most recent call last)")
        - log.read_text(errors="replace").count("During handling of the above exception")
        - log.read_text(errors="replace").count("The above exception was the direct cause")
        for log in sorted(workdir.glob("*.log"))
        if log.name != "nginx.log"
    }


def gunicorn_workers(master: int) -> set[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return {int(pid) for pid in children.read_text().split()} if children.exists() else set()


def restart_phase(cluster: Cluster, clients: list, paths: list[str], seconds: float) -> dict:
    """Users keep browsing while PostgreSQL restarts; each request's time and outcome is kept."""
    results: list[tuple[float, float, int, str]] = []
    stop = threading.Event()
    lock = threading.Lock()

    def user(client, rng):
        while not stop.is_set():
            started = time.monotonic()
            path = rng.choice(paths)
            try:
                status, headers, _ = client.call("GET", path)
                if status in (301, 302) and "/connexion/" in headers.get("location", ""):
                    status = 999  # a lost session
            except Exception:  # noqa: BLE001 - a socket error is an error like the others
                status = 0
            with lock:
                results.append((started, time.monotonic(), status, path))
            time.sleep(rng.uniform(0.2, 0.6))

    threads = [
        threading.Thread(target=user, args=(c, random.Random(n)), daemon=True) for n, c in enumerate(clients)
    ]
    t0 = time.monotonic()
    for thread in threads:
        thread.start()
    time.sleep(seconds / 3)
    restart_started = time.monotonic()
    cluster.restart()
    restart_ended = time.monotonic()
    time.sleep(seconds * 2 / 3)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    bad = [r for r in results if r[2] not in (200,)]
    after = [r for r in results if r[0] > restart_ended + 1]
    return {
        "requests": len(results),
        "errors": len(bad),
        "errors_in_flight_or_during": sum(
            1 for r in bad if r[0] <= restart_ended + 1 and r[1] >= restart_started - 0.5
        ),
        "errors_later": sum(1 for r in bad if r[0] > restart_ended + 1),
        "errors_later_detail": dict(
            collections.Counter(f"{r[2]} {r[3]}" for r in bad if r[0] > restart_ended + 1)
        ),
        "after_requests": len(after),
        "restart_seconds": restart_ended - restart_started,
        "duration": time.monotonic() - t0,
        "statuses": dict(collections.Counter(r[2] for r in bad)),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=60, help="seconds of load (default 60)")
    parser.add_argument(
        "--restart-seconds", type=int, default=20, help="browsing around the PostgreSQL restart (default 20)"
    )
    parser.add_argument("--browsers", type=int, default=50)
    parser.add_argument("--triagers", type=int, default=5)
    parser.add_argument("--web-workers", type=int, default=2, help="gunicorn workers per instance")
    parser.add_argument("--think-min", type=float, default=1.0)
    parser.add_argument("--think-max", type=float, default=3.0)
    parser.add_argument("--mail-every", type=float, default=2.0)
    parser.add_argument(
        "--keep-cluster",
        type=Path,
        metavar="DIR",
        help="development: keep the PostgreSQL cluster and its seeded template in DIR between runs",
    )
    parser.add_argument("--redis-db", type=int, default=13, help="the Redis database (flushed) of the bench")
    parser.add_argument("--out", type=Path, default=BENCH / "results" / "multi_server.md")
    args = parser.parse_args()
    if not shutil.which("wrk") or not shutil.which("nginx"):
        raise SystemExit("wrk and nginx are needed: apt-get install wrk nginx-light")

    workdir = Path(tempfile.mkdtemp(prefix="relais-multi-"))
    workdir.chmod(0o755)
    processes: dict[str, subprocess.Popen] = {}
    cluster = dovecot = sink = None
    started = time.monotonic()
    try:
        cluster = Cluster(args.keep_cluster or workdir / "pg", max_connections=200)
        dovecot = lb.Dovecot(workdir)
        sink = Sink()
        subprocess.run(["redis-cli", "-n", str(args.redis_db), "FLUSHDB"], check=True, capture_output=True)
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_"))},
            "DATABASE_URL": f"{cluster.url}/relais",
            "REDIS_URL": f"redis://127.0.0.1:6379/{args.redis_db}",
            "DJANGO_SETTINGS_MODULE": "load_settings",
            "PYTHONPATH": f"{BENCH}:{ROOT}",
            "BENCH_STATIC_ROOT": str(workdir / "static"),
            "MEDIA_ROOT": str(workdir / "media"),
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "BEHIND_TLS_PROXY": "1",
            "TRUSTED_PROXIES": "127.0.0.1",
            "LOG_LEVEL": "WARNING",
            "IMAP_HOST": "127.0.0.1",
            "IMAP_PORT": str(dovecot.port),
            "IMAP_TLS": "0",
            "IMAP_USER": lb.IMAP_USER,
            "IMAP_PASSWORD": lb.IMAP_PASSWORD,
            "IMAP_FOLDER": "INBOX",
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(sink.port),
            "SCHEDULE_POLL_MAILBOX_SECONDS": "5",
            "SCHEDULE_CHECK_DEADLINES_SECONDS": "10",
            "SCHEDULE_SEND_SURVEYS_SECONDS": "20",
            "SCHEDULE_REFRESH_INDICATORS_SECONDS": "60",
            "WORKER_HEARTBEAT_SECONDS": "5",
            "WORKER_DEAD_AFTER_SECONDS": "30",
        }
        # The demo company is seeded once into a template database (kept with --keep-cluster), then
        # each run works on a fresh copy of it.
        if not cluster.psql("SELECT 1 FROM pg_database WHERE datname = 'relais_seeded'"):
            print("migrating and seeding ...", flush=True)
            cluster.psql("DROP DATABASE IF EXISTS relais_seeding")
            cluster.psql("CREATE DATABASE relais_seeding")
            seed_env = {**env, "DATABASE_URL": f"{cluster.url}/relais_seeding"}
            lb.manage(seed_env, "migrate", "--noinput", "-v0")
            lb.manage(seed_env, "seed_demo")
            cluster.psql("ALTER DATABASE relais_seeding RENAME TO relais_seeded")  # complete: reusable
        cluster.psql("DROP DATABASE IF EXISTS relais")
        cluster.psql("CREATE DATABASE relais TEMPLATE relais_seeded")
        lb.manage(env, "migrate", "--noinput", "-v0")
        seeded = shell(
            env, lb.SEED % {"password": lb.PASSWORD, "browsers": args.browsers, "triagers": args.triagers}
        )
        data = json.loads(re.search(r"^BENCHDATA (.*)$", seeded, re.MULTILINE).group(1))
        lb.manage(env, "collectstatic", "--noinput", "-v0")
        prepared = shell(env, AGE_SOME_REQUESTS)
        aged = int(re.search(r"AGED (\d+)", prepared).group(1))
        data["services"] = json.loads(re.search(r"^VISIBLE (.*)$", prepared, re.MULTILINE).group(1))
        receipts_before = int(re.search(r"RECEIPTS (\d+)", prepared).group(1))
        setup_seconds = time.monotonic() - started

        ports = [free_port(), free_port()]
        for n, port in enumerate(ports, 1):
            processes[f"web{n}"] = subprocess.Popen(
                [
                    GUNICORN,
                    "portal.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    str(args.web_workers),
                    "--no-control-socket",  # the default socket is one per machine
                    "--access-logfile",
                    "/dev/null",
                    "--error-logfile",
                    "-",
                ],
                env=env,
                cwd=ROOT,
                stdout=(workdir / f"web{n}.log").open("w"),
                stderr=subprocess.STDOUT,
            )
        for n, port in enumerate(ports, 1):
            wait_http(port, processes[f"web{n}"])
        balancer, lb_port = nginx_balancer(workdir, ports)
        processes["nginx"] = balancer
        wait_http(lb_port, balancer)
        for n in (1, 2):
            processes[f"worker{n}"] = spawn(
                env, workdir / f"worker{n}.log", "worker", "--queue-name", "default"
            )
            processes[f"scheduler{n}"] = spawn(env, workdir / f"scheduler{n}.log", "scheduler")
            processes[f"poller{n}"] = spawn(env, workdir / f"poller{n}.log", "poll_mailbox", "--every", "3")

        # Sessions made on one server, used on both: log in through the balancer.
        browsers = [lb.Client(lb_port) for _ in data["browsers"]]
        managers = [lb.Client(lb_port) for _ in data["managers"]]
        for client, username in zip(browsers + managers, data["browsers"] + data["managers"], strict=True):
            client.login(username)
        status, _, home = browsers[0].call("GET", "/")
        css = re.search(r'href="(/static/css/portal\.[0-9a-f]+\.css)"', home).group(1)
        datadir = workdir / "users"
        datadir.mkdir()
        length = int(args.duration / args.think_min) + 20
        lb.write_user_files(
            datadir,
            "browse",
            [
                (c.cookie, lb.browse_journey(random.Random(n), data, css, length))
                for n, c in enumerate(browsers)
            ],
        )
        lb.write_user_files(
            datadir,
            "triage",
            [
                (c.cookie, lb.triage_journey(random.Random(1000 + n), data, length))
                for n, c in enumerate(managers)
            ],
        )

        feeder = lb.MailFeeder(dovecot, data, args.mail_every)
        feeder.start()
        print(
            f"load: {args.browsers} + {args.triagers} users for {args.duration} s over 2 servers ...",
            flush=True,
        )
        base = f"http://127.0.0.1:{lb_port}"
        wrks = {
            g: lb.start_wrk(base, datadir, g, n, args)
            for g, n in (("browse", args.browsers), ("triage", args.triagers))
        }
        groups = {g: lb.wrk_result(p, g) for g, p in wrks.items()}
        feeder.stop_event.set()
        feeder.join(timeout=30)
        # Drain: every mail flagged on the server, the notifications out.
        drain_started = time.monotonic()
        while time.monotonic() - drain_started < 180:
            in_box, processed = dovecot.counts()
            if processed == in_box:
                break
            time.sleep(1)
        time.sleep(15)  # a few more scheduler rounds: nothing more may be sent
        in_box, processed = dovecot.counts()
        counts = json.loads(re.search(r"^COUNTS (.*)$", shell(env, COUNTS), re.MULTILINE).group(1))
        counts["receipts"] -= receipts_before  # those of this run
        duplicates = sum(1 for n in sink.keys.values() if n > 1)

        # A publication seen at once on both servers (each asked directly, same session).
        title = f"Service publié {secrets.token_hex(3)}"
        url = re.search(r"PUBLISHED (\S+)", shell(env, PUBLISH % {"title": title})).group(1)
        published_at = time.monotonic()
        seen = {}
        for n, port in enumerate(ports, 1):
            probe = lb.Client(port, cookies=dict(browsers[0].cookies))
            status, _, page = probe.call("GET", url)
            seen[f"web{n}"] = status == 200 and title in page
        publish_check_seconds = time.monotonic() - published_at

        tracebacks = count_tracebacks(workdir)
        print("restarting PostgreSQL under load ...", flush=True)
        web_workers = {n: gunicorn_workers(processes[n].pid) for n in ("web1", "web2")}
        paths = data["services"][:20] + ["/", "/catalogue/", "/demandes/"]
        restart = restart_phase(cluster, browsers[:10], paths, args.restart_seconds)
        restart["same_web_workers"] = all(
            gunicorn_workers(processes[n].pid) == w for n, w in web_workers.items()
        )
        alive = {name: p.poll() is None for name, p in processes.items()}
        after_restart = count_tracebacks(workdir)
        restart["tracebacks"] = {
            name: after_restart[name] - tracebacks.get(name, 0) for name in after_restart
        }
    except BaseException:
        for log in sorted(workdir.glob("*.log")):  # what the processes said, before their folder goes
            print(f"--- {log.name}\n" + "\n".join(log.read_text(errors="replace").splitlines()[-15:]))
        raise
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.terminate()
        for process in processes.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=30)
        if dovecot:
            dovecot.stop()
        if sink:
            sink.stop()
        if cluster:
            cluster.stop()
        shutil.rmtree(workdir, ignore_errors=True)

    result = {
        "groups": groups,
        "mail": {
            "appended": feeder.sent,
            "replies": feeder.replies,
            "in_box": in_box,
            "processed": processed,
            **counts,
        },
        "sent": sink.received,
        "duplicate_mails": duplicates,
        "kinds": dict(sink.subjects),
        "aged": aged,
        "seen": seen,
        "publish_check_seconds": publish_check_seconds,
        "restart": restart,
        "alive": alive,
        "tracebacks": tracebacks,
        "setup_seconds": setup_seconds,
    }
    print(json.dumps(result, default=str, indent=1))
    write_results(args, result, data)
    errors = sum(g["errors"] for g in groups.values())
    ok = (
        errors == 0
        and duplicates == 0
        and processed == in_box
        and counts["duplicate_subjects"] == 0
        and counts["notice_events_twice"] == 0
        and all(seen.values())
        and restart["errors_later"] == 0
        and restart["same_web_workers"]
        and not any(tracebacks.values())
        and all(alive.values())
    )
    return 0 if ok else 1


def write_results(args, r: dict, data: dict) -> None:
    g = r["groups"]
    m = r["mail"]
    rs = r["restart"]
    lines = [
        "# Several servers at once: two web servers, two workers, two schedulers, two pollers",
        "",
        f"- Date: {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- Machine: {platform.node()}, {platform.machine()}, {os.cpu_count()} CPU, Python {platform.python_version()}.",  # noqa: E501
        f"- Command: `.venv/bin/python bench/multi_server_bench.py --duration {args.duration} --web-workers {args.web_workers} "  # noqa: E501
        f"--browsers {args.browsers} --triagers {args.triagers} --mail-every {args.mail_every:g} "
        f"--restart-seconds {args.restart_seconds}"
        + (" --keep-cluster DIR` (the demo company seeded by an earlier run)" if args.keep_cluster else "`"),
        f"- Setup: a PostgreSQL 15 cluster of the bench's own (initdb, loopback), Redis db {args.redis_db} as the shared cache, the "  # noqa: E501
        f"demo company (`seed_demo`, {data['requests']} requests) plus {args.browsers} business users and "
        f"{args.triagers - 1} more relationship managers; {r['aged']} open requests made due for a deadline notice. "  # noqa: E501
        f"Setup took {r['setup_seconds']:.0f} s. Production settings (DEBUG off, WhiteNoise manifest).",
        f"- Processes: 2 gunicorn instances ({args.web_workers} sync workers each) behind nginx round-robin (so each "  # noqa: E501
        "user's pages alternate between the two servers), 2 `manage.py worker`, 2 `manage.py scheduler` (poll every "  # noqa: E501
        "5 s, deadlines every 10 s, surveys every 20 s, indicators every 60 s), 2 `poll_mailbox --every 3` loops; "  # noqa: E501
        f"Dovecot IMAP fed one mail every {args.mail_every:g} s; a real SMTP sink.",
        "",
        "## Load",
        "",
        "| group | users | requests | requests/s | p50 ms | p95 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, users in (("browse", args.browsers), ("triage", args.triagers)):
        x = g[name]
        lines.append(
            f"| {name} | {users} | {x['requests']} | {x['rps']:.1f} | {lb.ms(x['p50_us'])} | {lb.ms(x['p95_us'])} "  # noqa: E501
            f"| {lb.ms(x['p99_us'])} | {x['errors']} |"
        )
    details = "; ".join(
        f"{k}: {x['status']} 4xx/5xx, {x['login_redirects']} redirects to login (lost sessions), "
        f"{x['socket_errors']} socket errors"
        for k, x in g.items()
    )
    lines += [
        "",
        f"Errors in detail: {details}.",
        "",
        "## Exactly once",
        "",
        f"- Mail: {m['appended']} mails appended ({m['replies']} replies); {m['processed']} of {m['in_box']} flagged as "  # noqa: E501
        f"taken in; {m['receipts']} receipts in the database; {m['fed_requests']} new requests from the fed mails, "  # noqa: E501
        f"{m['duplicate_subjects']} subjects created twice.",
        f"- Notifications: {r['sent']} e-mails accepted by the SMTP sink ({', '.join(f'{k}: {v}' for k, v in r['kinds'].items())}); "  # noqa: E501
        f"{r['duplicate_mails']} sent twice (same recipients, subject and body). Deadline notices recorded for "  # noqa: E501
        f"{m['notice_events']} (request, kind) pairs, {m['notice_events_twice']} twice.",
        f"- Catalogue publication seen at once on both servers: {r['seen']} (checked {r['publish_check_seconds']:.2f} s "  # noqa: E501
        "after the publish command returned, each server asked directly with the same session).",
        f"- Processes alive at the end: {r['alive']}; errors logged with a traceback before the restart: "
        f"{r['tracebacks']}.",
        "",
        "## PostgreSQL restarted under load",
        "",
        f"10 users kept browsing (a page every 0.2–0.6 s) through the balancer for {rs['duration']:.0f} s; "
        f"`pg_ctl stop -m fast` then `pg_ctl start` took {rs['restart_seconds']:.1f} s. {rs['requests']} requests: {rs['errors']} "  # noqa: E501
        f"errors, {rs['errors_in_flight_or_during']} of them in flight or sent during the restart, "
        f"{rs['errors_later']} later; statuses of the errors: {rs['statuses']}. {rs['after_requests']} requests after "  # noqa: E501
        f"the restart; the same gunicorn workers served before and after: {rs['same_web_workers']}. Errors logged "  # noqa: E501
        f"with a traceback during this phase: {rs['tracebacks']}.",
        "",
    ]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    sys.exit(main())
