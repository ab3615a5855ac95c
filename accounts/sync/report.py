"""What a sync changed: counts by kind and the changes themselves, rendered in the reader's language."""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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
            _("%(field)s: “%(old)s” → “%(new)s”") % {"field": labels.get(name, name), "old": old, "new": new}
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


def count_label(kind: str, n: int) -> str:
    """`3 contacts created`, in the reader's language and with its plural rules."""
    labels = {
        "directorate_created": ngettext("%(n)d directorate created", "%(n)d directorates created", n),
        "directorate_renamed": ngettext("%(n)d directorate renamed", "%(n)d directorates renamed", n),
        "entity_created": ngettext("%(n)d entity created", "%(n)d entities created", n),
        "entity_updated": ngettext("%(n)d entity updated", "%(n)d entities updated", n),
        "contact_created": ngettext("%(n)d contact created", "%(n)d contacts created", n),
        "contact_adopted": ngettext(
            "%(n)d existing contact linked to the directory",
            "%(n)d existing contacts linked to the directory",
            n,
        ),
        "contact_updated": ngettext("%(n)d contact updated", "%(n)d contacts updated", n),
        "contact_deactivated": ngettext("%(n)d contact deactivated", "%(n)d contacts deactivated", n),
        "contact_reactivated": ngettext("%(n)d contact reactivated", "%(n)d contacts reactivated", n),
        "skipped": ngettext("%(n)d entry skipped", "%(n)d entries skipped", n),
        "unchanged": ngettext("%(n)d contact unchanged", "%(n)d contacts unchanged", n),
    }
    return labels[kind] % {"n": n}


def summary(counts: dict) -> str:
    parts = [count_label(kind, counts[kind]) for kind in (*KINDS, "unchanged") if counts.get(kind)]
    return ", ".join(parts) or _("nothing to change")
