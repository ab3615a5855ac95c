"""The shared reference: the DSI's internal clients (directorates, entities) and the people in them."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ClientType(models.TextChoices):
    METIER = "metier", _("Business line")
    FONCTIONNELLE = "fonctionnelle", _("Support function")
    FILIALE = "filiale", _("Subsidiary")
    EXTERNE = "externe", _("External client")


class Segment(models.TextChoices):
    COEUR_DE_CIBLE = "coeur_de_cible", _("Core target")
    CIBLE_SENSIBLE = "cible_sensible", _("Sensitive target")
    AVOCAT = "avocat", _("Advocate")
    STANDARD = "standard", _("Standard")


class ContactRole(models.TextChoices):
    """The client-individual's role in a purchase decision (see the seeds' 002 document)."""

    STRATEGIE = "strategie", _("Strategist")
    PRESCRIPTEUR = "prescripteur", _("Prescriber")
    UTILISATEUR = "utilisateur", _("User")
    PAYEUR = "payeur", _("Payer")
    ACHETEUR = "acheteur", _("Buyer")
    DECIDEUR = "decideur", _("Decision maker")


class Directorate(models.Model):
    """A business or support directorate of the company: the DSI's internal client."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    # The DSI's relationship manager in charge of this directorate, and who stands in for them.
    relationship_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_directorates",
        limit_choices_to={"groups__name": "relationship_managers"},
        verbose_name=_("relationship manager"),
    )
    backup_relationship_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="backup_directorates",
        limit_choices_to={"groups__name": "relationship_managers"},
        verbose_name=_("backup relationship manager"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("directorate")
        verbose_name_plural = _("directorates")

    def __str__(self):
        return self.name


class Entity(models.Model):
    """A unit inside a directorate (department, site, subsidiary)."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    directorate = models.ForeignKey(
        Directorate, on_delete=models.PROTECT, related_name="entities", verbose_name=_("directorate")
    )
    client_type = models.CharField(_("client type"), max_length=20, choices=ClientType.choices)
    segment = models.CharField(_("segment"), max_length=20, choices=Segment.choices, default=Segment.STANDARD)
    # An entity is "in the company" at a date d when active_from <= d < active_until (empty = unbounded);
    # the coverage indicators divide by the entities in the company at a date.
    active_from = models.DateField(_("in the company since"), null=True, blank=True)
    active_until = models.DateField(_("left the company on"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("entity")
        verbose_name_plural = _("entities")
        indexes = [models.Index(fields=["directorate", "client_type"])]

    def __str__(self):
        return self.name


class Contact(models.Model):
    """A person at a client entity (interlocuteur), linked to a login when the person uses the portal."""

    email = models.EmailField(_("e-mail"))
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    entity = models.ForeignKey(
        Entity, on_delete=models.PROTECT, related_name="contacts", verbose_name=_("entity")
    )
    role = models.CharField(
        _("role"), max_length=20, choices=ContactRole.choices, default=ContactRole.UTILISATEUR
    )
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    is_correspondent = models.BooleanField(
        _("directorate correspondent"),
        default=False,
        help_text=_(
            "The directorate's correspondent sees the requests and indicators of the whole directorate."
        ),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contact",
        verbose_name=_("portal login"),
    )
    # Never deleted when the person leaves (their requests and history stay): deactivated instead,
    # by hand or by the directory sync (accounts/sync/).
    is_active = models.BooleanField(
        pgettext_lazy("contact", "active"),
        default=True,
        help_text=_("Unticked when the person has left the company; their requests and history stay."),
    )

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [models.UniqueConstraint(Lower("email"), name="directory_contact_email_ci_unique")]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        # Addresses are compared case-insensitively everywhere (mail intake, imports, login matching).
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()
