from django import forms
from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, ObjectList, TabbedInterface
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from catalogue import richtext
from catalogue.models.choices import Maturity, NeedType
from directory.models import ClientType, Segment


class ClientTypeOption(models.Model):
    """One of directory's client types, as a row so that services can target several of them."""

    code = models.CharField(_("code"), max_length=20, unique=True, choices=ClientType.choices)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("client type")

    def __str__(self):
        return str(ClientType(self.code).label)


class SegmentOption(models.Model):
    """One of directory's segments, as a row so that services can target several of them."""

    code = models.CharField(_("code"), max_length=20, unique=True, choices=Segment.choices)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("segment")

    def __str__(self):
        return str(Segment(self.code).label)


class ServicePage(Page):
    """A service, described from the client's side first; technical details come last."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    promise = models.CharField(
        _("promise"), max_length=255, blank=True, help_text=_("One sentence, for the client.")
    )
    audience = models.CharField(
        _("who it is for"),
        max_length=255,
        blank=True,
        help_text=_("In plain words, e.g. 'Every employee with a computer'."),
    )
    client_types = ParentalManyToManyField(
        ClientTypeOption, blank=True, related_name="services", verbose_name=_("client types")
    )
    segments = ParentalManyToManyField(
        SegmentOption, blank=True, related_name="services", verbose_name=_("segments")
    )
    how_to_ask = RichTextField(_("how to ask for it"), blank=True, features=richtext.FEATURES)
    commitment_delay = models.CharField(
        _("delay"), max_length=200, blank=True, help_text=_("e.g. 'Ready within 5 working days'.")
    )
    # The deadline of the requests on this service when the urgency × importance matrix gives no sooner one.
    commitment_delay_days = models.PositiveSmallIntegerField(
        _("guaranteed response time (business days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_(
            "Requests on this service are answered within this many business days (Monday to Friday, "
            "public holidays excluded), unless the urgency × importance matrix gives a sooner deadline. "
            "Empty: the matrix alone."
        ),
    )
    commitment_hours = models.CharField(
        _("hours"), max_length=200, blank=True, help_text=_("e.g. 'Monday to Friday, 8 am to 6 pm'.")
    )
    commitment_availability = models.CharField(
        _("availability"), max_length=200, blank=True, help_text=_("e.g. 'Available 99.5% of the time'.")
    )
    details = RichTextField(_("details"), blank=True, features=richtext.FEATURES)
    keywords = models.TextField(
        _("keywords and synonyms"),
        blank=True,
        help_text=_(
            "The words clients use for this service, separated by commas: everyday words, English "
            "words, brand and product names, acronyms (e.g. 'laptop, PC, ordi, MacBook'). "
            "Search gives them as much weight as the title."
        ),
    )
    maturity = models.CharField(
        _("maturity"), max_length=20, choices=Maturity.choices, default=Maturity.NOUVEAU
    )
    launched_on = models.DateField(_("launched on"), null=True, blank=True)
    product_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_services",
        verbose_name=_("product manager"),
    )
    # Kept when the product manager has no login yet (imports); linked once a user has that address.
    product_manager_email = models.EmailField(_("product manager's e-mail"), blank=True)

    client_panels = [
        FieldPanel("title"),
        FieldPanel("promise"),
        InlinePanel("benefits", heading=_("Benefits"), label=_("benefit")),
        InlinePanel("strong_points", heading=_("Strong points"), label=_("strong point")),
        MultiFieldPanel(
            [
                FieldPanel("audience"),
                FieldPanel("client_types", widget=forms.CheckboxSelectMultiple),
                FieldPanel("segments", widget=forms.CheckboxSelectMultiple),
            ],
            heading=_("Who it is for"),
        ),
        FieldPanel("how_to_ask"),
        MultiFieldPanel(
            [
                FieldPanel("commitment_delay"),
                FieldPanel("commitment_delay_days"),
                FieldPanel("commitment_hours"),
                FieldPanel("commitment_availability"),
            ],
            heading=_("Commitments"),
        ),
        FieldPanel("details"),
        FieldPanel("keywords"),
    ]
    management_panels = [
        FieldPanel("code"),
        FieldPanel("maturity"),
        FieldPanel("launched_on"),
        FieldPanel("product_manager"),
        FieldPanel("product_manager_email"),
        InlinePanel("related_services", heading=_("Related services"), label=_("related service")),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(client_panels, heading=_("For the client")),
            ObjectList(management_panels, heading=_("Management")),
            ObjectList(Page.promote_panels, heading=_("Promote")),
            ObjectList(Page.settings_panels, heading=_("Settings")),
        ]
    )
    search_fields = [
        *Page.search_fields,
        index.SearchField("promise", boost=2),
        index.SearchField("audience"),
        index.SearchField("details"),
        index.SearchField("search_text"),
        index.SearchField("keywords", boost=3),
        index.AutocompleteField("promise"),
        index.FilterField("maturity"),
        index.FilterField("code"),
    ]
    parent_page_types = ["catalogue.FamilyPage"]
    subpage_types: list[str] = []
    template = "catalogue/service_page.html"

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")

    def save(self, *args, **kwargs):
        self.__dict__.pop("_search_text", None)
        self.how_to_ask = richtext.sanitise(self.how_to_ask)
        self.details = richtext.sanitise(self.details)
        # Wagtail lets a user edit the pages they own under a page where they may add pages:
        # owning their services is what lets product managers edit them (and submit them for moderation).
        if self.product_manager_id:
            self.owner_id = self.product_manager_id
        return super().save(*args, **kwargs)

    @property
    def family(self):
        parent = self.get_parent()
        return parent.specific if parent else None

    def answered_needs(self) -> list[NeedType]:
        """The SPECIFIC needs its benefits answer, once each (uses prefetched benefits)."""
        return list(dict.fromkeys(NeedType(b.need) for b in self.benefits.all() if b.need))

    def search_text(self) -> str:
        """Benefits and strong points, for Wagtail's own search index (the back office's page search)."""
        # The search backend asks for each field several times while indexing one object: compute once
        # (save() and the publish signal clear it).
        if "_search_text" in self.__dict__:
            return self.__dict__["_search_text"]
        texts = [b.text for b in self.benefits.all()] + [s.text for s in self.strong_points.all()]
        value = "\n".join(texts)
        self.__dict__["_search_text"] = value
        return value

    def keyword_list(self) -> list[str]:
        from catalogue.search.text import split_terms

        return split_terms(self.keywords)

    def serve(self, request, *args, **kwargs):
        # A retired service has left the catalogue: its page is gone for visitors (editors still preview
        # it in the back office, and find it in the services listing, filtered by maturity).
        if self.maturity == Maturity.RETIRE:
            raise Http404
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from catalogue import selectors
        from catalogue.links import request_url_for

        context = super().get_context(request, *args, **kwargs)
        context["family"] = self.family
        context["request_url"] = request_url_for(self)
        context["related"] = selectors.related_services(self)
        return context


class ServiceBenefit(Orderable):
    """What the service brings the client, optionally tagged with the need it answers."""

    page = ParentalKey(ServicePage, on_delete=models.CASCADE, related_name="benefits")
    text = models.CharField(_("benefit"), max_length=255)
    need = models.CharField(_("need answered"), max_length=20, choices=NeedType.choices, blank=True)

    panels = [FieldPanel("text"), FieldPanel("need")]

    class Meta(Orderable.Meta):
        verbose_name = _("benefit")
        indexes = [models.Index(fields=["need"])]

    def __str__(self):
        return self.text


class ServiceStrongPoint(Orderable):
    page = ParentalKey(ServicePage, on_delete=models.CASCADE, related_name="strong_points")
    text = models.CharField(_("strong point"), max_length=255)

    panels = [FieldPanel("text")]

    class Meta(Orderable.Meta):
        verbose_name = _("strong point")

    def __str__(self):
        return self.text


class ServiceRelation(Orderable):
    page = ParentalKey(ServicePage, on_delete=models.CASCADE, related_name="related_services")
    service = models.ForeignKey(
        ServicePage, on_delete=models.CASCADE, related_name="+", verbose_name=_("related service")
    )

    panels = [FieldPanel("service")]

    class Meta(Orderable.Meta):
        verbose_name = _("related service")
