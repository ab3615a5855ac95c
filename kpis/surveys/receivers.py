"""The surveys listen to the mailbox: a closed request schedules its survey, a reopened one cancels it."""

from django.dispatch import receiver

from requests_box.signals import request_status_changed

CLOSED = "closed"
REOPENED = "reopened"


@receiver(request_status_changed, dispatch_uid="kpis_surveys_request_status_changed")
def on_request_status_changed(sender, request, old_status, new_status, actor=None, **kwargs):
    from kpis.surveys import services

    if new_status == CLOSED:
        services.schedule_post_request_survey(request=request)
    elif new_status == REOPENED:
        services.cancel_post_request_survey(request=request)
