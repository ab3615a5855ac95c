"""Server time of a catalogue search with 200 services, on SQLite or PostgreSQL.

Builds a throwaway database (migrations, demo catalogue, services up to 200), logs a business user
in, then requests the search page (`/catalogue/parcourir/?q=…`, the whole view: filters, ranking,
logging of the search, rendering) and the suggestions for each of the everyday queries of
tests/catalogue/search_queries.py, timing each request inside the server process (Django's test
client: no network, no browser). Also times the first search after a publication (the index is
rebuilt) and counts the SQL queries of a search. Appends the figures to bench/results/search.md.

    python bench/search_bench.py --database sqlite
    python bench/search_bench.py --database postgresql [--url postgres://postgres@127.0.0.1:5432/relais_search_bench]
"""

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
TARGET_SERVICES = 200


def prepare(database: str, url: str) -> None:
    if database == "sqlite":
        path = Path(tempfile.mkdtemp()) / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    else:
        import psycopg

        name = url.rsplit("/", 1)[1]
        with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = url
    # Production settings (DEBUG off), as bench/catalogue_rps.py: static files without a manifest, plain HTTP.
    os.environ["DJANGO_SETTINGS_MODULE"] = "catalogue_settings"
    os.environ.update(
        DEBUG="0",
        SECRET_KEY="bench-only-secret-key-" + "x" * 40,
        ALLOWED_HOSTS="localhost",
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        TASKS_BACKEND="django_tasks.backends.immediate.ImmediateBackend",
    )


def seed() -> int:
    from django.core.management import call_command
    from wagtail.signal_handlers import disable_reference_index_auto_update

    from catalogue import demo
    from catalogue.models import ClientTypeOption, FamilyPage, ServiceBenefit, ServicePage, ServiceStrongPoint
    from home.demo import seed_logins

    call_command("migrate", verbosity=0)
    seed_logins()
    demo.seed()
    families = list(FamilyPage.objects.order_by("path"))
    metier = ClientTypeOption.objects.get(code="metier")
    with disable_reference_index_auto_update():
        for i in range(ServicePage.objects.count(), TARGET_SERVICES):
            family = families[i % len(families)]
            page = ServicePage(
                title=f"Service complémentaire {i}",
                slug=f"bench-{i}",
                code=f"BENCH-{i}",
                promise="Un service de plus pour mesurer le catalogue : accompagnement, conseil et suivi.",
                keywords=f"outil {i}, application métier {i}, support",
                maturity="mature",
            )
            page.benefits = [
                ServiceBenefit(text="Vous gagnez du temps chaque semaine", need="performance"),
                ServiceBenefit(text="Vos données sont protégées", need="securite"),
            ]
            page.strong_points = [ServiceStrongPoint(text="Simple à demander, suivi dans le portail")]
            page.client_types = [metier]
            family.add_child(instance=page)
            page.save_revision().publish()
    return ServicePage.objects.live().count()


CPU: list[float] = []


def timed(client, url: str) -> tuple[float, int]:
    """Wall time of the request in ms (and its CPU time in this process, kept in CPU), SQL queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # Capturing the SQL (to count it) costs a little time: the figures include it.
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as queries:
        start, cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        elapsed = (time.perf_counter() - start) * 1000
        CPU.append((time.process_time() - cpu) * 1000)
    assert response.status_code == 200, (url, response.status_code)
    return elapsed, len(queries.captured_queries)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def row(label: str, values: list[float], cpu: list[float]) -> str:
    median, p95, top = statistics.median(values), percentile(values, 0.95), max(values)
    return f"| {label} | {median:.1f} | {p95:.1f} | {top:.1f} | {statistics.median(cpu):.1f} |"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--url", default="postgres://postgres@127.0.0.1:5432/relais_search_bench")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    prepare(args.database, args.url)

    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client

    from catalogue.models import ServicePage
    from tests.catalogue.search_queries import HELD_OUT, QUERIES

    services = seed()
    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.get(username="camille.martin"))
    queries = [q for q, _c, _e in QUERIES + HELD_OUT]
    browse = "/catalogue/parcourir/?"
    timed(client, browse + urlencode({"q": "échauffement"}))  # builds the index once

    search_times, search_cpu, query_counts = [], [], set()
    suggest_times, suggest_cpu, home_times, home_cpu = [], [], [], []
    for _round in range(args.rounds):
        for query in queries:
            elapsed, count = timed(client, browse + urlencode({"q": query}))
            search_times.append(elapsed)
            search_cpu.append(CPU[-1])
            query_counts.add(count)
            suggest_times.append(timed(client, "/catalogue/suggestions/?" + urlencode({"q": query[:5]}))[0])
            suggest_cpu.append(CPU[-1])
            # The home page between two searches (each search is counted anew): the portal's baseline.
            home_times.append(timed(client, "/")[0])
            home_cpu.append(CPU[-1])
    load = os.getloadavg()
    # After a publication, the first search rebuilds the index of the catalogue.
    rebuild_times, rebuild_cpu = [], []
    page = ServicePage.objects.get(code="PDT-PORTABLE")
    for i in range(5):
        page.keywords += f", bench{i}"
        page.save_revision().publish()
        rebuild_times.append(timed(client, browse + urlencode({"q": f"ordinateur portable {i}"}))[0])
        rebuild_cpu.append(CPU[-1])

    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    command = f"python bench/search_bench.py --database {args.database} --rounds {args.rounds}"
    machine = f"{platform.node()}, {platform.machine()}, {os.cpu_count()} CPU"
    machine += f", Python {platform.python_version()}"
    lines = [
        f"## {connection.vendor}, {services} services ({now})",
        "",
        f"- Machine: {machine}",
        f"- Command: `{command}`",
        f"- {len(search_times)} searches ({len(queries)} everyday queries x {args.rounds}), each a whole "
        "request of the search page in the server process (session, login, filters, ranking, the search "
        "counted, rendering of the results); the index already built for this catalogue version. Wall time "
        "is what the request took; CPU time is what this server process spent on it (SQLite runs inside it; "
        "PostgreSQL's own work is in the wall time only): on a machine shared by other test suites, "
        "wall time mostly measures the wait for a core.",
        "",
        "| request | wall median (ms) | wall p95 | wall max | CPU median (ms) |",
        "|---|---:|---:|---:|---:|",
        row("search page", search_times, search_cpu),
        row("home page, same session, for comparison", home_times, home_cpu),
        row("suggestions", suggest_times, suggest_cpu),
        row("first search after a publication (index rebuilt)", rebuild_times, rebuild_cpu),
        "",
        f"SQL queries per search page: {min(query_counts)} to {max(query_counts)} (the most: first render "
        "of cards, no result, a misspelt word on PostgreSQL), whatever the number of services and results.",
        f"Load average at the end (1, 5, 15 min): {load[0]:.1f}, {load[1]:.1f}, {load[2]:.1f} "
        f"on {os.cpu_count()} CPU (other test suites running).",
        "",
    ]
    print("\n".join(lines))
    results = ROOT / "bench" / "results" / "search.md"
    if not results.exists():
        title = "# Catalogue search: server time with 200 services"
        results.write_text(f"{title}\n\nTarget: under 50 ms of server time per search.\n\n")
    with results.open("a") as out:
        out.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
