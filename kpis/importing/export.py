"""Write the portal's data in the import format (IMPORT.md), so users see what a workbook looks like."""

import datetime as dt
from pathlib import Path

from catalogue.models import FamilyPage, ServicePage
from committees.models import Interaction, Project
from directory.models import Contact, Directorate, Entity
from home.exports import safe_cell, write_csv_file
from kpis.importing.cells import PARIS
from kpis.importing.rows import COLUMNS
from kpis.importing.sources import FILE_ORDER
from kpis.models import Subscription, SurveyAnswer
from requests_box.models import Request


def export_workbook(path: Path | str) -> dict[str, int]:
    """Write every file of IMPORT.md: an .xlsx workbook when `path` ends in .xlsx, else a folder of CSV."""
    path = Path(path)
    tables = {name: list(ROWS[name]()) for name in FILE_ORDER}
    if path.suffix.lower() == ".xlsx":
        _write_xlsx(path, tables)
    else:
        path.mkdir(parents=True, exist_ok=True)
        for name, rows in tables.items():
            with (path / f"{name}.csv").open("w", encoding="utf-8", newline="") as handle:
                write_csv_file(handle, [COLUMNS[name][0], *rows])
    return {name: len(rows) for name, rows in tables.items()}


def _write_xlsx(path: Path, tables: dict[str, list]) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for name, rows in tables.items():
        sheet = workbook.create_sheet(name)
        sheet.append(COLUMNS[name][0])
        for row in rows:
            # Text a spreadsheet would run as a formula is quoted, as in every export (home/exports.py).
            sheet.append([safe_cell(cell) for cell in row])
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)


def _d(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def _dt(value: dt.datetime | None) -> str:
    return value.astimezone(PARIS).isoformat() if value else ""


def _flag(value: bool) -> str:
    return "1" if value else "0"


def _directorates():
    for d in Directorate.objects.order_by("code"):
        yield [d.code, d.name]


def _entities():
    for e in Entity.objects.select_related("directorate").order_by("code"):
        yield [e.code, e.name, e.directorate.code, e.client_type, e.segment]


def _contacts():
    for c in Contact.objects.select_related("entity").order_by("email"):
        yield [c.email, c.first_name, c.last_name, c.entity.code, c.role]


def _families():
    for f in FamilyPage.objects.order_by("code"):
        yield [f.code, f.title, f.colour, f.pictogram]


def _services():
    families = {f.path: f.code for f in FamilyPage.objects.all()}
    for s in ServicePage.objects.select_related("product_manager").order_by("code"):
        manager = s.product_manager.email if s.product_manager else s.product_manager_email
        yield [
            s.code,
            s.title,
            families.get(s.path[: -s.steplen], ""),
            s.maturity,
            _d(s.launched_on),
            manager,
        ]


def _subscriptions():
    rows = Subscription.objects.select_related("service", "entity").order_by(
        "service__code", "entity__code", "start"
    )
    for s in rows:
        yield [s.service.code, s.entity.code, _d(s.start), _d(s.end)]


def _requests():
    rows = Request.objects.select_related("contact", "entity", "service").order_by("reference")
    for r in rows.iterator(chunk_size=2000):
        yield [
            r.reference,
            _dt(r.received_at),
            r.channel,
            r.contact.email if r.contact else "",
            r.entity.code if r.entity else "",
            r.service.code if r.service else "",
            r.kind,
            _flag(r.urgent),
            _flag(r.important),
            _d(r.requested_deadline),
            _dt(r.resolved_at),
            _dt(r.closed_at),
            r.response_type,
            r.external_reference,
            # The deadline a resolved request was judged against (the portal's own, pauses included).
            _dt(r.deadline) if r.deadline_met is not None else "",
        ]


def _projects():
    for p in Project.objects.select_related("entity", "service").order_by("code"):
        yield [
            p.code,
            p.name,
            p.entity.code,
            p.service.code if p.service else "",
            _d(p.created_on),
            _d(p.signed_on),
        ]


def _interactions():
    for i in Interaction.objects.select_related("contact").order_by("date", "kind", "contact__email"):
        yield [_d(i.date), i.kind, i.contact.email, i.note]


def _survey_answers():
    rows = SurveyAnswer.objects.select_related("survey", "contact", "entity").filter(entity__isnull=False)
    for a in rows.order_by("answered_at", "id").iterator(chunk_size=2000):
        yield [
            a.survey.code,
            a.kind,
            _dt(a.answered_at),
            a.contact.email if a.contact else "",
            a.entity.code,
            "" if a.nps is None else a.nps,
            "" if a.csat is None else a.csat,
            a.comment,
        ]


ROWS = {
    "directorates": _directorates,
    "entities": _entities,
    "contacts": _contacts,
    "families": _families,
    "services": _services,
    "subscriptions": _subscriptions,
    "requests": _requests,
    "projects": _projects,
    "interactions": _interactions,
    "survey_answers": _survey_answers,
}
