"""`python manage.py import_workbook PATH`: load past data from CSV files or an .xlsx workbook (IMPORT.md)."""

import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation
from django.utils.translation import gettext as _

from kpis.importing import ImportFailed, SourceError, import_workbook


class Command(BaseCommand):
    help = "Import a folder of CSV files or one .xlsx workbook: idempotent, all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, verbosity: int = 1, **options):
        with translation.override(settings.LANGUAGE_CODE):  # messages in the portal's language
            self._import(path, verbosity)

    def _import(self, path: Path, verbosity: int) -> None:
        def progress(stage: str, label: str) -> None:
            if verbosity >= 2 and label:
                message = _("checking %(file)s") if stage == "check" else _("writing %(file)s")
                self.stderr.write(message % {"file": label})

        try:
            report = import_workbook(path, progress=progress)
        except SourceError as exc:
            self.stderr.write(str(exc))
            self.stderr.write(_("nothing imported"))
            sys.exit(1)
        except ImportFailed as failure:
            for error in failure.errors:
                self.stderr.write(str(error))
            self.stderr.write(_("nothing imported: %(count)s error(s)") % {"count": len(failure.errors)})
            sys.exit(1)
        for warning in report.warnings:
            self.stderr.write(warning)
        for label, tally in report.items():
            self.stdout.write(f"{label}: {tally.created} created, {tally.updated} updated")
