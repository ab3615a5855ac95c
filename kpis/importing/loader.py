"""Load the files of IMPORT.md in order, in one transaction: every row valid, or nothing written."""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.text import slugify
from wagtail.models import Page

from catalogue.models import CatalogueIndexPage, FamilyPage, Maturity, ServicePage
from catalogue.pictograms import is_available as pictogram_available
from committees.models import Interaction, InteractionKind, Project, ProjectStatus
from directory.models import ClientType, Contact, ContactRole, Directorate, Entity, Segment
from kpis.importing.cells import PARIS, Row, RowError
from kpis.importing.sources import Sheet, read_source
from kpis.models import Subscription, Survey, SurveyAnswer, SurveyKind
from requests_box.deadlines import compute_deadline
from requests_box.models import Channel, Kind, ReferenceCounter, Request, ResponseType, Status

REFERENCE = re.compile(r"^REQ-(\d{4})-(\d{6})$")

# file: (every column, the columns that must be present in the header)
COLUMNS: dict[str, tuple[list[str], set[str]]] = {
    "directorates": (["code", "name"], {"code", "name"}),
    "entities": (["code", "name", "directorate", "client_type", "segment"], {"code", "name", "directorate"}),
    "contacts": (["email", "first_name", "last_name", "entity", "role"], {"email", "entity"}),
    "families": (["code", "name", "colour", "pictogram"], {"code", "name"}),
    "services": (
        ["code", "name", "family", "maturity", "launched_on", "product_manager"],
        {"code", "name", "family"},
    ),
    "subscriptions": (["service", "entity", "start", "end"], {"service", "entity", "start"}),
    "requests": (
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
        ],
        {"reference", "received_at"},
    ),
    "projects": (
        ["code", "name", "entity", "service", "created_on", "signed_on"],
        {"code", "name", "entity"},
    ),
    "interactions": (["date", "kind", "contact", "note"], {"date", "kind", "contact"}),
    "survey_answers": (
        ["survey", "kind", "answered_at", "contact", "entity", "nps", "csat", "comment"],
        {"survey", "kind", "answered_at", "entity"},
    ),
}


class ImportFailed(Exception):
    def __init__(self, errors: list[RowError]):
        super().__init__(f"{len(errors)} invalid row(s)")
        self.errors = errors


@dataclass
class Tally:
    created: int = 0
    updated: int = 0


@dataclass
class Known:
    """What rows may refer to, refreshed before each file so it includes what earlier files wrote."""

    directorates: dict = field(default_factory=dict)
    entities: dict = field(default_factory=dict)
    contacts: dict = field(default_factory=dict)
    families: dict = field(default_factory=dict)
    services: dict = field(default_factory=dict)

    def refresh(self) -> None:
        self.directorates = {d.code: d for d in Directorate.objects.all()}
        self.entities = {e.code: e for e in Entity.objects.all()}
        self.contacts = {c.email: c for c in Contact.objects.all()}
        self.families = {f.code: f for f in FamilyPage.objects.all()}
        self.services = {s.code: s for s in ServicePage.objects.all()}


def import_workbook(path: Path | str) -> dict[str, Tally]:
    """Import a folder of CSV files or an .xlsx workbook; raises ImportFailed listing every bad row."""
    sheets, unexpected = read_source(Path(path))
    errors = [RowError(name, 1, "-", "unexpected file: not one of IMPORT.md's files") for name in unexpected]
    tallies: dict[str, Tally] = {}
    with transaction.atomic():
        known = Known()
        for sheet in sheets:
            if not _check_header(sheet, errors):
                continue
            known.refresh()
            tallies[sheet.label] = _load_sheet(sheet, known, errors)
        if errors:
            transaction.set_rollback(True)
        elif any(t.created or t.updated for t in tallies.values()):
            from kpis import freshness  # bulk writes send no signals: the indicators are recomputed

            freshness.bump()
    if errors:
        raise ImportFailed(errors)
    return tallies


