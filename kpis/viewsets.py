"""Back-office screens of the indicators' inputs."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.admin.widgets import AdminPageChooser
from wagtail.snippets.views.snippets import SnippetViewSet

from kpis.models import Subscription


class SubscriptionViewSet(SnippetViewSet):
    model = Subscription
    icon = "link"
    menu_label = _("Subscriptions")
    menu_order = 310
    add_to_admin_menu = True
    list_display = ["service", "entity", "start", "end"]
    list_filter = ["service", "entity__directorate", "entity__client_type"]
    search_fields = ["service__title", "service__code", "entity__name", "entity__code"]
    search_backend_name = None
    list_per_page = 50
    panels = [
        FieldPanel("service", widget=AdminPageChooser(target_models=["catalogue.ServicePage"])),
        FieldPanel("entity"),
        FieldRowPanel([FieldPanel("start"), FieldPanel("end")]),
    ]

    def get_queryset(self, request):
        return Subscription.objects.select_related("service", "entity__directorate")
