"""Load the demo company: idempotent, deterministic, through the same code paths as real use.

Each app that has demo data provides `<app>/demo.py` with `seed() -> dict[str, int]` (the counts it
leaves); they run in the order of DEMO_MODULES, so later ones can use what earlier ones created.
"""

from importlib import import_module
from importlib.util import find_spec

from django.core.management.base import BaseCommand
from django.db import transaction

from home import demo as home_demo
from kpis import aggregates

DEMO_MODULES = (
    "directory.demo",
    "home.demo",
    "catalogue.demo",
    "requests_box.demo",
    "committees.demo",
    "kpis.demo",
    "communications.demo",
)


class Command(BaseCommand):
    help = "Create (or bring up to date) a realistic French demo company and one login per role."

    def add_arguments(self, parser):
        parser.add_argument(
            "--export-workbook",
            metavar="PATH",
            help="also write the demo data in the import format (IMPORT.md): PATH.xlsx or a CSV folder",
        )

    def handle(self, *args, export_workbook=None, **options):
        counts: dict[str, int] = {}
        for module_name in DEMO_MODULES:
            if find_spec(module_name.split(".")[0]) is None or find_spec(module_name) is None:
                continue
            with aggregates.deferred(), transaction.atomic():  # the daily counts once per module
                counts.update(import_module(module_name).seed())
        for name, count in counts.items():
            self.stdout.write(f"{name}: {count}")
        if export_workbook:
            from kpis.importing.export import export_workbook as write_workbook

            written = write_workbook(export_workbook)
            self.stdout.write(f"\nworkbook written to {export_workbook}: {sum(written.values())} rows")
        self.stdout.write(self.style.SUCCESS(f"\nDemo logins (password for all: {home_demo.DEMO_PASSWORD})"))
        width = max(len(login.username) for login in home_demo.DEMO_LOGINS)
        for login in home_demo.DEMO_LOGINS:
            self.stdout.write(f"  {login.username.ljust(width)}  {login.description}")
