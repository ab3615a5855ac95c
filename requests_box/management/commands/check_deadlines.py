"""Notify, once each, the requests at 75 % of their time and those past their deadline (run it every
few minutes from cron or the tasks worker)."""

from django.core.management.base import BaseCommand

from requests_box.workflow import check_deadlines


class Command(BaseCommand):
    help = "Notify deadline warnings (75 % of the allowed time) and breaches, once each."

    def handle(self, *args, **options):
        counts = check_deadlines()
        self.stdout.write(f"warnings: {counts['warnings']}, breaches: {counts['breaches']}")
