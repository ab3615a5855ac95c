"""Background work of the mailbox: a few lines each, loading by id and calling the domain function.

The IMAP poll is intake's own task (`requests_box.intake.tasks.poll_mailbox`): nothing here imports intake.
"""

import datetime as dt
import logging

from django.utils import timezone
from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def send_acknowledgement(request_id: int) -> bool:
    from requests_box.acknowledgement import send_acknowledgement as send
    from requests_box.models import Request

    request = Request.objects.filter(pk=request_id).first()
    return request is not None and send(request) is not None


@task()
def send_acknowledgements(request_ids: list[int]) -> int:
    """Acknowledge the requests of one intake batch; one failure does not stop the others."""
    from requests_box.acknowledgement import send_acknowledgement as send
    from requests_box.models import Request

    sent = 0
    for request in Request.objects.filter(pk__in=request_ids).order_by("pk"):
        try:
            sent += send(request) is not None
        except Exception:
            logger.exception("Acknowledgement of %s failed", request.reference)
    return sent


@task()
def send_reply(message_id: int) -> bool:
    """Send an answer written in the portal."""
    from requests_box.models import Message
    from requests_box.workflow import build_reply

    message = Message.objects.select_related("request").filter(pk=message_id).first()
    if message is None:
        return False
    build_reply(message).send(fail_silently=False)
    return True


@task()
def check_deadlines(every: int | None = None) -> dict[str, int]:
    """Notify deadline warnings and breaches once; with `every`, enqueue the next check."""
    from requests_box.workflow import check_deadlines as check

    try:
        return check()
    finally:
        if every:
            _schedule(check_deadlines, every)


def _schedule(periodic_task, every: int):
    """Enqueue the next run of a self-re-enqueuing task (no periodic scheduler on Python 3.11)."""
    backend = periodic_task.get_backend()
    if not backend.supports_defer:
        logger.warning("The tasks backend cannot defer: the next %s is not scheduled.", periodic_task.name)
        return None
    run_after = timezone.now() + dt.timedelta(seconds=every)
    return periodic_task.using(run_after=run_after).enqueue(every=every)