def _check_header(sheet: Sheet, errors: list[RowError]) -> bool:
    columns, required = COLUMNS[sheet.name]
    ok = True
    for column in sheet.header:
        if column not in columns:
            errors.append(RowError(sheet.label, 1, column or "(empty)", "unknown column"))
            ok = False
    for column in sorted(required - set(sheet.header)):
        errors.append(RowError(sheet.label, 1, column, "missing column"))
        ok = False
    if len(set(sheet.header)) != len(sheet.header):
        errors.append(RowError(sheet.label, 1, "-", "a column appears twice"))
        ok = False
    return ok


def _load_sheet(sheet: Sheet, known: Known, errors: list[RowError]) -> Tally:
    loader = LOADERS[sheet.name]
    tally = Tally()
    for line, cells in sheet.rows:
        row = Row(sheet.label, line, cells, errors)
        if cells.get("__extra__"):
            row.error("-", "more cells than columns")
            continue
        try:
            with transaction.atomic():
                outcome = loader(row, known)
                if row.failed:
                    raise _RowRejected
        except _RowRejected:
            continue
        except Exception as exc:  # a database constraint or anything unforeseen: report, never crash
            row.error("-", f"cannot be written: {exc}")
            continue
        if outcome == "created":
            tally.created += 1
        elif outcome == "updated":
            tally.updated += 1
    if sheet.name == "requests":
        _advance_reference_counters(sheet)
    return tally


class _RowRejected(Exception):
    pass


