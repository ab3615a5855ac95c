"""Load the demo company: idempotent, deterministic, through the same code paths as real use."""

from django.core.management.base import BaseCommand
from django.db import transaction

from directory import demo as directory_demo
from home import demo as home_demo


class Command(BaseCommand):
    help = "Create (or bring up to date) a realistic French demo company and one login per role."

    def handle(self, *args, **options):
        with transaction.atomic():
            counts = directory_demo.seed()
            logins = home_demo.seed_logins()
        for name, count in counts.items():
            self.stdout.write(f"{name}: {count}")
        self.stdout.write(self.style.SUCCESS(f"\nDemo logins (password for all: {home_demo.DEMO_PASSWORD})"))
        width = max(len(login.username) for login in logins)
        for login in logins:
            self.stdout.write(f"  {login.username.ljust(width)}  {login.description}")
