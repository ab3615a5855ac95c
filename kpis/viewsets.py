"""Back-office screens of the indicators' inputs."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.admin.widgets import AdminPageChooser

from directory.models import ClientType, ContactRole, Segment
from home.backoffice import GuardedSnippetViewSet
from kpis.models import Subscription, Survey


class SubscriptionViewSet(GuardedSnippetViewSet):
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


class SurveyForm(WagtailAdminModelForm):
    """The audience's client types, segments and roles are lists kept in JSON fields: tick boxes here."""

    client_types = forms.MultipleChoiceField(
        label=_("client types"),
        choices=ClientType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    segments = forms.MultipleChoiceField(
        label=_("segments"), choices=Segment.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    roles = forms.MultipleChoiceField(
        label=_("contact roles"),
        choices=ContactRole.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def clean(self):
        cleaned = super().clean()
        opens_on, closes_on = cleaned.get("opens_on"), cleaned.get("closes_on")
        if opens_on and closes_on and closes_on < opens_on:
            self.add_error("closes_on", _("The survey must close after it opens."))
        if not cleaned.get("ask_nps") and not cleaned.get("ask_csat"):
            self.add_error("ask_csat", _("Ask at least the NPS or the CSAT question."))
        return cleaned


class SurveyViewSet(GuardedSnippetViewSet):
    model = Survey
    icon = "form"
    menu_label = _("Surveys")
    menu_order = 320
    add_to_admin_menu = True
    list_display = ["title", "code", "kind", "opens_on", "closes_on", "anonymous"]
    list_filter = ["kind", "anonymous"]
    search_fields = ["title", "code"]
    search_backend_name = None
    list_per_page = 50
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("title"), FieldPanel("code")]),
                    FieldRowPanel([FieldPanel("kind"), FieldPanel("anonymous")]),
                    FieldRowPanel([FieldPanel("opens_on"), FieldPanel("closes_on")]),
                    FieldPanel("introduction"),
                ],
                heading=_("Survey"),
            ),
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("ask_nps"), FieldPanel("nps_question")]),
                    FieldRowPanel([FieldPanel("ask_csat"), FieldPanel("csat_question")]),
                    FieldPanel("comment_question"),
                    FieldPanel("choice_question"),
                    FieldPanel("choice_options"),
                ],
                heading=_("Questions"),
            ),
            InlinePanel(
                "questions",
                heading=_("Themed questions (barometer)"),
                label=_("Question"),
                help_text=_(
                    "Grouped by theme on the form, each scored on its scale. Removing a question removes "
                    "its scores: change the questions before the survey is sent."
                ),
                panels=[FieldPanel("theme"), FieldPanel("text"), FieldPanel("scale")],
            ),
            MultiFieldPanel(
                [
                    FieldPanel("directorates", widget=forms.CheckboxSelectMultiple),
                    FieldPanel("entities"),
                    FieldPanel("client_types"),
                    FieldPanel("segments"),
                    FieldPanel("roles"),
                ],
                heading=_("Audience (barometer and catalogue surveys)"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("reminder_days"),
                    FieldRowPanel([FieldPanel("send_delay_hours"), FieldPanel("contact_cap_days")]),
                    FieldPanel("link_valid_days"),
                ],
                heading=_("Sending"),
            ),
        ],
        base_form_class=SurveyForm,
    )
