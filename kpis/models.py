"""What the indicators are computed from, beyond requests, meetings and projects: subscriptions."""

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable

from kpis.aggregate_models import RequestDayCount  # noqa: F401 - the indicators' daily counts


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
        indexes = [
            models.Index(fields=["service", "start", "end"]),
            models.Index(fields=["entity", "start"]),
            # Coverage counts read this index only, never the table rows (kpis/coverage.py).
            models.Index(fields=["service", "entity", "start", "end"], name="kpis_subscription_cover"),
        ]

    def __str__(self):
        return f"{self.service} · {self.entity} ({self.start} → {self.end or '…'})"


class SurveyKind(models.TextChoices):
    BAROMETRE = "barometre", _("Annual barometer")
    POST_DEMANDE = "post_demande", _("After a request")
    CATALOGUE = "catalogue", _("Catalogue and communication")


DEFAULT_NPS_QUESTION = _("Would you recommend the DSI to a colleague?")
DEFAULT_CSAT_QUESTION = _("Overall, how satisfied are you?")
DEFAULT_COMMENT_QUESTION = _("Anything you would like to tell us?")


class Survey(ClusterableModel):
    """A satisfaction survey: the annual barometer, the post-request survey, or the catalogue survey.

    Besides the NPS, CSAT and comment questions (what the indicators read), a survey may hold themed
    questions (`SurveyQuestion`), edited inline in the back office.

    Imported surveys (IMPORT.md) only have the first six fields; the others have defaults, so an
    imported survey is a plain NPS + CSAT + comment survey sent to nobody.
    """

    code = models.CharField(_("code"), max_length=64, unique=True)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=SurveyKind.choices)
    anonymous = models.BooleanField(
        _("anonymous"),
        default=False,
        help_text=_("Anonymous answers keep only the entity and directorate, never the person."),
    )
    opens_on = models.DateField(_("opens on"), null=True, blank=True)
    closes_on = models.DateField(_("closes on"), null=True, blank=True)
    introduction = models.TextField(_("introduction"), blank=True)
    # The questions: NPS (0-10), CSAT (1-5), free text, and an optional multiple choice.
    ask_nps = models.BooleanField(_("ask the recommendation question (NPS)"), default=True)
    nps_question = models.CharField(
        _("NPS question"), max_length=255, blank=True, help_text=_("Empty: the standard question.")
    )
    ask_csat = models.BooleanField(_("ask the satisfaction question (CSAT)"), default=True)
    csat_question = models.CharField(
        _("CSAT question"), max_length=255, blank=True, help_text=_("Empty: the standard question.")
    )
    comment_question = models.CharField(
        _("free-text question"), max_length=255, blank=True, help_text=_("Empty: the standard question.")
    )
    choice_question = models.CharField(_("multiple-choice question"), max_length=255, blank=True)
    choice_options = models.TextField(
        _("multiple-choice options"), blank=True, help_text=_("One option per line.")
    )
    # The audience of a campaign: each criterion that is filled restricts it (empty = everyone).
    directorates = models.ManyToManyField(
        "directory.Directorate", blank=True, related_name="+", verbose_name=_("directorates")
    )
    entities = models.ManyToManyField(
        "directory.Entity", blank=True, related_name="+", verbose_name=_("entities")
    )
    client_types = models.JSONField(_("client types"), default=list, blank=True)
    segments = models.JSONField(_("segments"), default=list, blank=True)
    roles = models.JSONField(_("contact roles"), default=list, blank=True)
    # Sending rules.
    reminder_days = models.CharField(
        _("reminders (days after sending)"),
        max_length=50,
        blank=True,
        default="7,14",
        help_text=_("Campaigns: days after the invitation when those who have not answered are reminded."),
    )
    send_delay_hours = models.PositiveIntegerField(
        _("delay after closing (hours)"),
        default=24,
        help_text=_("After a request: the survey is sent this long after the request is closed."),
    )
    contact_cap_days = models.PositiveIntegerField(
        _("at most one survey per contact every (days)"), default=30
    )
    link_valid_days = models.PositiveIntegerField(_("links valid for (days)"), default=30)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-opens_on", "code"]

    def __str__(self):
        return self.title

    # The standard questions are translated when shown, in the language of whoever reads them.
    @property
    def nps_label(self) -> str:
        return self.nps_question or str(DEFAULT_NPS_QUESTION)

    @property
    def csat_label(self) -> str:
        return self.csat_question or str(DEFAULT_CSAT_QUESTION)

    @property
    def comment_label(self) -> str:
        return self.comment_question or str(DEFAULT_COMMENT_QUESTION)

    @property
    def options(self) -> list[str]:
        return [line.strip() for line in self.choice_options.splitlines() if line.strip()]

    @property
    def reminder_schedule(self) -> list[int]:
        """ "7,14" -> [7, 14]; anything that is not a positive number is ignored."""
        days = {
            int(part) for part in self.reminder_days.replace(";", ",").split(",") if part.strip().isdigit()
        }
        return sorted(day for day in days if day > 0)

    def is_open_on(self, day) -> bool:
        return (self.opens_on is None or self.opens_on <= day) and (
            self.closes_on is None or day <= self.closes_on
        )


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
    choices = models.JSONField(_("options chosen"), default=list, blank=True)
    # Named post-request answers only: the request the answer is about (never kept when anonymous).
    request = models.ForeignKey(
        "requests_box.Request",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="survey_answers",
    )

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


