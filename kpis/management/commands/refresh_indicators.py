"""Compute the dashboard's usual periods ahead of the CIO (kpis/freshness.py): once, or as a background
task that re-enqueues itself (--background --every SECONDS), run by `db_worker`."""

from django.core.management.base import BaseCommand, CommandError

from kpis import freshness


class Command(BaseCommand):
    help = (
        "Compute and store the indicators and charts of the current and last complete month, quarter and "
        "year (and their previous periods) that are missing or older than the last data change."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--background",
            action="store_true",
            help="Enqueue the refresh as a background task (run by `db_worker`).",
        )
        parser.add_argument(
            "--every", type=int, metavar="SECONDS", help="With --background: run again every SECONDS."
        )

    def handle(self, *args, background, every, **options):
        if every is not None and (every < 60 or not background):
            raise CommandError("--every needs --background and at least 60 seconds")
        if background:
            from kpis.tasks import refresh_standard_periods

            result = refresh_standard_periods.enqueue(every=every)
            self.stdout.write(f"enqueued refresh_standard_periods task {result.id}")
            return
        counts = freshness.refresh_standard_periods()
        self.stdout.write(f"computed: {counts['computed']}, already current: {counts['current']}")
