"""Hostile input for the importer: random bytes and random rows never crash it nor leave a partial import."""

import pytest
from django.db import transaction
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from directory.models import Directorate, Entity
from kpis.importing import ImportFailed, import_workbook
from kpis.importing.sources import SourceError
from requests_box.models import Request

CELL = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        ["", "DCOM", "metier", "0", "1", "2026-07-01", "2026-13-45", "=cmd|' /C calc'!A0", "REQ-2026-000001"]
    ),
)
HOSTILE = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def csv_line(cells: list[str]) -> str:
    return ",".join('"' + c.replace('"', '""') + '"' for c in cells) + "\n"


def snapshot():
    return (Directorate.objects.count(), Entity.objects.count(), Request.objects.count())


@pytest.mark.django_db
@HOSTILE
@given(rows=st.lists(st.lists(CELL, min_size=0, max_size=7), max_size=8))
def test_random_rows_are_all_imported_or_none_is(tmp_path_factory, rows):
    folder = tmp_path_factory.mktemp("hostile")
    (folder / "directorates.csv").write_text("code,name\nDCOM,Direction Commerciale\n", encoding="utf-8")
    entities = "code,name,directorate,client_type,segment\n" + "".join(csv_line(r) for r in rows)
    (folder / "entities.csv").write_text(entities, encoding="utf-8")
    with transaction.atomic():
        before = snapshot()
        try:
            import_workbook(folder)
        except ImportFailed as failure:
            assert failure.errors
            assert all(str(e).startswith("entities.csv:") for e in failure.errors)
            assert snapshot() == before  # nothing at all was written, the valid directorate included
        else:
            assert Directorate.objects.filter(code="DCOM").exists()
            written = {r[0].strip() for r in rows if any(c.strip() for c in r)}
            assert Entity.objects.count() == before[1] + len(written)
        transaction.set_rollback(True)


@pytest.mark.django_db
@HOSTILE
@given(data=st.binary(max_size=400))
def test_random_bytes_in_a_file_are_reported_never_crash(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("bytes")
    (folder / "requests.csv").write_bytes(data)
    with transaction.atomic():
        before = snapshot()
        try:
            import_workbook(folder)
        except (ImportFailed, SourceError):
            assert snapshot() == before
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_a_damaged_workbook_is_reported(tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with translation.override("fr"), pytest.raises(SourceError, match="classeur illisible"):
        import_workbook(path)
