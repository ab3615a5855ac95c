"""Company sign-in and directory sync: the role mapping, who signed in how, what the sync knows.

- `RoleMapping`: a directory group (LDAP) or a groups-claim value (OpenID Connect) gives a portal role;
  edited in the back office by the technical administrator.
- `ExternalIdentity`: the directory account behind a portal login (LDAP DN or OIDC subject).
- `DirectoryRecord`: the directory entry behind a contact, with what the sync needs to find it again.
- `DirectorySyncRun`: one run of `sync_directory`, with its counts and the changes it made.
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from directory import roles
from directory.models import Contact


class PortalRole(models.TextChoices):
    RELATIONSHIP_MANAGERS = roles.RELATIONSHIP_MANAGERS, _("Relationship manager")
    PRODUCT_MANAGERS = roles.PRODUCT_MANAGERS, _("Product manager")
    CIO = roles.CIO, _("CIO")
    EDITORS = roles.EDITORS, _("Catalogue editor")
    # Not a group: the `is_correspondent` flag of the person's contact.
    CORRESPONDENT = "directorate_correspondent", _("Directorate correspondent")


class RoleMapping(models.Model):
    """Members of a directory group hold a portal role, given or taken back at each sign-in."""

    group = models.CharField(
        _("directory group"),
        max_length=500,
        help_text=_(
            "The group's name (e.g. GG-Relais-RRC), its full LDAP DN, or the value the identity "
            "provider sends in the groups claim (Microsoft Entra ID: the group's object ID). "
            "Case does not matter."
        ),
    )
    role = models.CharField(_("portal role"), max_length=40, choices=PortalRole.choices)

    class Meta:
        ordering = ["role", "group"]
        verbose_name = _("role mapping")
        verbose_name_plural = _("role mappings")
        constraints = [
            models.UniqueConstraint(Lower("group"), "role", name="accounts_rolemapping_group_role_unique")
        ]

    def __str__(self):
        return f"{self.group} → {self.get_role_display()}"

    def save(self, *args, **kwargs):
        self.group = self.group.strip()
        super().save(*args, **kwargs)


class SignInSource(models.TextChoices):
    LDAP = "ldap", _("LDAP / Active Directory")
    OIDC = "oidc", _("OpenID Connect")


class ExternalIdentity(models.Model):
    """The directory account a portal login belongs to: its LDAP DN or its OpenID Connect subject."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="external_identity"
    )
    source = models.CharField(_("source"), max_length=10, choices=SignInSource.choices)
    subject = models.CharField(_("identifier in the directory"), max_length=500)
    first_sign_in_at = models.DateTimeField(_("first sign-in"), auto_now_add=True)
    last_sign_in_at = models.DateTimeField(_("last sign-in"), auto_now=True)

    class Meta:
        verbose_name = _("company account")
        verbose_name_plural = _("company accounts")
        constraints = [
            models.UniqueConstraint(fields=["source", "subject"], name="accounts_identity_source_subject")
        ]

    def __str__(self):
        return f"{self.get_source_display()}: {self.subject}"


class SyncSource(models.TextChoices):
    LDAP = "ldap", _("LDAP directory")
    CSV = "csv", _("HR export (CSV)")


class DirectoryRecord(models.Model):
    """The directory entry a contact comes from; only contacts with one are ever deactivated by the sync."""

    contact = models.OneToOneField(Contact, on_delete=models.CASCADE, related_name="directory_record")
    source = models.CharField(_("source"), max_length=10, choices=SyncSource.choices)
    external_id = models.CharField(_("identifier in the directory"), max_length=200)
    dn = models.CharField(_("LDAP DN"), max_length=500, blank=True, db_index=True)
    username = models.CharField(_("login"), max_length=150, blank=True)
    # The manager as the source names them (a DN in LDAP, an employee id in a CSV), resolved to a
    # contact once the whole source has been read.
    manager_ref = models.CharField(_("manager (as in the directory)"), max_length=500, blank=True)
    manager = models.ForeignKey(
        Contact,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="directory_reports",
        verbose_name=_("manager"),
    )
    last_seen_run = models.BigIntegerField(_("last seen by sync run"), null=True, blank=True, db_index=True)
    deactivated_by_sync = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("directory entry")
        verbose_name_plural = _("directory entries")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"], name="accounts_record_source_external_id"
            )
        ]

    def __str__(self):
        return f"{self.get_source_display()}: {self.external_id}"


class SyncStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    COMPLETED = "completed", _("Completed")
    FAILED = "failed", _("Failed")


class DirectorySyncRun(models.Model):
    """One run of the directory sync: what it read, what it changed (or would have, in a dry run)."""

    source = models.CharField(_("source"), max_length=10, choices=SyncSource.choices)
    dry_run = models.BooleanField(_("dry run"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=SyncStatus.choices, default=SyncStatus.RUNNING
    )
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    # The first changes, as structured items (rendered in the reader's language); `changes_total` counts all.
    changes = models.JSONField(_("changes"), default=list, blank=True)
    changes_total = models.PositiveIntegerField(_("number of changes"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("directory sync run")
        verbose_name_plural = _("directory sync runs")

    def __str__(self):
        return f"{self.get_source_display()} · {self.started_at:%Y-%m-%d %H:%M}"
