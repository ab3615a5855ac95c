from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from catalogue import richtext


class CatalogueIndexPage(Page):
    """The catalogue's home: families, news and events."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["catalogue.FamilyPage", "catalogue.SynopsisPage", "catalogue.CatalogueNewsPage"]
    max_count = 1
    template = "catalogue/catalogue_index_page.html"

    class Meta:
        verbose_name = _("catalogue index")

    def save(self, *args, **kwargs):
        self.intro = richtext.sanitise(self.intro)
        return super().save(*args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from catalogue import selectors

        context = super().get_context(request, *args, **kwargs)
        context["families"] = selectors.LazyValue(lambda: selectors.families_with_counts(self))
        context["news"] = selectors.LazyValue(lambda: selectors.latest_news(self))
        context["synopsis"] = selectors.LazyValue(lambda: selectors.synopsis_page(self))
        context["catalogue_version"] = selectors.catalogue_version()
        return context


class SynopsisPage(Page):
    """The whole offer on one screen, by family, as printed on the poster."""

    intro = models.CharField(_("introduction"), max_length=255, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["catalogue.CatalogueIndexPage"]
    subpage_types: list[str] = []
    max_count = 1
    template = "catalogue/synopsis_page.html"

    class Meta:
        verbose_name = _("catalogue synopsis")

    def get_context(self, request, *args, **kwargs):
        from catalogue import selectors

        context = super().get_context(request, *args, **kwargs)
        context["families"] = selectors.LazyValue(lambda: selectors.synopsis(self.get_parent()))
        context["catalogue_version"] = selectors.catalogue_version()
        return context


class NewsKind(models.TextChoices):
    NEWS = "news", _("News")
    EVENT = "event", _("Event")


class CatalogueNewsPage(Page):
    """A news item or an event (e.g. a Techday) shown on the catalogue's home."""

    kind = models.CharField(_("kind"), max_length=10, choices=NewsKind.choices, default=NewsKind.NEWS)
    date = models.DateField(_("date"), help_text=_("Publication date, or the day of the event."))
    starts_at = models.DateTimeField(_("starts at"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    summary = models.CharField(_("summary"), max_length=255, blank=True)
    body = RichTextField(_("body"), blank=True, features=richtext.FEATURES)

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("kind"), FieldPanel("date")]),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]), FieldPanel("location")],
            heading=_("Event"),
        ),
        FieldPanel("summary"),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["catalogue.CatalogueIndexPage"]
    subpage_types: list[str] = []
    template = "catalogue/catalogue_news_page.html"

    class Meta:
        verbose_name = _("catalogue news or event")
        verbose_name_plural = _("catalogue news and events")

    def save(self, *args, **kwargs):
        self.body = richtext.sanitise(self.body)
        return super().save(*args, **kwargs)