class Theme(models.TextChoices):
    """The themes of the barometer's questions (white paper: quality of service, relationship, media)."""

    QUALITY = "qualite", _("Quality of service")
    RELATIONSHIP = "relation", _("Relationship and listening")
    COMMUNICATION = "communication", _("Communication and information")
    CATALOGUE = "catalogue", _("Catalogue and ease of asking")


class Scale(models.IntegerChoices):
    """A question's scale, by its top score: 1 to 5, or 0 to 10."""

    FIVE = 5, _("1 to 5")
    TEN = 10, _("0 to 10")


class SurveyQuestion(Orderable):
    """A themed question of a survey, scored on its scale (kpis/surveys/barometer.py reads them)."""

    survey = ParentalKey(Survey, on_delete=models.CASCADE, related_name="questions", verbose_name=_("survey"))
    theme = models.CharField(_("theme"), max_length=20, choices=Theme.choices)
    text = models.CharField(_("question"), max_length=255)
    scale = models.PositiveSmallIntegerField(_("scale"), choices=Scale.choices, default=Scale.FIVE)

    class Meta(Orderable.Meta):
        verbose_name = _("themed question")
        verbose_name_plural = _("themed questions")

    def __str__(self):
        return self.text

    @property
    def low(self) -> int:
        return 1 if self.scale == Scale.FIVE else 0

    @property
    def values(self) -> range:
        return range(self.low, self.scale + 1)


class SurveyScore(models.Model):
    """One answer's score to one themed question, on the question's scale."""

    answer = models.ForeignKey(SurveyAnswer, on_delete=models.CASCADE, related_name="scores")
    question = models.ForeignKey(SurveyQuestion, on_delete=models.CASCADE, related_name="scores")
    value = models.PositiveSmallIntegerField(_("score"))

    class Meta:
        verbose_name = _("themed score")
        verbose_name_plural = _("themed scores")
        constraints = [
            models.UniqueConstraint(fields=["answer", "question"], name="kpis_score_once"),
            models.CheckConstraint(condition=Q(value__lte=10), name="kpis_score_0_10"),
        ]

    def __str__(self):
        return f"{self.question_id}: {self.value}"


class SurveyThemeComment(models.Model):
    """A comment given about one theme of a survey (the answer's general comment stays on the answer)."""

    answer = models.ForeignKey(SurveyAnswer, on_delete=models.CASCADE, related_name="theme_comments")
    theme = models.CharField(_("theme"), max_length=20, choices=Theme.choices)
    text = models.TextField(_("comment"))

    class Meta:
        verbose_name = _("comment on a theme")
        verbose_name_plural = _("comments on a theme")
        constraints = [models.UniqueConstraint(fields=["answer", "theme"], name="kpis_theme_comment_once")]

    def __str__(self):
        return f"{self.get_theme_display()}: {self.text[:40]}"


