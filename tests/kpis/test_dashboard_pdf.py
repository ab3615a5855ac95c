"""The dashboard's PDF built in the background: lifecycle on both task backends, progress, reuse while
the data is unchanged, failure and retry, and who may open whose PDF."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from directory import roles
from home.models import GeneratedReport
from tests.conftest import make_user
from tests.home.report_helpers import database_tasks, pdf_text, run_worker, urls  # noqa: F401 - fixture
from tests.kpis.test_dashboard import PDF, Q3_PARAMS, at, make_request, world  # noqa: F401 - fixture

pytestmark = pytest.mark.usefixtures("world")


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_with_an_immediate_backend_the_export_goes_straight_to_the_file(client_for, cio):
    client = client_for(cio)
    response = client.get(PDF, Q3_PARAMS)
    report = GeneratedReport.objects.get()
    assert response.status_code == 302 and response["Location"] == urls(report)["report_download"]
    assert (report.owner, report.status, report.progress, report.stage) == (cio, "ready", 100, "saved")
    assert report.page_count >= 1 and report.build_seconds > 0
    download = client.get(response["Location"])
    assert (
        download["Content-Disposition"]
        == 'attachment; filename="indicateurs-entreprise-20260701-20261001.pdf"'
    )
    text = pdf_text(body(download))
    assert "Indicateurs Relations-Clients" in text and "T3 2026" in text
    assert "Direction Commerciale" in text and "Direction des Ressources Humaines" in text
    assert "Variation des demandes" in text


def test_with_the_database_backend_the_page_shows_progress_until_the_worker_has_built_it(
    client_for,
    cio,
    database_tasks,  # noqa: F811
):
    client = client_for(cio)
    response = client.get(PDF, Q3_PARAMS)
    report = GeneratedReport.objects.get()
    links = urls(report)
    assert response["Location"] == links["report"]
    assert (report.status, report.progress, report.stage) == ("pending", 0, "queued")
    assert DBTaskResult.objects.get().task_path == "home.tasks.build_generated_report"

    page = client.get(links["report"]).content.decode()
    assert "Le PDF est en cours de fabrication en arrière-plan" in page
    assert "En attente du traitement en arrière-plan" in page and 'value="0"' in page
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page  # works without JS
    assert "home/report-progress.js" in page and f'data-status-url="{links["report_status"]}"' in page
    assert client.get(links["report_status"]).json() == {
        "status": "pending", "progress": 0, "stage": "En attente du traitement en arrière-plan",
        "ready": False, "failed": False, "pages": None, "download_url": None,
    }  # fmt: skip
    assert client.get(links["report_download"])["Location"] == links["report"]  # not ready: the page

    assert run_worker() == 1
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    state = client.get(links["report_status"]).json()
    assert state["ready"] and state["progress"] == 100 and state["stage"] == "PDF enregistré"
    assert state["download_url"] == links["report_download"] and state["pages"] >= 1
    page = client.get(links["report"]).content.decode()
    assert "Le PDF est prêt" in page and "refresh" not in page and "report-progress.js" not in page
    assert "Indicateurs Relations-Clients T3 2026" in pdf_text(body(client.get(links["report_download"])))

    # The same export again, the data unchanged: the same file at once, nothing queued.
    again = client.get(PDF, Q3_PARAMS)
    assert again["Location"] == links["report_download"]
    assert GeneratedReport.objects.count() == 1 and DBTaskResult.objects.count() == 1


def test_a_change_to_the_data_means_a_new_pdf(client_for, cio, entity_a):
    client = client_for(cio)
    client.get(PDF, Q3_PARAMS)
    client.get(PDF, Q3_PARAMS)
    assert GeneratedReport.objects.count() == 1
    make_request(entity_a, at(2026, 8, 9))
    client.get(PDF, Q3_PARAMS)
    first, second = GeneratedReport.objects.order_by("pk")
    assert first.version != second.version and second.is_ready and second.file.name != first.file.name


def test_another_reader_of_the_same_figures_gets_the_built_file_without_a_new_build(
    client_for, cio, relationship_manager
):
    client_for(relationship_manager).get(PDF, Q3_PARAMS)
    response = client_for(cio).get(PDF, Q3_PARAMS)
    built, reused = GeneratedReport.objects.order_by("pk")
    assert (built.owner, reused.owner) == (relationship_manager, cio)
    assert reused.file.name == built.file.name and reused.is_ready and reused.build_seconds == 0
    assert response["Location"] == urls(reused)["report_download"]


def test_a_failed_build_says_so_in_french_and_can_be_tried_again(client_for, cio, settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    settings.MEDIA_ROOT = str(blocker / "media")  # the PDF cannot be stored: a real failure
    client = client_for(cio)
    response = client.get(PDF, Q3_PARAMS)
    failed = GeneratedReport.objects.get()
    links = urls(failed)
    assert failed.status == "failed" and "Error" in failed.error
    assert response["Location"] == links["report"]
    page = client.get(links["report"]).content.decode()
    assert "Le PDF n’a pas pu être fabriqué." in page and "Réessayer" in page
    assert f'action="{links["report_retry"]}"' in page and "refresh" not in page
    assert client.get(links["report_status"]).json()["failed"] is True

    settings.MEDIA_ROOT = str(tmp_path / "media")
    retried = client.post(links["report_retry"])
    again = GeneratedReport.objects.exclude(pk=failed.pk).get()
    assert again.is_ready and retried["Location"] == urls(again)["report_download"]
    assert client.get(links["report_retry"]).status_code == 405  # a retry is a POST


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("cio", 302),
        ("relationship_manager", 302),
        ("correspondent_a", 302),
        ("user_a", 403),
        ("product_manager", 403),
        ("editor", 403),
    ],
)
def test_who_may_start_the_export(request, client_for, persona, status):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(PDF, Q3_PARAMS).status_code == status
    assert GeneratedReport.objects.count() == (1 if status == 302 else 0)


@pytest.mark.parametrize("persona", ["relationship_manager", "correspondent_a", "user_a", "other_cio"])
def test_nobody_else_opens_the_cios_pdf_even_with_its_token(request, client_for, cio, persona):
    client_for(cio).get(PDF, Q3_PARAMS)
    report = GeneratedReport.objects.get()
    other = make_user("cio2", roles.CIO) if persona == "other_cio" else request.getfixturevalue(persona)
    client = client_for(other)
    links = urls(report)
    for name in ("report", "report_status", "report_download"):
        assert client.get(links[name]).status_code == 404, name
    assert client.post(links["report_retry"]).status_code == 404


def test_anonymous_visitors_are_sent_to_the_login_page(client, client_for, cio):
    client_for(cio).get(PDF, Q3_PARAMS)
    links = urls(GeneratedReport.objects.get())
    client.logout()
    for url in links.values():
        assert client.get(url)["Location"].startswith(reverse("login")), url


def test_a_cio_who_lost_the_role_no_longer_opens_their_pdf(client_for, cio):
    client = client_for(cio)
    client.get(PDF, Q3_PARAMS)
    links = urls(GeneratedReport.objects.get())
    cio.groups.remove(Group.objects.get(name=roles.CIO))
    assert client.get(links["report_download"]).status_code == 403


def test_a_correspondents_pdf_is_their_directorates_and_theirs_only(client_for, correspondent_a, cio):
    client = client_for(correspondent_a)
    response = client.get(PDF, Q3_PARAMS)
    report = GeneratedReport.objects.get()
    assert report.parameters["scope"] == "DCOM" and report.file_name.startswith("indicateurs-DCOM-")
    text = pdf_text(b"".join(client.get(response["Location"]).streaming_content))
    assert "Indicateurs de Direction Commerciale" in text and "Ressources Humaines" not in text
    assert client_for(cio).get(urls(report)["report"]).status_code == 404
