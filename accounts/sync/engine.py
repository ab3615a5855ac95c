"""The directory sync: people from a source become directorates, entities and contacts.

- Idempotent: a second run over the same source changes nothing and reports nothing.
- Owns only some fields: the contact fields its source maps (names, e-mail, entity, and job title
  and phone when mapped), the names of directorates and of entities it finds by code. The rest
  (role, correspondent flag, login, client type, segment…) stays as people set it in the portal.
- Never deletes: a person who left (absent from a complete read, or disabled) has their contact and
  login deactivated; their requests and history stay. A contact deactivated by hand stays so.
- Interrupted safely: people are written in batches, one transaction each; deactivations happen only
  after the whole source has been read, so a run cut short never deactivates anyone, and running
  it again finishes the job. A dry run does everything in one transaction and rolls it back.
- Memory flat: the source is streamed; only a batch and the (small) directorate and entity lists
  are held.
"""

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from itertools import islice

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import DirectoryRecord, DirectorySyncRun, SyncStatus
from accounts.sync.people import Person, Skipped, make_code
from accounts.sync.report import SyncReport
from directory.models import ClientType, Contact, Directorate, Entity, Segment

logger = logging.getLogger("relais.accounts.sync")

BATCH_SIZE = 500
# Below this many, deactivations are never held back by the percentage guard.
MASS_DEACTIVATION_FLOOR = 10
LIMITS = {"first_name": 100, "last_name": 100, "job_title": 200, "phone": 40}


def run_sync(
    source,
    *,
    dry_run: bool = False,
    allow_mass_deactivation: bool = False,
    batch_size: int = BATCH_SIZE,
    echo: Callable[[dict], None] | None = None,
) -> DirectorySyncRun:
    """Read `source` (LdapSource or CsvSource) into the directory; returns the run with its report."""
    run = DirectorySyncRun.objects.create(source=source.name, dry_run=dry_run)
    report = SyncReport(echo=echo)
    try:
        if dry_run:
            with transaction.atomic():
                _sync(source, run.pk, report, allow_mass_deactivation, batch_size)
                transaction.set_rollback(True)
        else:
            _sync(source, run.pk, report, allow_mass_deactivation, batch_size)
    except Exception as exc:
        _finish(run, report, SyncStatus.FAILED, f"{type(exc).__name__}: {exc}")
        raise
    _finish(run, report, SyncStatus.COMPLETED, report.refused)
    return run


def sync_people(people: Iterable[Person], *, source: str, owned: set[str]) -> SyncReport:
    """Write a few people at once (a first sign-in before any sync ran): no run, no deactivation."""
    report = SyncReport()
    with transaction.atomic():
        _State(source, owned, None, report).apply(list(people))
    return report


def _finish(run: DirectorySyncRun, report: SyncReport, status: str, error: str = "") -> None:
    run.status = status
    run.finished_at = timezone.now()
    run.counts = report.as_counts()
    run.changes = report.changes
    run.changes_total = report.total
    run.error = error
    run.save(update_fields=["status", "finished_at", "counts", "changes", "changes_total", "error"])


def _batches(items: Iterator, size: int) -> Iterator[list]:
    items = iter(items)
    while batch := list(islice(items, size)):
        yield batch


def _sync(source, run_id: int, report: SyncReport, allow_mass: bool, batch_size: int) -> None:
    people = source.people()
    state = _State(source.name, source.owned_fields, run_id, report)
    for batch in _batches(people, batch_size):
        with transaction.atomic():
            state.apply(batch)
    report.complete = True
    with transaction.atomic():
        state.link_managers(source.manager_key)
    state.deactivate_missing(allow_mass)


def _label(first_name: str, last_name: str, email: str) -> str:
    return f"{first_name} {last_name}".strip() + f" <{email}>"


def _short_ref(ref: str) -> str:
    """`cn=jean dupont,ou=…` → `jean dupont`; an employee id stays as it is."""
    head = ref.split(",", 1)[0]
    return head.split("=", 1)[1] if "=" in head else head


