"""The back office's operations page (superusers): the background queue, workers, periodic jobs and the
last polls of the mailbox with their outcome."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from operations import queue, scheduler
from operations.models import MailboxPoll, PeriodicJob


def _require_superuser(request) -> None:
    if not request.user.is_superuser:
        raise PermissionDenied


def operations_page(request):
    _require_superuser(request)
    intervals = {job.name: job.every for job in scheduler.jobs()}
    return render(
        request,
        "operations/admin.html",
        {
            "state": queue.queue_state(),
            "failed": queue.recent_tasks(queue.FAILED, 20),
            "running": queue.recent_tasks(queue.RUNNING, 20),
            "workers": queue.live_workers().order_by("hostname", "started_at")[:50],
            "polls": MailboxPoll.objects.order_by("-finished_at")[:10],
            "jobs": [
                {"row": row, "every": intervals.get(row.name)} for row in PeriodicJob.objects.order_by("name")
            ],
        },
    )


@require_POST
def retry_task(request, task_id):
    _require_superuser(request)
    if queue.retry_failed(str(task_id)):
        messages.success(request, _("The task is back in the queue."))
    else:
        messages.error(request, _("This task is no longer in failure."))
    return redirect("operations_admin")
