"""Background work of the committees app: sending meeting invitations."""

from django.contrib.auth import get_user_model
from django_tasks import task

from committees import services
from committees.models import Meeting


@task()
def send_meeting_invitations(
    meeting_id: int, organizer_id: int | None = None, with_pack: bool = False
) -> int:
    meeting = Meeting.objects.select_related("committee").get(pk=meeting_id)
    organizer = get_user_model().objects.filter(pk=organizer_id).first() if organizer_id else None
    return services.send_invitations(meeting, organizer=organizer, with_pack=with_pack)
