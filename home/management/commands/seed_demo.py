"""Load the demo company: idempotent, deterministic, through the same code paths as real use.

Each app that has demo data provides `<app>/demo.py` with `seed() -> dict[str, int]` (the counts it
leaves); they run in the order of DEMO_MODULES, so later ones can use what earlier ones created.
"""

from importlib import import_module
from importlib.util import find_spec

from django.core.management.base import BaseCommand
from django.db import transaction

from home import demo as home_demo

DEMO_MODULES = (
    "directory.demo",
    "home.demo",
    "catalogue.demo",
    "requests_box.demo",
    "committees.demo",
    "kpis.demo",
)


class Command(BaseCommand):
    help = "Create (or bring up to date) a realistic French demo company and one login per role."

    def handle(self, *args, **options):
        counts: dict[str, int] = {}
        for module_name in DEMO_MODULES:
            if find_spec(module_name.split(".")[0]) is None or find_spec(module_name) is None:
                continue
            with transaction.atomic():
                counts.update(import_module(module_name).seed())
        for name, count in counts.items():
            self.stdout.write(f"{name}: {count}")
        self.stdout.write(self.style.SUCCESS(f"\nDemo logins (password for all: {home_demo.DEMO_PASSWORD})"))
        width = max(len(login.username) for login in home_demo.DEMO_LOGINS)
        for login in home_demo.DEMO_LOGINS:
            self.stdout.write(f"  {login.username.ljust(width)}  {login.description}")
