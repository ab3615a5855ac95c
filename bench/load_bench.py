"""Load: 50 users browsing the catalogue and 5 relationship managers triaging, on gunicorn + PostgreSQL.

Creates a throwaway PostgreSQL database, migrates it, seeds the demo company (plus 50 business-user and
4 relationship-manager logins), collects static files (WhiteNoise) and starts gunicorn on 127.0.0.1 with
the production settings (DEBUG off, a SECRET_KEY, ALLOWED_HOSTS=127.0.0.1, secure cookies, HSTS, SSL
redirect, behind a TLS proxy that the client plays with `X-Forwarded-Proto: https`). Every user logs in
through the login form (GET, then POST with the CSRF token); then wrk drives one connection per user with
a think time between pages, one wrk per group so that each group has its own percentiles.

Phase 1: the web load alone. Phase 2: the same, while the background worker (`db_worker`) polls a real
Dovecot IMAP server every few seconds (`poll_mailbox --background --every`) into which the bench appends
new mails and replies at a steady rate; acknowledgements go out over SMTP to a local sink.

    .venv/bin/python bench/load_bench.py [--duration 300] [--phases plain,mail] [--out bench/results/load.md]

Needs wrk (Debian: `apt-get install wrk`), dovecot-imapd (`scripts/system-deps.sh test`), a PostgreSQL
server on 127.0.0.1:5432 (trust auth) and the bench extra (`pip install ".[bench]"`: aiosmtpd).
"""

import argparse
import contextlib
import datetime as dt
import http.client
import itertools
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
import urllib.parse
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.mailservers import free_port, prepare_dovecot  # noqa: E402 - the tests' Dovecot layout

BENCH = ROOT / "bench"
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
LUA = BENCH / "load_users.lua"
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
PASSWORD = "relais-demo"  # the demo logins' password (home/demo.py); the bench's own users get it too
IMAP_USER, IMAP_PASSWORD = "relais-dsi@bench.test", "bench-secret"

# Run inside `manage.py shell` once the demo is seeded: the bench's extra logins, and what the users visit.
SEED = """
import json
from django.contrib.auth.models import Group, User
from catalogue.models import FamilyPage, ServicePage
from catalogue.selectors import offered_services
from directory import roles
from directory.models import Contact, Directorate
from directory.services import link_contact_to_user
from requests_box.models import Request

def login(username, email, group, first="", last=""):
    user, _ = User.objects.update_or_create(
        username=username, defaults={"email": email, "first_name": first, "last_name": last})
    user.set_password("%(password)s")
    user.save()
    user.groups.set(Group.objects.filter(name=group))
    link_contact_to_user(user)
    return username

# Business users are people of the directory: each bench login takes the address of a contact.
contacts = Contact.objects.filter(user__isnull=True).exclude(email="").order_by("pk")[:%(browsers)d]
browsers = [login(f"bench.metier{i:02d}", c.email, roles.BUSINESS_USERS, c.first_name, c.last_name)
            for i, c in enumerate(contacts, 1)]
managers = ["sophie.durand"] + [
    login(f"bench.rrc{i}", f"bench.rrc{i}@groupe-aurelia.fr", roles.RELATIONSHIP_MANAGERS)
    for i in range(1, %(triagers)d)]
services = list(offered_services().specific())  # retired services answer 404 on purpose
families = list(FamilyPage.objects.live().specific())
open_requests = Request.objects.exclude(status__in=["resolved", "closed"]).order_by("pk")
print("BENCHDATA " + json.dumps({
    "browsers": browsers,
    "managers": managers,
    "services": [p.url for p in services],
    "service_words": sorted({w for p in services for w in p.title.split() if len(w) > 6})[:40],
    "families": [p.url for p in families],
    "family_codes": [getattr(p, "code", "") for p in families if getattr(p, "code", "")],
    "references": list(open_requests.values_list("reference", flat=True)[:400]),
    "replies": [[r.reference, r.sender_email, r.subject]
                for r in open_requests.exclude(sender_email="")[:200]],
    "request_words": sorted({w for s in Request.objects.values_list("subject", flat=True)[:500]
                             for w in s.split() if len(w) > 6})[:40],
    "directorates": list(Directorate.objects.values_list("pk", flat=True)),
    "service_ids": [p.pk for p in services][:30],
    "senders": list(Contact.objects.exclude(email="").order_by("pk").values_list("email", flat=True)[:80]),
    "requests": Request.objects.count(),
}))
"""

