"""Audiences, campaigns, events and the communication plan in the back office (Wagtail snippets)."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from communications.models import Audience, Campaign, Event, PlanItem
from home.backoffice import GuardedSnippetViewSet


class AudienceViewSet(GuardedSnippetViewSet):
    model = Audience
    icon = "group"
    menu_label = _("Audiences")
    list_display = ["name", "created_at"]
    search_fields = ["name", "description"]
    search_backend_name = None
    ordering = ["name"]


class CampaignViewSet(GuardedSnippetViewSet):
    model = Campaign
    icon = "mail"
    menu_label = _("Campaigns")
    list_display = ["title", "kind", "audience", "status", "scheduled_at"]
    list_filter = ["kind", "status"]
    search_fields = ["title", "subject"]
    search_backend_name = None
    ordering = ["-created_at"]

    def get_queryset(self, request):
        return Campaign.objects.select_related("audience")


class EventViewSet(GuardedSnippetViewSet):
    model = Event
    icon = "date"
    menu_label = _("Events")
    list_display = ["title", "kind", "starts_at", "seats", "registration_open"]
    list_filter = ["kind", "registration_open"]
    search_fields = ["title", "location"]
    search_backend_name = None
    ordering = ["-starts_at"]


class PlanItemViewSet(GuardedSnippetViewSet):
    model = PlanItem
    icon = "list-ul"
    menu_label = _("Communication plan")
    list_display = ["date", "subject", "channel", "status", "owner"]
    list_filter = ["channel", "status"]
    search_fields = ["subject", "audience_label"]
    search_backend_name = None
    ordering = ["date"]


class CommunicationsViewSetGroup(SnippetViewSetGroup):
    items = (CampaignViewSet, AudienceViewSet, EventViewSet, PlanItemViewSet)
    menu_icon = "mail"
    menu_label = _("Communication")
    menu_name = "communication"
