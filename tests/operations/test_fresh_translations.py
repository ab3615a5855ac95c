"""A test run never shows English because a compiled catalogue was stale or missing when it started.

pytest-django sets Django up before tests/conftest.py compiles the catalogues, and setting up loads
the French catalogue: a process that started with a stale .mo kept the old texts for the whole run
(the throttle's lock message once came out in English). Replayed here in a copy of the code, in a
fresh interpreter, in the same order: Django set up with a stale operations catalogue, then the
conftest's hook, then the throttle's message."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[2]
SKIPPED = {".venv", ".git", "var", "node_modules", "__pycache__", ".ruff_cache", "media"}

REPLAY = """
import django
django.setup()  # what pytest-django does first: this loads the French catalogue

import tests.conftest
from django.utils import translation
from operations.throttling import LOCKED_MESSAGE

tests.conftest.pytest_configure(None)
with translation.override("fr"):
    print("MESSAGE", str(LOCKED_MESSAGE) % {"minutes": 15})
"""


def _copy(target: Path) -> None:
    def ignore(directory, names):
        return [n for n in names if n in SKIPPED or n.endswith((".pyc", ".sqlite3"))]

    shutil.copytree(ROOT, target, ignore=ignore)


def test_a_stale_catalogue_at_start_is_compiled_and_read_again(tmp_path):
    copy = tmp_path / "code"
    _copy(copy)
    po_path = copy / "operations" / "locale" / "fr" / "LC_MESSAGES" / "django.po"
    stale = polib.pofile(str(po_path))
    for entry in stale:
        if entry.msgid.startswith("Too many failed login attempts"):
            entry.msgstr = ""  # as compiled before the translation was written
    stale.save_as_mofile(str(po_path.with_suffix(".mo")))
    for mo_path in copy.glob("**/locale/*/LC_MESSAGES/*.mo"):
        if mo_path != po_path.with_suffix(".mo"):
            mo_path.unlink()  # the others missing, as in a fresh checkout
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", REPLAY],
        cwd=copy,
        env={"DJANGO_SETTINGS_MODULE": "portal.test_settings", "PATH": "/usr/bin:/bin", "DEBUG": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    message = done.stdout.split("MESSAGE ", 1)[1]
    assert message.startswith("Trop de tentatives de connexion infructueuses"), message
    assert "15 minutes" in message


def test_catalogues_are_written_only_when_they_change(tmp_path):
    from home.management.commands.compile_translations import compile_all

    locale = tmp_path / "app" / "locale" / "fr" / "LC_MESSAGES"
    locale.mkdir(parents=True)
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    po.append(polib.POEntry(msgid="Hello", msgstr="Bonjour"))
    po.save(str(locale / "django.po"))
    assert compile_all(tmp_path) == [locale / "django.po"]
    mo = locale / "django.mo"
    inode = mo.stat().st_ino
    assert compile_all(tmp_path) == []  # unchanged: not rewritten under a reader
    assert mo.stat().st_ino == inode
    po[0].msgstr = "Salut"
    po.save(str(locale / "django.po"))
    assert compile_all(tmp_path) == [locale / "django.po"]
    assert mo.stat().st_ino != inode  # a new file renamed over the old one, never truncated in place
    assert [p.name for p in locale.iterdir() if p.name.startswith(".")] == []
