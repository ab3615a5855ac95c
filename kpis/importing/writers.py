"""Writing checked records, a batch at a time: one query to find what exists, bulk creates and updates.

Runs inside the import's one transaction, after every row of every file has been checked, so that
the write lock (SQLite locks the whole database) is held for seconds, not for the whole import.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import F
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.text import slugify
from wagtail.models import Page

from catalogue.models import CatalogueIndexPage, FamilyPage, ServicePage
from committees.models import Interaction, Project, ProjectStatus
from directory.models import Contact, Directorate, Entity
from kpis.importing.rows import Record
from kpis.models import Subscription, Survey, SurveyAnswer
from requests_box.deadlines import compute_deadline
from requests_box.models import ReferenceCounter, Request, Status


@dataclass
class Tally:
    created: int = 0
    updated: int = 0


class Ids:
    """Database ids by code (or address), read again after each file since a file adds rows."""

    def __init__(self):
        self._cache: dict[str, dict] = {}

    def forget(self) -> None:
        self._cache.clear()

    def _get(self, name: str, load: Callable[[], dict]) -> dict:
        if name not in self._cache:
            self._cache[name] = load()
        return self._cache[name]

    @property
    def directorates(self) -> dict:
        return self._get("directorates", lambda: dict(Directorate.objects.values_list("code", "id")))

    @property
    def entities(self) -> dict:
        return self._get("entities", lambda: dict(Entity.objects.values_list("code", "id")))

    @property
    def contacts(self) -> dict:
        """lower-case address -> (contact id, entity id)."""
        return self._get(
            "contacts",
            lambda: {
                address: (pk, entity)
                for address, pk, entity in Contact.objects.annotate(address=Lower("email")).values_list(
                    "address", "id", "entity_id"
                )
            },
        )

    @property
    def services(self) -> dict:
        return self._get("services", lambda: dict(ServicePage.objects.values_list("code", "id")))

    @property
    def families(self) -> dict:
        return self._get("families", lambda: {f.code: f for f in FamilyPage.objects.all()})


FAST_TYPES = {
    "CharField", "TextField", "EmailField", "SlugField", "BooleanField", "IntegerField", "BigIntegerField",
    "SmallIntegerField", "PositiveIntegerField", "PositiveSmallIntegerField", "PositiveBigIntegerField",
    "ForeignKey",
}  # fmt: skip


def insert_rows(model, rows: list[dict]) -> None:
    """`bulk_create` of plain dictionaries (attribute names → values), in one `executemany`.

    Django spends about 150 µs per row building a 40-column model instance and preparing each of
    its values; for 100,000 imported requests that alone was most of the import, with the database's
    write lock held. Here a row is a dictionary, completed with the fields' defaults (computed once);
    values are prepared once per column kind: strings, numbers, booleans and keys as they are, dates and
    date-times by the database's own adapters, anything else by its field. `auto_now`/`auto_now_add`
    fields get the time of the insert, as `save()` would.
    """
    if not rows:
        return
    ops = connection.ops
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    names = {f.attname for f in fields}
    unknown = {key for row in rows[:1] for key in row} - names
    if unknown:
        raise ValueError(f"{model.__name__} has no column {sorted(unknown)}")
    now = timezone.now()
    defaults = {}
    adapters = []
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            defaults[field.attname] = now
        else:
            defaults[field.attname] = field.get_default()
        kind = field.get_internal_type()
        if kind in FAST_TYPES:
            adapters.append(None)
        elif kind == "DateTimeField":
            adapters.append(ops.adapt_datetimefield_value)
        elif kind == "DateField":
            adapters.append(ops.adapt_datefield_value)
        else:
            adapters.append(lambda value, field=field: field.get_db_prep_save(value, connection))
    auto = {f.attname for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)}
    pairs = list(zip([f.attname for f in fields], adapters, strict=True))
    forced = dict.fromkeys(auto, now)
    values = []
    for row in rows:
        full = {**defaults, **row, **forced}
        values.append([full[name] if adapt is None else adapt(full[name]) for name, adapt in pairs])
    table = ops.quote_name(model._meta.db_table)
    columns = ", ".join(ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY streams the rows in one command: several times faster than INSERTs on PostgreSQL.
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
            return
        placeholders = ", ".join(["%s"] * len(fields))
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", values)  # noqa: S608


def apply_changes(obj, values: dict) -> list[str]:
    """Set on `obj` the values that differ; returns their names."""
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    return changed


def upsert_batch(model, items: list[tuple[dict, dict]], existing: dict, key_fields: list[str]) -> Tally:
    """Create the (lookup, values) pairs that do not exist, update what differs in those that do."""
    tally = Tally()
    creates, updates, changed_fields = [], [], set()
    for lookup, values in items:
        obj = existing.get(tuple(lookup[f] for f in key_fields))
        if obj is None:
            creates.append({**lookup, **values})
            continue
        changed = apply_changes(obj, values)
        if changed:
            updates.append(obj)
            changed_fields.update(changed)
    insert_rows(model, creates)
    if updates:
        model.objects.bulk_update(updates, sorted(changed_fields), batch_size=500)
    tally.created, tally.updated = len(creates), len(updates)
    return tally


def _by_key(queryset, key_fields: list[str]) -> dict:
    return {tuple(getattr(obj, f) for f in key_fields): obj for obj in queryset}


def write_directorates(batch: list[Record], ids: Ids) -> Tally:
    items = [({"code": r["code"]}, {"name": r["name"]}) for r in batch]
    existing = _by_key(Directorate.objects.filter(code__in=[r["code"] for r in batch]), ["code"])
    return upsert_batch(Directorate, items, existing, ["code"])


def write_entities(batch: list[Record], ids: Ids) -> Tally:
    items = [
        (
            {"code": r["code"]},
            {
                "name": r["name"],
                "directorate_id": ids.directorates[r["directorate"]],
                "client_type": r["client_type"],
                "segment": r["segment"],
            },
        )
        for r in batch
    ]
    existing = _by_key(Entity.objects.filter(code__in=[r["code"] for r in batch]), ["code"])
    return upsert_batch(Entity, items, existing, ["code"])


def write_contacts(batch: list[Record], ids: Ids) -> Tally:
    # The address is the key whatever its case: an existing contact keeps the case it was typed in.
    found = Contact.objects.annotate(address=Lower("email")).filter(address__in=[r["email"] for r in batch])
    existing = {(c.address,): c for c in found}
    items = [
        (
            {"email": r["email"]},
            {
                "first_name": r["first_name"],
                "last_name": r["last_name"],
                "entity_id": ids.entities[r["entity"]],
                "role": r["role"],
            },
        )
        for r in batch
    ]
    return upsert_batch(Contact, items, existing, ["email"])


def write_families(batch: list[Record], ids: Ids) -> Tally:
    tally = Tally()
    for r in batch:
        family = ids.families.get(r["code"])
        if family is None:
            # A draft with the name filled in: editors write the client-oriented texts in the CMS.
            page = FamilyPage(
                title=r["name"],
                slug=slugify(r["code"]),
                code=r["code"],
                colour=r["colour"],
                pictogram=r["pictogram"],
                live=False,
            )
            _catalogue_index().add_child(instance=page)
            page.save_revision()
            ids.families[r["code"]] = page
            tally.created += 1
        elif _update_page(family, {"title": r["name"], "colour": r["colour"], "pictogram": r["pictogram"]}):
            tally.updated += 1
    return tally


def write_services(batch: list[Record], ids: Ids) -> Tally:
    tally = Tally()
    users = get_user_model().objects
    existing = {s.code: s for s in ServicePage.objects.filter(code__in=[r["code"] for r in batch])}
    for r in batch:
        address = r["product_manager"]
        manager = users.filter(email__iexact=address).first() if address else None
        values = {
            "title": r["name"],
            "maturity": r["maturity"],
            "launched_on": r["launched_on"],
            "product_manager_id": manager.id if manager else None,
            "product_manager_email": address,
        }
        family = ids.families[r["family"]]
        service = existing.get(r["code"])
        if service is None:
            page = ServicePage(slug=slugify(r["code"]), code=r["code"], live=False, **values)
            family.add_child(instance=page)
            page.save_revision()
            tally.created += 1
            continue
        moved = False
        if service.get_parent().id != family.id:
            service.move(family, pos="last-child")
            service.refresh_from_db()
            moved = True
        if _update_page(service, values) or moved:
            tally.updated += 1
    return tally


def write_subscriptions(batch: list[Record], ids: Ids) -> Tally:
    keys = ["service_id", "entity_id", "start"]
    items = [
        (
            {
                "service_id": ids.services[r["service"]],
                "entity_id": ids.entities[r["entity"]],
                "start": r["start"],
            },
            {"end": r["end"]},
        )
        for r in batch
    ]
    found = Subscription.objects.filter(
        service_id__in={i[0]["service_id"] for i in items}, start__in={i[0]["start"] for i in items}
    )
    return upsert_batch(Subscription, items, _by_key(found, keys), keys)


REQUEST_FIELDS = [
    "received_at",
    "channel",
    "contact_id",
    "entity_id",
    "sender_email",
    "service_id",
    "kind",
    "urgent",
    "important",
    "requested_deadline",
    "deadline",
    "deadline_met",
    "resolved_at",
    "closed_at",
    "response_type",
    "status",
]


def _request_values(r: Record, ids: Ids) -> dict:
    contact_id, contact_entity = ids.contacts[r["contact"]] if r["contact"] else (None, None)
    entity_id = ids.entities[r["entity"]] if r["entity"] else contact_entity
    return {
        "received_at": r["received_at"],
        "channel": r["channel"],
        "contact_id": contact_id,
        "entity_id": entity_id,
        "sender_email": r["contact"] or "",
        "service_id": ids.services[r["service"]] if r["service"] else None,
        "kind": r["kind"],
        "urgent": r["urgent"],
        "important": r["important"],
        "requested_deadline": r["requested_deadline"],
        # The deadline the other tool gave (`due_at`), else the matrix's; only a given one is judged.
        "deadline": r["due_at"]
        or compute_deadline(
            urgent=r["urgent"],
            important=r["important"],
            requested=r["requested_deadline"],
            received_at=r["received_at"],
        ),
        "deadline_met": r["resolved_at"] <= r["due_at"] if r["due_at"] and r["resolved_at"] else None,
        "resolved_at": r["resolved_at"],
        "closed_at": r["closed_at"],
        "response_type": r["response_type"],
        "status": Status.CLOSED if r["closed_at"] else Status.RESOLVED if r["resolved_at"] else Status.NEW,
    }


def write_requests(batch: list[Record], ids: Ids) -> Tally:
    own = [r["reference"] for r in batch if r["reference"]]
    other = [r["external_reference"] for r in batch if r["external_reference"] and not r["reference"]]
    columns = ["id", "reference", "external_reference", *REQUEST_FIELDS]
    by_own = {o.reference: o for o in Request.objects.filter(reference__in=own).only(*columns)} if own else {}
    by_other = (
        {o.external_reference: o for o in Request.objects.filter(external_reference__in=other).only(*columns)}
        if other
        else {}
    )
    tally = Tally()
    creates, updates = [], []
    for r in batch:
        values = _request_values(r, ids)
        if r["reference"] and r["external_reference"]:
            values["external_reference"] = r["external_reference"]  # a portal export: both numbers
        existing = by_own.get(r["reference"]) if r["reference"] else by_other.get(r["external_reference"])
        if existing is None:
            creates.append((r, values))
            continue
        if apply_changes(existing, values):
            updates.append(existing)
    new_numbers = _allocate([values["received_at"] for r, values in creates if not r["reference"]])
    objects = []
    for r, values in creates:
        reference = r["reference"] or next(new_numbers)
        label = r["reference"] or r["external_reference"]
        values["external_reference"] = r["external_reference"]
        objects.append({"reference": reference, "subject": f"Demande importée {label}", **values})
    insert_rows(Request, objects)
    if updates:
        Request.objects.bulk_update(updates, [*REQUEST_FIELDS, "external_reference"], batch_size=500)
    tally.created, tally.updated = len(objects), len(updates)
    return tally


def advance_reference_counters(highest: dict[int, int]) -> None:
    """Imported REQ- references must never be handed out again by the portal."""
    for year, number in highest.items():
        ReferenceCounter.objects.get_or_create(year=year)
        ReferenceCounter.objects.filter(year=year, last__lt=number).update(last=number)


def _allocate(moments: list):
    """Portal references for imported requests that came with another tool's number: by received year."""
    from kpis.importing.cells import PARIS

    years = [moment.astimezone(PARIS).year for moment in moments]
    first: dict[int, int] = {}
    for year in sorted(set(years)):
        count = years.count(year)
        ReferenceCounter.objects.get_or_create(year=year)
        ReferenceCounter.objects.filter(year=year).update(last=F("last") + count)
        first[year] = ReferenceCounter.objects.get(year=year).last - count + 1
    for year in years:
        yield f"REQ-{year}-{first[year]:06d}"
        first[year] += 1


