"""`python manage.py scheduler`: enqueue the periodic jobs at their intervals (run by `worker`s).

poll_mailbox (when IMAP_USER is set), check_deadlines, send_surveys and refresh_indicators, at the
intervals of the SCHEDULE_*_SECONDS settings; also puts back in the queue the tasks of a worker that
died. Safe to run on several machines at once (operations/scheduler.py). `--once` enqueues what is
due and exits (for cron, or to try it).
"""

import logging
import signal
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone

from operations import scheduler

logger = logging.getLogger("relais.scheduler")


class Command(BaseCommand):
    help = "Enqueue the periodic jobs (mailbox poll, deadlines, surveys, indicators) at their intervals."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Enqueue what is due now, then exit.")
        parser.add_argument(
            "--tick", type=float, default=1.0, help="Seconds between two looks at the jobs (default 1)."
        )

    def handle(self, *args, once, tick, **options):
        self.running = True
        if once:
            scheduler.ensure_rows(scheduler.jobs())
            for name in scheduler.run_due():
                self.stdout.write(f"enqueued {name}")
            return
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, self._stop)
        self.stdout.write(
            "scheduler started: " + ", ".join(f"{j.name} every {j.every} s" for j in scheduler.jobs())
        )
        database_up_since = None
        next_reap = 0.0
        while self.running:
            try:
                close_old_connections()
                if database_up_since is None:
                    scheduler.ensure_rows(scheduler.jobs())
                    database_up_since = time.monotonic()
                scheduler.run_due()
                # Judge workers only once the database has been reachable long enough for live
                # workers to beat again (after a database restart every heartbeat looks old).
                up_for = time.monotonic() - database_up_since
                if up_for > settings.WORKER_DEAD_AFTER_SECONDS and time.monotonic() >= next_reap:
                    scheduler.reap(timezone.now())
                    next_reap = time.monotonic() + settings.WORKER_HEARTBEAT_SECONDS
            except DatabaseError as exc:
                logger.warning("database unavailable (%s); retrying", type(exc).__name__)
                database_up_since = None
                connection.close()
            time.sleep(tick)
        self.stdout.write("scheduler stopped")

    def _stop(self, signum, frame):
        self.running = False
