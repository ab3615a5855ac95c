"""Benchmark of the indicators (issues 9 and 18) over 1,000,000 requests.

Builds a throwaway database (SQLite file or PostgreSQL database) with 1,000,000 requests (raw rows:
executemany on SQLite, COPY on PostgreSQL), 200 services, 2,000 entities and 100,000 survey answers,
rebuilds the daily aggregates (`rebuild_kpi_aggregates`), then times, in the same run:
  - one raw `GROUP BY directorate` count over the requests table (median of 3 runs);
  - `manage.py kpis --start 2026-07-01 --end 2026-10-01 --json` (in process, median of 3 runs);
  - the CIO dashboard's first view of a never-opened custom period (2026-02-03 to 2026-05-17, every
    snapshot deleted), then of the default view (the last complete quarter, snapshots deleted again),
    then the default view once computed and just after a data change (median of 3 runs).
Targets: the JSON within 20x the raw aggregate (issue 9); any first view under 2 s (issue 18).

    python bench/kpis_bench.py --db sqlite            [--requests 1000000] [--keep] [--build-only]
    python bench/kpis_bench.py --db postgres          (uses postgres://postgres@127.0.0.1:5432/relais_bench_kpis)

--keep reuses the database of a previous run (migrated, aggregates rebuilt). Appends its figures, with
the machine's load average, to bench/results/kpis.md.
"""

import argparse
import datetime as dt
import io
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
parser.add_argument("--requests", type=int, default=1_000_000)
parser.add_argument("--answers", type=int, default=100_000)
parser.add_argument("--keep", action="store_true", help="reuse the database of a previous run if present")
parser.add_argument("--build-only", action="store_true", help="build the database (for a later --keep run)")
args = parser.parse_args()

SQLITE_PATH = ROOT / "var" / "bench-kpis.sqlite3"
PG_URL = "postgres://postgres@127.0.0.1:5432/relais_bench_kpis"
if args.db == "sqlite":
    SQLITE_PATH.parent.mkdir(exist_ok=True)
    if not args.keep:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{SQLITE_PATH}"
else:
    if not args.keep:
        subprocess.run(
            [
                "psql",
                "postgres://postgres@127.0.0.1:5432/postgres",
                "-qc",
                "DROP DATABASE IF EXISTS relais_bench_kpis",
            ],
            check=True,
        )
        subprocess.run(
            [
                "psql",
                "postgres://postgres@127.0.0.1:5432/postgres",
                "-qc",
                "CREATE DATABASE relais_bench_kpis",
            ],
            check=True,
        )
    os.environ["DATABASE_URL"] = PG_URL
os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
os.environ["TASKS_BACKEND"] = "django_tasks.backends.dummy.DummyBackend"  # no search indexing work
os.environ["DEBUG"] = "1"
os.environ["LOG_LEVEL"] = "WARNING"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

