"""Client committees, their meetings and action plans, the contact log (interactions) and projects."""

from datetime import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField


class Level(models.TextChoices):
    STRATEGIQUE = "strategique", _("Strategic")
    TACTIQUE = "tactique", _("Tactical")
    OPERATIONNEL = "operationnel", _("Operational")


class Cadence(models.IntegerChoices):
    """How often a committee meets, in months."""

    MONTHLY = 1, _("Monthly")
    BIMONTHLY = 2, _("Every two months")
    QUARTERLY = 3, _("Quarterly")
    HALF_YEARLY = 6, _("Every six months")
    YEARLY = 12, _("Yearly")


class Committee(ClusterableModel):
    """A regular meeting with one client directorate, at one of the three levels."""

    name = models.CharField(_("name"), max_length=200)
    directorate = models.ForeignKey(
        "directory.Directorate",
        on_delete=models.PROTECT,
        related_name="committees",
        verbose_name=_("directorate"),
    )
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    cadence_months = models.PositiveSmallIntegerField(
        _("cadence"), choices=Cadence.choices, default=Cadence.QUARTERLY
    )
    starts_on = models.DateField(
        _("first meeting on"), help_text=_("Later meetings are planned from this date and the cadence.")
    )
    meeting_time = models.TimeField(_("usual time"), default=time(10, 0))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=90)
    location = models.CharField(_("usual location"), max_length=200, blank=True)
    purpose = models.TextField(_("purpose"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("directorate")]),
        FieldRowPanel([FieldPanel("level"), FieldPanel("cadence_months"), FieldPanel("is_active")]),
        FieldRowPanel([FieldPanel("starts_on"), FieldPanel("meeting_time"), FieldPanel("duration_minutes")]),
        FieldPanel("location"),
        FieldPanel("purpose"),
        InlinePanel("members", heading=_("Members"), label=_("member")),
    ]

    class Meta:
        ordering = ["directorate__name", "level", "name"]
        verbose_name = _("committee")
        verbose_name_plural = _("committees")
        constraints = [
            models.UniqueConstraint(fields=["directorate", "name"], name="committees_committee_unique_name")
        ]

    def __str__(self):
        return self.name


