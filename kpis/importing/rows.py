"""What each file of IMPORT.md holds: its columns, its key, and how one row is checked into a record.

Checking writes nothing: a row becomes a plain record (references kept as codes and addresses), or
errors. `Refs` holds what rows may refer to: the database's keys plus the keys of earlier files of
the same import, so that the whole import is judged before anything is written.
"""

import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalogue.models import FamilyPage, Maturity, ServicePage
from catalogue.pictograms import is_available as pictogram_available
from committees.models import InteractionKind
from directory.models import ClientType, Contact, ContactRole, Directorate, Entity, Segment
from kpis.importing.cells import Row
from kpis.models import Survey, SurveyKind
from requests_box.models import Channel, Kind, ResponseType

REFERENCE = re.compile(r"^REQ-(\d{4})-(\d{6})$")
# Choice values, read once (each `.values` walks the enumeration).
CLIENT_TYPES, SEGMENTS, ROLES = ClientType.values, Segment.values, ContactRole.values
MATURITIES, CHANNELS, KINDS, RESPONSE_TYPES = (
    Maturity.values,
    Channel.values,
    Kind.values,
    ResponseType.values,
)
INTERACTION_KINDS, SURVEY_KINDS = InteractionKind.values, SurveyKind.values
Record = dict


class KeyIndex:
    """The keys met so far and the line of each, in a temporary SQLite file rather than in memory.

    A dictionary of 100,000 request references would make memory follow the size of the file; SQLite
    keeps a small page cache and spills the rest to its temporary file.
    """

    def __init__(self):
        self.db = sqlite3.connect("")  # "": a private temporary database on disk
        self.db.execute("CREATE TABLE seen (scope TEXT, key TEXT, line INTEGER, PRIMARY KEY (scope, key))")

    def first_line(self, scope: str, key: tuple, line: int) -> int:
        """The line where `key` was first met in `scope`: `line` itself when it is new."""
        text = "\x1f".join("" if part is None else str(part) for part in key)
        if self.db.execute("INSERT OR IGNORE INTO seen VALUES (?, ?, ?)", (scope, text, line)).rowcount:
            return line
        return self.db.execute("SELECT line FROM seen WHERE scope = ? AND key = ?", (scope, text)).fetchone()[
            0
        ]

    def close(self) -> None:
        self.db.close()


@dataclass
class Refs:
    directorates: set = field(default_factory=set)
    entities: set = field(default_factory=set)
    contacts: set = field(default_factory=set)  # lower-case addresses
    families: set = field(default_factory=set)
    services: set = field(default_factory=set)
    surveys: dict = field(default_factory=dict)  # code -> kind
    # The highest REQ-YYYY-NNNNNN number per year met in the requests file: the portal's counters
    # are moved past them so that it never hands out an imported reference again.
    highest_reference: dict = field(default_factory=dict)
    keys: "KeyIndex" = field(default_factory=lambda: KeyIndex())  # keys met so far, on disk
    warnings: list = field(default_factory=list)

    @classmethod
    def from_database(cls) -> "Refs":
        return cls(
            directorates=set(Directorate.objects.values_list("code", flat=True)),
            entities=set(Entity.objects.values_list("code", flat=True)),
            contacts=set(Contact.objects.annotate(address=Lower("email")).values_list("address", flat=True)),
            families=set(FamilyPage.objects.values_list("code", flat=True)),
            services=set(ServicePage.objects.values_list("code", flat=True)),
            surveys=dict(Survey.objects.values_list("code", "kind")),
        )


@dataclass(frozen=True)
class FileSpec:
    name: str
    columns: list[str]
    required: set[str]
    parse: Callable[[Row, Refs], Record | None]
    key: Callable[[Record], tuple]
    remember: Callable[[Record, Refs], None] = lambda record, refs: None


# Lazy: translated only when a row refers to something unknown.
UNKNOWN = {
    "directorate": gettext_lazy("unknown directorate %(value)r"),
    "entity": gettext_lazy("unknown entity %(value)r"),
    "contact": gettext_lazy("unknown contact %(value)r"),
    "family": gettext_lazy("unknown family %(value)r"),
    "service": gettext_lazy("unknown service %(value)r"),
}


def _unknown(what: str):
    return UNKNOWN[what]


def parse_directorate(row: Row, refs: Refs) -> Record | None:
    record = {"code": row.text("code", max_length=32), "name": row.text("name", max_length=200)}
    return None if row.failed else record


def parse_entity(row: Row, refs: Refs) -> Record | None:
    record = {
        "code": row.text("code", max_length=32),
        "name": row.text("name", max_length=200),
        "directorate": row.ref("directorate", refs.directorates, _unknown("directorate")),
        "client_type": row.choice("client_type", CLIENT_TYPES),
        "segment": row.choice("segment", SEGMENTS, required=False) or Segment.STANDARD,
    }
    return None if row.failed else record