def write_projects(batch: list[Record], ids: Ids) -> Tally:
    existing = _by_key(Project.objects.filter(code__in=[r["code"] for r in batch]), ["code"])
    items = []
    for r in batch:
        values = {
            "name": r["name"],
            "entity_id": ids.entities[r["entity"]],
            "service_id": ids.services[r["service"]] if r["service"] else None,
            "created_on": r["created_on"],
            "signed_on": r["signed_on"],
        }
        project = existing.get((r["code"],))
        if project is None:
            values["status"] = ProjectStatus.SIGNE if r["signed_on"] else ProjectStatus.EN_ETUDE
        elif r["signed_on"] and project.status == ProjectStatus.EN_ETUDE:
            values["status"] = ProjectStatus.SIGNE
        items.append(({"code": r["code"]}, values))
    return upsert_batch(Project, items, existing, ["code"])


def write_interactions(batch: list[Record], ids: Ids) -> Tally:
    keys = ["date", "kind", "contact_id"]
    items = [
        (
            {"date": r["date"], "kind": r["kind"], "contact_id": ids.contacts[r["contact"]][0]},
            {"note": r["note"]},
        )
        for r in batch
    ]
    found = Interaction.objects.filter(date__in={r["date"] for r in batch})
    return upsert_batch(Interaction, items, _by_key(found, keys), keys)


