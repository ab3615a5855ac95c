"""The service catalogue as Wagtail pages: index > family > service."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class Maturity(models.TextChoices):
    NOUVEAU = "nouveau", _("New")
    EN_DEPLOIEMENT = "en_deploiement", _("Being deployed")
    MATURE = "mature", _("Mature")
    EN_DECLIN = "en_declin", _("Declining")
    RETIRE = "retire", _("Retired")


class CatalogueIndexPage(Page):
    """The catalogue's home: families, news and events."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["catalogue.FamilyPage"]
    max_count = 1

    class Meta:
        verbose_name = _("catalogue index")


class FamilyPage(Page):
    """A family of services, with its pictogram and colour reused on every view and print."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    colour = models.CharField(_("colour"), max_length=7, default="#1f4e8c", help_text=_("#RRGGBB"))
    pictogram = models.CharField(_("pictogram"), max_length=64, blank=True)
    summary = models.TextField(_("summary"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("code"),
        FieldPanel("summary"),
        FieldPanel("colour"),
        FieldPanel("pictogram"),
    ]
    parent_page_types = ["catalogue.CatalogueIndexPage"]
    subpage_types = ["catalogue.ServicePage"]

    class Meta:
        verbose_name = _("service family")
        verbose_name_plural = _("service families")


class ServicePage(Page):
    """A service, described from the client's side first."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    promise = models.CharField(
        _("promise"), max_length=255, blank=True, help_text=_("One sentence, for the client.")
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

    content_panels = [
        *Page.content_panels,
        FieldPanel("code"),
        FieldPanel("promise"),
        FieldPanel("maturity"),
        FieldPanel("launched_on"),
        FieldPanel("product_manager"),
        FieldPanel("product_manager_email"),
    ]
    parent_page_types = ["catalogue.FamilyPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")

    @property
    def family(self) -> "FamilyPage | None":
        parent = self.get_parent()
        return parent.specific if parent else None
