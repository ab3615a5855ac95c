"""The mechanism behind PDFs built in the background (home/reports.py), with a small kind of its own:
the progress recorded at each stage, a lost build started again, old reports pruned."""

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from home import reports
from home.models import GeneratedReport
from tests.home.report_helpers import database_tasks, pdf_text, run_worker  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db
STYLESHEET = Path(__file__).resolve().parents[2] / "committees" / "print" / "minutes.css"


def _progress() -> tuple[int, str, str]:
    report = GeneratedReport.objects.get()
    return report.progress, report.stage, report.status


SEEN: list = []


def _gather(params: dict) -> dict:
    SEEN.append(("gather", _progress()))  # what the status page would show while the data is read
    return {"figure": params["figure"]}


def _html(data: dict) -> str:
    SEEN.append(("html", _progress()))
    return f"<h1>Relevé de sonde</h1><p>Chiffre du jour : {data['figure']}</p>"


def _check(user, params: dict) -> None:
    if not user.is_staff:
        raise PermissionDenied


PROBE = reports.ReportKind(
    name="probe",
    title=lambda params: "Sonde",
    check=_check,
    key=lambda params: str(params["figure"]),
    version=lambda params: "v1",
    gather=_gather,
    html=_html,
    stylesheet=STYLESHEET,
    file_name=lambda params: "sonde.pdf",
    back_url=lambda params: "/",
)


@pytest.fixture
def probe(monkeypatch, relationship_manager):
    monkeypatch.setitem(reports.KINDS, "probe", "tests.home.test_reports.PROBE")
    SEEN.clear()
    relationship_manager.is_staff = True
    relationship_manager.save()
    return relationship_manager


def test_each_stage_records_its_progress_while_the_worker_builds(probe, database_tasks):  # noqa: F811
    report = reports.request_report("probe", {"figure": 42}, probe)
    assert (report.status, report.progress, reports.stage_label(report)) == (
        "pending", 0, "En attente du traitement en arrière-plan",
    )  # fmt: skip
    assert SEEN == []  # nothing runs before the worker
    run_worker()
    assert SEEN == [("gather", (5, "started", "running")), ("html", (30, "data", "running"))]
    report.refresh_from_db()
    assert (report.status, report.progress, report.stage, report.page_count) == ("ready", 100, "saved", 1)
    assert report.started_at <= report.built_at and report.build_seconds > 0
    assert "Relevé de sonde Chiffre du jour : 42" in pdf_text(report.file.read())


def test_the_kinds_rule_decides_who_may_ask(probe, user_a):
    with pytest.raises(PermissionDenied):
        reports.request_report("probe", {"figure": 1}, user_a)
    assert not GeneratedReport.objects.exists()


def test_a_build_lost_with_its_worker_is_started_again(probe, database_tasks):  # noqa: F811
    lost = reports.request_report("probe", {"figure": 7}, probe)
    GeneratedReport.objects.filter(pk=lost.pk).update(
        status="running", requested_at=timezone.now() - reports.LOST_AFTER - dt.timedelta(minutes=1)
    )
    again = reports.request_report("probe", {"figure": 7}, probe)
    assert again.pk != lost.pk and again.status == "pending"
    # While the first one is still within its time, asking again gives the same report.
    assert reports.request_report("probe", {"figure": 7}, probe).pk == again.pk


def test_a_task_that_ran_already_does_not_build_again(probe):
    report = reports.request_report("probe", {"figure": 3}, probe)
    assert report.is_ready
    SEEN.clear()
    assert reports.build(report.pk).pk == report.pk and SEEN == []


def test_old_reports_are_pruned_and_a_shared_file_stays_while_named(probe, cio):
    cio.is_staff = True
    cio.save()
    first = reports.request_report("probe", {"figure": 5}, probe)
    shared = reports.request_report("probe", {"figure": 5}, cio)
    assert shared.file.name == first.file.name
    GeneratedReport.objects.filter(pk=first.pk).update(requested_at=timezone.now() - dt.timedelta(days=8))
    storage = first.file.storage
    assert reports.prune() == 1
    assert storage.exists(shared.file.name)  # still named by the newer report
    GeneratedReport.objects.filter(pk=shared.pk).update(requested_at=timezone.now() - dt.timedelta(days=8))
    assert reports.prune() == 1 and not storage.exists(shared.file.name)
