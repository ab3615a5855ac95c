"""The DSI's communication with its clients: audiences, campaigns and their deliveries, events, the plan.

- `Audience`: filters on the directory; its members are computed (communications/audiences.py).
- `Unsubscription`: a contact who no longer wants one kind of communication; respected at every send.
- `Campaign` and `Delivery`: one row per (campaign, contact), claimed before its mail leaves, so a
  campaign never reaches the same person twice, even when a worker restarts midway.
- `Event` and `Registration`: seats, waiting list, attendance.
- `PlanItem`: the yearly communication plan, linked to the campaigns and events that carry it out.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel

from communications.forms import AudienceAdminForm, CampaignAdminForm
from directory.models import ClientType, Contact, ContactRole, Directorate, Entity, Segment


class CommunicationKind(models.TextChoices):
    """What a contact can unsubscribe from, one by one."""

    ANNOUNCEMENT = "annonce", _("Announcements")
    NEWSLETTER = "lettre", _("Newsletter")
    EVENT = "evenement", _("Event invitations")


class Audience(models.Model):
    """Whom a communication is for: filters on the directory. Within one filter any value matches; a
    contact must match every filter that is set. No filter at all: every active contact."""

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    directorates = models.ManyToManyField(
        Directorate, blank=True, related_name="+", verbose_name=_("directorates")
    )
    entities = models.ManyToManyField(Entity, blank=True, related_name="+", verbose_name=_("entities"))
    client_types = models.JSONField(_("client types"), default=list, blank=True)
    segments = models.JSONField(_("segments"), default=list, blank=True)
    roles = models.JSONField(_("contact roles"), default=list, blank=True)
    services = models.ManyToManyField(
        "catalogue.ServicePage",
        blank=True,
        related_name="+",
        verbose_name=_("subscribers of these services"),
    )
    families = models.ManyToManyField(
        "catalogue.FamilyPage",
        blank=True,
        related_name="+",
        verbose_name=_("subscribers of a service of these families"),
    )
    excluded_contacts = models.ManyToManyField(
        Contact, blank=True, related_name="+", verbose_name=_("excluded contacts")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    base_form_class = AudienceAdminForm
    panels = [
        FieldPanel("name"),
        FieldPanel("description"),
        MultiFieldPanel(
            [
                FieldPanel("directorates"),
                FieldPanel("entities"),
                FieldPanel("client_types"),
                FieldPanel("segments"),
                FieldPanel("roles"),
            ],
            heading=_("Who, in the directory"),
        ),
        MultiFieldPanel([FieldPanel("services"), FieldPanel("families")], heading=_("Service subscribers")),
        FieldPanel("excluded_contacts"),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("audience")
        verbose_name_plural = _("audiences")

    def __str__(self):
        return self.name

    @staticmethod
    def choices_for(field: str):
        return {
            "client_types": ClientType.choices,
            "segments": Segment.choices,
            "roles": ContactRole.choices,
        }[field]


class Unsubscription(models.Model):
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="unsubscriptions", verbose_name=_("contact")
    )
    kind = models.CharField(_("kind of communication"), max_length=20, choices=CommunicationKind.choices)
    at = models.DateTimeField(_("at"), default=timezone.now)
    # The campaign whose link was followed, if any: counted in its measures.
    campaign = models.ForeignKey(
        "Campaign", null=True, blank=True, on_delete=models.SET_NULL, related_name="unsubscriptions"
    )

    class Meta:
        verbose_name = _("unsubscription")
        verbose_name_plural = _("unsubscriptions")
        constraints = [models.UniqueConstraint(fields=["contact", "kind"], name="communications_unsub_once")]

    def __str__(self):
        return f"{self.contact} · {self.get_kind_display()}"


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("Scheduled")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    CANCELLED = "cancelled", _("Cancelled")


class Campaign(models.Model):
    """A mailing composed from catalogue content, sent to an audience through the background worker."""

    title = models.CharField(_("internal title"), max_length=200)
    kind = models.CharField(
        _("kind of communication"),
        max_length=20,
        choices=CommunicationKind.choices,
        default=CommunicationKind.ANNOUNCEMENT,
    )
    subject = models.CharField(
        _("e-mail subject"), max_length=200, help_text=_("Merge fields: {{ first_name }}, {{ entity }}.")
    )
    intro = models.TextField(
        _("introduction"),
        blank=True,
        help_text=_(
            "Plain text; a blank line starts a paragraph. Merge fields: {{ first_name }}, {{ last_name }}, "
            "{{ entity }}, {{ directorate }}."
        ),
    )
    audience = models.ForeignKey(
        Audience,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="campaigns",
        verbose_name=_("audience"),
    )
    services = models.ManyToManyField(
        "catalogue.ServicePage", blank=True, related_name="+", verbose_name=_("services presented")
    )
    news_pages = models.ManyToManyField(
        "catalogue.CatalogueNewsPage", blank=True, related_name="+", verbose_name=_("news and events")
    )
    link_leaflet = models.BooleanField(_("link the printed leaflet"), default=False)
    scheduled_at = models.DateTimeField(
        _("send at"), null=True, blank=True, help_text=_("Empty: as soon as it is queued.")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    queued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)

    base_form_class = CampaignAdminForm
    panels = [
        FieldRowPanel([FieldPanel("title"), FieldPanel("kind")]),
        FieldPanel("audience"),
        FieldPanel("subject"),
        FieldPanel("intro"),
        MultiFieldPanel(
            [FieldPanel("services"), FieldPanel("news_pages"), FieldPanel("link_leaflet")],
            heading=_("Catalogue content"),
        ),
        FieldPanel("scheduled_at"),
    ]

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")

    def __str__(self):
        return self.title

    @property
    def is_editable(self) -> bool:
        return self.status == CampaignStatus.DRAFT


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Delivered")
    FAILED = "failed", _("Failed")
    BOUNCED = "bounced", _("Bounced")
    SKIPPED = "skipped", _("Skipped (unsubscribed)")


class Delivery(models.Model):
    """One contact of one campaign. Claimed (pending → sending) before the mail leaves: a row left
    "sending" by a lost worker is never sent again (at most once per person)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="deliveries")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="deliveries")
    email = models.CharField(_("e-mail"), max_length=254)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    bounced_at = models.DateTimeField(_("bounced at"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "contact"], name="communications_delivery_once")
        ]
        indexes = [models.Index(fields=["campaign", "status", "id"], name="communications_delivery_todo")]

    def __str__(self):
        return f"{self.campaign} → {self.email}"


