"""Time of a committee's preparation pack (figures + PDF) and of a relationship manager's portfolio for a
directorate with 50 entities and 10,000 requests (plus 1,000 complaints).

Seeds a throwaway database (SQLite by default; `--database-url postgres://…` for PostgreSQL), then, each
in a fresh process and `--runs` times: `committees.pack.build_pack()` (the queries), `pack_pdf()` (templates
+ WeasyPrint) and `directory.portfolio.portfolio_of()`. Medians are written to bench/results/portfolio.md.

    .venv/bin/python bench/portfolio_bench.py [--runs 3] [--database-url URL]
"""

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
if not PYTHON.exists():  # a worktree shares the main checkout's virtual environment
    PYTHON = Path("/work/main/.venv/bin/python")


def seed() -> None:
    """The data (run in the bench's environment): prints the meeting to prepare and the request count."""
    from django.contrib.auth.models import Group, User
    from django.utils import timezone

    from catalogue.models import CatalogueIndexPage, FamilyPage, ServicePage
    from committees import services
    from committees.models import Committee, Meeting, MeetingStatus, Project
    from directory.models import Contact, Directorate, Entity
    from kpis.models import Subscription, Survey, SurveyAnswer
    from requests_box.models import Request

    now = timezone.now()
    manager = User.objects.create_user("rrc", "rrc@groupe-aurelia.fr", "x", first_name="Sophie")
    manager.groups.add(Group.objects.get(name="relationship_managers"))
    directorate = Directorate.objects.create(
        code="DCOM", name="Direction Commerciale", relationship_manager=manager
    )
    other = Directorate.objects.create(code="DRH", name="Direction des Ressources Humaines")
    family = CatalogueIndexPage.objects.get().add_child(
        instance=FamilyPage(title="Collaboration", slug="collab", code="COLLAB", colour="#1f4e8c")
    )
    catalogue = [
        family.add_child(instance=ServicePage(title=f"Service {n}", slug=f"s{n}", code=f"S{n}"))
        for n in range(12)
    ]
    Entity.objects.bulk_create(
        Entity(
            code=f"E{n:02d}", name=f"Entité {n}", directorate=directorate if n < 50 else other,
            client_type="metier", segment=("coeur_de_cible", "standard")[n % 2],
        )
        for n in range(80)
    )  # fmt: skip
    entities = list(Entity.objects.order_by("code"))
    Subscription.objects.bulk_create(
        Subscription(entity=e, service=catalogue[(n + k) % 12], start=dt.date(2025, 1, 1))
        for n, e in enumerate(entities)
        for k in range(n % 5)
    )
    Contact.objects.bulk_create(
        Contact(email=f"c{n}@groupe-aurelia.fr", first_name="C", last_name=str(n), entity=e)
        for n, e in enumerate(entities)
    )
    survey = Survey.objects.create(code="apres", title="Votre avis", kind="post_demande")
    SurveyAnswer.objects.bulk_create(
        SurveyAnswer(
            survey=survey, kind="post_demande", entity=entities[n % 50], nps=n % 11, csat=1 + n % 5,
            answered_at=now - dt.timedelta(days=n % 80), comment=f"Avis numéro {n}" if n % 3 == 0 else "",
        )
        for n in range(500)
    )  # fmt: skip
    rows = []
    for n in range(11000):
        received = now - dt.timedelta(hours=7 * n % (24 * 200))
        is_open = n % 5 == 0
        kind = "reclamation" if n >= 10000 else ("simple", "complexe")[n % 2]
        rows.append(
            Request(
                reference=f"REQ-2026-{n:06d}", subject=f"Demande {n}", entity=entities[n % 50],
                service=catalogue[n % 12], kind=kind,
                status="in_progress" if is_open else "resolved", received_at=received,
                deadline=received + dt.timedelta(days=5),
                resolved_at=None if is_open else received + dt.timedelta(days=2 + n % 5),
                sender_email="x@groupe-aurelia.fr",
            )
        )  # fmt: skip
    Request.objects.bulk_create(rows, batch_size=2000)
    for n in range(50):
        status = ("en_cours", "signe", "livre")[n % 3]
        Project.objects.create(code=f"P{n}", name=f"Projet {n}", entity=entities[n], status=status)
    committee = Committee.objects.create(
        name="Comité tactique DCOM", directorate=directorate, level="tactique", starts_on=dt.date(2026, 1, 15)
    )
    last = Meeting.objects.create(
        committee=committee, scheduled_at=now - dt.timedelta(days=90), status=MeetingStatus.HELD
    )
    for n in range(15):
        due = (now + dt.timedelta(days=n - 7)).date()
        services.add_action(last, title=f"Action {n}", owner=manager, due_on=due)
    upcoming = Meeting.objects.create(committee=committee, scheduled_at=now + dt.timedelta(days=5))
    count = Request.objects.filter(entity__directorate=directorate).count()
    print("MEETING", upcoming.pk, "REQUESTS", count)


