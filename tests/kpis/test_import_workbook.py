"""`import_workbook` per IMPORT.md: idempotent, all or nothing, every bad row listed."""

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils import translation

from catalogue.models import FamilyPage, ServicePage
from committees.models import Interaction, Project
from directory.models import Contact, Directorate, Entity
from kpis.importing import ImportFailed, import_workbook
from kpis.indicators import compute_indicators
from kpis.models import Subscription, SurveyAnswer
from kpis.periods import Period
from requests_box.models import ReferenceCounter, Request

GOOD = {
    "directorates": "code,name\nDCOM,Direction Commerciale\nDRH,Direction des Ressources Humaines\n",
    "entities": (
        "code,name,directorate,client_type,segment\n"
        "DCOM-GC,Ventes Grands Comptes,DCOM,metier,coeur_de_cible\n"
        "DRH-PAIE,Paie,DRH,fonctionnelle,\n"
    ),
    "contacts": (
        "email,first_name,last_name,entity,role\n"
        "Jeanne.Dupont@Groupe.fr,Jeanne,Dupont,DCOM-GC,decideur\n"
        "paul.martin@groupe.fr,Paul,Martin,DRH-PAIE,utilisateur\n"
    ),
    "families": "code,name,colour,pictogram\nPOSTE,Poste de travail,#1F4E8C,\n",
    "services": (
        "code,name,family,maturity,launched_on,product_manager\n"
        "MAIL,Messagerie,POSTE,mature,2019-01-01,chef.produit@groupe.fr\n"
    ),
    "subscriptions": (
        "service,entity,start,end\nMAIL,DCOM-GC,2026-01-01,\nMAIL,DRH-PAIE,2026-01-01,2026-08-01\n"
    ),
    "requests": (
        "reference,received_at,channel,contact,entity,service,kind,urgent,important,requested_deadline,"
        "resolved_at,closed_at,response_type\n"
        "REQ-2026-000120,2026-07-02T09:15:00+02:00,email,jeanne.dupont@groupe.fr,,MAIL,simple,0,0,,"
        "2026-07-02T13:15:00+02:00,,email\n"
        "REQ-2026-000121,2026-07-03T10:00:00,telephone,,,,reclamation,1,1,,,,\n"
    ),
    "projects": (
        "code,name,entity,service,created_on,signed_on\n"
        "PRJ-1,Refonte CRM,DCOM-GC,MAIL,2026-07-01,2026-08-01\n"
    ),
    "interactions": "date,kind,contact,note\n2026-07-04,visite,jeanne.dupont@groupe.fr,Visite du site\n",
    "survey_answers": (
        "survey,kind,answered_at,contact,entity,nps,csat,comment\n"
        "BARO-2026,barometre,2026-09-01T10:00:00+02:00,,DCOM-GC,9,4,Très bien\n"
    ),
}


@pytest.fixture(autouse=True)
def _french():
    """Reasons are in French, whatever language an earlier test left active."""
    with translation.override("fr"):
        yield


def write_folder(folder, files: dict[str, str], bom: bool = False):
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / f"{name}.csv").write_bytes(("\ufeff" if bom else "").encode() + text.encode())
    return folder


def counts():
    return {
        m.__name__: m.objects.count()
        for m in (
            Directorate,
            Entity,
            Contact,
            FamilyPage,
            ServicePage,
            Subscription,
            Request,
            Project,
            Interaction,
            SurveyAnswer,
        )
    }


@pytest.mark.django_db
def test_a_valid_folder_is_imported_and_feeds_the_indicators(tmp_path):
    out = StringIO()
    call_command("import_workbook", str(write_folder(tmp_path / "in", GOOD, bom=True)), stdout=out)
    assert "entities.csv: 2 created, 0 updated" in out.getvalue()
    assert "requests.csv: 2 created, 0 updated" in out.getvalue()
    assert Contact.objects.get(email="jeanne.dupont@groupe.fr").entity.code == "DCOM-GC"
    assert Entity.objects.get(code="DRH-PAIE").segment == "standard"
    request = Request.objects.get(reference="REQ-2026-000120")
    assert request.entity.code == "DCOM-GC"  # from the contact
    assert request.service.code == "MAIL" and request.status == "resolved"
    unknown = Request.objects.get(reference="REQ-2026-000121")
    assert unknown.entity is None
    # A date-time without offset is Paris wall-clock time.
    assert unknown.received_at == dt.datetime(2026, 7, 3, 10, tzinfo=ZoneInfo("Europe/Paris"))
    assert ReferenceCounter.objects.get(year=2026).last == 121

    indicators = compute_indicators(Period(dt.date(2026, 7, 1), dt.date(2026, 10, 1)))
    company = indicators["company"]
    assert company["requests"] == 2
    assert company["requests_by_client_type"]["inconnu"] == 1
    assert company["processing_hours_median_by_kind"]["simple"] == 4.0
    assert company["contacts_met_by_month"]["2026-07"] == 1
    assert company["projects_signed_with_new_clients"] == 1
    assert company["satisfaction"]["barometre"]["nps"] == 100.0
    assert indicators["services"]["MAIL"]["coverage_start_pct"] == 100.0
    assert indicators["services"]["MAIL"]["coverage_end_pct"] == 50.0