class Click(models.Model):
    """A click on a link of a campaign's mail (counted by the redirect; no tracking pixel)."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="clicks")
    url = models.CharField(max_length=500)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("click")
        verbose_name_plural = _("clicks")

    def __str__(self):
        return self.url


class EventKind(models.TextChoices):
    TECHDAY = "techday", _("Techday")
    TRAINING = "formation", _("Training")
    OPEN_DAY = "portes_ouvertes", _("Open day")


class Event(models.Model):
    """An event of the DSI for its clients, with a seat limit and a waiting list."""

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices, default=EventKind.TECHDAY)
    news_page = models.ForeignKey(
        "catalogue.CatalogueNewsPage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("news page"),
    )
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    seats = models.PositiveIntegerField(_("seats"), default=30)
    registration_open = models.BooleanField(_("registration open"), default=True)

    panels = [
        FieldRowPanel([FieldPanel("title"), FieldPanel("kind")]),
        FieldPanel("news_page"),
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
        FieldRowPanel([FieldPanel("location"), FieldPanel("seats")]),
        FieldPanel("registration_open"),
    ]

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self):
        return self.title

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The event must end after it starts.")})


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    WAITING = "waiting", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


class Registration(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="event_registrations")
    status = models.CharField(_("status"), max_length=12, choices=RegistrationStatus.choices)
    registered_at = models.DateTimeField(_("registered at"), default=timezone.now)
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)

    class Meta:
        ordering = ["registered_at", "id"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(fields=["event", "contact"], name="communications_registration_once")
        ]

    def __str__(self):
        return f"{self.event} · {self.contact}"


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    NEWSLETTER = "lettre", _("Newsletter")
    INTRANET = "intranet", _("Intranet news")
    PRINT = "imprime", _("Printed document")
    EVENT = "evenement", _("Event")
    COMMITTEE = "comite", _("Committee")


class PlanStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class PlanItem(models.Model):
    """One planned communication of the year."""

    date = models.DateField(_("date"))
    subject = models.CharField(_("subject"), max_length=200)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    audience = models.ForeignKey(
        Audience,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("audience"),
    )
    audience_label = models.CharField(
        _("audience (in words)"), max_length=200, blank=True, help_text=_("When no saved audience fits.")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("owner"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.PLANNED
    )
    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.SET_NULL, related_name="plan_items",
        verbose_name=_("campaign"),
    )  # fmt: skip
    event = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="plan_items",
        verbose_name=_("event"),
    )  # fmt: skip

    panels = [
        FieldRowPanel([FieldPanel("date"), FieldPanel("channel"), FieldPanel("status")]),
        FieldPanel("subject"),
        FieldRowPanel([FieldPanel("audience"), FieldPanel("audience_label")]),
        FieldPanel("owner"),
        FieldRowPanel([FieldPanel("campaign"), FieldPanel("event")]),
    ]

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("communication plan item")
        verbose_name_plural = _("communication plan")

    def __str__(self):
        return f"{self.date:%d/%m/%Y} · {self.subject}"
