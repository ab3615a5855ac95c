"""`python manage.py sync_directory [--csv FILE] [--dry-run]`: bring directorates, entities and
contacts in line with the company directory (LDAP, or an HR export per IMPORT.md)."""

import sys

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from accounts.sync.csv_source import CsvInvalid
from accounts.sync.engine import run_sync
from accounts.sync.report import describe, summary
from accounts.sync.sources import configured_source


class Command(BaseCommand):
    help = "Synchronise directorates, entities and contacts with the company directory (LDAP or an HR CSV)."

    def add_arguments(self, parser):
        parser.add_argument("--csv", help="Read this HR export (IMPORT.md) instead of the LDAP directory.")
        parser.add_argument("--dry-run", action="store_true", help="Show the changes without making them.")
        parser.add_argument(
            "--allow-mass-deactivation",
            action="store_true",
            help="Deactivate the missing contacts even when they are more than "
            "DIRECTORY_SYNC_MAX_DEACTIVATION_PERCENT of them.",
        )
        parser.add_argument("--quiet", action="store_true", help="Print the summary only.")

    def handle(self, *args, csv=None, dry_run=False, allow_mass_deactivation=False, quiet=False, **options):
        try:
            source = configured_source(csv)
        except CsvInvalid as invalid:
            for error in invalid.errors:
                self.stderr.write(error)
            self.stderr.write(f"nothing synchronised: {len(invalid.errors)} error(s)")
            sys.exit(1)
        except RuntimeError as exc:
            self.stderr.write(str(exc))
            sys.exit(1)
        echo = None if quiet else (lambda change: self.stdout.write(describe(change)))
        run = run_sync(source, dry_run=dry_run, allow_mass_deactivation=allow_mass_deactivation, echo=echo)
        if dry_run:
            self.stdout.write(
                _("Dry run, nothing was written: %(summary)s") % {"summary": summary(run.counts)}
            )
        else:
            self.stdout.write(summary(run.counts))
        if run.error:
            self.stderr.write(run.error)
            sys.exit(2)
