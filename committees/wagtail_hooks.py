from wagtail import hooks
from wagtail.snippets.models import register_snippet

from committees import services
from committees.models import Committee, Meeting
from committees.viewsets import CommitteesViewSetGroup

register_snippet(CommitteesViewSetGroup)


@hooks.register("after_create_snippet")
@hooks.register("after_edit_snippet")
def keep_committees_consistent(request, instance):
    """Meetings edited in the back office go through the same rules as in the portal."""
    if isinstance(instance, Meeting):
        services.invite_members(instance)
        services.sync_meeting(instance, author=request.user)
    elif isinstance(instance, Committee):
        for meeting in instance.meetings.filter(status="planned"):
            services.invite_members(meeting)