def parse_contact(row: Row, refs: Refs) -> Record | None:
    record = {
        "email": row.email("email"),
        "first_name": row.text("first_name", required=False, max_length=100),
        "last_name": row.text("last_name", max_length=100),
        "entity": row.ref("entity", refs.entities, _unknown("entity")),
        "role": row.choice("role", ROLES, required=False) or ContactRole.UTILISATEUR,
    }
    return None if row.failed else record


def parse_family(row: Row, refs: Refs) -> Record | None:
    record = {
        "code": row.text("code", max_length=32),
        "name": row.text("name"),
        "colour": row.colour("colour") if row.cells.get("colour") else "#1f4e8c",
        "pictogram": row.text("pictogram", required=False, max_length=64),
    }
    if row.failed:
        return None
    if record["pictogram"] and not pictogram_available(record["pictogram"]):
        refs.warnings.append(
            f"{row.file}:{row.line}: pictogram: "
            + _("warning: unknown pictogram %(value)r, the family gets the default pictogram")
            % {"value": record["pictogram"]}
        )
        record["pictogram"] = ""
    return record


def parse_service(row: Row, refs: Refs) -> Record | None:
    record = {
        "code": row.text("code", max_length=32),
        "name": row.text("name"),
        "family": row.ref("family", refs.families, _unknown("family")),
        "maturity": row.choice("maturity", MATURITIES, required=False) or Maturity.NOUVEAU,
        "launched_on": row.date("launched_on", required=False),
        "product_manager": row.email("product_manager", required=False),
    }
    return None if row.failed else record


def parse_subscription(row: Row, refs: Refs) -> Record | None:
    record = {
        "service": row.ref("service", refs.services, _unknown("service")),
        "entity": row.ref("entity", refs.entities, _unknown("entity")),
        "start": row.date("start"),
        "end": row.date("end", required=False),
    }
    if record["start"] and record["end"] and record["end"] <= record["start"]:
        row.error("end", _("must be after start"))
    return None if row.failed else record


def parse_request(row: Row, refs: Refs) -> Record | None:
    reference = row.text("reference", max_length=64)
    external = row.text("external_reference", required=False, max_length=64)
    portal = REFERENCE.match(reference)
    if external and not portal and external != reference:
        row.error("external_reference", _("differs from reference %(value)r") % {"value": reference})
    external = external if portal else reference
    first = refs.keys.first_line("external_reference", (external,), row.line) if external else row.line
    if first != row.line:
        row.error(
            "external_reference",
            _("external reference %(value)r already on line %(line)s") % {"value": external, "line": first},
        )
    record = {
        # A REQ-YYYY-NNNNNN reference is the portal's own; any other is another tool's (IMPORT.md).
        "reference": reference if portal else "",
        "external_reference": external,
        "received_at": row.datetime("received_at"),
        "channel": row.choice("channel", CHANNELS, required=False) or Channel.EMAIL,
        "contact": row.ref("contact", refs.contacts, _unknown("contact"), required=False, key=str.lower),
        "entity": row.ref("entity", refs.entities, _unknown("entity"), required=False),
        "service": row.ref("service", refs.services, _unknown("service"), required=False),
        "kind": row.choice("kind", KINDS, required=False) or Kind.SIMPLE,
        "urgent": row.flag("urgent"),
        "important": row.flag("important"),
        "requested_deadline": row.date_or_datetime("requested_deadline"),
        "resolved_at": row.datetime("resolved_at", required=False),
        "closed_at": row.datetime("closed_at", required=False),
        "response_type": row.choice("response_type", RESPONSE_TYPES, required=False),
        "due_at": row.deadline("due_at"),
    }
    received = record["received_at"]
    if received and record["due_at"] and record["due_at"] < received:
        row.error("due_at", _("before received_at"))
    if received and record["resolved_at"] and record["resolved_at"] < received:
        row.error("resolved_at", _("before received_at"))
    if received and record["closed_at"] and record["closed_at"] < received:
        row.error("closed_at", _("before received_at"))
    if row.failed:
        return None
    if portal:
        year, number = int(portal[1]), int(portal[2])
        refs.highest_reference[year] = max(refs.highest_reference.get(year, 0), number)
    return record


