"""The functional mailbox: client requests, their messages and history, and what intake set aside."""

from django.conf import settings
from django.db import connection, models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from directory.models import ClientType


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    WEB = "web", _("Web form")
    TELEPHONE = "telephone", _("Telephone")
    RENDEZ_VOUS = "rendez_vous", _("Meeting")
    INTRANET = "intranet", _("Intranet")
    COURRIER = "courrier", _("Letter")


# The channels a relationship manager records by hand after a contact outside the portal.
MANUAL_CHANNELS = (Channel.TELEPHONE, Channel.RENDEZ_VOUS, Channel.COURRIER, Channel.INTRANET)


class Kind(models.TextChoices):
    SIMPLE = "simple", _("Simple")
    COMPLEXE = "complexe", _("Complex")
    PROJET = "projet", _("Project")
    RECLAMATION = "reclamation", _("Complaint")


class Status(models.TextChoices):
    # A context of their own: "New" is "Nouveau" for a service and "Nouvelle" for a request.
    NEW = "new", pgettext_lazy("request status", "New")
    QUALIFIED = "qualified", pgettext_lazy("request status", "Qualified")
    ASSIGNED = "assigned", pgettext_lazy("request status", "Assigned")
    IN_PROGRESS = "in_progress", pgettext_lazy("request status", "In progress")
    WAITING_CLIENT = "waiting_client", pgettext_lazy("request status", "Waiting for the client")
    RESOLVED = "resolved", pgettext_lazy("request status", "Resolved")
    CLOSED = "closed", pgettext_lazy("request status", "Closed")
    REOPENED = "reopened", pgettext_lazy("request status", "Reopened")
    CANCELLED = "cancelled", pgettext_lazy("request status", "Cancelled by the client")


# A request is finished in these statuses: no deadline runs, it leaves the work queues.
FINISHED = (Status.RESOLVED, Status.CLOSED, Status.CANCELLED)


class Grievance(models.TextChoices):
    """The nature of a complaint's grievance, recorded when it is codified (complaint method, phase 2)."""

    TECHNIQUE = "technique", _("Technical")
    RELATIONNELLE = "relationnelle", _("Relational")
    TACTIQUE = "tactique", _("Tactical")


class ResponseType(models.TextChoices):
    EMAIL = "email", _("E-mail")
    RENDEZ_VOUS = "rendez_vous", _("Meeting")
    TELEPHONE = "telephone", _("Telephone")
    VISITE = "visite", _("Visit")
    LIVRAISON = "livraison", _("Delivered change")


class RelatedReason(models.TextChoices):
    """Why intake opened a new request next to an existing one instead of adding the mail to it."""

    THIRD_PARTY = "third_party", _("reply from a third party")
    UNVERIFIED = "unverified", _("reply from an unverified sender")