COUNT_REQUESTS = "from requests_box.models import Request; print('BENCHCOUNT', Request.objects.count())"


def psql(sql: str) -> None:
    subprocess.run(["psql", f"{PG}/postgres", "-qc", sql], check=True, capture_output=True)


def manage(env: dict, *args: str, capture: bool = False) -> str:
    result = subprocess.run(
        [PYTHON, ROOT / "manage.py", *args], env=env, cwd=ROOT, check=False, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise SystemExit(
            f"manage.py {' '.join(args[:2])} failed:\n{result.stdout[-2000:]}{result.stderr[-4000:]}"
        )
    return result.stdout if capture else ""


# --- Logging in as a browser does -------------------------------------------------------------------


@dataclass
class Client:
    """A browser's cookie jar over plain HTTP to gunicorn, as if behind the TLS proxy."""

    port: int
    cookies: dict = field(default_factory=dict)

    def call(
        self, method: str, path: str, body: str | None = None, referer: str = ""
    ) -> tuple[int, dict, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"X-Forwarded-Proto": "https", "Accept-Language": "fr"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if referer:
            headers["Referer"] = f"https://127.0.0.1:{self.port}{referer}"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        conn.close()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, text

    def login(self, username: str) -> None:
        status, _, page = self.call("GET", "/connexion/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or not token:
            raise SystemExit(f"login page answered {status} without a CSRF token")
        form = {
            "csrfmiddlewaretoken": token.group(1),
            "username": username,
            "password": PASSWORD,
            "next": "/",
        }
        status, headers, _ = self.call(
            "POST", "/connexion/", urllib.parse.urlencode(form), referer="/connexion/"
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"{username} could not log in: {status} {headers.get('location')}")

    @property
    def cookie(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())


def expect(client: Client, path: str, text: str) -> None:
    status, headers, page = client.call("GET", path)
    if status != 200 or text not in page:
        raise SystemExit(f"{path} answered {status} {headers.get('location', '')} without {text!r}")


# --- What each user does ------------------------------------------------------------------------------


def browse_journey(rng: random.Random, data: dict, css: str, length: int) -> list[str]:
    """A business user: home, catalogue, families, services, search and filters, their requests."""
    words, codes = data["service_words"] or ["service"], data["family_codes"]
    choices = [
        (10, lambda: "/"),
        (15, lambda: "/catalogue/"),
        (15, lambda: rng.choice(data["families"])),
        (30, lambda: rng.choice(data["services"])),
        (8, lambda: "/catalogue/parcourir/"),
        (10, lambda: "/catalogue/parcourir/?" + urllib.parse.urlencode({"q": rng.choice(words).lower()})),
        (
            7,
            lambda: (
                "/catalogue/parcourir/?" + urllib.parse.urlencode({"family": rng.choice(codes)})
                if codes
                else "/catalogue/parcourir/"
            ),
        ),
        (5, lambda: "/demandes/"),
    ]
    paths = ["/", css]  # the first visit loads the stylesheet; later pages have it cached
    weights = [w for w, _ in choices]
    while len(paths) < length:
        paths.append(rng.choices(choices, weights)[0][1]())
    return paths


def triage_journey(rng: random.Random, data: dict, length: int) -> list[str]:
    """A relationship manager: the triage screen, its queues and filters, opening requests, the mailbox."""
    words = data["request_words"] or ["demande"]

    def filtered() -> str:
        options = [
            {"status": rng.choice(["new", "qualified", "assigned", "in_progress"])},
            {"kind": rng.choice(["simple", "complexe", "projet", "reclamation"])},
            {"q": rng.choice(words).lower()},
            {"directorate": rng.choice(data["directorates"])} if data["directorates"] else {},
            {"service": rng.choice(data["service_ids"])} if data["service_ids"] else {},
            {"status": "new", "kind": "simple"},
        ]
        return "/boite/tri/?" + urllib.parse.urlencode(rng.choice(options))

    choices = [
        (25, lambda: "/boite/tri/"),
        (15, lambda: "/boite/tri/?queue=" + rng.choice(["mine", "unassigned", "soon", "complaints", "all"])),
        (25, filtered),
        (5, lambda: "/boite/tri/?queue=all&page=" + str(rng.randint(2, 10))),
        (25, lambda: f"/demandes/{rng.choice(data['references'])}/"),
        (5, lambda: "/boite/"),
    ]
    paths = ["/boite/tri/"]
    weights = [w for w, _ in choices]
    while len(paths) < length:
        paths.append(rng.choices(choices, weights)[0][1]())
    return paths


def write_user_files(datadir: Path, group: str, users: list[tuple[str, list[str]]]) -> None:
    for n, (cookie, paths) in enumerate(users, 1):
        lua_paths = ",\n".join(json.dumps(p) for p in paths)  # JSON strings are valid Lua strings here
        (datadir / f"{group}_{n}.lua").write_text(
            f"return {{cookie = {json.dumps(cookie)}, paths = {{\n{lua_paths}\n}}}}\n", encoding="utf-8"
        )


def start_wrk(base: str, datadir: Path, group: str, users: int, args) -> subprocess.Popen:
    command = [
        "wrk",
        f"-t{users}",
        f"-c{users}",
        f"-d{args.duration}s",
        "--timeout",
        "30s",
        "-s",
        str(LUA),
        base,
        "--",
        str(datadir),
        group,
        str(int(args.think_min * 1000)),
        str(int(args.think_max * 1000)),
    ]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def wrk_result(process: subprocess.Popen, group: str) -> dict:
    out, _ = process.communicate(timeout=3600)
    match = re.search(r"^BENCHJSON (.*)$", out, re.MULTILINE)
    if process.returncode != 0 or not match:
        raise SystemExit(f"wrk ({group}) failed:\n{out}")
    figures = json.loads(match.group(1))
    figures["socket_errors"] = figures["connect"] + figures["read"] + figures["write"] + figures["timeout"]
    # wrk counts 4xx/5xx as `status`; a redirect to the login page means a lost session: an error too.
    figures["errors"] = figures["socket_errors"] + figures["status"] + figures["login_redirects"]
    figures["rps"] = figures["requests"] / (figures["duration_us"] / 1e6)
    return figures


# --- Mail: Dovecot, an SMTP sink, a steady stream of new mails ----------------------------------------


class Dovecot:
    def __init__(self, workdir: Path):
        from imapclient.exceptions import IMAPClientError

        binary = shutil.which("dovecot") or "/usr/sbin/dovecot"
        if not Path(binary).exists():
            raise SystemExit("dovecot is needed: apt-get install dovecot-imapd (scripts/system-deps.sh test)")
        self.tmp = workdir / "dovecot"
        workdir.chmod(0o755)  # Dovecot's own processes (not root) read under it
        conf, self.port = prepare_dovecot(self.tmp, IMAP_USER, IMAP_PASSWORD)
        self.process = subprocess.Popen(
            [binary, "-F", "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 15
        while True:
            with contextlib.suppress(OSError, IMAPClientError):
                self.client().logout()
                return
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.stop()
                raise SystemExit(f"dovecot did not start; see {self.tmp / 'dovecot.log'}")
            time.sleep(0.1)

    def client(self):
        from imapclient import IMAPClient

        client = IMAPClient("127.0.0.1", port=self.port, ssl=False, use_uid=True, timeout=30)
        client.login(IMAP_USER, IMAP_PASSWORD)
        return client

    def counts(self) -> tuple[int, int]:
        """Messages in INBOX, and how many of them the portal has flagged as processed."""
        client = self.client()
        try:
            client.select_folder("INBOX", readonly=True)
            return len(client.search(["ALL"])), len(client.search(["KEYWORD", "RelaisProcessed"]))
        finally:
            client.logout()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


class SmtpSink:
    """Counts what the portal sends (acknowledgements) over real SMTP."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.received = 0
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.received += 1
        return "250 Message accepted for delivery"

    def stop(self) -> None:
        self.controller.stop()


class MailFeeder(threading.Thread):
    """Appends a mail every `every` seconds: mostly new requests from known contacts, some replies."""

    def __init__(self, dovecot: Dovecot, data: dict, every: float, seed: int = 42):
        super().__init__(daemon=True)
        self.dovecot, self.data, self.every = dovecot, data, every
        self.rng = random.Random(seed)
        self.stop_event = threading.Event()
        self.sent = self.replies = self.failures = 0

    def message(self, n: int) -> bytes:
        mail = EmailMessage()
        if n % 4 == 3 and self.data["replies"]:
            reference, sender, subject = self.rng.choice(self.data["replies"])
            mail["Subject"] = f"RE: [{reference}] {subject}"[:200]
            mail["From"] = sender
            mail.set_content(f"Bonjour,\n\nUn complément sur notre demande (message {n}).\n\nCordialement\n")
            self.replies += 1
        else:
            mail["From"] = self.rng.choice(self.data["senders"])
            topic = self.rng.choice(
                [
                    "un accès VPN",
                    "un poste de travail",
                    "une imprimante",
                    "la messagerie",
                    "une licence",
                    "un partage de fichiers",
                    "un compte applicatif",
                ]
            )
            mail["Subject"] = f"Demande concernant {topic} ({n})"
            mail.set_content(
                f"Bonjour,\n\nPourriez-vous nous aider pour {topic} ?\nMerci.\n\n-- \nmessage {n}\n"
            )
            if n % 5 == 0:
                mail.add_attachment(
                    b"%PDF-1.4\n" + os.urandom(20_000),
                    maintype="application",
                    subtype="pdf",
                    filename=f"piece-{n}.pdf",
                )
        mail["To"] = "relais-dsi@groupe-aurelia.fr"
        mail["Date"] = format_datetime(dt.datetime.now(dt.UTC))
        mail["Message-ID"] = make_msgid(domain="bench.test")
        return bytes(mail)

    def run(self) -> None:
        client = self.dovecot.client()
        try:
            for n in itertools.count(1):
                started = time.monotonic()
                try:
                    client.append("INBOX", self.message(n))
                    self.sent += 1
                except Exception:  # noqa: BLE001 - counted and reported, the stream goes on
                    self.failures += 1
                if self.stop_event.wait(max(0.0, self.every - (time.monotonic() - started))):
                    return
        finally:
            with contextlib.suppress(Exception):
                client.logout()


# --- The run ------------------------------------------------------------------------------------------


def cpu_seconds(pid: int, children: bool = True) -> float:
    """User + system CPU time of a process (or of its direct children: gunicorn's workers), from /proc."""
    pids = [pid]
    if children:
        with contextlib.suppress(OSError):
            pids = [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    total = 0
    for one in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / os.sysconf("SC_CLK_TCK")


def run_phase(name: str, base: str, datadir: Path, args, server: subprocess.Popen) -> dict:
    print(
        f"[{name}] {args.browsers} browsing + {args.triagers} triaging for {args.duration} s ...", flush=True
    )
    load_before = os.getloadavg()
    cpu_before = cpu_seconds(server.pid)
    processes = {
        "browse": start_wrk(base, datadir, "browse", args.browsers, args),
        "triage": start_wrk(base, datadir, "triage", args.triagers, args),
    }
    groups = {group: wrk_result(process, group) for group, process in processes.items()}
    for group, f in groups.items():
        print(
            f"[{name}] {group:7} {f['requests']:7} req {f['rps']:7.1f} req/s"
            f"  p50 {f['p50_us'] / 1000:7.1f} ms  p95 {f['p95_us'] / 1000:7.1f} ms"
            f"  p99 {f['p99_us'] / 1000:7.1f} ms  errors {f['errors']}",
            flush=True,
        )
    cpu = cpu_seconds(server.pid) - cpu_before
    return {"groups": groups, "load_before": load_before, "load_after": os.getloadavg(), "web_cpu": cpu}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=300, help="seconds per phase (default 300)")
    parser.add_argument("--browsers", type=int, default=50)
    parser.add_argument("--triagers", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2 * 2 + 1, help="gunicorn sync workers (2 cores: 5)")
    parser.add_argument("--think-min", type=float, default=1.0, help="seconds between two pages, at least")
    parser.add_argument("--think-max", type=float, default=3.0, help="seconds between two pages, at most")
    parser.add_argument("--mail-every", type=float, default=2.0, help="phase 2: one new mail every N seconds")
    parser.add_argument("--poll-every", type=int, default=5, help="phase 2: the worker polls IMAP every N s")
    parser.add_argument("--phases", default="plain,mail", help="plain, mail or both (default plain,mail)")
    parser.add_argument("--reuse-db", metavar="NAME", help="development: an already seeded database, kept")
    parser.add_argument("--out", type=Path, default=BENCH / "results" / "load.md")
    args = parser.parse_args()
    phases = [p.strip() for p in args.phases.split(",") if p.strip()]
    if not set(phases) <= {"plain", "mail"}:
        parser.error("--phases takes plain, mail or plain,mail")
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")

    workdir = Path(tempfile.mkdtemp(prefix="relais-load-"))
    database = args.reuse_db or f"relais_load_{os.getpid()}"
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "REDIS_URL"}},
        "DATABASE_URL": f"{PG}/{database}",
        "DJANGO_SETTINGS_MODULE": "load_settings",
        "PYTHONPATH": f"{BENCH}:{ROOT}",
        "BENCH_STATIC_ROOT": str(workdir / "static"),
        "MEDIA_ROOT": str(workdir / "media"),
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "BEHIND_TLS_PROXY": "1",
        "LOG_LEVEL": "WARNING",
    }
    server = worker = dovecot = sink = None
    started = time.monotonic()
    results: dict[str, dict] = {}
    notes: list[str] = []
    try:
        if not args.reuse_db:
            psql(f"CREATE DATABASE {database}")
        print(f"migrating and seeding {database} ...", flush=True)
        manage(env, "migrate", "--noinput", "-v0")
        if not args.reuse_db:
            manage(env, "seed_demo")
        seeded = manage(
            env,
            "shell",
            "-c",
            SEED % {"password": PASSWORD, "browsers": args.browsers, "triagers": args.triagers},
            capture=True,
        )
        data = json.loads(re.search(r"^BENCHDATA (.*)$", seeded, re.MULTILINE).group(1))
        if len(data["browsers"]) < args.browsers:
            raise SystemExit(f"only {len(data['browsers'])} contacts without a login for the business users")
        manage(env, "collectstatic", "--noinput", "-v0")
        setup_seconds = time.monotonic() - started
        print(
            f"database ready in {setup_seconds:.0f} s: {data['requests']} requests, "
            f"{len(data['services'])} services",
            flush=True,
        )

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [
                GUNICORN,
                "portal.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(args.workers),
                "--access-logfile",
                "/dev/null",
                "--error-logfile",
                str(workdir / "gunicorn.log"),
            ],
            env=env,
            cwd=ROOT,
        )
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(OSError):
                if Client(port).call("GET", "/connexion/")[0] == 200:
                    break
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit(f"gunicorn did not start; see {workdir / 'gunicorn.log'}")
            time.sleep(0.3)

        # Real sessions: every user posts the login form with its CSRF token.
        browsers = [Client(port) for _ in data["browsers"]]
        managers = [Client(port) for _ in data["managers"]]
        for client, username in zip(browsers + managers, data["browsers"] + data["managers"], strict=True):
            client.login(username)
        status, _, home = browsers[0].call("GET", "/")
        css = re.search(r'href="(/static/css/portal\.[0-9a-f]+\.css)"', home)
        if status != 200 or not css:
            raise SystemExit(f"home page: {status}, hashed stylesheet (collectstatic) found: {bool(css)}")
        expect(browsers[0], css.group(1), "")
        expect(browsers[0], data["services"][0], "<h1")
        expect(managers[0], "/boite/tri/", "REQ-")

        datadir = workdir / "users"
        datadir.mkdir()
        length = int(args.duration / args.think_min) + 20  # never wraps around within one phase
        write_user_files(
            datadir,
            "browse",
            [
                (c.cookie, browse_journey(random.Random(n), data, css.group(1), length))
                for n, c in enumerate(browsers)
            ],
        )
        write_user_files(
            datadir,
            "triage",
            [
                (c.cookie, triage_journey(random.Random(1000 + n), data, length))
                for n, c in enumerate(managers)
            ],
        )

        if "plain" in phases:
            results["plain"] = run_phase("phase 1, web only", base, datadir, args, server)

        if "mail" in phases:
            dovecot = Dovecot(workdir)
            sink = SmtpSink()
            mail_env = {
                **env,
                "IMAP_HOST": "127.0.0.1",
                "IMAP_PORT": str(dovecot.port),
                "IMAP_TLS": "0",
                "IMAP_USER": IMAP_USER,
                "IMAP_PASSWORD": IMAP_PASSWORD,
                "IMAP_FOLDER": "INBOX",
                "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "EMAIL_HOST": "127.0.0.1",
                "EMAIL_PORT": str(sink.port),
            }
            requests_before = int(
                re.search(
                    r"BENCHCOUNT (\d+)", manage(env, "shell", "-c", COUNT_REQUESTS, capture=True)
                ).group(1)
            )
            worker_log = (workdir / "worker.log").open("w")
            worker = subprocess.Popen(
                [PYTHON, ROOT / "manage.py", "db_worker", "--queue-name", "default", "--no-reload"],
                env=mail_env,
                cwd=ROOT,
                stdout=worker_log,
                stderr=subprocess.STDOUT,
            )
            manage(mail_env, "poll_mailbox", "--background", "--every", str(args.poll_every))
            worker_cpu_before = cpu_seconds(worker.pid, children=False)
            feeder = MailFeeder(dovecot, data, args.mail_every)
            feeder.start()
            results["mail"] = run_phase("phase 2, web + mail", base, datadir, args, server)
            worker_cpu = cpu_seconds(worker.pid, children=False) - worker_cpu_before
            feeder.stop_event.set()
            feeder.join(timeout=30)
            in_box, processed_during = dovecot.counts()
            drain_started = time.monotonic()
            while processed_during < in_box and time.monotonic() - drain_started < 120:
                time.sleep(1)
                in_box, processed = dovecot.counts()
                if processed == in_box:
                    break
            in_box, processed = dovecot.counts()
            requests_after = int(
                re.search(
                    r"BENCHCOUNT (\d+)", manage(env, "shell", "-c", COUNT_REQUESTS, capture=True)
                ).group(1)
            )
            time.sleep(2)  # the last acknowledgements
            worker.terminate()
            worker.wait(timeout=30)
            worker_log.close()
            worker_text = (workdir / "worker.log").read_text(errors="replace")
            results["mail"]["mail"] = {
                "appended": feeder.sent,
                "replies": feeder.replies,
                "append_failures": feeder.failures,
                "processed_during": processed_during,
                "processed": processed,
                "in_box": in_box,
                "drain_seconds": time.monotonic() - drain_started,
                "new_requests": requests_after - requests_before,
                "acknowledgements": sink.received,
                "worker_tracebacks": worker_text.count("Traceback"),
                "worker_cpu": worker_cpu,
            }
            print(f"[mail] {json.dumps(results['mail']['mail'])}", flush=True)
            if worker_text.count("Traceback"):
                notes.append("worker log excerpt:\n\n```\n" + worker_text[-3000:] + "\n```")
        gunicorn_log = (workdir / "gunicorn.log").read_text(errors="replace")
        worker_timeouts = gunicorn_log.count("WORKER TIMEOUT")
        if "Traceback" in gunicorn_log or worker_timeouts:
            notes.append("gunicorn log excerpt:\n\n```\n" + gunicorn_log[-3000:] + "\n```")
    finally:
        for process in (server, worker):
            if process is not None and process.poll() is None:
                process.terminate()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=30)
        if dovecot is not None:
            dovecot.stop()
        if sink is not None:
            sink.stop()
        if not args.reuse_db:
            with contextlib.suppress(subprocess.CalledProcessError):
                psql(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        shutil.rmtree(workdir, ignore_errors=True)

    write_results(args, results, data, setup_seconds, notes)
    failed = sum(g["errors"] for r in results.values() for g in r["groups"].values())
    mail = results.get("mail", {}).get("mail")
    if mail and (mail["processed"] < mail["appended"] or mail["worker_tracebacks"]):
        failed += 1
    return 1 if failed else 0


def ms(us: float) -> str:
    return f"{us / 1000:.0f}" if us >= 10_000 else f"{us / 1000:.1f}"


def write_results(args, results: dict, data: dict, setup_seconds: float, notes: list[str]) -> None:
    command = (
        f".venv/bin/python bench/load_bench.py --duration {args.duration} --workers {args.workers} "
        f"--think-min {args.think_min:g} --think-max {args.think_max:g} --mail-every {args.mail_every:g} "
        f"--poll-every {args.poll_every} --phases {args.phases}"
    )
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.splitlines()[:1]
    lines = [
        "# Load: catalogue browsing and triage under gunicorn and PostgreSQL",
        "",
        f"- Date: {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- Machine: {platform.node()}, {platform.machine()}, {os.cpu_count()} CPU, "
        f"Python {platform.python_version()}, {platform.platform()}; "
        f"{(wrk_version or ['wrk ?'])[0].split(' [')[0]}.",
        f"- Command: `{command}`",
        f"- Server: gunicorn, {args.workers} sync workers (2 × 2 cores + 1) on 127.0.0.1; PostgreSQL 15 on "
        "127.0.0.1 (a throwaway database, dropped at the end); production settings: DEBUG off, random "
        "SECRET_KEY, ALLOWED_HOSTS=127.0.0.1, secure cookies, HSTS and SSL redirect on, behind a TLS proxy "
        "(`BEHIND_TLS_PROXY=1`, the client sends `X-Forwarded-Proto: https`); static files collected and "
        "served by WhiteNoise (compressed manifest); local-memory cache in each worker (no REDIS_URL).",
        f"- Data: the demo company (`seed_demo`: {data['requests']} requests, {len(data['services'])} live "
        f"services in {len(data['families'])} families), plus {args.browsers} business-user logins "
        f"(each the address of a directory contact) and {args.triagers - 1} relationship managers besides "
        f"sophie.durand. Setup (migrate, seed, collectstatic) took {setup_seconds:.0f} s.",
        f"- Users: {args.browsers} business users and {args.triagers} relationship managers, each logged in "
        "through the login form (GET, then POST with its CSRF token), then one wrk connection with its own "
        f"session cookie, waiting {args.think_min:g}–{args.think_max:g} s (uniform) between two pages; one "
        "wrk per group, both at once, so each group has its own figures. Browsing: home, catalogue index, "
        "family pages, service pages, the browse page with and without a search or a family filter, the "
        "stylesheet once, *My requests*. Triage: `/boite/tri/` with its queues, filters (status, type, "
        "directorate, service, text) and later pages, opening requests (`/demandes/<ref>/`), the mailbox "
        "home. Paths are drawn per user from a fixed seed.",
        "- Errors: any 4xx/5xx answer, any socket error or timeout (30 s), and any redirect to the login "
        "page (a lost session). Latencies are wrk's (HdrHistogram), from sending a request to its last byte.",
        f"- Phase 2 adds the background worker (`manage.py db_worker`) polling a real Dovecot IMAP server "
        f"every {args.poll_every} s (`poll_mailbox --background --every {args.poll_every}`, a task that "
        f"re-enqueues itself), while the bench appends one mail every {args.mail_every:g} s: new requests "
        "from directory contacts (one in five with a 20 kB PDF attachment) and, one in four, a reply quoting "
        "an open request's reference; acknowledgements go out over SMTP to a local sink.",
        "",
    ]
    titles = {"plain": "Phase 1: web load only", "mail": "Phase 2: web load + worker ingesting mail"}
    for key, title in titles.items():
        if key not in results:
            continue
        result = results[key]
        groups = result["groups"]
        total = sum(g["requests"] for g in groups.values())
        rps = sum(g["rps"] for g in groups.values())
        lines += [
            f"## {title}",
            "",
            "| group | users | requests | requests/s | p50 ms | p95 ms | p99 ms | max ms | errors |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for group, users in (("browse", args.browsers), ("triage", args.triagers)):
            g = groups[group]
            label = "catalogue browsing" if group == "browse" else "triage"
            lines.append(
                f"| {label} | {users} | {g['requests']} | {g['rps']:.1f} | {ms(g['p50_us'])} "
                f"| {ms(g['p95_us'])} | {ms(g['p99_us'])} | {ms(g['max_us'])} | {g['errors']} |"
            )
        lines.append(
            f"| **all** | {args.browsers + args.triagers} | {total} | {rps:.1f} | | | | | "
            f"{sum(g['errors'] for g in groups.values())} |"
        )
        details = "; ".join(
            f"{group}: {g['status']} 4xx/5xx, {g['login_redirects']} redirects to login, "
            f"{g['socket_errors']} socket errors/timeouts"
            for group, g in groups.items()
        )
        lines += [
            "",
            f"Errors in detail: {details}. Load average (1 min) {result['load_before'][0]:.1f} before, "
            f"{result['load_after'][0]:.1f} after (2 cores). CPU used by the gunicorn workers: "
            f"{result['web_cpu']:.0f} s over {args.duration} s, "
            f"{result['web_cpu'] * 1000 / max(total, 1):.0f} ms "
            "per request (what a request costs the server whatever the sharing).",
            "",
        ]
        if "mail" in result:
            m = result["mail"]
            lines += [
                f"Mail: {m['appended']} mails appended during the phase ({m['replies']} replies, "
                f"{m['append_failures']} append failures); {m['processed_during']} already taken in when the "
                f"load stopped, {m['processed']} of {m['in_box']} after {m['drain_seconds']:.0f} s more; "
                f"{m['new_requests']} new requests created; {m['acknowledgements']} e-mails sent by the "
                f"portal over SMTP to the sink (acknowledgements, notifications); "
                f"{m['worker_tracebacks']} tracebacks in the worker's log; the "
                f"worker used {m['worker_cpu']:.1f} s of CPU during the phase.",
                "",
            ]
    lines += [
        "## Choices",
        "",
        "- wrk rather than locust: written in C, it takes almost no CPU from the 2 cores the server needs, "
        "and its latency histogram (HdrHistogram) is exact. Its Lua cannot follow links cheaply, so each "
        "user's pages are drawn beforehand from the database (services, families, open requests' "
        "references), from a fixed seed. Users are closed-loop: a user sends its next page only after the "
        "answer and a think time, so a slower server gets fewer requests, as with people.",
        "- Mail through the production path (Dovecot over IMAP, `db_worker`, `poll_mailbox --background`) "
        "rather than `ingest_mail` of .eml files: the worker process, its task queue in PostgreSQL, the IMAP "
        "flags and the SMTP acknowledgements are what runs beside the web in production.",
        "- Not covered: triage writes (assign, qualify), TLS itself (the proxy is played by a header), a "
        "cache shared between workers (Redis; the `redis` client is not a dependency).",
        "",
    ]
    lines += notes
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    sys.exit(main())
