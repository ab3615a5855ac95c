"""What a sync changed: counts by kind and the changes themselves, rendered in the reader's language."""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

MAX_STORED_CHANGES = 1000

KINDS = (
    "directorate_created",
    "directorate_renamed",
    "entity_created",
    "entity_updated",
    "contact_created",
    "contact_adopted",
    "contact_updated",
    "contact_deactivated",
    "contact_reactivated",
    "skipped",
)


@dataclass
class SyncReport:
    counts: Counter = field(default_factory=Counter)
    changes: list[dict] = field(default_factory=list)
    total: int = 0
    unchanged: int = 0
    complete: bool = False  # the whole source was read: only then are people who left deactivated
    refused: str = ""  # why deactivations were not made, if they were not
    echo: Callable[[dict], None] | None = None

    def add(self, kind: str, **data) -> None:
        change = {"kind": kind, **data}
        self.counts[kind] += 1
        self.total += 1
        if len(self.changes) < MAX_STORED_CHANGES:
            self.changes.append(change)
        if self.echo is not None:
            self.echo(change)

    def as_counts(self) -> dict:
        return {**{kind: self.counts.get(kind, 0) for kind in KINDS}, "unchanged": self.unchanged}


def skip_reasons() -> dict[str, str]:
    return {
        "no_identifier": _("no identifier"),
        "no_email": _("no e-mail address"),
        "no_directorate": _("no directorate (not in a directorate's unit)"),
        "duplicate": _("same identifier or e-mail address as another entry"),
        "email_taken": _("its new e-mail address is another contact's"),
    }


def field_labels() -> dict[str, str]:
    return {
        "email": _("e-mail"),
        "first_name": _("first name"),
        "last_name": _("last name"),
        "entity": _("entity"),
        "job_title": _("job title"),
        "phone": _("phone"),
        "manager": _("manager"),
        "name": _("name"),
        "directorate": _("directorate"),
    }


def describe(change: dict) -> str:
    """One change as a sentence."""
    kind = change["kind"]
    who = change.get("who", "")
    if kind == "skipped":
        reason = skip_reasons().get(change.get("reason", ""), change.get("reason", ""))
        return _("Entry skipped: %(ref)s (%(reason)s)") % {"ref": change.get("ref", ""), "reason": reason}
    if kind in ("contact_updated", "entity_updated", "directorate_renamed"):
        labels = field_labels()
        details = "; ".join(
            f"{labels.get(name, name)}: « {old} » → « {new} »"
            for name, (old, new) in change["fields"].items()
        )
        template = {
            "contact_updated": _("Contact updated: %(who)s (%(details)s)"),
            "entity_updated": _("Entity updated: %(who)s (%(details)s)"),
            "directorate_renamed": _("Directorate renamed: %(who)s (%(details)s)"),
        }[kind]
        return template % {"who": who, "details": details}
    template = {
        "directorate_created": _("Directorate created: %(who)s"),
        "entity_created": _("Entity created: %(who)s"),
        "contact_created": _("Contact created: %(who)s"),
        "contact_adopted": _("Existing contact now follows the directory: %(who)s"),
        "contact_deactivated": _("Contact deactivated (left the directory or disabled): %(who)s"),
        "contact_reactivated": _("Contact reactivated: %(who)s"),
    }[kind]
    return template % {"who": who}


def kind_labels() -> dict[str, str]:
    return {
        "directorate_created": _("directorates created"),
        "directorate_renamed": _("directorates renamed"),
        "entity_created": _("entities created"),
        "entity_updated": _("entities updated"),
        "contact_created": _("contacts created"),
        "contact_adopted": _("existing contacts linked to the directory"),
        "contact_updated": _("contacts updated"),
        "contact_deactivated": _("contacts deactivated"),
        "contact_reactivated": _("contacts reactivated"),
        "skipped": _("entries skipped"),
        "unchanged": _("contacts unchanged"),
    }


def summary(counts: dict) -> str:
    labels = kind_labels()
    parts = [f"{counts[k]} {labels[k]}" for k in labels if counts.get(k)]
    return ", ".join(parts) or _("nothing to change")
