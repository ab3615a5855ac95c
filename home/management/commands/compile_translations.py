"""Compile the project's .po files to .mo without GNU gettext (pure Python, via polib)."""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand

SKIP = {".venv", "node_modules", ".git", "var"}


class Command(BaseCommand):
    help = "Compile every locale/*/LC_MESSAGES/*.po of the project into its .mo file."

    def handle(self, *args, **options):
        root = Path(settings.BASE_DIR)
        count = 0
        for po_path in sorted(root.glob("**/locale/*/LC_MESSAGES/*.po")):
            if SKIP & set(po_path.relative_to(root).parts):
                continue
            polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))
            count += 1
        self.stdout.write(f"compiled {count} catalogue(s)")
