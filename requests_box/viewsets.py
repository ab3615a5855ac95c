"""The mailbox's settings in the back office: teams, routing rules, complaint causes, preventive actions."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from home.backoffice import GuardedSnippetViewSet
from requests_box.forms import staff_queryset
from requests_box.models import ComplaintCause, PreventiveAction, RoutingRule, Team


class RoutingRuleViewSet(GuardedSnippetViewSet):
    model = RoutingRule
    icon = "arrows-up-down"
    menu_label = _("Routing rules")
    list_display = ["order", "name", "active", "assign_to", "assign_to_team"]
    list_filter = ["active"]
    search_fields = ["name"]
    search_backend_name = None
    ordering = ["order", "pk"]
    panels = [
        FieldRowPanel([FieldPanel("order"), FieldPanel("name"), FieldPanel("active")]),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("service"), FieldPanel("family")]),
                FieldRowPanel([FieldPanel("directorate"), FieldPanel("client_type")]),
                FieldRowPanel([FieldPanel("kind"), FieldPanel("sender_domain")]),
                FieldPanel("subject_words"),
            ],
            heading=_("Conditions (all must hold; empty means any)"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [
                        FieldPanel("assign_to"),
                        FieldPanel("assign_to_team"),
                        FieldPanel("assign_to_product_manager"),
                    ]
                ),
                FieldRowPanel(
                    [FieldPanel("set_kind"), FieldPanel("set_urgent"), FieldPanel("set_important")]
                ),
                FieldPanel("notify"),
            ],
            heading=_("Actions"),
        ),
    ]

    def get_queryset(self, request):
        return RoutingRule.objects.select_related("assign_to", "assign_to_team")


class TeamViewSet(GuardedSnippetViewSet):
    model = Team
    icon = "group"
    menu_label = _("Teams")
    list_display = ["name", "email", "active"]
    list_filter = ["active"]
    search_fields = ["name"]
    search_backend_name = None
    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("email"), FieldPanel("active")]),
        FieldPanel("members", widget=forms.CheckboxSelectMultiple),
    ]

    def get_form_class(self, for_update=False):
        form_class = super().get_form_class(for_update)
        # Only the DSI's staff can be members: relationship and product managers.
        form_class.base_fields["members"].queryset = staff_queryset()
        return form_class


class ComplaintCauseViewSet(GuardedSnippetViewSet):
    model = ComplaintCause
    icon = "warning"
    menu_label = _("Complaint causes")
    list_display = ["name", "active"]
    search_fields = ["name"]
    search_backend_name = None
    panels = [FieldPanel("name"), FieldPanel("active")]


class PreventiveActionViewSet(GuardedSnippetViewSet):
    model = PreventiveAction
    icon = "tick"
    menu_label = _("Preventive actions")
    list_display = ["title", "decided_on", "owner", "done"]
    list_filter = ["done"]
    search_fields = ["title", "description"]
    search_backend_name = None
    panels = [
        FieldPanel("title"),
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("decided_on"), FieldPanel("owner"), FieldPanel("done")]),
        FieldPanel("complaints"),
    ]


class MailboxViewSetGroup(SnippetViewSetGroup):
    items = (TeamViewSet, RoutingRuleViewSet, ComplaintCauseViewSet, PreventiveActionViewSet)
    menu_icon = "mail"
    menu_label = _("Functional mailbox")
    menu_name = "functional-mailbox"
    menu_order = 250
