"""Benchmark of campaign sending (issue 21): queueing 5,000 recipients, then the worker's batches.

Builds a throwaway database (SQLite file or PostgreSQL database) with 5,000 client contacts, then times:
  - `queue_campaign` for an audience of all of them: the whole check (addresses validated one by one)
    and the 5,000 delivery rows, with the peak of Python memory it allocated (tracemalloc, second run);
  - the worker's batches (`send_next_batch`, without the pauses of the rate limit) delivering the first
    `--send` mails to a real SMTP server (aiosmtpd on loopback): mails per second it can sustain,
    to compare with COMMUNICATIONS_RATE_PER_MINUTE.
Target: queued in under 5 s, memory independent of the number of recipients.

    python bench/comms_bench.py --db sqlite   [--contacts 5000] [--send 1000]
    python bench/comms_bench.py --db postgres (uses postgres://postgres@127.0.0.1:5432/relais_bench_comms)

Appends its figures to bench/results/comms.md.
"""

import argparse
import datetime as dt
import os
import platform
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
parser.add_argument("--contacts", type=int, default=5_000)
parser.add_argument("--send", type=int, default=1_000)
args = parser.parse_args()

SQLITE_PATH = ROOT / "var" / "bench-comms.sqlite3"
PG_URL = "postgres://postgres@127.0.0.1:5432/relais_bench_comms"
if args.db == "sqlite":
    SQLITE_PATH.parent.mkdir(exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{SQLITE_PATH}"
else:
    admin = "postgres://postgres@127.0.0.1:5432/postgres"
    subprocess.run(["psql", admin, "-qc", "DROP DATABASE IF EXISTS relais_bench_comms"], check=True)
    subprocess.run(["psql", admin, "-qc", "CREATE DATABASE relais_bench_comms"], check=True)
    os.environ["DATABASE_URL"] = PG_URL
os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
os.environ["TASKS_BACKEND"] = "django_tasks.backends.dummy.DummyBackend"  # the worker is driven by hand
os.environ["DEBUG"] = "1"
os.environ["LOG_LEVEL"] = "WARNING"
os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.smtp.EmailBackend"
os.environ["COMMUNICATIONS_BATCH_SIZE"] = "100"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def build():
    from communications.models import Audience, Campaign
    from directory.models import Contact, Directorate, Entity

    log("migrating")
    call_command("migrate", verbosity=0)
    directorates = Directorate.objects.bulk_create(
        [Directorate(code=f"D{i:02d}", name=f"Direction {i}") for i in range(10)]
    )
    entities = Entity.objects.bulk_create(
        [
            Entity(
                code=f"E{i:03d}", name=f"Entité {i}", directorate=directorates[i % 10], client_type="metier"
            )
            for i in range(200)
        ]
    )
    log(f"{args.contacts} contacts")
    Contact.objects.bulk_create(
        [
            Contact(
                email=f"contact{i}@groupe-aurelia.fr",
                first_name=f"Prénom{i}",
                last_name=f"Nom{i}",
                entity=entities[i % 200],
            )
            for i in range(args.contacts)
        ],
        batch_size=1000,
    )
    audience = Audience.objects.create(name="Tout le monde")
    audience.directorates.set(directorates)

    def campaign(title):
        return Campaign.objects.create(
            title=title,
            subject="{{ first_name }}, du nouveau à la DSI",
            intro="Bonjour {{ first_name }},\n\nLa DSI présente son catalogue à {{ entity }}.",
            audience=audience,
            link_leaflet=True,
        )

    return campaign("Mesure du temps"), campaign("Mesure de la mémoire")


def main():
    from aiosmtpd.controller import Controller

    from communications import services
    from communications.models import Delivery, DeliveryStatus
    from tests.mailservers import free_port

    timed, measured = build()
    log("queueing")
    started = time.perf_counter()
    queued = services.queue_campaign(timed)
    queue_seconds = time.perf_counter() - started
    log(f"queued {queued} in {queue_seconds:.2f} s")
    tracemalloc.start()
    services.queue_campaign(measured)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    log(f"peak Python memory while queueing: {peak / 1e6:.1f} MB")

    class Sink:
        received = 0

        async def handle_DATA(self, server, session, envelope):  # noqa: N802
            Sink.received += 1
            return "250 OK"

    port = free_port()
    controller = Controller(Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    log(f"sending {args.send} through the SMTP sink")
    started = time.perf_counter()
    sent = 0
    while sent < args.send:
        result = services.send_next_batch(timed.pk)
        sent += result["sent"]
        if result["next"] is None:
            break
    send_seconds = time.perf_counter() - started
    controller.stop()
    rate = sent / send_seconds
    assert (
        Delivery.objects.filter(campaign=timed, status=DeliveryStatus.SENT).count() == sent == Sink.received
    )
    log(f"sent {sent} in {send_seconds:.1f} s: {rate:.0f} mails/s ({rate * 60:.0f} a minute)")

    results = ROOT / "bench" / "results" / "comms.md"
    if not results.exists():
        results.write_text(
            "# Campaign sending benchmark (issue 21)\n\n"
            "Target: 5,000 recipients queued in under 5 s without loading them all in memory; the worker\n"
            "then delivers at the configured rate (COMMUNICATIONS_RATE_PER_MINUTE, 300 by default), which\n"
            "must stay below what it can sustain (last columns).\n\n"
            "| date | database | recipients | queue (s) | peak memory queueing (MB) | sent | mails/s "
            "| machine | command |\n|---|---|---|---|---|---|---|---|---|\n"
        )
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    command = f"`python bench/comms_bench.py --db {args.db} --contacts {args.contacts} --send {args.send}`"
    with results.open("a") as handle:
        handle.write(
            f"| {dt.date.today()} | {args.db} | {queued:,} | {queue_seconds:.2f} | {peak / 1e6:.1f} "
            f"| {sent:,} | {rate:.0f} | {machine} | {command} |\n"
        )
    log(f"appended to {results}")


main()
