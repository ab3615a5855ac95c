"""Benchmark of the directory sync: `sync_directory` against a real slapd holding 10,000 people.

Usage:  .venv/bin/python bench/sync_bench.py [--users 10000] [--database-url postgres://…/relais_bench]
Builds an Active Directory-like tree (12 directorates, 8 departments each, managers, titles, phones)
with slapadd (not timed), migrates a throwaway database (SQLite by default, or the PostgreSQL database
given, dropped and created again; not timed), then times, each in its own process with the portal's
production settings (DEBUG off):

1. the first sync (everything created), and the same with a fifth of the people, to compare memory;
2. a second sync (nothing changes: the idempotent case, i.e. every hour in production);
3. a sync after a day of changes: 200 people left, 100 accounts disabled, 300 moved, 100 arrivals.

Memory: each run samples its own resident memory every 0.1 s; "flat" means the peak above the
process's resting size does not grow with the number of people. Target: < 60 s for 10,000 people.
Writes bench/results/sync.md.
"""

import argparse
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.ldapserver import (  # noqa: E402
    PEOPLE_DN,
    SERVICE_DN,
    SERVICE_PASSWORD,
    Person,
    Slapd,
    Tree,
    modlist,
    person_entry,
)

TARGET_SECONDS = 60
DIRECTORATES = {
    "DFIN": "Direction Financière",
    "DCOM": "Direction Commerciale",
    "DRH": "Direction des Ressources Humaines",
    "DSI": "Direction des Systèmes d'Information",
    "DJUR": "Direction Juridique",
    "DMKT": "Direction Marketing",
    "DOPS": "Direction des Opérations",
    "DACH": "Direction des Achats",
    "DLOG": "Direction Logistique",
    "DIMMO": "Direction Immobilière",
    "DRSE": "Direction RSE",
    "DGEN": "Direction Générale",
}
DEPARTMENTS = ["Pilotage", "Études", "Production", "Support", "Qualité", "Projets", "Contrôle", "Relations"]
GIVEN = ["Alice", "Bernard", "Chloé", "David", "Élise", "François", "Gaëlle", "Hugo", "Inès", "Jules"]
FAMILY = ["Martin", "Dupont", "Rousseau", "Durand", "Roux", "Faure", "Léger", "Moreau", "Petit", "Garnier"]


def people(count: int, start: int = 0) -> list[Person]:
    rng = random.Random(start or 7)
    codes = list(DIRECTORATES)
    result = []
    for n in range(start, start + count):
        code = codes[n % len(codes)]
        department = DEPARTMENTS[(n // len(codes)) % len(DEPARTMENTS)]
        head = n % (len(codes) * len(DEPARTMENTS))  # the first of each department manages the others
        result.append(
            Person(
                f"u{n:06d}",
                rng.choice(GIVEN),
                f"{rng.choice(FAMILY)}-{n}",
                code,
                f"{department} {code}",
                rng.choice(["Chargé d'études", "Responsable", "Analyste", "Assistant", "Chef de projet"]),
                f"+33 1 {n % 100:02d} {n // 100 % 100:02d} 00 00",
                manager=f"u{head:06d}" if head != n and head >= start else "",
                mail=f"agent.{n}@groupe-aurelia.fr",
            )
        )
    return result


CHILD = r"""
import json, os, sys, threading, time
sys.path.insert(0, os.environ["BENCH_ROOT"])
import django
django.setup()
from accounts.sync.engine import run_sync
from accounts.sync.ldap_source import LdapSource

page = os.sysconf("SC_PAGE_SIZE")
def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * page / 1e6
samples, done = [], threading.Event()
def sample():
    start = time.monotonic()
    while not done.is_set():
        samples.append((time.monotonic() - start, rss()))
        time.sleep(0.1)
rest = rss()
thread = threading.Thread(target=sample, daemon=True); thread.start()
t0 = time.perf_counter()
run = run_sync(LdapSource())
seconds = time.perf_counter() - t0
done.set(); thread.join()
quarters = [max((m for t, m in samples if t <= seconds * q / 4), default=rest) for q in (1, 2, 3, 4)]
print(json.dumps({"seconds": seconds, "rest_mb": rest, "peak_mb": max(m for _t, m in samples),
                  "quarters_mb": quarters, "counts": run.counts, "status": run.status, "error": run.error}))
"""


def run_child(env: dict) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD], env=env, cwd=ROOT, capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def fresh_database(url: str | None, tmp: Path, name: str) -> str:
    if not url:
        return f"sqlite:///{tmp / (name + '.sqlite3')}"
    base, _sep, db = url.rpartition("/")
    db = f"{db}_{name}"
    admin = f"{base}/postgres"
    subprocess.run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {db}"], check=True)
    subprocess.run(["psql", admin, "-qc", f"CREATE DATABASE {db}"], check=True)
    return f"{base}/{db}"


def migrate(env: dict) -> None:
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], env=env, cwd=ROOT, check=True)


