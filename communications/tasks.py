"""Background work of the communications app: a few lines each, loading by id and calling the services."""

from django_tasks import task

from communications import events, services


@task()
def send_campaign(campaign_id: int) -> int:
    """One batch of a campaign, then itself again at the time the rate limit allows."""
    result = services.send_next_batch(campaign_id)
    if result["next"] is not None:
        if send_campaign.get_backend().supports_defer:
            send_campaign.using(run_after=result["next"]).enqueue(campaign_id)
        elif result["due_now"]:  # inline backends (tests): no waiting, and never a loop on retries
            send_campaign.enqueue(campaign_id)
    return result["sent"]


@task()
def send_event_mail(registration_id: int, kind: str) -> bool:
    return events.send_registration_mail(registration_id, kind)


@task()
def send_event_reminders() -> int:
    return events.send_due_reminders()
