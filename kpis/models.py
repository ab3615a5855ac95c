"""What the indicators are computed from, beyond requests, meetings and projects: subscriptions."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Subscription(models.Model):
    """An entity's use of a service over time: active at d when start <= d < end (no end: still active)."""

    service = models.ForeignKey(
        "catalogue.ServicePage",
        on_delete=models.CASCADE,
        related_name="subscriptions",
        verbose_name=_("service"),
    )
    entity = models.ForeignKey(
        "directory.Entity", on_delete=models.CASCADE, related_name="subscriptions", verbose_name=_("entity")
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True, help_text=_("Empty: still active."))

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        ordering = ["service", "entity", "start"]
        constraints = [
            models.UniqueConstraint(fields=["service", "entity", "start"], name="kpis_subscription_key"),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gt=models.F("start")),
                name="kpis_subscription_end_after_start",
            ),
        ]
        indexes = [models.Index(fields=["service", "start", "end"]), models.Index(fields=["entity", "start"])]

    def __str__(self):
        return f"{self.service} · {self.entity} ({self.start} → {self.end or '…'})"


class SurveyKind(models.TextChoices):
    BAROMETRE = "barometre", _("Annual barometer")
    POST_DEMANDE = "post_demande", _("After a request")
    CATALOGUE = "catalogue", _("Catalogue and communication")


class Survey(models.Model):
    """A satisfaction survey: the annual barometer, the post-request survey, or the catalogue survey."""

    code = models.CharField(_("code"), max_length=64, unique=True)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=SurveyKind.choices)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    opens_on = models.DateField(_("opens on"), null=True, blank=True)
    closes_on = models.DateField(_("closes on"), null=True, blank=True)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-opens_on", "code"]

    def __str__(self):
        return self.title


class SurveyAnswer(models.Model):
    """One person's answer. Anonymous answers keep the entity (for indicators) and never the contact."""

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="answers", verbose_name=_("survey")
    )
    # Denormalised from the survey: the indicators group answers by kind over millions of rows.
    kind = models.CharField(_("kind"), max_length=20, choices=SurveyKind.choices)
    answered_at = models.DateTimeField(_("answered at"))
    contact = models.ForeignKey(
        "directory.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="survey_answers"
    )
    entity = models.ForeignKey(
        "directory.Entity", null=True, blank=True, on_delete=models.SET_NULL, related_name="survey_answers"
    )
    nps = models.PositiveSmallIntegerField(_("recommendation (0–10)"), null=True, blank=True)
    csat = models.PositiveSmallIntegerField(_("satisfaction (1–5)"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        constraints = [
            models.CheckConstraint(
                condition=Q(nps__isnull=True) | Q(nps__lte=10), name="kpis_answer_nps_0_10"
            ),
            models.CheckConstraint(
                condition=Q(csat__isnull=True) | (Q(csat__gte=1) & Q(csat__lte=5)),
                name="kpis_answer_csat_1_5",
            ),
        ]
        indexes = [
            models.Index(fields=["answered_at", "kind"]),
            models.Index(fields=["entity", "answered_at"]),
        ]

    def __str__(self):
        return f"{self.survey} · {self.answered_at:%Y-%m-%d}"


class TargetDirection(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


class IndicatorTarget(models.Model):
    """The CIO's target for one of the nine dashboard indicators (kpis.dashboard.INDICATORS keys)."""

    key = models.CharField(_("indicator"), max_length=40, unique=True)
    value = models.DecimalField(_("target value"), max_digits=12, decimal_places=2)
    direction = models.CharField(
        _("direction"), max_length=10, choices=TargetDirection.choices, default=TargetDirection.HIGHER
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("indicator target")
        verbose_name_plural = _("indicator targets")
        ordering = ["key"]

    def __str__(self):
        return f"{self.key} {self.get_direction_display()} {self.value}"

    def is_reached(self, value: float | None) -> bool | None:
        """None when the indicator is undefined: a target is neither reached nor missed without data."""
        if value is None:
            return None
        if self.direction == TargetDirection.LOWER:
            return value <= float(self.value)
        return value >= float(self.value)