SERVICES, ENTITIES, DIRECTORATES = 200, 2_000, 12
PARIS = dt.timezone(dt.timedelta(hours=1))
rng = random.Random(42)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def build() -> None:
    from wagtail.models import Page

    from catalogue.models import CatalogueIndexPage, FamilyPage, ServicePage
    from committees.models import Interaction, Project
    from directory.models import Contact, Directorate, Entity
    from kpis.models import Subscription, Survey, SurveyAnswer
    from requests_box.models import Request

    log("migrating")
    call_command("migrate", verbosity=0)
    if Request.objects.exists():
        log("database already built (--keep)")
        return
    log("directory")
    directorates = Directorate.objects.bulk_create(
        [Directorate(code=f"D{i:02d}", name=f"Direction {i}") for i in range(DIRECTORATES)]
    )
    types = ["metier"] * 5 + ["fonctionnelle"] * 3 + ["filiale", "externe"]
    entities = Entity.objects.bulk_create(
        [
            Entity(
                code=f"E{i:04d}",
                name=f"Entité {i}",
                directorate=rng.choice(directorates),
                client_type=rng.choice(types),
                segment="standard",
            )
            for i in range(ENTITIES)
        ]
    )
    contacts = Contact.objects.bulk_create(
        [
            Contact(email=f"c{i}@bench.test", first_name="C", last_name=str(i), entity=entities[i % ENTITIES])
            for i in range(ENTITIES * 5)
        ]
    )
    log("catalogue pages")
    home = Page.objects.get(depth=2)
    index = CatalogueIndexPage.objects.first() or home.add_child(
        instance=CatalogueIndexPage(title="Catalogue", slug="catalogue")
    )
    services = []
    for f in range(10):
        family = index.add_child(instance=FamilyPage(title=f"Famille {f}", slug=f"bench-f{f}", code=f"BF{f}"))
        for s in range(SERVICES // 10):
            n = f * 20 + s
            services.append(
                family.add_child(
                    instance=ServicePage(
                        title=f"Service {n}",
                        slug=f"bench-s{n}",
                        code=f"BS{n:03d}",
                        maturity=rng.choice(["nouveau", "en_deploiement", "mature", "mature", "en_declin"]),
                    )
                )
            )
    log("subscriptions")
    subs = []
    for index_s, service in enumerate(services):
        share = 0.95 if index_s < 20 else rng.random() * 0.6
        for entity in entities:
            if rng.random() < share:
                start = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(900))
                end = start + dt.timedelta(days=rng.randrange(90, 900)) if rng.random() < 0.2 else None
                subs.append(Subscription(service=service, entity=entity, start=start, end=end))
    Subscription.objects.bulk_create(subs, batch_size=10_000)
    log(f"{args.requests:,} requests")
    insert_requests(entities, services)
    origin = dt.datetime(2024, 1, 1, tzinfo=PARIS)
    span = int((dt.datetime(2027, 1, 1, tzinfo=PARIS) - origin).total_seconds())
    log(f"{args.answers:,} survey answers, interactions, projects")
    surveys = [
        Survey.objects.create(code=f"S-{k}", title=k, kind=k)
        for k in ("barometre", "post_demande", "catalogue")
    ]
    SurveyAnswer.objects.bulk_create(
        [
            SurveyAnswer(
                survey=(s := rng.choice(surveys)),
                kind=s.kind,
                entity=rng.choice(entities),
                answered_at=origin + dt.timedelta(seconds=rng.randrange(span)),
                nps=rng.randrange(11) if rng.random() < 0.9 else None,
                csat=rng.randrange(1, 6) if rng.random() < 0.9 else None,
            )
            for _ in range(args.answers)
        ],
        batch_size=10_000,
    )
    kinds_met = ["comite", "rendez_vous", "visite", "telephone"]
    Interaction.objects.bulk_create(
        [
            Interaction(
                date=dt.date(2024, 1, 1) + dt.timedelta(days=i % 1095),
                kind=kinds_met[i % 4],
                contact=contacts[rng.randrange(len(contacts))],
            )
            for i in range(50_000)
        ],
        batch_size=10_000,
        ignore_conflicts=True,
    )
    Project.objects.bulk_create(
        [
            Project(
                code=f"P{i}",
                name=f"Projet {i}",
                entity=rng.choice(entities),
                created_on=(c := dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(1095))),
                signed_on=c + dt.timedelta(days=rng.randrange(10, 120)) if rng.random() < 0.5 else None,
            )
            for i in range(5_000)
        ],
        batch_size=5_000,
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    log("built")


def insert_requests(entities, services) -> None:
    """The requests as raw rows (executemany on SQLite, COPY on PostgreSQL): ten times faster than
    `bulk_create`. Every column comes from an unsaved request's own values (defaults included), with
    the measured ones (dates, entity, service, kind, status, response type) drawn at random."""
    from requests_box.models import Request

    origin = dt.datetime(2024, 1, 1, tzinfo=PARIS)
    span = int((dt.datetime(2027, 1, 1, tzinfo=PARIS) - origin).total_seconds())
    kinds = ["simple"] * 6 + ["complexe"] * 2 + ["projet", "reclamation"]
    responses = ["email", "email", "telephone", "rendez_vous", "visite", "livraison", ""]
    template = Request(subject="Demande", channel="email", deadline=origin)
    fields = [f for f in Request._meta.concrete_fields if not f.primary_key]
    base = {f.attname: f.pre_save(template, add=True) for f in fields}
    columns = [f.column for f in fields]
    index = {f.attname: i for i, f in enumerate(fields)}
    entity_ids = [e.pk for e in entities]
    service_ids = [s.pk for s in services]
    postgres = connection.vendor == "postgresql"

    def moment(value):
        return value if postgres else connection.ops.adapt_datetimefield_value(value.astimezone(dt.UTC))

    prepared = [
        None if v is None else f.get_db_prep_save(v, connection)
        for f, v in zip(fields, base.values(), strict=True)
    ]
    if not postgres:
        prepared = [moment(v) if isinstance(v, dt.datetime) else v for v in prepared]

    def rows():
        for i in range(args.requests):
            received = origin + dt.timedelta(seconds=rng.randrange(span))
            resolved = (
                received + dt.timedelta(hours=rng.lognormvariate(3, 1)) if rng.random() < 0.85 else None
            )
            row = list(prepared)
            row[index["reference"]] = f"REQ-{received.year}-{i:07d}"[:20]
            row[index["received_at"]] = moment(received)
            row[index["entity_id"]] = entity_ids[rng.randrange(ENTITIES)] if rng.random() < 0.95 else None
            row[index["service_id"]] = service_ids[rng.randrange(SERVICES)] if rng.random() < 0.7 else None
            row[index["kind"]] = rng.choice(kinds)
            row[index["deadline"]] = moment(received + dt.timedelta(days=7))
            row[index["status"]] = "resolved" if resolved else "new"
            row[index["resolved_at"]] = moment(resolved) if resolved else None
            row[index["response_type"]] = rng.choice(responses) if resolved else ""
            row[index["deadline_met"]] = resolved <= received + dt.timedelta(days=7) if resolved else None
            yield row
            if i % 200_000 == 199_999:
                log(f"  {i + 1:,}")

    table = Request._meta.db_table
    with connection.cursor() as cursor:
        if postgres:
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows():
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608
            batch = []
            for row in rows():
                batch.append(row)
                if len(batch) == 50_000:
                    cursor.executemany(sql, batch)
                    batch = []
            cursor.executemany(sql, batch)


