"""Issue 15, item 6: imports are bounded before they start, and the portal keeps serving while one runs.

Real .xlsx files (zip parts written here) reproduce the red team's: a 5 kB workbook declaring the
whole sheet (A1:XFD1048576), a workbook of a few MB that unzips to 480 MB, a row of thousands of
cells; and a login while an import is checking and then writing.
"""

import threading
import time
import tracemalloc
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import translation

from directory.models import Directorate
from kpis.importing import SourceError, import_workbook
from tests.conftest import make_user
from tests.kpis.test_import_workbook import GOOD, write_folder
from tests.kpis.xlsx_parts import MAIN, sheet_xml, write_workbook

pytestmark = pytest.mark.django_db

DIRECTORATES = [["code", "name"], ["DCOM", "Direction Commerciale"]]


@pytest.fixture(autouse=True)
def _french():
    with translation.override("fr"):
        yield


def test_a_tiny_workbook_declaring_the_whole_sheet_is_refused_from_its_declaration(tmp_path):
    path = write_workbook(
        tmp_path / "dimension.xlsx", {"directorates": sheet_xml(DIRECTORATES, dimension="A1:XFD1048576")}
    )
    assert path.stat().st_size < 5000
    err = StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_workbook", str(path), stderr=err)
    assert exit_info.value.code == 1
    assert err.getvalue().splitlines()[0] == (
        "dimension.xlsx[directorates] : la feuille déclare 1048576 lignes et 16384 colonnes "
        "(au plus 500000 lignes et 64 colonnes) : refusée"
    )
    assert not Directorate.objects.exists()