class _State:
    def __init__(self, source: str, owned: set[str], run_id: int | None, report: SyncReport):
        self.source, self.run_id, self.report = source, run_id, report
        self.owned = set(owned) | {"email", "first_name", "last_name", "entity"}
        self.directorates = {d.code: d for d in Directorate.objects.all()}
        self.entities_by_code: dict[str, Entity] = {}
        self.entities_by_name: dict[tuple[int, str], Entity] = {}
        for entity in Entity.objects.only("pk", "code", "name", "directorate_id"):
            self._remember(entity)

    # -- directorates and entities ---------------------------------------------------------------

    def _remember(self, entity: Entity) -> None:
        self.entities_by_code[entity.code] = entity
        self.entities_by_name.setdefault((entity.directorate_id, entity.name.casefold()), entity)

    def directorate_for(self, person: Person) -> Directorate:
        code = person.directorate_code[:32]
        directorate = self.directorates.get(code)
        name = person.directorate_name[:200]
        if directorate is None:
            directorate = Directorate.objects.create(code=code, name=name or code)
            self.directorates[code] = directorate
            self.report.add("directorate_created", who=f"{directorate.name} ({code})")
        elif name and directorate.name != name:
            self.report.add("directorate_renamed", who=code, fields={"name": [directorate.name, name]})
            directorate.name = name
            directorate.save(update_fields=["name"])
        return directorate

    def entity_for(self, person: Person) -> Entity:
        directorate = self.directorate_for(person)
        name = (person.entity_name or directorate.name)[:200]
        if person.entity_code:
            entity = self.entities_by_code.get(person.entity_code[:32])
            if entity is not None:
                changes = {}
                if entity.name != name:
                    changes["name"] = [entity.name, name]
                if entity.directorate_id != directorate.pk:
                    before = next(
                        (d.code for d in self.directorates.values() if d.pk == entity.directorate_id), ""
                    )
                    changes["directorate"] = [before, directorate.code]
                if changes:
                    self.report.add("entity_updated", who=entity.code, fields=changes)
                    entity.name, entity.directorate = name, directorate
                    entity.save(update_fields=["name", "directorate"])
                    self._remember(entity)
                return entity
        else:
            entity = self.entities_by_name.get((directorate.pk, name.casefold()))
            if entity is not None:
                return entity
        code = person.entity_code[:32] or self._unique_code(f"{directorate.code}-{name}")
        entity = Entity.objects.create(
            code=code,
            name=name,
            directorate=directorate,
            client_type=ClientType.METIER,
            segment=Segment.STANDARD,
        )
        self._remember(entity)
        self.report.add("entity_created", who=f"{name} ({code}), {directorate.name}")
        return entity

    def _unique_code(self, wanted: str) -> str:
        base = make_code(wanted)
        code, n = base, 1
        while code in self.entities_by_code:
            n += 1
            suffix = f"-{n}"
            code = base[: 32 - len(suffix)] + suffix
        return code

    # -- people ------------------------------------------------------------------------------------

    def _seen(self, record: DirectoryRecord | None) -> bool:
        return record is not None and self.run_id is not None and record.last_seen_run == self.run_id

    def apply(self, batch: list) -> None:
        people, skipped_ids = [], []
        for item in batch:
            if isinstance(item, Skipped):
                self.report.add("skipped", ref=item.ref, reason=item.reason)
                if item.external_id:
                    skipped_ids.append(item.external_id)
            else:
                people.append(item)
        if skipped_ids and self.run_id is not None:
            DirectoryRecord.objects.filter(source=self.source, external_id__in=skipped_ids).update(
                last_seen_run=self.run_id
            )
        records = {
            r.external_id: r
            for r in DirectoryRecord.objects.filter(
                source=self.source, external_id__in=[p.external_id for p in people]
            ).select_related("contact__entity")
        }
        pending = [p.email for p in people if p.external_id not in records]
        by_email = {
            c.email_l: c
            for c in Contact.objects.annotate(email_l=Lower("email"))
            .filter(email_l__in=pending)
            .select_related("entity", "directory_record")
        }
        moving = [
            p.email
            for p in people
            if p.external_id in records and records[p.external_id].contact.email != p.email
        ]
        taken = set(
            Contact.objects.annotate(email_l=Lower("email"))
            .filter(email_l__in=moving)
            .values_list("email_l", flat=True)
        )
        batch_ids, batch_emails = set(), set()
        new_contacts, new_records, seen = [], [], []
        changed_contacts, changed_records, users_off, users_on = {}, {}, [], []
        for person in people:
            if person.external_id in batch_ids or person.email in batch_emails:
                self.report.add("skipped", ref=person.dn or person.external_id, reason="duplicate")
                continue
            batch_ids.add(person.external_id)
            batch_emails.add(person.email)
            record = records.get(person.external_id)
            if self._seen(record):
                self.report.add("skipped", ref=person.dn or person.external_id, reason="duplicate")
                continue
            if record is None:
                contact = by_email.get(person.email)
                if contact is None:
                    if person.active:  # someone who left before the portal knew them: nothing to do
                        contact, record = self._new_contact(person)
                        new_contacts.append(contact)
                        new_records.append(record)
                    continue
                record = getattr(contact, "directory_record", None)
                if self._seen(record):
                    self.report.add("skipped", ref=person.dn or person.external_id, reason="duplicate")
                    continue
                if record is None:
                    record = DirectoryRecord(
                        contact=contact, source=self.source, external_id=person.external_id
                    )
                    new_records.append(record)
                else:  # the same person under a new account (recreated, or another source)
                    record.source, record.external_id = self.source, person.external_id
                    changed_records[record.pk] = record
                self.report.add(
                    "contact_adopted", who=_label(contact.first_name, contact.last_name, contact.email)
                )
            contact = record.contact
            if self._update_contact(person, contact, record, taken):
                changed_contacts[contact.pk] = contact
            if self._update_record(person, record) and record.pk:
                changed_records[record.pk] = record
            if record.pk:
                seen.append(record.pk)
            # Disabled in the directory: deactivated; enabled again: back, unless deactivated by hand.
            if contact.is_active != person.active and (contact.is_active or record.deactivated_by_sync):
                contact.is_active, record.deactivated_by_sync = person.active, not person.active
                changed_contacts[contact.pk] = contact
                if record.pk:
                    changed_records[record.pk] = record
                (users_on if person.active else users_off).append(contact.user_id)
                kind = "contact_reactivated" if person.active else "contact_deactivated"
                self.report.add(kind, who=_label(person.first_name, person.last_name, person.email))
        self._write(new_contacts, new_records, changed_contacts, changed_records, seen, users_off, users_on)

    def _values(self, person: Person) -> dict:
        values = {
            "email": person.email,
            "first_name": person.first_name[: LIMITS["first_name"]],
            "last_name": person.last_name[: LIMITS["last_name"]],
            "entity": self.entity_for(person),
            "job_title": person.job_title[: LIMITS["job_title"]],
            "phone": person.phone[: LIMITS["phone"]],
        }
        return {name: value for name, value in values.items() if name in self.owned}

    def _new_contact(self, person: Person) -> tuple[Contact, DirectoryRecord]:
        contact = Contact(**self._values(person))
        record = DirectoryRecord(contact=contact, source=self.source, external_id=person.external_id)
        self._update_record(person, record)
        record.last_seen_run = self.run_id
        self.report.add(
            "contact_created",
            who=f"{_label(person.first_name, person.last_name, person.email)}, {contact.entity.name}",
        )
        return contact, record

    def _update_contact(
        self, person: Person, contact: Contact, record: DirectoryRecord, taken: set[str]
    ) -> bool:
        changes = {}
        for name, new in self._values(person).items():
            old = getattr(contact, name)
            if name == "entity":
                if contact.entity_id != new.pk:
                    changes[name] = [contact.entity.name, new.name]
                    contact.entity = new
                continue
            if (old or "") == new:
                continue
            if name == "email" and new in taken:
                self.report.add("skipped", ref=person.dn or person.external_id, reason="email_taken")
                continue
            changes[name] = [old, new]
            setattr(contact, name, new)
        if record.manager_ref != person.manager_ref:
            changes["manager"] = [_short_ref(record.manager_ref), _short_ref(person.manager_ref)]
        if changes:
            self.report.add(
                "contact_updated",
                who=_label(contact.first_name, contact.last_name, contact.email),
                fields=changes,
            )
        else:
            self.report.unchanged += 1
        return bool(set(changes) - {"manager"})

    @staticmethod
    def _update_record(person: Person, record: DirectoryRecord) -> bool:
        wanted = {
            "dn": person.dn[:500],
            "username": person.username[:150],
            "manager_ref": person.manager_ref[:500],
        }
        changed = False
        for name, value in wanted.items():
            if getattr(record, name) != value:
                setattr(record, name, value)
                changed = True
        return changed

    def _write(self, new_contacts, new_records, changed_contacts, changed_records, seen, users_off, users_on):
        Contact.objects.bulk_create(new_contacts)
        for record in new_records:
            record.contact = record.contact  # picks up the primary key bulk_create gave the contact
        DirectoryRecord.objects.bulk_create(new_records)
        if changed_contacts:
            fields = sorted((self.owned - {"entity"}) | {"is_active"}) + ["entity"]
            Contact.objects.bulk_update(list(changed_contacts.values()), fields)
        if changed_records:
            DirectoryRecord.objects.bulk_update(
                list(changed_records.values()),
                ["source", "external_id", "dn", "username", "manager_ref", "deactivated_by_sync"],
            )
        if seen and self.run_id is not None:
            DirectoryRecord.objects.filter(pk__in=seen).update(last_seen_run=self.run_id)
        if self.run_id is not None:
            DirectoryRecord.objects.filter(pk__in=[r.pk for r in new_records]).update(
                last_seen_run=self.run_id
            )
        _set_users_active([u for u in users_off if u], False)
        _set_users_active([u for u in users_on if u], True)

    # -- after a complete read -------------------------------------------------------------------

    def link_managers(self, key: str) -> None:
        """Point each record at its manager's contact, a chunk at a time, writing only what changed.

        (A single UPDATE with a correlated subquery is slow on PostgreSQL right after a bulk load,
        before the table's statistics are gathered: over a minute for 10,000 people.)"""
        records = DirectoryRecord.objects.filter(source=self.source)
        last_pk = 0
        columns = ("pk", "manager_ref", "manager_id")
        while chunk := list(records.filter(pk__gt=last_pk).order_by("pk").values_list(*columns)[:2000]):
            last_pk = chunk[-1][0]
            refs = {ref for _pk, ref, _manager in chunk if ref}
            found = (
                dict(records.filter(**{f"{key}__in": refs}).values_list(key, "contact_id")) if refs else {}
            )
            moves = defaultdict(list)
            for pk, ref, current in chunk:
                wanted = found.get(ref) if ref else None
                if wanted != current:
                    moves[wanted].append(pk)
            for manager_id, pks in moves.items():
                DirectoryRecord.objects.filter(pk__in=pks).update(manager_id=manager_id)

    def deactivate_missing(self, allow_mass: bool) -> None:
        active = DirectoryRecord.objects.filter(source=self.source, contact__is_active=True)
        missing = active.exclude(last_seen_run=self.run_id)
        count = missing.count()
        if not count:
            return
        total = active.count()
        limit = settings.DIRECTORY_SYNC_MAX_DEACTIVATION_PERCENT
        if not allow_mass and count > MASS_DEACTIVATION_FLOOR and count * 100 > limit * total:
            self.report.refused = _(
                "%(count)d of %(total)d contacts are missing from the directory (more than %(limit)d %%): "
                "nobody was deactivated. Check the search base and the filter, then run the sync again "
                "with --allow-mass-deactivation if they really left."
            ) % {"count": count, "total": total, "limit": limit}
            logger.warning("directory sync: %s", self.report.refused)
            return
        while chunk := list(
            missing.values_list(
                "pk",
                "contact_id",
                "contact__user_id",
                "contact__first_name",
                "contact__last_name",
                "contact__email",
            )[:BATCH_SIZE]
        ):
            with transaction.atomic():
                Contact.objects.filter(pk__in=[row[1] for row in chunk]).update(is_active=False)
                DirectoryRecord.objects.filter(pk__in=[row[0] for row in chunk]).update(
                    deactivated_by_sync=True
                )
                _set_users_active([row[2] for row in chunk if row[2]], False)
            for row in chunk:
                self.report.add("contact_deactivated", who=_label(row[3], row[4], row[5]))


def _set_users_active(user_ids: list[int], active: bool) -> None:
    """Logins follow their contact; a technical administrator's local account is never touched."""
    if user_ids:
        get_user_model().objects.filter(pk__in=user_ids, is_superuser=False).exclude(is_active=active).update(
            is_active=active
        )
