"""Developer helper: fill empty French msgstr entries of the project's .po files from a table.

Usage: python scripts/fill_translations.py TABLE.py [APP ...]
(TABLE.py defines FR = {"English": "Français", ...}; APP limits the work to those apps' catalogues)
Entries not in the table are listed so nothing is forgotten. Plural forms take a tuple (singular, plural).
"""

import runpy
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def main(table_path: str, apps: list[str]) -> int:
    table = runpy.run_path(table_path)["FR"]
    missing = []
    for po_path in sorted(ROOT.glob("**/locale/fr/LC_MESSAGES/django.po")):
        relative = po_path.relative_to(ROOT)
        if ".venv" in po_path.parts or (apps and relative.parts[0] not in apps):
            continue
        po = polib.pofile(str(po_path))
        for entry in po:
            if entry.obsolete:
                continue
            value = table.get(entry.msgid)
            if entry.msgid_plural:
                if not entry.msgstr_plural.get(0) and isinstance(value, tuple):
                    entry.msgstr_plural = {0: value[0], 1: value[1]}
                elif not entry.msgstr_plural.get(0):
                    missing.append((po_path, entry.msgid))
            elif not entry.msgstr:
                if value:
                    entry.msgstr = value
                else:
                    missing.append((po_path, entry.msgid))
            if value and "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
        po.save()
    for path, msgid in missing:
        print(f"{path.relative_to(ROOT)}: untranslated: {msgid!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
