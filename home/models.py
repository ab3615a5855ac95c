import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from home.navigation import navigation_for


class HomePage(Page):
    """The intranet's home: a welcome word and the way to each role's screens."""

    headline = models.CharField(_("headline"), max_length=200, blank=True)
    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link", "ol", "ul"])

    content_panels = [*Page.content_panels, FieldPanel("headline"), FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("intranet home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        from directory.selectors import contact_for_user

        context["contact"] = contact_for_user(request.user)
        context["shortcuts"] = [item for item in navigation_for(request) if item["description"]]
        return context


class ReportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Being built")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


def new_token() -> str:
    return secrets.token_urlsafe(24)


def report_path(instance, filename: str) -> str:
    # The token in the path: a file name never tells another user's report (and no /media/ route serves it).
    return f"reports/{instance.kind}/{instance.token}/{filename}"


class GeneratedReport(models.Model):
    """A PDF built in the background for one user (home/reports.py): the dashboard's export, a
    committee's preparation pack. Reached by its unguessable token, only by its owner, and only while
    they may still read the document; reused while `version` (the data it was built from) is current."""

    token = models.CharField(_("token"), max_length=43, unique=True, default=new_token, editable=False)
    kind = models.CharField(_("kind"), max_length=40)
    key = models.CharField(_("parameters key"), max_length=200)
    parameters = models.JSONField(_("parameters"), default=dict)
    language = models.CharField(_("language"), max_length=10, default="fr")
    version = models.CharField(_("data version"), max_length=200)
    # None for a PDF a background task built for itself (an invitation's pack): nobody's to open.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("owner"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.PENDING
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    stage = models.CharField(_("stage"), max_length=40, blank=True)
    # What to do once the PDF is built, declared by the kind (e.g. attach the pack to its meeting).
    follow_up = models.CharField(_("then"), max_length=40, blank=True)
    file = models.FileField(_("file"), upload_to=report_path, max_length=255, blank=True)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    page_count = models.PositiveIntegerField(_("pages"), default=0)
    error = models.TextField(_("error"), blank=True)
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    built_at = models.DateTimeField(_("built at"), null=True, blank=True)
    build_seconds = models.FloatField(_("build time (s)"), null=True, blank=True)

    class Meta:
        verbose_name = _("generated report")
        verbose_name_plural = _("generated reports")
        indexes = [models.Index(fields=["kind", "key", "version"], name="home_report_lookup")]

    def __str__(self):
        return f"{self.kind} {self.key} ({self.get_status_display()})"

    @property
    def is_ready(self) -> bool:
        return self.status == ReportStatus.READY and bool(self.file)

    @property
    def is_building(self) -> bool:
        return self.status in (ReportStatus.PENDING, ReportStatus.RUNNING)
