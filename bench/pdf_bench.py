"""Time from enqueue to ready of the PDFs built in the background (home/reports.py): a committee's
preparation pack for a directorate with 10,000 requests (plus 1,000 complaints), and the CIO dashboard's
export over the same data (company-wide, current quarter). Target: the pack in under 10 s.

Seeds a throwaway database with bench/portfolio_bench.py's data (SQLite by default; `--database-url
postgres://…/NAME` drops and recreates NAME), then, each in a fresh process and `--runs` times: what the
export view does (`request_report`, which enqueues on django-tasks' database backend), then the worker
inline (`db_worker --batch`) until the PDF is ready; then the same request again (reused, unchanged
data). Each run starts from an empty set of built PDFs and indicator snapshots (a cold build), in a process
that has imported WeasyPrint and rendered one line (as a worker that has run before has).
Results are appended to bench/results/pdf.md.

    .venv/bin/python bench/pdf_bench.py [--runs 3] [--database-url URL]
"""

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
PYTHON = ROOT / ".venv" / "bin" / "python"
if not PYTHON.exists():  # a worktree shares the main checkout's virtual environment
    PYTHON = Path("/work/main/.venv/bin/python")


def _timed_build(name: str, params: dict, user) -> dict:
    import time

    from django.core.management import call_command

    from home import reports

    started = time.perf_counter()
    report = reports.request_report(name, params, user)  # what the export view does
    enqueued = time.perf_counter() - started
    assert report.status == "pending", report.status
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    report.refresh_from_db()
    assert report.is_ready, (report.status, report.error)
    ready = time.perf_counter() - started
    started = time.perf_counter()
    again = reports.request_report(name, params, user)
    reused = time.perf_counter() - started
    assert again.pk == report.pk and again.is_ready
    return {
        "enqueue": enqueued, "ready": ready, "build": report.build_seconds,
        "wait": (report.started_at - report.requested_at).total_seconds(), "reuse": reused,
        "pages": report.page_count, "bytes": report.file.size,
    }  # fmt: skip


def measure(meeting_id: int) -> None:
    """One run (in a fresh process, like a worker that has just started): prints a JSON line."""
    import weasyprint

    # A running worker has imported WeasyPrint and loaded its fonts already (fontconfig's first use).
    weasyprint.HTML(string="<p>Relais DSI</p>").write_pdf()
    from django.contrib.auth.models import User
    from django.utils import timezone

    from home.models import GeneratedReport
    from kpis.dashboard import QUARTER, PeriodChoice, Scope, period_of
    from kpis.models import IndicatorSnapshot
    from kpis.report import pdf_parameters

    GeneratedReport.objects.all().delete()  # every run is a cold build
    IndicatorSnapshot.objects.all().delete()
    user = User.objects.get(username="rrc")
    pack = _timed_build("committee_pack", {"meeting": meeting_id}, user)
    choice = PeriodChoice(QUARTER, period_of(QUARTER, timezone.localdate()))
    dashboard = _timed_build("kpis_dashboard", pdf_parameters(Scope(), choice), user)
    print(json.dumps({"pack": pack, "dashboard": dashboard}))


def _fresh_postgres(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url", default="", help="default: a throwaway SQLite file")
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        import django

        django.setup()
        measure(args.measure)
        return

    workdir = Path(tempfile.mkdtemp(prefix="pdf-bench-"))
    database = args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    if database.startswith("postgres"):
        _fresh_postgres(database)
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "DJANGO_SETTINGS_MODULE": "catalogue_settings",
        "PYTHONPATH": f"{ROOT / 'bench'}:{ROOT}",
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-" + "k" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",  # seeding (search indexing)
        "MEDIA_ROOT": str(workdir / "media"),
        "LOG_LEVEL": "WARNING",
    }
    env.pop("REDIS_URL", None)
    subprocess.run([PYTHON, ROOT / "manage.py", "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    seeded = subprocess.run(
        [PYTHON, ROOT / "bench" / "portfolio_bench.py", "--seed"],
        env=env, check=True, cwd=ROOT, capture_output=True, text=True,
    ).stdout.split()  # fmt: skip
    meeting, requests = seeded[seeded.index("MEETING") + 1], seeded[seeded.index("REQUESTS") + 1]

    env["TASKS_BACKEND"] = "django_tasks_db.DatabaseBackend"  # as in production: a worker builds it
    load_before = os.getloadavg()
    runs = []
    for _ in range(args.runs):
        measured = [PYTHON, __file__, "--measure", meeting]
        out = subprocess.run(measured, env=env, check=True, cwd=ROOT, capture_output=True, text=True).stdout
        runs.append(json.loads(out.strip().splitlines()[-1]))
    load_after = os.getloadavg()

    def median(document, key):
        return statistics.median(run[document][key] for run in runs)

    engine = "PostgreSQL" if database.startswith("postgres") else "SQLite"
    uptime = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()  # noqa: S607
    command = f"python bench/pdf_bench.py --runs {args.runs}" + (
        " --database-url postgres://…" if args.database_url else ""
    )
    lines = [
        f"## {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC · {engine} · {requests} requests",
        "",
        f"- Machine: {platform.node()}, {platform.machine()}, {os.cpu_count()} CPU, "
        f"Python {platform.python_version()}",
        f"- Command: `{command}`",
        f"- Load average (1/5/15 min) before the runs: {' / '.join(f'{x:.2f}' for x in load_before)}; "
        f"after: {' / '.join(f'{x:.2f}' for x in load_after)}. `uptime` after: `{uptime}`",
        "",
        "| PDF | enqueue (s) | waiting for the worker (s) | build (s) | **enqueue → ready (s)** | "
        "reused, same data (s) | pages | size |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for document, label in (("pack", "preparation pack"), ("dashboard", "CIO dashboard, company, quarter")):
        first = runs[0][document]
        lines.append(
            f"| {label} | {median(document, 'enqueue'):.3f} | {median(document, 'wait'):.2f} | "
            f"{median(document, 'build'):.2f} | **{median(document, 'ready'):.2f}** | "
            f"{median(document, 'reuse'):.3f} | {first['pages']} | {first['bytes'] / 1e3:.0f} kB |"
        )
    pack_ready = median("pack", "ready")
    lines += [
        "",
        f"Target, the pack in under 10 s from enqueue to ready: {'met' if pack_ready < 10 else 'NOT met'} "
        f"(median {pack_ready:.2f} s). Medians of {args.runs} runs, each in a fresh process, cold "
        "(no built PDF, no indicator snapshot). All runs, enqueue → ready (pack / dashboard): "
        + ", ".join(f"{r['pack']['ready']:.2f} / {r['dashboard']['ready']:.2f}" for r in runs)
        + ".",
        "",
    ]
    out = ROOT / "bench" / "results" / "pdf.md"
    if not out.exists():
        out.write_text(
            "# PDFs built in the background: time from enqueue to ready (issues 18 and 19)\n\n"
            "Data: bench/portfolio_bench.py's seed (one directorate of 50 entities with 10,000 requests and "
            "1,000 complaints over 200 days, 500 survey answers, 50 projects, 15 actions, 12 services; "
            "a second directorate of 30 entities). The worker runs inline (`db_worker --batch`) right after "
            "the enqueue, so 'waiting for the worker' is the worker's start-up only.\n\n",
            encoding="utf-8",
        )
    with out.open("a", encoding="utf-8") as results:
        results.write("\n".join(lines) + "\n")
    print("\n".join(lines))
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
