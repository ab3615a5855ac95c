"""Benchmark of the importer (issue 14): a 100,000-request workbook, time and memory.

Writes a realistic .xlsx workbook (every file of IMPORT.md: 12 directorates, 300 entities, 3,000
contacts, 10 families, 100 services, 1,500 subscriptions, N requests numbered the way other tools
number them, 2,000 projects, 10,000 interactions, 10,000 survey answers; typed dates, French dates and
Excel serial numbers), then runs `manage.py import_workbook` on a freshly migrated database in a child
process, for several sizes, and records:
  - the wall time of the import, and of its write phase (the time the write lock is held);
  - the child's peak resident memory (maxrss), which must stay flat as the number of rows grows;
  - the time of a second, idempotent run of the same workbook.
Target: 100,000 requests in under 2 minutes, memory flat.

    python bench/import_bench.py [--db sqlite|postgres] [--sizes 10000,50000,100000] [--format xlsx|csv]

Appends its figures to bench/results/import.md.
"""

import argparse
import csv
import datetime as dt
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "bench-import"
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PYTHON = sys.executable

parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
parser.add_argument("--sizes", default="10000,50000,100000", help="numbers of requests, comma-separated")
parser.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
args = parser.parse_args()

rng = random.Random(14)
PARIS = dt.timezone(dt.timedelta(hours=1))


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def tables(requests: int) -> dict[str, list[list]]:
    """Every file of IMPORT.md, as rows (header first)."""
    directorates = [[f"D{i:02d}", f"Direction {i}"] for i in range(12)]
    types = ["metier", "metier", "fonctionnelle", "filiale", "externe"]
    entities = [[f"E{i:03d}", f"Entité {i}", f"D{i % 12:02d}", types[i % 5], "standard"] for i in range(300)]
    contacts = [
        [f"c{i}@bench.test", "Prénom", f"Nom {i}", f"E{i % 300:03d}", "utilisateur"] for i in range(3000)
    ]
    families = [[f"F{i}", f"Famille {i}", "#1f4e8c", "applications" if i else "fusee"] for i in range(10)]
    services = [[f"S{i:03d}", f"Service {i}", f"F{i % 10}", "mature", "01/01/2020", ""] for i in range(100)]
    subscriptions = [[f"S{i % 100:03d}", f"E{i // 100:03d}", "2024-01-01", ""] for i in range(1500)]
    start = dt.datetime(2023, 1, 1, 8, tzinfo=PARIS)
    rows = []
    for i in range(requests):
        received = start + dt.timedelta(minutes=17 * i)
        style = i % 4
        reference = (
            f"DEM-{received.year}-{i:06d}",
            str(100000 + i),
            f"INC{i:07d}",
            f"REQ-{received.year}-{i:06d}",
        )[style]
        when = (
            received.replace(tzinfo=None),  # a typed date-time (workbook) or ISO text (CSV)
            received.strftime("%d/%m/%Y %H:%M"),
            received.isoformat(),
            received.strftime("%d/%m/%Y %H:%M"),
        )[style]
        resolved = (received + dt.timedelta(hours=rng.randint(1, 200))).isoformat() if i % 3 else ""
        rows.append(
            [
                reference,
                when,
                "email",
                f"c{i % 3000}@bench.test" if i % 5 else "",
                "" if i % 5 else f"E{i % 300:03d}",
                f"S{i % 100:03d}",
                ["simple", "complexe", "projet", "reclamation"][i % 4],
                str(i % 2),
                str((i // 2) % 2),
                "",
                resolved,
                "",
                "email" if resolved else "",
            ]
        )
    projects = [[f"P{i:05d}", f"Projet {i}", f"E{i % 300:03d}", "", "2024-02-01", ""] for i in range(2000)]
    day0 = dt.date(2024, 1, 1)
    interactions = [
        [str((day0 + dt.timedelta(days=i // 300)).toordinal() - dt.date(1899, 12, 30).toordinal()),
         "visite", f"c{i % 3000}@bench.test", "Visite"]
        for i in range(10000)
    ]  # fmt: skip
    answers = [
        ["BARO", "barometre", (start + dt.timedelta(minutes=i)).isoformat(), "", f"E{i % 300:03d}",
         str(i % 11), "", ""]
        for i in range(10000)
    ]  # fmt: skip
    from kpis.importing.rows import COLUMNS

    data = {
        "directorates": directorates,
        "entities": entities,
        "contacts": contacts,
        "families": families,
        "services": services,
        "subscriptions": subscriptions,
        "requests": rows,
        "projects": projects,
        "interactions": interactions,
        "survey_answers": answers,
    }
    return {name: [COLUMNS[name][0], *rows] for name, rows in data.items()}


def write_input(requests: int) -> Path:
    data = tables(requests)
    if args.format == "csv":
        folder = WORK / f"historique-{requests}"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        for name, rows in data.items():
            with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as handle:
                csv.writer(handle).writerows(
                    [c.isoformat() if isinstance(c, dt.datetime) else c for c in row] for row in rows
                )
        return folder
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for name, rows in data.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    path = WORK / f"historique-{requests}.xlsx"
    workbook.save(path)
    return path


def fresh_database(template: str | None) -> tuple[dict, str]:
    """A migrated empty database for one run; the first one is kept as a template for the others."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings", "DEBUG": "1", "LOG_LEVEL": "WARNING"}
    env["TASKS_BACKEND"] = "django_tasks.backends.dummy.DummyBackend"
    if args.db == "sqlite":
        path = WORK / "bench-import.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        env["DATABASE_URL"] = f"sqlite:///{path}"
        if template:
            shutil.copy(template, path)
        else:
            subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
            shutil.copy(path, WORK / "template.sqlite3")
        return env, str(WORK / "template.sqlite3")
    name = "relais_bench_import"
    subprocess.run(["psql", PG_ADMIN, "-qc", f"DROP DATABASE IF EXISTS {name}"], check=True)
    if template:
        subprocess.run(["psql", PG_ADMIN, "-qc", f"CREATE DATABASE {name} TEMPLATE {template}"], check=True)
    else:
        subprocess.run(
            ["psql", PG_ADMIN, "-qc", "DROP DATABASE IF EXISTS relais_bench_import_tpl"], check=True
        )
        subprocess.run(["psql", PG_ADMIN, "-qc", "CREATE DATABASE relais_bench_import_tpl"], check=True)
        env["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/relais_bench_import_tpl"
        subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        subprocess.run(
            ["psql", PG_ADMIN, "-qc", f"CREATE DATABASE {name} TEMPLATE relais_bench_import_tpl"], check=True
        )
    env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{name}"
    return env, "relais_bench_import_tpl"


def run_import(path: Path, env: dict) -> dict:
    """One `import_workbook -v 2` in a child process: total and write-phase seconds, peak memory."""
    started = time.monotonic()
    child = subprocess.Popen(
        [PYTHON, "manage.py", "import_workbook", "-v", "2", str(path)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    write_started = None
    diagnostics = []
    peak_anon = [0]

    def sample() -> None:
        # Peak of the child's anonymous memory (its heap), sampled: RSS also counts SQLite's
        # memory-mapped database file, which grows with the database, not with the import.
        status = Path(f"/proc/{child.pid}/status")
        while not done.is_set():
            try:
                for line in status.read_text().splitlines():
                    if line.startswith("RssAnon:"):
                        peak_anon[0] = max(peak_anon[0], int(line.split()[1]))
            except OSError:
                return
            time.sleep(0.05)

    done = threading.Event()
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    for line in child.stderr:
        diagnostics.append(line)
        if write_started is None and line.startswith("écriture de"):
            write_started = time.monotonic()
    output = child.stdout.read()
    done.set()
    sampler.join()
    _pid, status, usage = os.wait4(child.pid, 0)  # the child is reaped here only (not by poll())
    load = os.getloadavg()[0]
    ended = time.monotonic()
    if status != 0:
        raise SystemExit("import failed:\n" + "".join(diagnostics[-30:]) + output)
    return {
        "seconds": ended - started,
        "write_seconds": ended - (write_started or ended),
        "maxrss_mb": usage.ru_maxrss / 1024,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "anon_mb": peak_anon[0] / 1024,
        "output": output,
        "load": load,
    }


def main() -> None:
    WORK.mkdir(parents=True, exist_ok=True)
    sizes = [int(s) for s in args.sizes.split(",")]
    template = None
    figures = []
    for size in sizes:
        log(f"writing the {args.format} input with {size:,} requests")
        path = write_input(size)
        weight = sum(p.stat().st_size for p in path.iterdir()) if path.is_dir() else path.stat().st_size
        env, template = fresh_database(template)
        log("importing")
        first = run_import(path, env)
        log(
            f"  {first['seconds']:.1f} s ({first['cpu_seconds']:.1f} s CPU), "
            f"writing {first['write_seconds']:.1f} s, "
            f"RSS {first['maxrss_mb']:.0f} MB, heap {first['anon_mb']:.0f} MB, load {first['load']:.1f}"
        )
        log("importing again (idempotent)")
        second = run_import(path, env)
        assert re.search(r"requests(\.csv|\]): 0 created, 0 updated", second["output"]), second["output"]
        log(f"  {second['seconds']:.1f} s, {second['maxrss_mb']:.0f} MB")
        figures.append((size, weight, first, second))
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    command = f"`python bench/import_bench.py --db {args.db} --format {args.format} --sizes {args.sizes}`"
    results = ROOT / "bench" / "results" / "import.md"
    if not results.exists():
        results.write_text(
            "# Importer benchmark (issue 14)\n\n"
            "Target: a 100,000-request workbook imports in under 2 minutes, with memory flat.\n\n"
            "| date | database | format | requests | input | import (s) | CPU (s) | write phase (s) "
            "| peak RSS (MB) | peak heap (MB) | second run (s) | load average | machine | command |\n"
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n",
            encoding="utf-8",
        )
    with results.open("a", encoding="utf-8") as handle:
        for size, weight, first, second in figures:
            handle.write(
                f"| {dt.date.today()} | {args.db} | {args.format} | {size:,} | {weight / 1e6:.1f} MB "
                f"| {first['seconds']:.1f} | {first['cpu_seconds']:.1f} | {first['write_seconds']:.1f} "
                f"| {first['maxrss_mb']:.0f} | {first['anon_mb']:.0f} | {second['seconds']:.1f} "
                f"| {first['load']:.1f} | {machine} "
                f"| {command} |\n"
            )
    log(f"results appended to {results}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    main()
