"""What the operations team needs to see and what several servers must agree on.

- `PeriodicJob`: one row per periodic job; the scheduler that locks the row and moves `next_run_at`
  enqueues the run, so any number of schedulers enqueue each run once.
- `WorkerHeartbeat`: each `worker` process says it is alive; a task left "running" by a worker that
  stopped beating is put back in the queue (`operations.queue.requeue_abandoned`).
- `MailboxPoll`: the outcome of each poll of the shared mailbox (shown in the back office, checked by
  `/sante/`).
- `LoginAttempt`: login attempts, shared by every web process (`operations/throttling.py`).
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PeriodicJob(models.Model):
    name = models.CharField(_("name"), max_length=64, unique=True)
    next_run_at = models.DateTimeField(_("next run at"), default=timezone.now)
    last_enqueued_at = models.DateTimeField(_("last enqueued at"), null=True, blank=True)
    last_task_id = models.CharField(_("last task"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("periodic job")
        verbose_name_plural = _("periodic jobs")

    def __str__(self) -> str:
        return self.name


class WorkerHeartbeat(models.Model):
    worker_id = models.CharField(_("worker"), max_length=64, unique=True)
    hostname = models.CharField(_("host"), max_length=255)
    pid = models.PositiveIntegerField(_("process"))
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    last_seen = models.DateTimeField(_("last seen"), default=timezone.now)

    class Meta:
        verbose_name = _("worker")
        verbose_name_plural = _("workers")

    def __str__(self) -> str:
        return self.worker_id


class PollOutcome(models.TextChoices):
    OK = "ok", _("Succeeded")
    ERROR = "error", _("Failed")


class MailboxPoll(models.Model):
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=PollOutcome.choices)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    # The exception's class and message, for the back office only (never on /sante/).
    error = models.CharField(_("error"), max_length=500, blank=True)
    hostname = models.CharField(_("host"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("mailbox poll")
        verbose_name_plural = _("mailbox polls")
        indexes = [models.Index(fields=["-finished_at"], name="operations_poll_recent")]

    def __str__(self) -> str:
        return f"{self.finished_at:%Y-%m-%d %H:%M:%S} {self.outcome}"


class LoginAttempt(models.Model):
    """One attempt to log in, counted while it runs and kept when it fails (operations/throttling.py)."""

    username = models.CharField(max_length=150)  # lower-cased
    address = models.GenericIPAddressField(null=True, blank=True)
    # The trusted-browser token when the browser presented one for this user name, else "".
    device = models.CharField(max_length=32, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["username", "at"], name="operations_login_user"),
            models.Index(fields=["at"], name="operations_login_at"),
        ]

    def __str__(self) -> str:
        return f"{self.username} {self.address} {self.at:%Y-%m-%d %H:%M:%S}"


class TaskRetry(models.Model):
    """A background task put back in the queue: its worker died under it, or someone asked again."""

    task_id = models.CharField(_("task"), max_length=64)
    task_path = models.TextField(_("task path"))
    reason = models.CharField(_("reason"), max_length=20)
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("task retry")
        verbose_name_plural = _("task retries")

    def __str__(self) -> str:
        return f"{self.task_path} {self.reason}"
