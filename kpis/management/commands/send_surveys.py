"""`python manage.py send_surveys [--every SECONDS]`: send due survey invitations and reminders.

Run it from cron, or once with --every to enqueue a self-rescheduling background task (database
backend: no broker needed). Post-request invitations are also enqueued for their due time.
"""

from django.core.management.base import BaseCommand

from kpis.surveys import services, tasks


class Command(BaseCommand):
    help = "Send the survey invitations that are due and the campaign reminders."

    def add_arguments(self, parser):
        parser.add_argument(
            "--every", type=int, default=0, help="enqueue a background task that repeats every N seconds"
        )

    def handle(self, *args, every: int = 0, **options):
        if every:
            tasks.schedule_due_surveys(every)
            self.stdout.write(f"survey sending scheduled every {every} s")
            return
        sent = services.send_due_invitations()
        reminded = services.send_reminders()
        self.stdout.write(f"invitations sent: {sent}\nreminders sent: {reminded}")
