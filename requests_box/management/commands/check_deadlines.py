"""Notify, once each, the requests at 75 % of their time and those past their deadline: once, in a loop
(--every), or as a background task that re-enqueues itself (--background --every), run by `db_worker`."""

import time

from django.core.management.base import BaseCommand, CommandError

from requests_box.workflow import check_deadlines


class Command(BaseCommand):
    requires_system_checks: list = []  # starts fast: it runs from cron, the worker and scripts
    help = "Notify deadline warnings (75 % of the allowed time) and breaches, once each."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, metavar="SECONDS", help="Check again every SECONDS.")
        parser.add_argument(
            "--background",
            action="store_true",
            help="Enqueue the check as a background task (run by `db_worker`); with --every it re-enqueues "
            "itself.",
        )

    def handle(self, *args, every, background, **options):
        if every is not None and every < 1:
            raise CommandError("--every must be at least 1 second")
        if background:
            from requests_box.tasks import check_deadlines as task

            result = task.enqueue(every=every)
            self.stdout.write(f"enqueued check_deadlines task {result.id}")
            return
        while True:
            counts = check_deadlines()
            self.stdout.write(f"warnings: {counts['warnings']}, breaches: {counts['breaches']}")
            if every is None:
                return
            self.stdout.flush()
            time.sleep(every)
