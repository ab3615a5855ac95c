"""Committees, meetings, interactions and projects in the back office: Wagtail snippet viewsets."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from committees.models import Committee, Interaction, Meeting, Project
from home.backoffice import GuardedSnippetViewSet


class CommitteeViewSet(GuardedSnippetViewSet):
    model = Committee
    icon = "group"
    menu_label = _("Committees")
    list_display = ["name", "directorate", "level", "cadence_months", "is_active"]
    list_filter = ["directorate", "level", "is_active"]
    search_fields = ["name", "directorate__name"]
    search_backend_name = None
    ordering = ["directorate__name", "level", "name"]

    def get_queryset(self, request):
        return Committee.objects.select_related("directorate")


class MeetingViewSet(GuardedSnippetViewSet):
    model = Meeting
    icon = "date"
    menu_label = _("Meetings")
    list_display = ["committee", "scheduled_at", "status", "minutes_published"]
    list_filter = ["status", "minutes_published", "committee__directorate", "committee__level"]
    search_fields = ["committee__name", "agenda"]
    search_backend_name = None
    ordering = ["-scheduled_at"]
    list_per_page = 50

    def get_queryset(self, request):
        return Meeting.objects.select_related("committee")


class InteractionViewSet(GuardedSnippetViewSet):
    model = Interaction
    icon = "mail"
    menu_label = _("Interactions")
    list_display = ["date", "kind", "contact", "author"]
    list_filter = ["kind", "contact__entity__directorate"]
    search_fields = ["contact__last_name", "contact__first_name", "note"]
    search_backend_name = None
    ordering = ["-date"]
    list_per_page = 50

    def get_queryset(self, request):
        return Interaction.objects.select_related("contact", "author")


class ProjectViewSet(GuardedSnippetViewSet):
    model = Project
    icon = "clipboard-list"
    menu_label = _("Projects")
    list_display = ["code", "name", "entity", "status", "created_on", "signed_on"]
    list_filter = ["status", "entity__directorate"]
    search_fields = ["code", "name", "entity__name"]
    search_backend_name = None
    ordering = ["-created_on"]
    list_per_page = 50

    def get_queryset(self, request):
        return Project.objects.select_related("entity")


class CommitteesViewSetGroup(SnippetViewSetGroup):
    items = (CommitteeViewSet, MeetingViewSet, InteractionViewSet, ProjectViewSet)
    menu_icon = "group"
    menu_label = _("Client relationship")
    menu_name = "client-relationship"
    menu_order = 210
