from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.models import Page
from wagtail.search import index

from catalogue.forms import FamilyPageForm
from catalogue.pictograms import COLOUR_RE, is_available


def readable_text_colour(colour: str) -> str:
    """Black or white, whichever reads better on the colour (WCAG relative luminance)."""
    if not COLOUR_RE.match(colour or ""):
        return "#ffffff"
    channels = []
    for i in (1, 3, 5):
        c = int(colour[i : i + 2], 16) / 255
        channels.append(c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4)
    luminance = 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]
    return "#1d2430" if luminance > 0.18 else "#ffffff"


class FamilyPage(Page):
    """A family of services, with its pictogram and colour reused on every view and print."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    colour = models.CharField(
        _("colour"),
        max_length=7,
        default="#1f4e8c",
        help_text=_("#RRGGBB"),
        validators=[RegexValidator(COLOUR_RE, _("Enter a colour as #RRGGBB."))],
    )
    pictogram = models.CharField(_("pictogram"), max_length=64, blank=True)
    # An uploaded pictogram, sanitised SVG markup; takes precedence over the shipped one.
    pictogram_svg = models.TextField(_("uploaded pictogram"), blank=True, editable=False)
    summary = models.TextField(_("summary"), blank=True)

    base_form_class = FamilyPageForm
    content_panels = [
        *Page.content_panels,
        FieldPanel("code"),
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldPanel("colour"),
                FieldPanel("pictogram"),
                FieldPanel("pictogram_file"),
                FieldPanel("remove_uploaded_pictogram"),
            ],
            heading=_("Pictogram and colour"),
        ),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.FilterField("code")]
    parent_page_types = ["catalogue.CatalogueIndexPage"]
    subpage_types = ["catalogue.ServicePage"]
    template = "catalogue/family_page.html"

    class Meta:
        verbose_name = _("service family")
        verbose_name_plural = _("service families")

    def clean(self):
        super().clean()
        if self.pictogram and not is_available(self.pictogram):
            raise ValidationError({"pictogram": _("Unknown pictogram.")})

    @property
    def text_colour(self) -> str:
        return readable_text_colour(self.colour)

    def get_context(self, request, *args, **kwargs):
        from catalogue import selectors

        context = super().get_context(request, *args, **kwargs)
        context["services"] = selectors.LazyValue(lambda: selectors.services_of_family(self))
        context["catalogue_version"] = selectors.catalogue_version()
        return context
