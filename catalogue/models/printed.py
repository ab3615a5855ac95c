from django.db import models
from django.utils.translation import gettext_lazy as _


class PrintKind(models.TextChoices):
    CATALOGUE = "catalogue", _("Full catalogue")
    SHEET = "sheet", _("Product sheet")
    POSTER = "poster", _("Synopsis poster")
    LEAFLET = "leaflet", _("Leaflet")


class PrintStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Being built")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class PrintedDocument(models.Model):
    """A generated PDF of published content, kept until the catalogue's version changes.

    One row per document (a product sheet per service code); `version` is the catalogue version the
    PDF was (or is being) built from, so publishing anything makes it stale. Editors' draft previews
    (latest revisions, drafts included) have rows of their own (`draft`), never served as published.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=PrintKind.choices)
    service_code = models.CharField(_("service code"), max_length=32, blank=True, default="")
    draft = models.BooleanField(
        _("draft preview"), default=False, help_text=_("Built from the latest revisions, drafts included.")
    )
    version = models.CharField(_("catalogue version"), max_length=100, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=PrintStatus.choices, default=PrintStatus.PENDING
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    file = models.FileField(_("file"), upload_to="catalogue/print/", blank=True)
    page_count = models.PositiveIntegerField(_("pages"), default=0)
    error = models.TextField(_("error"), blank=True)
    requested_at = models.DateTimeField(_("requested at"), null=True, blank=True)
    built_at = models.DateTimeField(_("built at"), null=True, blank=True)
    build_seconds = models.FloatField(_("build time (s)"), null=True, blank=True)

    class Meta:
        verbose_name = _("printed document")
        verbose_name_plural = _("printed documents")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "service_code", "draft"], name="catalogue_printed_document_unique"
            )
        ]

    def __str__(self):
        label = f"{self.get_kind_display()} {self.service_code}".strip()
        return f"{label} ({_('draft')})" if self.draft else label

    @property
    def is_ready(self) -> bool:
        return self.status == PrintStatus.READY and bool(self.file)