@pytest.mark.django_db
def test_families_and_services_become_unpublished_draft_pages(tmp_path):
    import_workbook(write_folder(tmp_path / "in", GOOD))
    family = FamilyPage.objects.get(code="POSTE")
    service = ServicePage.objects.get(code="MAIL")
    assert not family.live and not service.live
    assert service.get_parent().id == family.id
    assert service.title == "Messagerie" and service.maturity == "mature"
    assert service.product_manager is None and service.product_manager_email == "chef.produit@groupe.fr"


@pytest.mark.django_db
def test_importing_twice_changes_nothing(tmp_path):
    folder = write_folder(tmp_path / "in", GOOD)
    import_workbook(folder)
    first = counts()
    tallies = import_workbook(folder)
    assert counts() == first
    assert all((t.created, t.updated) == (0, 0) for t in tallies.values())


@pytest.mark.django_db
def test_an_invalid_import_writes_nothing_and_lists_every_bad_row(tmp_path):
    bad = dict(GOOD)
    bad["entities"] = GOOD["entities"] + "DX,Entité X,NOPE,metier,\nDY,Entité Y,DCOM,privee,\n"
    bad["requests"] = GOOD["requests"] + "REQ-26-1,hier,email,,,,simple,2,0,,,,\n"
    bad["survey_answers"] = (
        GOOD["survey_answers"] + "BARO-2026,barometre,2026-09-02T10:00:00,,DCOM-GC,11,0,\n"
    )
    err = StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_workbook", str(write_folder(tmp_path / "in", bad)), stderr=err)
    assert exit_info.value.code == 1
    lines = err.getvalue().splitlines()
    assert "entities.csv:4: directorate: direction inconnue : 'NOPE'" in lines
    assert (
        "entities.csv:5: client_type: 'privee' ne fait pas partie de : "
        "metier, fonctionnelle, filiale, externe" in lines
    )
    assert (
        "requests.csv:4: received_at: date et heure illisibles : 'hier' (attendu : 31/12/2025 14:05, "
        "2025-12-31T14:05:00+01:00 ou une date Excel)" in lines
    )
    assert "requests.csv:4: urgent: 0 ou 1 attendu, '2' reçu" in lines
    assert "survey_answers.csv:3: nps: nombre entier de 0 à 10 attendu, '11' reçu" in lines
    assert "survey_answers.csv:3: csat: nombre entier de 1 à 5 attendu, '0' reçu" in lines
    assert lines[-1] == "rien n'a été importé : 6 erreur(s)"
    assert counts() == dict.fromkeys(counts(), 0)


@pytest.mark.django_db
def test_unknown_columns_and_files_are_errors(tmp_path):
    folder = write_folder(
        tmp_path / "in", {"directorates": "code,name,budget\nD,Direction,12\n", "notes": "a\n"}
    )
    with pytest.raises(ImportFailed) as failure:
        import_workbook(folder)
    messages = [str(e) for e in failure.value.errors]
    assert "directorates.csv:1: budget: colonne inconnue" in messages
    assert "notes.csv:1: -: fichier inattendu : ne fait pas partie des fichiers d'IMPORT.md" in messages
    assert Directorate.objects.count() == 0


@pytest.mark.django_db
def test_a_workbook_imports_like_the_csv_folder(tmp_path):
    import csv
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, text in GOOD.items():
        sheet = workbook.create_sheet(name)
        for cells in csv.reader(io.StringIO(text)):
            sheet.append(cells)
    path = tmp_path / "historique.xlsx"
    workbook.save(path)
    tallies = import_workbook(path)
    assert tallies["historique.xlsx[requests]"].created == 2
    assert Request.objects.get(reference="REQ-2026-000120").resolved_at.hour == 11  # 13:15+02:00 in UTC
    assert SurveyAnswer.objects.get().nps == 9


@pytest.mark.django_db
@pytest.mark.parametrize("target", ["export", "export.xlsx"])
def test_exported_data_reimports_without_any_change(tmp_path, target):
    from kpis.importing.export import export_workbook

    import_workbook(write_folder(tmp_path / "in", GOOD))
    before = counts()
    written = export_workbook(tmp_path / target)
    assert written["requests"] == 2 and written["survey_answers"] == 1
    tallies = import_workbook(tmp_path / target)
    assert counts() == before
    assert all((t.created, t.updated) == (0, 0) for t in tallies.values()), tallies
