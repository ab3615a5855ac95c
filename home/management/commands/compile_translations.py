"""Compile the project's .po files to .mo without GNU gettext (pure Python, via polib).

A catalogue is written only when its compiled bytes change, through a temporary file renamed over the
old one: a process loading the translations meanwhile (a test worker, a web server) reads either the
old file or the new one, never a truncated one."""

import os
import tempfile
from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand

SKIP = {".venv", "node_modules", ".git", "var"}


def catalogues(root: Path) -> list[Path]:
    return [
        po_path
        for po_path in sorted(root.glob("**/locale/*/LC_MESSAGES/*.po"))
        if not SKIP & set(po_path.relative_to(root).parts)
    ]


def compile_catalogue(po_path: Path) -> bool:
    """Compile one .po next to itself; True when the .mo changed (or was missing)."""
    mo_path = po_path.with_suffix(".mo")
    descriptor, name = tempfile.mkstemp(dir=mo_path.parent, prefix=".django-", suffix=".mo")
    os.close(descriptor)
    temporary = Path(name)
    try:
        polib.pofile(str(po_path)).save_as_mofile(str(temporary))
        compiled = temporary.read_bytes()
        if mo_path.exists() and mo_path.read_bytes() == compiled:
            return False
        temporary.chmod(0o644)
        os.replace(temporary, mo_path)
        return True
    finally:
        temporary.unlink(missing_ok=True)


def compile_all(root: Path) -> list[Path]:
    """Compile every catalogue under `root`; returns the .po files whose .mo changed."""
    return [po_path for po_path in catalogues(root) if compile_catalogue(po_path)]


class Command(BaseCommand):
    help = "Compile every locale/*/LC_MESSAGES/*.po of the project into its .mo file."

    def handle(self, *args, **options):
        root = Path(settings.BASE_DIR)
        changed = compile_all(root)
        self.stdout.write(f"compiled {len(catalogues(root))} catalogue(s), {len(changed)} changed")