def median_time(fn, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def raw_group_by() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT e.directorate_id, COUNT(*) FROM requests_box_request r "
            "JOIN directory_entity e ON e.id = r.entity_id GROUP BY e.directorate_id"
        )
        cursor.fetchall()


def kpis_json() -> None:
    out = io.StringIO()
    call_command("kpis", "--start", "2026-07-01", "--end", "2026-10-01", "--json", stdout=out)
    assert out.getvalue().startswith("{")


def dashboard() -> dict[str, float]:
    from django.contrib.auth.models import Group, User
    from django.test import Client
    from django.urls import reverse

    from kpis.models import IndicatorSnapshot
    from requests_box.models import Request

    url = reverse("kpis:dashboard")
    user, _ = User.objects.get_or_create(username="bench-cio")
    user.groups.add(Group.objects.get(name="cio"))
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)

    def get(params):
        response = client.get(url, params)
        assert response.status_code == 200, response.status_code

    custom = {"period": "custom", "start": "2026-02-03", "end": "2026-05-17"}
    default = {}  # the last complete quarter (Q3 2026 on the machine's date, 2026-12)
    IndicatorSnapshot.objects.all().delete()  # nobody has opened anything: computed while the page waits
    first_custom = median_time(lambda: get(custom), runs=1)
    IndicatorSnapshot.objects.all().delete()
    first_default = median_time(lambda: get(default), runs=1)
    warm = median_time(lambda: get(default))  # the next ones read the stored figures

    def after_a_change():
        # A new request in the period: the page shows the last figures (stale) and queues a refresh.
        last = Request.objects.order_by("-id").first()
        last.pk, last.reference = None, f"REQ-BENCH-{time.monotonic_ns() % 10**9}"
        last.save()
        get(default)

    changed = median_time(after_a_change)
    return {"custom": first_custom, "default": first_default, "warm": warm, "changed": changed}


def fix_deadlines() -> None:
    """Databases built before the requests carried `deadline_met`: set it as the build now does."""
    from requests_box.models import Request

    if not Request.objects.filter(resolved_at__isnull=False, deadline_met__isnull=True).exists():
        return
    log("setting deadline_met on the resolved requests")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Request._meta.db_table} SET deadline_met = (resolved_at <= deadline) "  # noqa: S608
            "WHERE resolved_at IS NOT NULL AND deadline_met IS NULL"
        )


def main() -> None:
    started = time.perf_counter()
    build()
    fix_deadlines()
    log(f"build took {time.perf_counter() - started:.0f} s")
    if args.build_only:
        return
    from requests_box.models import Request

    load = os.getloadavg()
    count = Request.objects.count()
    out = io.StringIO()
    started = time.perf_counter()
    call_command("rebuild_kpi_aggregates", stdout=out)
    rebuild = time.perf_counter() - started
    log(f"rebuild_kpi_aggregates: {out.getvalue().strip()}")
    if connection.vendor == "postgresql":  # as autovacuum leaves a table after a bulk load
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    raw = median_time(raw_group_by)
    log(f"raw GROUP BY directorate: {raw:.3f} s")
    kpis = median_time(kpis_json)
    log(f"kpis --json (quarter): {kpis:.3f} s = {kpis / raw:.1f}x the raw aggregate")
    page = dashboard()
    log(
        f"dashboard first view: custom period {page['custom']:.3f} s, default view {page['default']:.3f} s; "
        f"then {page['warm']:.3f} s, just after a change {page['changed']:.3f} s"
    )
    load = f"{load[0]:.1f}/{os.getloadavg()[0]:.1f}"
    result = ROOT / "bench" / "results" / "kpis.md"
    text = result.read_text() if result.exists() else "# Indicators benchmark\n"
    if "## Issue 18" not in text:
        text += (
            "\n## Issue 18: first view of any period\n\nTarget: the dashboard's first view of a period "
            "nobody has opened (custom ones included) under 2 s on 1,000,000 requests, both databases.\n\n"
            "| date | database | requests | raw GROUP BY (s) | kpis --json (s) | ratio | first view, custom "
            "period (s) | first view, default view (s) | computed (s) | after a change (s) | "
            "rebuild_kpi_aggregates (s) | load avg (start/end) | machine | command |\n"
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n"
        )
    text += (
        f"| {dt.date.today()} | {args.db} | {count:,} | {raw:.3f} | {kpis:.3f} | {kpis / raw:.1f}x | "
        f"{page['custom']:.3f} | {page['default']:.3f} | {page['warm']:.3f} | {page['changed']:.3f} | "
        f"{rebuild:.1f} | {load} | {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()} | `python bench/kpis_bench.py --db {args.db}` |\n"
    )
    result.write_text(text)
    log(f"recorded in {result.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