class TargetDirection(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


def describe_target(direction: str, value) -> str:
    """ "at least 20" / "at most 5.5", in the active language."""
    from django.template.defaultfilters import floatformat

    shown = floatformat(value, "-2")
    if direction == TargetDirection.LOWER:
        return _("at most %(value)s") % {"value": shown}
    return _("at least %(value)s") % {"value": shown}


class Target(models.Model):
    """What a target is, whoever it belongs to: a value, a direction, who set it last."""

    value = models.DecimalField(_("target value"), max_digits=12, decimal_places=2)
    direction = models.CharField(
        _("direction"), max_length=10, choices=TargetDirection.choices, default=TargetDirection.HIGHER
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        abstract = True

    def is_reached(self, value: float | None) -> bool | None:
        """None when the indicator is undefined: a target is neither reached nor missed without data."""
        if value is None:
            return None
        if self.direction == TargetDirection.LOWER:
            return value <= float(self.value)
        return value >= float(self.value)


class IndicatorTarget(Target):
    """The CIO's target for one of the ten dashboard indicators (kpis.dashboard.INDICATORS keys)."""

    key = models.CharField(_("indicator"), max_length=40, unique=True)

    class Meta:
        verbose_name = _("indicator target")
        verbose_name_plural = _("indicator targets")
        ordering = ["key"]

    def __str__(self):
        return f"{self.key} {self.get_direction_display()} {self.value}"


class DirectorateTarget(Target):
    """A directorate's own target for one dashboard indicator; without one, the company's applies."""

    directorate = models.ForeignKey(
        "directory.Directorate",
        on_delete=models.CASCADE,
        related_name="indicator_targets",
        verbose_name=_("directorate"),
    )
    key = models.CharField(_("indicator"), max_length=40)

    class Meta:
        verbose_name = _("directorate target")
        verbose_name_plural = _("directorate targets")
        ordering = ["directorate", "key"]
        constraints = [
            models.UniqueConstraint(fields=["directorate", "key"], name="kpis_directoratetarget_key"),
        ]

    def __str__(self):
        return f"{self.directorate_id} {self.key} {self.get_direction_display()} {self.value}"


class TargetChange(models.Model):
    """The history of the targets: one row per change, never updated (value empty: target removed)."""

    directorate = models.ForeignKey(
        "directory.Directorate",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("directorate"),
        help_text=_("Empty: the company's target."),
    )
    key = models.CharField(_("indicator"), max_length=40)
    value = models.DecimalField(_("target value"), max_digits=12, decimal_places=2, null=True, blank=True)
    direction = models.CharField(_("direction"), max_length=10, choices=TargetDirection.choices)
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)
    changed_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("target change")
        verbose_name_plural = _("target changes")
        ordering = ["-changed_at", "-pk"]

    def __str__(self):
        return f"{self.changed_at:%Y-%m-%d %H:%M} {self.directorate_id or '-'} {self.key} {self.value}"


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Scheduled")
    SENT = "sent", _("Sent")
    ANSWERED = "answered", _("Answered")
    CANCELLED = "cancelled", _("Cancelled")
    SKIPPED = "skipped", _("Not sent")


class SurveyInvitation(models.Model):
    """One person's one-time link to a survey: its token, when it is due, sent, reminded and answered.

    The answer of an anonymous survey has no link back here: the invitation only records that it was
    used (not when), so that reminders skip the people who answered.
    """

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("survey")
    )
    contact = models.ForeignKey(
        "directory.Contact",
        on_delete=models.CASCADE,
        related_name="survey_invitations",
        verbose_name=_("contact"),
    )
    # Kept for the response rate by directorate and client type.
    entity = models.ForeignKey(
        "directory.Entity", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    request = models.ForeignKey(
        "requests_box.Request",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="survey_invitations",
        verbose_name=_("request"),
    )
    token = models.CharField(max_length=64, unique=True, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=InvitationStatus.choices, default=InvitationStatus.PENDING
    )
    status_reason = models.CharField(_("reason"), max_length=100, blank=True)
    due_at = models.DateTimeField(_("due at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        ordering = ["-due_at"]
        constraints = [
            # A campaign invites each person once; post-request invitations are one per request.
            models.UniqueConstraint(
                fields=["survey", "contact"],
                condition=Q(request__isnull=True),
                name="kpis_invitation_campaign_once",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_at"]),
            models.Index(fields=["contact", "sent_at"]),
            models.Index(fields=["survey", "status"]),
        ]

    def __str__(self):
        return f"{self.survey} · {self.contact} ({self.get_status_display()})"


class SurveyFollowUp(models.Model):
    """A task for the relationship manager after a low score: call the client back and check satisfaction."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="follow_ups")
    answer = models.OneToOneField(
        SurveyAnswer, null=True, blank=True, on_delete=models.CASCADE, related_name="follow_up"
    )
    # Empty for an anonymous survey: only the entity is known.
    contact = models.ForeignKey(
        "directory.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    entity = models.ForeignKey(
        "directory.Entity", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    request = models.ForeignKey(
        "requests_box.Request", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=200)
    due_on = models.DateField(_("due on"))
    created = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("survey follow-up")
        verbose_name_plural = _("survey follow-ups")
        ordering = ["done_at", "due_on", "pk"]
        indexes = [models.Index(fields=["done_at", "due_on"])]

    def __str__(self):
        return f"{self.reason} ({self.due_on})"


class DataChange(models.Model):
    """A change to the data behind the indicators (kpis/freshness.py): the newest row's time counts.

    Kept in the database, not in a per-process cache, so that the web workers and the background
    worker agree on whether a stored computation is still current. Rows are only inserted (no hot
    row to lock) and the older ones pruned."""

    changed_at = models.DateTimeField(_("changed at"), db_index=True)

    class Meta:
        verbose_name = _("indicator data change")

    def __str__(self) -> str:
        return self.changed_at.isoformat()


class IndicatorSnapshot(models.Model):
    """One computation (indicators of a period, a chart's series) kept until the data changes.

    `computed_at` is when the computation started: the data it reflects. A snapshot older than the
    last data change is stale: the dashboard shows it, says so, and a background task recomputes it."""

    key = models.CharField(_("key"), max_length=255, unique=True)
    computed_at = models.DateTimeField(_("computed at"))
    refresh_requested_at = models.DateTimeField(_("refresh requested at"), null=True, blank=True)
    data = models.JSONField(_("data"), encoder=DjangoJSONEncoder)

    class Meta:
        verbose_name = _("indicator snapshot")
        verbose_name_plural = _("indicator snapshots")

    def __str__(self) -> str:
        return self.key
