"""Background work of the surveys: a few lines each, loading by id and calling the service."""

import datetime as dt
import logging

from django.utils import timezone
from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def send_invitation(invitation_id: int) -> bool:
    """Enqueued with run_after = the invitation's due time; the rules are checked again when it runs."""
    from kpis.surveys import services

    return services.send_invitation(invitation_id)


@task()
def launch_campaign(survey_id: int) -> int:
    """Invite a campaign's audience and send the invitations."""
    from kpis.models import Survey
    from kpis.surveys import services

    survey = Survey.objects.filter(pk=survey_id).first()
    if survey is None:
        return 0
    services.invite_audience(survey)
    return services.send_due_invitations()


@task()
def send_due_surveys(every: int | None = None) -> dict[str, int]:
    """Send due invitations and reminders; with `every` (seconds), enqueue the next run."""
    from kpis.surveys import services

    try:
        return {"sent": services.send_due_invitations(), "reminded": services.send_reminders()}
    finally:
        if every:
            schedule_due_surveys(every)


def schedule_due_surveys(every: int):
    backend = send_due_surveys.get_backend()
    if not backend.supports_defer:
        logger.warning("The tasks backend cannot defer: the next survey run is not scheduled.")
        return None
    return send_due_surveys.using(run_after=timezone.now() + dt.timedelta(seconds=every)).enqueue(every=every)