def parse_project(row: Row, refs: Refs) -> Record | None:
    record = {
        "code": row.text("code", max_length=32),
        "name": row.text("name"),
        "entity": row.ref("entity", refs.entities, _unknown("entity")),
        "service": row.ref("service", refs.services, _unknown("service"), required=False),
        "created_on": row.date("created_on"),
        "signed_on": row.date("signed_on", required=False),
    }
    if record["created_on"] and record["signed_on"] and record["signed_on"] < record["created_on"]:
        row.error("signed_on", _("before created_on"))
    return None if row.failed else record


def parse_interaction(row: Row, refs: Refs) -> Record | None:
    record = {
        "date": row.date("date"),
        "kind": row.choice("kind", INTERACTION_KINDS),
        "contact": row.ref("contact", refs.contacts, _unknown("contact"), key=str.lower),
        "note": row.text("note", required=False, max_length=10_000, multiline=True),
    }
    return None if row.failed else record


def parse_survey_answer(row: Row, refs: Refs) -> Record | None:
    record = {
        "survey": row.text("survey", max_length=64),
        "kind": row.choice("kind", SURVEY_KINDS),
        "answered_at": row.datetime("answered_at"),
        "contact": row.ref("contact", refs.contacts, _unknown("contact"), required=False, key=str.lower),
        "entity": row.ref("entity", refs.entities, _unknown("entity")),
        "nps": row.integer("nps", 0, 10),
        "csat": row.integer("csat", 1, 5),
        "comment": row.text("comment", required=False, max_length=10_000, multiline=True),
    }
    known_kind = refs.surveys.get(record["survey"])
    if known_kind and record["kind"] and known_kind != record["kind"]:
        row.error(
            "kind", _("survey %(code)r is a %(kind)s survey") % {"code": record["survey"], "kind": known_kind}
        )
    return None if row.failed else record


def _remember(attribute: str, column: str) -> Callable[[Record, Refs], None]:
    return lambda record, refs: getattr(refs, attribute).add(record[column])


def _remember_survey(record: Record, refs: Refs) -> None:
    refs.surveys.setdefault(record["survey"], record["kind"])


def _moment(value):
    return value.timestamp() if value else None


SPECS: dict[str, FileSpec] = {
    spec.name: spec
    for spec in (
        FileSpec(
            "directorates",
            ["code", "name"],
            {"code", "name"},
            parse_directorate,
            lambda r: (r["code"],),
            _remember("directorates", "code"),
        ),
        FileSpec(
            "entities",
            ["code", "name", "directorate", "client_type", "segment"],
            {"code", "name", "directorate"},
            parse_entity,
            lambda r: (r["code"],),
            _remember("entities", "code"),
        ),
        FileSpec(
            "contacts",
            ["email", "first_name", "last_name", "entity", "role"],
            {"email", "entity"},
            parse_contact,
            lambda r: (r["email"],),
            _remember("contacts", "email"),
        ),
        FileSpec(
            "families",
            ["code", "name", "colour", "pictogram"],
            {"code", "name"},
            parse_family,
            lambda r: (r["code"],),
            _remember("families", "code"),
        ),
        FileSpec(
            "services",
            ["code", "name", "family", "maturity", "launched_on", "product_manager"],
            {"code", "name", "family"},
            parse_service,
            lambda r: (r["code"],),
            _remember("services", "code"),
        ),
        FileSpec(
            "subscriptions",
            ["service", "entity", "start", "end"],
            {"service", "entity", "start"},
            parse_subscription,
            lambda r: (r["service"], r["entity"], r["start"]),
        ),
        FileSpec(
            "requests",
            [
                "reference",
                "received_at",
                "channel",
                "contact",
                "entity",
                "service",
                "kind",
                "urgent",
                "important",
                "requested_deadline",
                "resolved_at",
                "closed_at",
                "response_type",
                "external_reference",
                "due_at",
            ],
            {"reference", "received_at"},
            parse_request,
            lambda r: (r["reference"] or r["external_reference"],),
        ),
        FileSpec(
            "projects",
            ["code", "name", "entity", "service", "created_on", "signed_on"],
            {"code", "name", "entity"},
            parse_project,
            lambda r: (r["code"],),
        ),
        FileSpec(
            "interactions",
            ["date", "kind", "contact", "note"],
            {"date", "kind", "contact"},
            parse_interaction,
            lambda r: (r["date"], r["kind"], r["contact"]),
        ),
        FileSpec(
            "survey_answers",
            ["survey", "kind", "answered_at", "contact", "entity", "nps", "csat", "comment"],
            {"survey", "kind", "answered_at", "entity"},
            parse_survey_answer,
            lambda r: (r["survey"], _moment(r["answered_at"]), r["entity"], r["contact"] or ""),
            _remember_survey,
        ),
    )
}
COLUMNS: dict[str, tuple[list[str], set[str]]] = {name: (s.columns, s.required) for name, s in SPECS.items()}
