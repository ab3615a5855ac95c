"""Requests per second of the catalogue's index, a family page and the browse page with 200 services.

Seeds a throwaway SQLite database (demo catalogue + services up to 200), starts gunicorn on 127.0.0.1,
measures each page and a trivial Django view (same middleware, logged-in session) with wrk, and writes
bench/results/catalogue.md.

    .venv/bin/python bench/catalogue_rps.py [--duration 10] [--workers 2] [--connections 8]
"""

import argparse
import datetime as dt
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
TARGET_SERVICES = 200

SEED = f"""
import itertools
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
from wagtail.signal_handlers import disable_reference_index_auto_update
from catalogue import demo
from catalogue.models import ClientTypeOption, FamilyPage, ServiceBenefit, ServicePage, ServiceStrongPoint
from home.demo import seed_logins
seed_logins()
demo.seed()
families = list(FamilyPage.objects.order_by("path"))
metier = ClientTypeOption.objects.get(code="metier")
n = ServicePage.objects.count()
with disable_reference_index_auto_update():
    for i in range(n, {TARGET_SERVICES}):
        family = families[i % len(families)]
        page = ServicePage(title=f"Service complémentaire {{i}}", slug=f"bench-{{i}}", code=f"BENCH-{{i}}",
                           promise="Un service de plus pour mesurer le catalogue.", maturity="mature")
        page.benefits = [ServiceBenefit(text="Vous gagnez du temps", need="performance"),
                         ServiceBenefit(text="Vos données sont protégées", need="securite")]
        page.strong_points = [ServiceStrongPoint(text="Simple à demander")]
        page.client_types = [metier]
        family.add_child(instance=page)
user = User.objects.get(username="camille.martin")
session = SessionStore()
session["_auth_user_id"] = str(user.pk)
session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
session["_auth_user_hash"] = user.get_session_auth_hash()
session.create()
print("SESSION", session.session_key, ServicePage.objects.live().count())
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, cookie: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            request = urllib.request.Request(url, headers={"Cookie": cookie, "Host": "localhost"})
            with urllib.request.urlopen(request, timeout=2) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer {url}")


def check_page(url: str, cookie: str, expect: str) -> None:
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
        body = response.read().decode()
    if expect not in body:
        raise SystemExit(f"{url} does not show {expect!r}: not measuring a broken page")


def wrk(url: str, cookie: str, duration: int, connections: int) -> float:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "-H", f"Cookie: {cookie}", url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non_2xx:
        raise SystemExit(f"{url}: {non_2xx.group(1)} error responses\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")

    workdir = Path(tempfile.mkdtemp(prefix="catalogue-bench-"))
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "catalogue_settings",
        "PYTHONPATH": f"{ROOT / 'bench'}:{ROOT}",
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-" + "k" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("REDIS_URL", None)
    started = time.monotonic()
    subprocess.run([PYTHON, ROOT / "manage.py", "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    seeded = subprocess.run(
        [PYTHON, ROOT / "manage.py", "shell", "-c", SEED],
        env=env,
        check=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout
    session_key, services = re.search(r"SESSION (\w+) (\d+)", seeded).groups()
    print(f"seeded {services} live services in {time.monotonic() - started:.0f} s")
    # A browser's cookies after its first visit: the session and the CSRF secret (32 letters/digits).
    cookie = f"sessionid={session_key}; csrftoken={'b' * 32}"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [GUNICORN, "portal.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers),
         "--access-logfile", "/dev/null", "--error-logfile", str(workdir / "gunicorn.log")],
        env=env, cwd=ROOT,
    )  # fmt: skip
    pages = {
        "trivial Django view (same middleware)": ("/bench/trivial/", "ok"),
        "catalogue index": ("/catalogue/", "Poste de travail"),
        "family page (PDT)": ("/catalogue/poste-de-travail/", "Ordinateur portable"),
        "browse, no filter": ("/catalogue/parcourir/", "200 services"),
        "browse, search + filter": (
            "/catalogue/parcourir/?q=imprimantes&family=IMP",
            "Imprimantes multifonctions",
        ),
    }
    results = {}
    try:
        wait_until_up(base + "/bench/trivial/", cookie)
        for label, (path, expect) in pages.items():
            check_page(base + path, cookie, expect)
            wrk(base + path, cookie, 2, args.connections)  # warm-up: worker caches, fragment cache
            results[label] = wrk(base + path, cookie, args.duration, args.connections)
            print(f"{label:40} {results[label]:8.1f} req/s")
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)

    trivial = results["trivial Django view (same middleware)"]
    lines = [
        "# Catalogue pages: requests per second with 200 services",
        "",
        f"- Date: {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- Machine: {platform.node()}, {platform.machine()}, {os.cpu_count()} CPU, "
        f"Python {platform.python_version()}, {platform.platform()}",
        f"- Command: `.venv/bin/python bench/catalogue_rps.py --duration {args.duration} "
        f"--workers {args.workers} --connections {args.connections}`",
        f"- Setup: throwaway SQLite database, {services} live services in 10 families; gunicorn "
        f"{args.workers} sync workers on 127.0.0.1, DEBUG off, local-memory cache per worker; wrk 2 threads, "
        f"{args.connections} connections, {args.duration} s per page after a 2 s warm-up, logged-in session "
        "(every request goes through session, login and Wagtail routing).",
        "- Caching: every page under /catalogue/ is stored whole per user, language, address, day, CSRF "
        "cookie and catalogue version (catalogue/middleware.py; the version is one aggregate query on the "
        "page table: latest publication, latest revision, live and total counts), so a publication, "
        "unpublication or deletion shows at once in every worker; a hit costs the session, the user and "
        "that query. Under the page cache, the main fragment of each page is cached on the same version "
        "(what a user's first visit costs).",
        "",
        "| page | requests/s | share of the trivial view |",
        "|---|---:|---:|",
    ]
    for label, rate in results.items():
        lines.append(f"| {label} | {rate:.1f} | {rate / trivial:.0%} |")
    worst = min(rate for label, rate in results.items() if not label.startswith("trivial"))
    lines += [
        "",
        f"Target: at least half the trivial view's rate. Slowest catalogue page: {worst / trivial:.0%} "
        f"of the trivial view ({'met' if worst >= trivial / 2 else 'NOT met'}).",
        "",
    ]
    out = ROOT / "bench" / "results" / "catalogue.md"
    out.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