def write_survey_answers(batch: list[Record], ids: Ids) -> Tally:
    surveys = dict(Survey.objects.filter(code__in={r["survey"] for r in batch}).values_list("code", "id"))
    for r in batch:
        if r["survey"] not in surveys:
            surveys[r["survey"]] = Survey.objects.create(
                code=r["survey"], title=r["survey"], kind=r["kind"]
            ).id
    keys = ["survey_id", "answered_at", "entity_id", "contact_id"]
    items = [
        (
            {
                "survey_id": surveys[r["survey"]],
                "answered_at": r["answered_at"],
                "entity_id": ids.entities[r["entity"]],
                "contact_id": ids.contacts[r["contact"]][0] if r["contact"] else None,
            },
            {"kind": r["kind"], "nps": r["nps"], "csat": r["csat"], "comment": r["comment"]},
        )
        for r in batch
    ]
    found = SurveyAnswer.objects.filter(
        survey_id__in=set(surveys.values()), answered_at__in={r["answered_at"] for r in batch}
    )
    return upsert_batch(SurveyAnswer, items, _by_key(found, keys), keys)


WRITERS: dict[str, Callable[[list[Record], Ids], Tally]] = {
    "directorates": write_directorates,
    "entities": write_entities,
    "contacts": write_contacts,
    "families": write_families,
    "services": write_services,
    "subscriptions": write_subscriptions,
    "requests": write_requests,
    "projects": write_projects,
    "interactions": write_interactions,
    "survey_answers": write_survey_answers,
}


def _catalogue_index() -> CatalogueIndexPage:
    index = CatalogueIndexPage.objects.first()
    if index is None:
        home = Page.objects.get(depth=2)
        index = home.add_child(instance=CatalogueIndexPage(title="Catalogue des services", slug="catalogue"))
    return index


def _update_page(page: Page, values: dict) -> bool:
    changed = apply_changes(page, values)
    if not changed:
        return False
    if "title" in changed:
        page.draft_title = page.title
    page.save()
    return True
