"""Count the indicators' daily request aggregates again from the requests table (kpis/aggregates.py)."""

import time

from django.core.management.base import BaseCommand

from kpis import aggregates, freshness


class Command(BaseCommand):
    help = (
        "Rebuild the daily request counts that the indicators read (RequestDayCount) from the requests "
        "table. Idempotent; needed only after writing requests without the application (raw SQL)."
    )

    def handle(self, *args, **options):
        started = time.perf_counter()
        rows = aggregates.rebuild()
        freshness.bump()  # figures computed from the old counts are recomputed
        self.stdout.write(f"{rows} daily rows in {time.perf_counter() - started:.1f} s")
