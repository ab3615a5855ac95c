"""Poll the shared mailbox over IMAP: once, in a loop (--every), or as a background task (--background)."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, close_old_connections, connection
from imapclient.exceptions import IMAPClientError

from requests_box.intake.imap import poll_once


class Command(BaseCommand):
    requires_system_checks: list = []  # starts fast: it runs from cron, the worker and scripts
    help = "Take in the new messages of the functional mailbox (IMAP settings from the environment)."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, metavar="SECONDS", help="Poll again every SECONDS.")
        parser.add_argument("--folder", help="IMAP folder (default: IMAP_FOLDER).")
        parser.add_argument(
            "--background",
            action="store_true",
            help="Enqueue the poll as a background task (run by `db_worker`); with --every it re-enqueues "
            "itself.",
        )

    def handle(self, *args, every, folder, background, **options):
        if every is not None and every < 1:
            raise CommandError("--every must be at least 1 second")
        if background:
            from requests_box.intake.tasks import poll_mailbox

            result = poll_mailbox.enqueue(every=every)
            self.stdout.write(f"enqueued poll_mailbox task {result.id}")
            return
        while True:
            if every is not None:  # a long-running loop: drop a connection the database has closed
                close_old_connections()
            try:
                summary = poll_once(folder=folder, report=lambda source, r: self.stdout.write(r.line(source)))
            except (OSError, IMAPClientError) as exc:
                if every is None:
                    raise CommandError(f"cannot read the mailbox: {exc}", returncode=1) from exc
                self.stderr.write(f"cannot read the mailbox: {exc}")
            except DatabaseError as exc:
                # The database restarting: a loop tries again at its next round (the mails stay
                # unflagged on the server until they are recorded), a single poll fails.
                if every is None:
                    raise
                self.stderr.write(f"database unavailable ({type(exc).__name__}); retrying")
                connection.close()
            else:
                self.stdout.write(summary.line())
            if every is None:
                return
            self.stdout.flush()
            time.sleep(every)
