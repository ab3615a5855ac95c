"""`python manage.py worker`: django-tasks' `db_worker` that also says it is alive.

Same options as `db_worker`; it outlives a database restart (see `Worker`). Every few seconds
a thread records a heartbeat; when this process dies
without stopping cleanly (killed, machine lost), the scheduler sees the heartbeat stop and puts the
task it was running back in the queue (operations/queue.py). Run as many as you like, on any machine.
"""

import logging
import threading
import time

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection
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


# A task that failed on one of these ran into a database restart: it runs again instead of failing.
DATABASE_LOST = {"django.db.utils.OperationalError", "django.db.utils.InterfaceError"}


class Worker(db_worker.Worker):
    """db_worker's loop, made to outlive a database restart.

    django-tasks' worker exits on the first database error it meets outside a task; this one waits for
    the database to come back. The task it was running (its state could not be recorded) and a task
    that failed on a lost connection are put back in the queue, a few seconds later, a few times at
    most: the portal's tasks are safe to run again (operations/queue.py)."""

    current = None

    def run_task(self, db_task_result) -> None:
        self.current = db_task_result
        super().run_task(db_task_result)
        self.current = None
        if (
            db_task_result.status == queue.FAILED
            and db_task_result.exception_class_path in DATABASE_LOST
            and queue.requeue_after_database_error(db_task_result, self.worker_id)
        ):
            logger.warning("task %s met a database restart: queued again", db_task_result.id)

    def run(self) -> None:
        while self.running:
            try:
                super().run()
                return
            except DatabaseError as exc:
                logger.warning("database unavailable (%s); retrying", type(exc).__name__)
                self._wait_for_database()

    def _wait_for_database(self) -> None:
        while self.running:
            connection.close()
            time.sleep(max(self.interval, 1.0))
            try:
                if self.current is not None:
                    queue.requeue_after_database_error(self.current, self.worker_id)
                    self.current = None
                else:
                    connection.ensure_connection()
                return
            except DatabaseError:
                continue


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
        db_worker.Worker = Worker  # db_worker's handle() builds its Worker from the module's name
        try:
            super().handle(*args, worker_id=worker_id, **options)
        finally:
            heartbeat.stopped.set()
            heartbeat.join(timeout=5)
            try:
                queue.forget(worker_id)
            except Exception:  # noqa: S110 - the database may be gone; the heartbeat ages out then
                pass
