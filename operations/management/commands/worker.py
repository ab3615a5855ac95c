"""`python manage.py worker`: django-tasks' `db_worker` that also says it is alive.

Same options as `db_worker`. Every few seconds a thread records a heartbeat; when this process dies
without stopping cleanly (killed, machine lost), the scheduler sees the heartbeat stop and puts the
task it was running back in the queue (operations/queue.py). Run as many as you like, on any machine.
"""

import logging
import threading

from django.conf import settings
from django.db import close_old_connections, connection
from django_tasks_db.management.commands import db_worker

from operations import queue

logger = logging.getLogger(__name__)


class Heartbeat(threading.Thread):
    def __init__(self, worker_id: str, hostname: str, pid: int):
        super().__init__(name="heartbeat", daemon=True)
        self.identity = (worker_id, hostname, pid)
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                close_old_connections()
                queue.beat(*self.identity)
            except Exception as exc:  # the database may be restarting: try again at the next beat
                logger.warning("heartbeat failed: %s", type(exc).__name__)
                connection.close()
            self.stopped.wait(settings.WORKER_HEARTBEAT_SECONDS)
        connection.close()


class Command(db_worker.Command):
    help = "Run background tasks (django-tasks' db_worker) with a heartbeat: a lost worker's task is retried."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(reload=False)

    def handle(self, *args, worker_id=None, **options):
        worker_id, hostname, pid = queue.worker_identity()
        queue.beat(worker_id, hostname, pid)
        heartbeat = Heartbeat(worker_id, hostname, pid)
        heartbeat.start()
        try:
            super().handle(*args, worker_id=worker_id, **options)
        finally:
            heartbeat.stopped.set()
            heartbeat.join(timeout=5)
            try:
                queue.forget(worker_id)
            except Exception:  # noqa: S110 - the database may be gone; the heartbeat ages out then
                pass