class CommitteeMember(models.Model):
    """A standing member: a contact of the client directorate or a member of the DSI staff."""

    committee = ParentalKey(Committee, on_delete=models.CASCADE, related_name="members")
    contact = models.ForeignKey(
        "directory.Contact",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="committee_memberships",
        verbose_name=_("client contact"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="committee_memberships",
        verbose_name=_("DSI staff member"),
    )
    role = models.CharField(_("role in the committee"), max_length=100, blank=True)

    panels = [FieldRowPanel([FieldPanel("contact"), FieldPanel("user"), FieldPanel("role")])]

    class Meta:
        verbose_name = _("committee member")
        verbose_name_plural = _("committee members")
        constraints = [
            models.CheckConstraint(
                condition=Q(contact__isnull=False, user__isnull=True)
                | Q(contact__isnull=True, user__isnull=False),
                name="committees_member_contact_xor_user",
            ),
            models.UniqueConstraint(
                fields=["committee", "contact"],
                condition=Q(contact__isnull=False),
                name="committees_member_unique_contact",
            ),
            models.UniqueConstraint(
                fields=["committee", "user"],
                condition=Q(user__isnull=False),
                name="committees_member_unique_user",
            ),
        ]

    def __str__(self):
        return str(self.contact or (self.user.get_full_name() or self.user.get_username()))

    def clean(self):
        if bool(self.contact_id) == bool(self.user_id):
            raise ValidationError(_("Choose either a client contact or a DSI staff member."))


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class Meeting(ClusterableModel):
    """One sitting of a committee."""

    committee = models.ForeignKey(
        Committee, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("committee")
    )
    scheduled_at = models.DateTimeField(_("date and time"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=90)
    location = models.CharField(_("location"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    agenda = models.TextField(_("agenda"), blank=True, help_text=_("One item per line."))
    minutes = RichTextField(_("minutes"), blank=True)
    minutes_published = models.BooleanField(
        _("minutes published"),
        default=False,
        help_text=_("Published minutes are visible to the business users of the directorate."),
    )

    panels = [
        FieldPanel("committee"),
        FieldRowPanel([FieldPanel("scheduled_at"), FieldPanel("duration_minutes"), FieldPanel("location")]),
        FieldPanel("status"),
        FieldPanel("agenda"),
        MultiFieldPanel([FieldPanel("minutes"), FieldPanel("minutes_published")], heading=_("Minutes")),
        InlinePanel("decisions", heading=_("Decisions"), label=_("decision")),
        InlinePanel("actions", heading=_("Actions"), label=_("action")),
    ]

    class Meta:
        ordering = ["-scheduled_at"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        indexes = [models.Index(fields=["committee", "scheduled_at"]), models.Index(fields=["scheduled_at"])]

    def __str__(self):
        local = timezone.localtime(self.scheduled_at)
        return f"{self.committee} · {local:%d/%m/%Y}"

    @property
    def ends_at(self):
        return self.scheduled_at + timezone.timedelta(minutes=self.duration_minutes)

    @property
    def local_date(self):
        return timezone.localtime(self.scheduled_at).date()


class Attendance(models.Model):
    """A person invited to a meeting, and whether they were there."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    contact = models.ForeignKey(
        "directory.Contact", null=True, blank=True, on_delete=models.CASCADE, related_name="attendances"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="attendances"
    )
    present = models.BooleanField(_("present"), default=False)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [
            models.CheckConstraint(
                condition=Q(contact__isnull=False, user__isnull=True)
                | Q(contact__isnull=True, user__isnull=False),
                name="committees_attendance_contact_xor_user",
            ),
            models.UniqueConstraint(
                fields=["meeting", "contact"],
                condition=Q(contact__isnull=False),
                name="committees_attendance_unique_contact",
            ),
            models.UniqueConstraint(
                fields=["meeting", "user"],
                condition=Q(user__isnull=False),
                name="committees_attendance_unique_user",
            ),
        ]

    def __str__(self):
        return self.person_name

    @property
    def person_name(self) -> str:
        if self.contact_id:
            return self.contact.full_name
        return self.user.get_full_name() or self.user.get_username()

    @property
    def email(self) -> str:
        return self.contact.email if self.contact_id else self.user.email


class Decision(models.Model):
    meeting = ParentalKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField(_("decision"))
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    panels = [FieldPanel("text")]

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self):
        return self.text[:80]


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Action(models.Model):
    """An item of a committee's action plan, followed from one meeting to the next."""

    meeting = ParentalKey(
        Meeting, on_delete=models.CASCADE, related_name="actions", verbose_name=_("decided at")
    )
    title = models.CharField(_("action"), max_length=255)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="committee_actions",
        verbose_name=_("owner"),
    )
    due_on = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    project = models.ForeignKey(
        "committees.Project",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actions",
        verbose_name=_("project"),
    )
    service = models.ForeignKey(
        "catalogue.ServicePage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="committee_actions",
        verbose_name=_("service"),
    )
    request = models.ForeignKey(
        "requests_box.Request",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="committee_actions",
        verbose_name=_("request"),
    )
    carried_to = models.ManyToManyField(
        Meeting, through="ActionCarryOver", related_name="carried_over_actions", blank=True
    )

    panels = [
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("owner"), FieldPanel("due_on"), FieldPanel("status")]),
        FieldRowPanel([FieldPanel("project"), FieldPanel("service")]),
    ]

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        indexes = [models.Index(fields=["status", "due_on"]), models.Index(fields=["owner", "status"])]

    def __str__(self):
        return self.title

    def is_overdue(self, on=None) -> bool:
        return self.status == ActionStatus.OPEN and self.due_on < (on or timezone.localdate())


class ActionCarryOver(models.Model):
    """An open action put on the agenda of a later meeting, and whether it was late by then."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="carry_overs")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="carry_overs")
    was_overdue = models.BooleanField(_("overdue when carried over"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["action", "meeting"], name="committees_carryover_unique")
        ]

    def __str__(self):
        return f"{self.action} → {self.meeting}"


class InteractionKind(models.TextChoices):
    COMITE = "comite", _("Committee")
    RENDEZ_VOUS = "rendez_vous", _("Appointment")
    VISITE = "visite", _("Visit")
    TELEPHONE = "telephone", _("Phone call")


# The kinds that count as "client met" (a phone call does not).
MET_KINDS = (InteractionKind.COMITE, InteractionKind.RENDEZ_VOUS, InteractionKind.VISITE)


class Interaction(models.Model):
    """One time the DSI was in touch with a client contact: the contact log."""

    date = models.DateField(_("date"), db_index=True)
    kind = models.CharField(_("kind"), max_length=20, choices=InteractionKind.choices)
    contact = models.ForeignKey(
        "directory.Contact", on_delete=models.CASCADE, related_name="interactions", verbose_name=_("contact")
    )
    note = models.TextField(_("note"), blank=True)
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="interactions"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="recorded_interactions",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    panels = [
        FieldRowPanel([FieldPanel("date"), FieldPanel("kind")]),
        FieldPanel("contact"),
        FieldPanel("note"),
    ]

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        constraints = [
            models.UniqueConstraint(fields=["date", "kind", "contact"], name="committees_interaction_unique")
        ]
        indexes = [models.Index(fields=["kind", "date"]), models.Index(fields=["contact", "date"])]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.contact} · {self.date:%d/%m/%Y}"


class ProjectStatus(models.TextChoices):
    EN_ETUDE = "en_etude", _("Under study")
    SIGNE = "signe", _("Signed")
    EN_COURS = "en_cours", _("In progress")
    LIVRE = "livre", _("Delivered")
    ABANDONNE = "abandonne", _("Abandoned")


class Project(models.Model):
    """A project for a client entity: new projects and signatures feed the indicators."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=255)
    entity = models.ForeignKey(
        "directory.Entity", on_delete=models.PROTECT, related_name="projects", verbose_name=_("entity")
    )
    service = models.ForeignKey(
        "catalogue.ServicePage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
        verbose_name=_("service"),
    )
    created_on = models.DateField(_("created on"), default=timezone.localdate, db_index=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True, db_index=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.EN_ETUDE
    )
    description = models.TextField(_("description"), blank=True)
    source_request = models.OneToOneField(
        "requests_box.Request",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="project",
        verbose_name=_("from the request"),
    )

    panels = [
        FieldRowPanel([FieldPanel("code"), FieldPanel("name")]),
        FieldRowPanel([FieldPanel("entity"), FieldPanel("service")]),
        FieldRowPanel([FieldPanel("created_on"), FieldPanel("signed_on"), FieldPanel("status")]),
        FieldPanel("description"),
    ]

    class Meta:
        ordering = ["-created_on", "code"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        indexes = [models.Index(fields=["entity", "signed_on"])]

    def __str__(self):
        return f"{self.code} · {self.name}"

    def clean(self):
        if self.signed_on and self.created_on and self.signed_on < self.created_on:
            raise ValidationError({"signed_on": _("A project cannot be signed before it was created.")})


def pack_path(instance, filename: str) -> str:
    return f"committees/packs/{timezone.now():%Y/%m}/{filename}"


class MeetingPack(models.Model):
    """The preparation pack attached to a meeting: the PDF as it was built, and the period it covers."""

    meeting = models.OneToOneField(
        Meeting, on_delete=models.CASCADE, related_name="pack", verbose_name=_("meeting")
    )
    file = models.FileField(_("file"), upload_to=pack_path, max_length=255)
    period_start = models.DateTimeField(_("period from"))
    period_end = models.DateTimeField(_("period to"))
    built_at = models.DateTimeField(_("built at"), default=timezone.now)
    built_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("built by"),
    )
    build_seconds = models.FloatField(_("build time (s)"), default=0)

    class Meta:
        verbose_name = _("preparation pack")
        verbose_name_plural = _("preparation packs")

    def __str__(self):
        return f"{self.meeting} · {self.built_at:%Y-%m-%d}"
