"""The client directory in the back office: Wagtail snippet viewsets with search and filters."""

import django_filters
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from directory.models import Contact, Directorate, Entity
from directory.portfolio import without_manager
from home.backoffice import GuardedSnippetViewSet


class DirectorateFilterSet(WagtailFilterSet):
    """ "Without a relationship manager": no active manager and no active backup (the mailbox's team
    answers their clients meanwhile)."""

    managed = django_filters.ChoiceFilter(
        label=_("Relationship manager"),
        choices=[("yes", _("Named")), ("no", _("Without a relationship manager"))],
        empty_label=_("All directorates"),
        method="filter_managed",
    )

    class Meta:
        model = Directorate
        fields = ["relationship_manager"]

    def filter_managed(self, queryset, name, value):
        if value == "no":
            return queryset.filter(without_manager())
        if value == "yes":
            return queryset.exclude(without_manager())
        return queryset


class DirectorateViewSet(GuardedSnippetViewSet):
    model = Directorate
    icon = "group"
    menu_label = _("Directorates")
    list_display = ["name", "code", "relationship_manager", "backup_relationship_manager"]
    filterset_class = DirectorateFilterSet
    search_fields = ["name", "code"]
    search_backend_name = None
    ordering = ["name"]
    panels = [
        FieldPanel("code"),
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("relationship_manager"), FieldPanel("backup_relationship_manager")]),
    ]

    def get_queryset(self, request):
        return Directorate.objects.select_related("relationship_manager", "backup_relationship_manager")


class EntityViewSet(GuardedSnippetViewSet):
    model = Entity
    icon = "site"
    menu_label = _("Entities")
    list_display = ["name", "code", "directorate", "client_type", "segment"]
    list_filter = ["directorate", "client_type", "segment"]
    search_fields = ["name", "code", "directorate__name"]
    search_backend_name = None
    list_per_page = 50
    panels = [
        FieldRowPanel([FieldPanel("code"), FieldPanel("name")]),
        FieldPanel("directorate"),
        FieldRowPanel([FieldPanel("client_type"), FieldPanel("segment")]),
        FieldRowPanel([FieldPanel("active_from"), FieldPanel("active_until")]),
    ]

    def get_queryset(self, request):
        return Entity.objects.select_related("directorate")


class ContactViewSet(GuardedSnippetViewSet):
    model = Contact
    icon = "user"
    menu_label = _("Contacts")
    list_display = ["full_name", "email", "entity", "role", "is_correspondent", "is_active"]
    list_filter = ["role", "is_correspondent", "is_active", "entity__directorate", "entity__client_type"]
    search_fields = ["first_name", "last_name", "email", "entity__name"]
    search_backend_name = None
    list_per_page = 50
    panels = [
        FieldRowPanel([FieldPanel("first_name"), FieldPanel("last_name")]),
        FieldRowPanel([FieldPanel("email"), FieldPanel("phone")]),
        FieldPanel("entity"),
        FieldRowPanel([FieldPanel("role"), FieldPanel("job_title")]),
        MultiFieldPanel(
            [FieldPanel("is_correspondent"), FieldPanel("user"), FieldPanel("is_active")],
            heading=_("Portal access"),
        ),
    ]

    def get_queryset(self, request):
        return Contact.objects.select_related("entity__directorate", "user")


class DirectoryViewSetGroup(SnippetViewSetGroup):
    items = (DirectorateViewSet, EntityViewSet, ContactViewSet)
    menu_icon = "group"
    menu_label = _("Client directory")
    menu_name = "client-directory"
    menu_order = 200
