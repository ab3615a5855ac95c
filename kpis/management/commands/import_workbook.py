"""`python manage.py import_workbook PATH`: load past data from CSV files or an .xlsx workbook (IMPORT.md)."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from kpis.importing import ImportFailed, import_workbook
from kpis.importing.sources import SourceError


class Command(BaseCommand):
    help = "Import a folder of CSV files or one .xlsx workbook: idempotent, all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, **options):
        try:
            tallies = import_workbook(path)
        except SourceError as exc:
            self.stderr.write(str(exc))
            sys.exit(1)
        except ImportFailed as failure:
            for error in failure.errors:
                self.stderr.write(str(error))
            self.stderr.write(f"nothing imported: {len(failure.errors)} error(s)")
            sys.exit(1)
        for label, tally in tallies.items():
            self.stdout.write(f"{label}: {tally.created} created, {tally.updated} updated")