def measure(meeting_id: int) -> None:
    """One run (in a fresh process): prints a JSON line of timings and query counts."""
    import io
    import time

    import weasyprint  # noqa: F401 - imported before timing
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from pypdf import PdfReader

    from committees.models import Meeting
    from committees.pack import build_pack
    from committees.printing import pack_pdf
    from directory.portfolio import portfolio_of

    meeting = Meeting.objects.select_related("committee__directorate").get(pk=meeting_id)
    user = User.objects.get(username="rrc")
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        pack = build_pack(meeting)
        figures = time.perf_counter() - started
    started = time.perf_counter()
    pdf = pack_pdf(pack)
    rendering = time.perf_counter() - started
    with CaptureQueriesContext(connection) as portfolio_queries:
        started = time.perf_counter()
        portfolio = portfolio_of(user)
        portfolio_seconds = time.perf_counter() - started
    result = {
        "figures": figures, "pdf": rendering, "queries": len(queries.captured_queries),
        "pages": len(PdfReader(io.BytesIO(pdf)).pages), "bytes": len(pdf),
        "portfolio": portfolio_seconds, "portfolio_queries": len(portfolio_queries.captured_queries),
        "entities": portfolio.entity_count,
    }  # fmt: skip
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url", default="", help="default: a throwaway SQLite file")
    parser.add_argument("--seed", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seed or args.measure:
        import django

        django.setup()
        seed() if args.seed else measure(args.measure)
        return

    workdir = Path(tempfile.mkdtemp(prefix="portfolio-bench-"))
    database = args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "DJANGO_SETTINGS_MODULE": "catalogue_settings",
        "PYTHONPATH": f"{ROOT / 'bench'}:{ROOT}",
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-" + "k" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "MEDIA_ROOT": str(workdir / "media"),
        "LOG_LEVEL": "WARNING",
    }
    env.pop("REDIS_URL", None)
    subprocess.run([PYTHON, ROOT / "manage.py", "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    seeded = subprocess.run(
        [PYTHON, __file__, "--seed"], env=env, check=True, cwd=ROOT, capture_output=True, text=True
    ).stdout.split()
    meeting, requests = seeded[seeded.index("MEETING") + 1], seeded[seeded.index("REQUESTS") + 1]

    runs = []
    for _ in range(args.runs):
        out = subprocess.run(
            [PYTHON, __file__, "--measure", meeting],
            env=env,
            check=True,
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout
        runs.append(json.loads(out.strip().splitlines()[-1]))

    def median(key):
        return statistics.median(run[key] for run in runs)

    total = statistics.median(run["figures"] + run["pdf"] for run in runs)
    engine = "PostgreSQL" if database.startswith("postgres") else "SQLite"
    lines = [
        f"# Committee preparation pack and portfolio: 50 entities, {requests} requests ({engine})",
        "",
        f"- Date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        f"- Machine: {platform.node()}, {platform.machine()}, {os.cpu_count()} CPU, "
        f"Python {platform.python_version()}",
        f"- Command: `.venv/bin/python bench/portfolio_bench.py --runs {args.runs}"
        + (" --database-url postgres://…`" if args.database_url else "`"),
        "- Data: one directorate of 50 entities with 10,000 requests and 1,000 complaints over 200 days, "
        "500 survey answers, 50 projects, 15 actions, subscriptions to 12 services; 30 other entities.",
        "- Each run in a fresh process: `build_pack()` (queries), `pack_pdf()` (templates + WeasyPrint), "
        "`portfolio_of()`. Figures are medians.",
        "",
        "| step | seconds (median) | queries |",
        "|---|---:|---:|",
        f"| pack figures (`build_pack`) | {median('figures'):.2f} | {runs[0]['queries']} |",
        f"| pack PDF (`pack_pdf`, {runs[0]['pages']} pages, {runs[0]['bytes'] / 1e3:.0f} kB) | "
        f"{median('pdf'):.2f} | 0 |",
        f"| **pack total** | **{total:.2f}** | |",
        f"| portfolio (`portfolio_of`, {runs[0]['entities']} entities) | {median('portfolio'):.2f} | "
        f"{runs[0]['portfolio_queries']} |",
        "",
        f"Target: the pack PDF in under 10 s: {'met' if total < 10 else 'NOT met'}.",
        "",
        "All runs (pack total, seconds): " + ", ".join(f"{r['figures'] + r['pdf']:.2f}" for r in runs) + ".",
        "",
    ]
    out = ROOT / "bench" / "results" / f"portfolio-{engine.lower()}.md"
    out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