class ReferenceCounter(models.Model):
    """The last reference number handed out for a year; one row per year, incremented atomically."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last}"

    @classmethod
    def next_reference(cls, year: int) -> str:
        """Allocate REQ-YYYY-NNNNNN. Must run inside a transaction: the UPDATE locks the row until commit."""
        assert transaction.get_connection().in_atomic_block, "allocate references inside a transaction"  # noqa: S101
        table = connection.ops.quote_name(cls._meta.db_table)
        sql = f"UPDATE {table} SET last = last + 1 WHERE year = %s RETURNING last"  # noqa: S608
        with connection.cursor() as cursor:
            # UPDATE … RETURNING (SQLite >= 3.35, PostgreSQL): increment and read in one locked statement.
            cursor.execute(sql, [year])
            row = cursor.fetchone()
            if row is None:  # first request of the year: create the row (get_or_create survives a race)
                cls.objects.get_or_create(year=year)
                cursor.execute(sql, [year])
                row = cursor.fetchone()
        return f"REQ-{year}-{row[0]:06d}"


class Team(models.Model):
    """A team of the DSI that requests can be given to (a product team, the service desk…)."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="request_teams", verbose_name=_("members")
    )
    email = models.EmailField(
        _("team e-mail"),
        blank=True,
        help_text=_("Optional: told of every request given to the team."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self):
        return self.name


class Request(models.Model):
    """A client request, whatever channel it came through, with its deadline and status."""

    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    # The number another tool gave the request (imported history, IMPORT.md); empty for the portal's own.
    external_reference = models.CharField(_("external reference"), max_length=64, blank=True, editable=False)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, default=Channel.EMAIL)
    contact = models.ForeignKey(
        "directory.Contact",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="requests",
        verbose_name=_("contact"),
    )
    # Empty while the sender is unknown: the relationship manager links it (and the indicators follow).
    entity = models.ForeignKey(
        "directory.Entity",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="requests",
        verbose_name=_("entity"),
    )
    sender_email = models.EmailField(_("sender's e-mail"), blank=True)
    sender_name = models.CharField(_("sender's name"), max_length=200, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="submitted_requests",
        verbose_name=_("submitted by"),
        help_text=_("The portal user who filled the web form, or the relationship manager who typed it."),
    )
    service = models.ForeignKey(
        "catalogue.ServicePage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="requests",
        verbose_name=_("service"),
    )
    subject = models.CharField(_("subject"), max_length=255)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.SIMPLE)
    urgent = models.BooleanField(_("urgent"), default=False)
    important = models.BooleanField(_("important"), default=False)
    requested_deadline = models.DateField(_("deadline asked by the client"), null=True, blank=True)
    deadline = models.DateTimeField(_("answer deadline"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_requests",
        verbose_name=_("assignee"),
    )
    team = models.ForeignKey(
        Team,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="requests",
        verbose_name=_("team"),
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    # Set at resolution: resolved by `deadline` (which already moved later by the time waited for the
    # client). Empty while open, and for imported history given without a deadline (it does not count).
    deadline_met = models.BooleanField(_("deadline met"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    response_type = models.CharField(
        _("type of answer"), max_length=20, choices=ResponseType.choices, blank=True
    )
    # The deadline clock: paused while waiting for the client (the deadline moves by the time waited).
    waiting_since = models.DateTimeField(_("waiting for the client since"), null=True, blank=True)
    paused_seconds = models.PositiveIntegerField(_("time waited for the client (s)"), default=0)
    # 75 % of the allowed time; kept in the row so the "breaching soon" queue is one indexed filter.
    warning_at = models.DateTimeField(_("deadline warning at"), null=True, blank=True)
    warning_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    breach_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Complaints: codification, forwarding, re-satisfaction check.
    cause = models.ForeignKey(
        "requests_box.ComplaintCause",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="requests",
        verbose_name=_("cause"),
    )
    founded = models.BooleanField(_("founded complaint"), null=True, blank=True)
    grievance = models.CharField(
        _("nature of the grievance"), max_length=20, choices=Grievance.choices, blank=True
    )
    # Phase 3: the DSI team or person the complaint was forwarded to (or sent a copy of the answer).
    forwarded_team = models.ForeignKey(
        Team,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="forwarded_complaints",
        verbose_name=_("forwarded to the team"),
    )
    forwarded_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="forwarded_complaints",
        verbose_name=_("forwarded to"),
    )
    serious = models.BooleanField(_("serious complaint"), default=False)
    satisfaction_checked_at = models.DateTimeField(_("satisfaction checked at"), null=True, blank=True)
    satisfaction_note = models.TextField(_("re-satisfaction check"), blank=True)
    callback_due = models.DateField(_("call the client back on"), null=True, blank=True)
    callback_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Intake's checks (MAIL.md): a mail claiming an internal domain that the receiving server's checks
    # failed is held for a human; it is linked to no contact until the sender is confirmed.
    sender_unverified = models.BooleanField(_("unverified sender"), default=False)
    # A request opened from a mail that answered another one without being allowed into its thread.
    related_to = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="related_requests",
        verbose_name=_("related to"),
    )
    related_reason = models.CharField(
        _("why it is related"), max_length=20, choices=RelatedReason.choices, blank=True
    )
    # Optimistic concurrency: every change through the services bumps it.
    version = models.PositiveIntegerField(default=0, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        indexes = [
            models.Index(fields=["received_at"]),
            # The indicators select requests resolved in a period (processing times, response types).
            models.Index(fields=["resolved_at", "kind"]),
            # "Engagements tenus": requests resolved in a period that had a deadline.
            models.Index(fields=["resolved_at", "deadline_met"]),
            models.Index(fields=["entity", "received_at"]),
            models.Index(fields=["service", "received_at"]),
            models.Index(fields=["status"]),
            models.Index(fields=["kind", "received_at"]),
            models.Index(fields=["sender_email"]),
            models.Index(fields=["status", "warning_at"]),
            models.Index(fields=["assignee", "status"]),
            models.Index(fields=["team", "status"]),
            models.Index(fields=["callback_due", "satisfaction_checked_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["external_reference"],
                condition=~models.Q(external_reference=""),
                name="requests_box_request_external_reference_unique",
            )
        ]

    def __str__(self):
        return f"{self.reference} {self.subject}"

    def get_absolute_url(self) -> str:
        return reverse("requests_box:request_detail", args=[self.reference])

    @property
    def is_open(self) -> bool:
        return self.status not in FINISHED

    def deadline_state(self, now=None) -> str:
        """ "" (on time), "warning" (75 % of the allowed time used) or "breach"; paused while waiting."""
        if not self.is_open or self.status == Status.WAITING_CLIENT:
            return ""
        now = now or timezone.now()
        if now >= self.deadline:
            return "breach"
        if self.warning_at and now >= self.warning_at:
            return "warning"
        return ""

    @property
    def sender_unknown(self) -> bool:
        return self.entity_id is None


class Direction(models.TextChoices):
    INBOUND = "inbound", _("From the client")
    OUTBOUND = "outbound", _("To the client")
    NOTE = "note", _("Internal note")


class Message(models.Model):
    """One message of a request: the client's mail or form, our answers, internal notes."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="messages")
    direction = models.CharField(max_length=10, choices=Direction.choices, default=Direction.INBOUND)
    channel = models.CharField(max_length=20, choices=Channel.choices, default=Channel.EMAIL)
    message_id = models.CharField(_("Message-ID"), max_length=255, blank=True, db_index=True)
    sender = models.CharField(_("from"), max_length=255, blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    headers = models.TextField(_("headers"), blank=True)
    text = models.TextField(_("text"), blank=True)
    # Sanitised with nh3 at intake; never the raw HTML of the mail.
    safe_html = models.TextField(_("HTML (sanitised)"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["sent_at", "pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self):
        return self.subject or self.get_direction_display()


def attachment_path(instance, filename: str) -> str:
    now = timezone.now()
    return f"requests/attachments/{now:%Y/%m}/{filename}"


class Attachment(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=127)
    size = models.PositiveBigIntegerField(_("size"))
    inline = models.BooleanField(_("inline image"), default=False)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.original_name


class EventKind(models.TextChoices):
    CREATED = "created", _("Request created")
    REPLY = "reply", _("Message added")
    ACKNOWLEDGED = "acknowledged", _("Acknowledgement sent")
    LINKED = "linked", _("Sender linked to a contact")
    RELEASED = "released", _("Released from quarantine")
    STATUS = "status", _("Status changed")
    QUALIFIED = "qualified", _("Qualified")
    ASSIGNED = "assigned", _("Assigned")
    ANSWERED = "answered", _("Answer sent to the client")
    NOTE = "note", _("Internal note added")
    ROUTED = "routed", _("Routed by a rule")
    WARNING = "warning", _("Deadline warning")
    BREACH = "breach", _("Deadline breached")
    FORWARDED = "forwarded", _("Forwarded to the DSI team concerned")
    COPIED = "copied", _("Copy of the answer sent to the DSI team concerned")
    SATISFACTION = "satisfaction", _("Re-satisfaction check recorded")
    NOTIFIED = "notified", _("Assignee notified by e-mail")
    CALLBACK = "callback", _("Call-back reminder sent")
    HELD = "held", _("Held for a human's check at intake")
    SENDER_CONFIRMED = "sender_confirmed", _("Sender confirmed")
    MESSAGE_ID_REUSED = "message_id_reused", _("Message-ID already used by another mail")


class RequestEvent(models.Model):
    """The history of a request: who did what, when."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    detail = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("history event")
        verbose_name_plural = _("history events")

    def __str__(self):
        return f"{self.get_kind_display()} ({self.at:%Y-%m-%d %H:%M})"


class Outcome(models.TextChoices):
    CREATED = "created", _("created")
    REPLY = "reply", _("reply")
    IGNORED = "ignored", _("ignored")
    QUARANTINED = "quarantined", _("quarantined")


class MailReceipt(models.Model):
    """Every mail taken in, once: the unique key makes a second intake of the same mail a duplicate."""

    # The mail's identity (MAIL.md, "Same mail"): sha256 of its Message-ID and its content digest.
    # Receipts written before that rule hold sha256 of the Message-ID alone (or of the raw bytes).
    dedup_key = models.CharField(max_length=64, unique=True)
    message_id = models.CharField(max_length=255, blank=True, db_index=True)
    # sha256 of what does not change between deliveries (decoded parts, Date); "" on older receipts.
    content_digest = models.CharField(max_length=64, blank=True)
    # The first mail taken in with the same Message-ID and another content: a reused Message-ID.
    reuses = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("reuses the Message-ID of"),
    )
    sender_email = models.CharField(max_length=254, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    source = models.CharField(max_length=500, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    request = models.ForeignKey(Request, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # The mail exactly as received, for a mail taken in as a request or a reply (quarantined and
    # ignored mails keep theirs in their own tables): nothing of it is lost to the parsing.
    # Kept in the row, written with it in the batch's one INSERT: atomic with the request, and no file
    # to open per mail (a file per mail cost a sixth of the intake's time).
    raw = models.BinaryField(_("original message (.eml)"), blank=True, default=b"")

    class Meta:
        indexes = [models.Index(fields=["sender_email", "received_at"])]

    def __str__(self):
        return f"{self.source} {self.outcome}"


class Participant(models.Model):
    """An address of a request's thread (the requester, and whoever was in To or Cc of its mails): they may
    reply into it by mail. Anyone else's reply opens a new, related request (MAIL.md)."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="participants")
    email = models.CharField(max_length=254)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["request", "email"], name="requests_box_participant_unique")
        ]
        indexes = [models.Index(fields=["email"])]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")

    def __str__(self):
        return self.email


def raw_mail_path(instance, filename: str) -> str:
    now = timezone.now()
    return f"requests/raw/{now:%Y/%m}/{filename}"


class QuarantineStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    RELEASED = "released", _("Released into a request")
    DISCARDED = "discarded", _("Discarded")


class QuarantinedMessage(models.Model):
    """A mail that could not become a request by itself, kept whole (raw bytes) with the reason."""

    raw = models.FileField(upload_to=raw_mail_path, max_length=255)
    size = models.PositiveBigIntegerField(_("size"))
    reason = models.CharField(_("reason"), max_length=255)
    source = models.CharField(_("source"), max_length=500, blank=True)
    sender = models.CharField(_("from"), max_length=255, blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=20, choices=QuarantineStatus.choices, default=QuarantineStatus.PENDING
    )
    discard_reason = models.TextField(_("reason for discarding"), blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    request = models.ForeignKey(Request, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("quarantined message")
        verbose_name_plural = _("quarantined messages")
        indexes = [models.Index(fields=["status", "received_at"])]

    def __str__(self):
        return self.subject or self.reason


class IgnoredMessage(models.Model):
    """An automatic mail (auto-reply, bounce, list, loop): kept and listed; never a request nor answered."""

    raw = models.FileField(upload_to=raw_mail_path, max_length=255)
    reason = models.CharField(_("reason"), max_length=40)
    source = models.CharField(_("source"), max_length=500, blank=True)
    message_id = models.CharField(max_length=255, blank=True)
    sender = models.CharField(_("from"), max_length=255, blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("ignored message")
        verbose_name_plural = _("ignored messages")
        indexes = [models.Index(fields=["received_at"])]

    def __str__(self):
        return self.subject or self.reason


class ComplaintCause(models.Model):
    """A cause of complaint, from a list the relationship manager edits."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("complaint cause")
        verbose_name_plural = _("complaint causes")

    def __str__(self):
        return self.name


class PreventiveAction(models.Model):
    """A preventive action decided from the complaint tables, linked to the complaints behind it."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    decided_on = models.DateField(_("decided on"), default=timezone.localdate)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("owner"),
    )
    done = models.BooleanField(_("done"), default=False)
    complaints = models.ManyToManyField(
        Request,
        blank=True,
        related_name="preventive_actions",
        verbose_name=_("complaints"),
        limit_choices_to={"kind": "reclamation"},
    )

    class Meta:
        ordering = ["-decided_on", "-pk"]
        verbose_name = _("preventive action")
        verbose_name_plural = _("preventive actions")

    def __str__(self):
        return self.title


class RoutingRule(models.Model):
    """Ordered intake rules: the first active rule whose conditions all hold routes the request."""

    name = models.CharField(_("name"), max_length=120)
    order = models.PositiveIntegerField(_("order"), default=100)
    active = models.BooleanField(_("active"), default=True)
    # Conditions (empty: any)
    service = models.ForeignKey(
        "catalogue.ServicePage",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("service"),
    )
    family = models.ForeignKey(
        "catalogue.FamilyPage",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("service family"),
    )
    directorate = models.ForeignKey(
        "directory.Directorate",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("directorate"),
    )
    client_type = models.CharField(_("client type"), max_length=20, choices=ClientType.choices, blank=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, blank=True)
    sender_domain = models.CharField(
        _("sender's domain"), max_length=120, blank=True, help_text=_("e.g. finances.example.fr")
    )
    subject_words = models.CharField(
        _("words in the subject"),
        max_length=255,
        blank=True,
        help_text=_("Comma-separated; any of them matches (case-insensitive)."),
    )
    # Actions
    assign_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("assign to"),
    )
    assign_to_team = models.ForeignKey(
        Team,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("assign to the team"),
    )
    assign_to_product_manager = models.BooleanField(
        _("assign to the service's product manager"), default=False
    )
    set_kind = models.CharField(_("set the type"), max_length=20, choices=Kind.choices, blank=True)
    set_urgent = models.BooleanField(_("mark urgent"), default=False)
    set_important = models.BooleanField(_("mark important"), default=False)
    notify = models.CharField(
        _("notify"), max_length=500, blank=True, help_text=_("Comma-separated e-mail addresses.")
    )

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")

    def __str__(self):
        return f"{self.order}. {self.name}"
