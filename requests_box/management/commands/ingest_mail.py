"""Take in .eml files, folders of them and mbox files (migration of an old mailbox, replays)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from requests_box.intake.intake import Intake, Summary
from requests_box.intake.mbox import iter_path


class Command(BaseCommand):
    requires_system_checks: list = []  # starts fast: it runs from cron, the worker and scripts
    help = "Take in mail from .eml files, folders (recursively) and mbox files; one line per message."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path)
        parser.add_argument(
            "--no-acknowledgement", action="store_true", help="Create requests without acknowledging them."
        )

    def handle(self, *args, paths, no_acknowledgement, **options):
        intake = Intake(acknowledge=not no_acknowledgement)
        summary = Summary()
        failed = False
        for path in paths:
            try:
                for source, result in intake.ingest_many(iter_path(path)):
                    summary.add(result)
                    self.stdout.write(result.line(source))
            except OSError as exc:
                failed = True
                self.stderr.write(f"{path}: cannot read: {exc}")
        self.stdout.write(summary.line())
        if failed:
            raise CommandError("some sources could not be read", returncode=1)