def day_of_changes(server: Slapd, population: list[Person], rng: random.Random) -> str:
    import ldap

    conn = server.admin()
    workers = [p for p in population if not p.manager == ""]  # keep the department heads
    rng.shuffle(workers)
    left, disabled, moved = workers[:200], workers[200:300], workers[300:600]
    for person in left:
        conn.delete_s(person.dn)
    for person in disabled:
        conn.modify_s(person.dn, [(ldap.MOD_REPLACE, "userAccountControl", [b"514"])])
    for person in moved:
        department = f"{rng.choice(DEPARTMENTS)} {person.directorate}"
        conn.modify_s(person.dn, [(ldap.MOD_REPLACE, "department", [department.encode()])])
    for person in people(100, start=len(population)):
        conn.add_s(person.dn, modlist(person_entry(person)))
    return "200 deleted, 100 disabled (userAccountControl 514), 300 moved to another department, 100 added"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--database-url", help="PostgreSQL URL; its database gets a suffix, is recreated")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "sync.md")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="relais-sync-bench-"))
    rows, notes = [], []
    try:
        for size in (args.users // 5, args.users):
            population = people(size)
            server = Slapd(tmp / f"slapd-{size}").load(Tree(dict(DIRECTORATES), population)).start()
            env = {
                **os.environ,
                "BENCH_ROOT": str(ROOT),
                "DJANGO_SETTINGS_MODULE": "portal.settings",
                "DEBUG": "0",
                "SECRET_KEY": "bench-only-" + "x" * 50,
                "ALLOWED_HOSTS": "localhost",
                "DATABASE_URL": fresh_database(args.database_url, tmp, f"sync{size}"),
                "LDAP_URL": server.url,
                "LDAP_BIND_DN": SERVICE_DN,
                "LDAP_BIND_PASSWORD": SERVICE_PASSWORD,
                "LDAP_USER_SEARCH_BASE": PEOPLE_DN,
                "LOG_LEVEL": "WARNING",
            }
            try:
                migrate(env)
                rows.append((f"first sync, {size:,} people", run_child(env)))
                if size == args.users:
                    rows.append((f"second sync, {size:,} people (no change)", run_child(env)))
                    notes.append(day_of_changes(server, population, random.Random(3)))
                    rows.append((f"after a day of changes, {size + 100:,} people", run_child(env)))
            finally:
                server.stop()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    write_report(args, rows, notes)


def write_report(args, rows, notes) -> None:
    database = "PostgreSQL 15 (127.0.0.1)" if args.database_url else "SQLite (throwaway file, WAL)"
    lines = [
        "# Directory sync benchmark",
        "",
        f"- Date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        f"- Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, shared with other"
        f" test runs; Python {platform.python_version()}; {database}; slapd 2.5 on loopback",
        f"- Command: `.venv/bin/python bench/sync_bench.py --users {args.users}"
        + (f" --database-url {args.database_url}`" if args.database_url else "`"),
        "- Tree: 12 directorates (one OU each), 8 departments per directorate, a manager per department,"
        " titles and phones; read page by page (500 per page; slapd, like AD, returns at most 1,000"
        " otherwise).",
        "",
        "| run | seconds | resting MB | peak MB | peak − resting | RSS at ¼ / ½ / ¾ / end (MB) | changes |",
        "|---|---:|---:|---:|---:|---|---|",
    ]
    for label, r in rows:
        counts = {k: v for k, v in r["counts"].items() if v}
        lines.append(
            f"| {label} | {r['seconds']:.1f} | {r['rest_mb']:.0f} | {r['peak_mb']:.0f} | "
            f"{r['peak_mb'] - r['rest_mb']:.0f} | {' / '.join(f'{m:.0f}' for m in r['quarters_mb'])} | "
            f"{', '.join(f'{k} {v}' for k, v in counts.items())} |"
        )
    worst = max(r["seconds"] for _label, r in rows)
    lines += [
        "",
        f"Slowest run: **{worst:.1f} s** "
        f"(target < {TARGET_SECONDS} s: {'met' if worst < TARGET_SECONDS else 'NOT met'}).",
        "",
        "Changes applied before the last run: " + "; ".join(notes) + ".",
    ]
    args.out.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