def upsert(model, lookup: dict, values: dict) -> str:
    """Create, or update what differs; returns "created", "updated" or "unchanged"."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        model.objects.create(**lookup, **values)
        return "created"
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if not changed:
        return "unchanged"
    for name in changed:
        setattr(obj, name, values[name])
    obj.save(update_fields=changed)
    return "updated"


# --- one loader per file ---------------------------------------------------------------------------------


def load_directorate(row: Row, known: Known) -> str | None:
    code, name = row.text("code", max_length=32), row.text("name", max_length=200)
    if row.failed:
        return None
    return upsert(Directorate, {"code": code}, {"name": name})


def load_entity(row: Row, known: Known) -> str | None:
    code, name = row.text("code", max_length=32), row.text("name", max_length=200)
    directorate = row.ref("directorate", known.directorates, "directorate")
    client_type = row.choice("client_type", ClientType.values)
    segment = row.choice("segment", Segment.values, required=False) or Segment.STANDARD
    if row.failed:
        return None
    values = {"name": name, "directorate_id": directorate.id, "client_type": client_type, "segment": segment}
    return upsert(Entity, {"code": code}, values)


def load_contact(row: Row, known: Known) -> str | None:
    email = row.email("email")
    first, last = (
        row.text("first_name", required=False, max_length=100),
        row.text("last_name", max_length=100),
    )
    entity = row.ref("entity", known.entities, "entity")
    role = row.choice("role", ContactRole.values, required=False) or ContactRole.UTILISATEUR
    if row.failed:
        return None
    values = {"first_name": first, "last_name": last, "entity_id": entity.id, "role": role}
    return upsert(Contact, {"email": email}, values)


def load_family(row: Row, known: Known) -> str | None:
    code, name = row.text("code", max_length=32), row.text("name")
    colour = row.colour("colour") if row.cells.get("colour") else "#1f4e8c"
    pictogram = row.text("pictogram", required=False, max_length=64)
    if pictogram and not pictogram_available(pictogram):
        row.error("pictogram", f"unknown pictogram {pictogram!r}")
    if row.failed:
        return None
    family = known.families.get(code)
    if family is None:
        # A draft with the name filled in: editors write the client-oriented texts in the CMS.
        page = FamilyPage(
            title=name, slug=slugify(code), code=code, colour=colour, pictogram=pictogram, live=False
        )
        _catalogue_index().add_child(instance=page)
        page.save_revision()
        known.families[code] = page
        return "created"
    return _update_page(family, {"title": name, "colour": colour, "pictogram": pictogram})


def load_service(row: Row, known: Known) -> str | None:
    code, name = row.text("code", max_length=32), row.text("name")
    family = row.ref("family", known.families, "family")
    maturity = row.choice("maturity", Maturity.values, required=False) or Maturity.NOUVEAU
    launched_on = row.date("launched_on", required=False)
    manager_email = row.email("product_manager", required=False)
    if row.failed:
        return None
    manager = get_user_model().objects.filter(email__iexact=manager_email).first() if manager_email else None
    values = {
        "title": name,
        "maturity": maturity,
        "launched_on": launched_on,
        "product_manager_id": manager.id if manager else None,
        "product_manager_email": manager_email,
    }
    service = known.services.get(code)
    if service is None:
        page = ServicePage(slug=slugify(code), code=code, live=False, **values)
        family.add_child(instance=page)
        page.save_revision()
        known.services[code] = page
        return "created"
    moved = False
    if service.get_parent().id != family.id:
        service.move(family, pos="last-child")
        service.refresh_from_db()
        moved = True
    outcome = _update_page(service, values)
    return "updated" if moved else outcome


def load_subscription(row: Row, known: Known) -> str | None:
    service = row.ref("service", known.services, "service")
    entity = row.ref("entity", known.entities, "entity")
    start, end = row.date("start"), row.date("end", required=False)
    if start and end and end <= start:
        row.error("end", "must be after start")
    if row.failed:
        return None
    return upsert(
        Subscription, {"service_id": service.id, "entity_id": entity.id, "start": start}, {"end": end}
    )


def load_request(row: Row, known: Known) -> str | None:
    reference = row.text("reference", max_length=20)
    if reference and not REFERENCE.match(reference):
        row.error("reference", f"expected REQ-YYYY-NNNNNN, got {reference!r}")
    received_at = row.datetime("received_at")
    channel = row.choice("channel", Channel.values, required=False) or Channel.EMAIL
    contact = row.ref("contact", known.contacts, "contact", required=False, key=str.lower)
    entity = row.ref("entity", known.entities, "entity", required=False)
    service = row.ref("service", known.services, "service", required=False)
    kind = row.choice("kind", Kind.values, required=False) or Kind.SIMPLE
    urgent, important = row.flag("urgent"), row.flag("important")
    requested = _date_or_datetime(row, "requested_deadline")
    resolved_at, closed_at = (
        row.datetime("resolved_at", required=False),
        row.datetime("closed_at", required=False),
    )
    response_type = row.choice("response_type", ResponseType.values, required=False)
    if received_at and resolved_at and resolved_at < received_at:
        row.error("resolved_at", "before received_at")
    if received_at and closed_at and closed_at < received_at:
        row.error("closed_at", "before received_at")
    if row.failed:
        return None
    if entity is None and contact is not None:
        entity = contact.entity
    status = Status.CLOSED if closed_at else Status.RESOLVED if resolved_at else Status.NEW
    values = {
        "received_at": received_at,
        "channel": channel,
        "contact_id": contact.id if contact else None,
        "entity_id": entity.id if entity else None,
        "sender_email": contact.email if contact else "",
        "service_id": service.id if service else None,
        "kind": kind,
        "urgent": urgent,
        "important": important,
        "requested_deadline": requested,
        "deadline": compute_deadline(
            urgent=urgent, important=important, requested=requested, received_at=received_at
        ),
        "resolved_at": resolved_at,
        "closed_at": closed_at,
        "response_type": response_type,
        "status": status,
    }
    existing = Request.objects.filter(reference=reference).first()
    if existing is None:
        Request.objects.create(reference=reference, subject=f"Demande importée {reference}", **values)
        return "created"
    return upsert(Request, {"reference": reference}, values)


def load_project(row: Row, known: Known) -> str | None:
    code, name = row.text("code", max_length=32), row.text("name")
    entity = row.ref("entity", known.entities, "entity")
    service = row.ref("service", known.services, "service", required=False)
    created_on, signed_on = row.date("created_on"), row.date("signed_on", required=False)
    if created_on and signed_on and signed_on < created_on:
        row.error("signed_on", "before created_on")
    if row.failed:
        return None
    values = {
        "name": name,
        "entity_id": entity.id,
        "service_id": service.id if service else None,
        "created_on": created_on,
        "signed_on": signed_on,
    }
    existing = Project.objects.filter(code=code).first()
    if existing is None:
        values["status"] = ProjectStatus.SIGNE if signed_on else ProjectStatus.EN_ETUDE
    elif signed_on and existing.status == ProjectStatus.EN_ETUDE:
        values["status"] = ProjectStatus.SIGNE
    return upsert(Project, {"code": code}, values)


def load_interaction(row: Row, known: Known) -> str | None:
    day = row.date("date")
    kind = row.choice("kind", InteractionKind.values)
    contact = row.ref("contact", known.contacts, "contact", key=str.lower)
    note = row.text("note", required=False, max_length=10_000)
    if row.failed:
        return None
    return upsert(Interaction, {"date": day, "kind": kind, "contact_id": contact.id}, {"note": note})


def load_survey_answer(row: Row, known: Known) -> str | None:
    code = row.text("survey", max_length=64)
    kind = row.choice("kind", SurveyKind.values)
    answered_at = row.datetime("answered_at")
    contact = row.ref("contact", known.contacts, "contact", required=False, key=str.lower)
    entity = row.ref("entity", known.entities, "entity")
    nps, csat = row.integer("nps", 0, 10), row.integer("csat", 1, 5)
    comment = row.text("comment", required=False, max_length=10_000)
    survey = Survey.objects.filter(code=code).first() if code else None
    if survey and kind and survey.kind != kind:
        row.error("kind", f"survey {code!r} is a {survey.kind} survey")
    if row.failed:
        return None
    if survey is None:
        survey = Survey.objects.create(code=code, title=code, kind=kind)
    lookup = {
        "survey_id": survey.id,
        "answered_at": answered_at,
        "entity_id": entity.id,
        "contact_id": contact.id if contact else None,
    }
    return upsert(SurveyAnswer, lookup, {"kind": kind, "nps": nps, "csat": csat, "comment": comment})


LOADERS = {
    "directorates": load_directorate,
    "entities": load_entity,
    "contacts": load_contact,
    "families": load_family,
    "services": load_service,
    "subscriptions": load_subscription,
    "requests": load_request,
    "projects": load_project,
    "interactions": load_interaction,
    "survey_answers": load_survey_answer,
}


# --- helpers ---------------------------------------------------------------------------------------------


def _catalogue_index() -> CatalogueIndexPage:
    index = CatalogueIndexPage.objects.first()
    if index is None:
        home = Page.objects.get(depth=2)
        index = home.add_child(instance=CatalogueIndexPage(title="Catalogue des services", slug="catalogue"))
    return index


def _update_page(page: Page, values: dict) -> str:
    changed = [name for name, value in values.items() if getattr(page, name) != value]
    if not changed:
        return "unchanged"
    for name in changed:
        setattr(page, name, values[name])
    if "title" in changed:
        page.draft_title = page.title
    page.save()
    return "updated"


def _date_or_datetime(row: Row, column: str):
    """The client's requested deadline, kept as its (Paris) date: accepts a date or a date-time."""
    value = row.cells.get(column, "")
    if len(value) == 10:
        return row.date(column, required=False)
    moment = row.datetime(column, required=False)
    return moment.astimezone(PARIS).date() if moment else None


def _advance_reference_counters(sheet: Sheet) -> None:
    """Imported references must never be handed out again by the portal."""
    highest: dict[int, int] = defaultdict(int)
    for _line, cells in sheet.rows:
        match = REFERENCE.match(cells.get("reference", ""))
        if match:
            year, number = int(match[1]), int(match[2])
            highest[year] = max(highest[year], number)
    for year, number in highest.items():
        counter, _ = ReferenceCounter.objects.get_or_create(year=year)
        if counter.last < number:
            counter.last = number
            counter.save(update_fields=["last"])