def bomb_sheet(total_bytes: int):
    yield f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData>'.encode()
    yield b'<row><c t="inlineStr"><is><t>code</t></is></c><c t="inlineStr"><is><t>name</t></is></c></row>'
    row = (
        b'<row><c t="inlineStr"><is><t>DCOM</t></is></c><c t="inlineStr"><is><t>Direction</t></is></c></row>'
    )
    block = row * (1024 * 1024 // len(row))
    for _ in range(total_bytes // len(block)):
        yield block
    yield b"</sheetData></worksheet>"


def test_a_workbook_that_unzips_to_480_mb_is_refused_without_reading_it(tmp_path):
    path = write_workbook(tmp_path / "bombe.xlsx", {"directorates": bomb_sheet(480 * 1024 * 1024)}, level=1)
    assert path.stat().st_size < 5 * 1024 * 1024
    tracemalloc.start()
    try:
        with pytest.raises(SourceError) as refused:
            import_workbook(path)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "bombe.xlsx : la partie xl/worksheets/sheet1.xml fait 480,0 Mo une fois décompressée" in str(
        refused.value
    )
    assert peak < 5 * 1024 * 1024  # nothing was unzipped
    assert not Directorate.objects.exists()


def test_a_part_compressed_far_more_than_a_real_sheet_is_refused(tmp_path):
    path = write_workbook(tmp_path / "ratio.xlsx", {"directorates": bomb_sheet(40 * 1024 * 1024)}, level=9)
    with pytest.raises(SourceError, match=r"est compressée \d+ fois \(100 au plus\) : refusée"):
        import_workbook(path)


def test_a_row_of_thousands_of_cells_is_refused_as_it_is_read(tmp_path):
    wide = [["code", "name", *[f"x{i}" for i in range(20_000)]], ["DCOM", "Direction"]]
    path = write_workbook(tmp_path / "large.xlsx", {"directorates": sheet_xml(wide)})  # no declared size
    with pytest.raises(SourceError) as refused:
        import_workbook(path)
    assert str(refused.value) == "large.xlsx[directorates]:1 : plus de 64 colonnes, refusé"


def test_rows_and_cells_are_counted_in_csv_files_and_workbooks(tmp_path, settings):
    settings.IMPORT_LIMITS = {"max_rows": 10, "max_cells": 50, "max_line_chars": 200}
    rows = [["code", "name"]] + [[f"D{i}", f"Direction {i}"] for i in range(12)]
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "directorates.csv").write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    with pytest.raises(SourceError, match=r"^directorates\.csv : plus de 10 lignes, refusé$"):
        import_workbook(folder)
    path = write_workbook(tmp_path / "lignes.xlsx", {"directorates": sheet_xml(rows)})
    with pytest.raises(SourceError, match=r"^lignes\.xlsx\[directorates\] : plus de 10 lignes, refusé$"):
        import_workbook(path)
    settings.IMPORT_LIMITS = {"max_cells": 15}
    with pytest.raises(SourceError, match=r"plus de 15 cellules dans l'import, refusé$"):
        import_workbook(path)
    settings.IMPORT_LIMITS = {"max_line_chars": 200}
    (folder / "directorates.csv").write_text("code,name\nD1," + "x" * 500 + "\n", encoding="utf-8")
    with pytest.raises(
        SourceError, match=r"^directorates\.csv:2 : ligne de plus de 200 caractères, refusée$"
    ):
        import_workbook(folder)


def test_a_workbook_declaring_a_dtd_is_refused(tmp_path):
    prolog = '<!DOCTYPE lol [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
    path = write_workbook(tmp_path / "dtd.xlsx", {"directorates": sheet_xml(DIRECTORATES)}, prolog=prolog)
    with pytest.raises(SourceError, match="DTD"):
        import_workbook(path)


def test_a_large_valid_import_reads_in_constant_memory(tmp_path):
    """Many rows, each checked and spooled to disk: memory does not follow the number of rows."""
    rows = "".join(f"D{i:05d},Direction {i}\n" for i in range(10_000))
    folder = write_folder(tmp_path / "in", {"directorates": "code,name\n" + rows})
    tracemalloc.start()
    try:
        report = import_workbook(folder)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert report["directorates.csv"].created == 10_000
    assert peak < 40 * 1024 * 1024


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_logins_are_answered_while_an_import_checks_and_while_it_writes(tmp_path):
    """SQLite locks the whole database for a writer: the import takes the lock only to write, briefly."""
    make_user("camille", email="camille@groupe-aurelia.fr")
    folder = write_folder(tmp_path / "in", GOOD)
    reached = {"check": threading.Event(), "write": threading.Event()}
    release = {"check": threading.Event(), "write": threading.Event()}
    outcome = {}

    def progress(stage, label):
        if stage in reached and not reached[stage].is_set():
            reached[stage].set()
            assert release[stage].wait(30)

    def run_import():
        try:
            with translation.override("fr"):
                outcome["report"] = import_workbook(folder, progress=progress)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            outcome["error"] = exc
        finally:
            connection.close()

    def log_in():
        started = time.monotonic()
        response = Client().post(reverse("login"), {"username": "camille", "password": "pw"})
        return response, time.monotonic() - started

    worker = threading.Thread(target=run_import)
    worker.start()
    try:
        assert reached["check"].wait(30)
        # The import is reading and checking its files: it holds no lock at all.
        response, _waited = log_in()
        assert response.status_code == 302 and response.url == "/"
        release["check"].set()

        assert reached["write"].wait(30)
        # Now it writes (on SQLite it holds the write lock): the login waits for it, then succeeds.
        threading.Timer(1.0, release["write"].set).start()
        response, waited = log_in()
        assert response.status_code == 302 and response.url == "/"
    finally:
        release["check"].set()
        release["write"].set()
        worker.join(60)
    assert "error" not in outcome, outcome.get("error")
    assert outcome["report"]["requests.csv"].created == 2
    if connection.vendor == "sqlite":
        assert waited >= 0.5  # it did wait for the import's short write, instead of failing


def test_a_row_deleted_between_the_check_and_the_write_fails_the_whole_import(tmp_path, entity_b):
    """The check reads the database once; a reference that disappears before the write is reported."""
    from directory.models import Entity
    from kpis.importing import ImportFailed

    files = dict(GOOD)
    files["requests"] = (
        GOOD["requests"].splitlines()[0] + "\nDEM-9,2026-03-02,email,,DRH-PAIE,,simple,0,0,,,,\n"
    )
    del (
        files["entities"],
        files["contacts"],
        files["survey_answers"],
        files["interactions"],
        files["projects"],
    )
    files["subscriptions"] = "service,entity,start,end\n"

    def progress(stage, label):
        if stage == "check" and label == "requests.csv":
            Entity.objects.filter(code="DRH-PAIE").delete()  # meanwhile, someone removes it

    with pytest.raises(ImportFailed) as failure:
        import_workbook(write_folder(tmp_path / "in", files), progress=progress)
    assert [str(e) for e in failure.value.errors] == [
        "requests.csv:2: -: désigne 'DRH-PAIE', supprimé depuis la vérification"
    ]
    assert not Directorate.objects.filter(code="DCOM").exists()  # nothing of the file was written
