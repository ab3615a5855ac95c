from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets import ListingButton
from wagtail.snippets.models import register_snippet

from communications import access
from communications.models import Audience, Campaign, Event
from communications.viewsets import CommunicationsViewSetGroup

register_snippet(CommunicationsViewSetGroup)


@hooks.register("register_snippet_listing_buttons")
def portal_buttons(snippet, user, next_url=None):
    """From the back office to the portal page where a campaign is previewed, tested, sent and followed."""
    if isinstance(snippet, Campaign):
        yield ListingButton(
            _("Preview, test, send"), reverse("communications:campaign_detail", args=[snippet.pk]), priority=5
        )
    elif isinstance(snippet, Audience) and access.can_manage_audiences(user):
        yield ListingButton(
            _("Members"), reverse("communications:audience_detail", args=[snippet.pk]), priority=5
        )
    elif isinstance(snippet, Event):
        yield ListingButton(
            _("Registrations"), reverse("communications:event_detail", args=[snippet.pk]), priority=5
        )


@hooks.register("after_create_snippet")
def remember_author(request, instance):
    if isinstance(instance, Campaign) and instance.created_by_id is None:
        Campaign.objects.filter(pk=instance.pk).update(created_by=request.user)
