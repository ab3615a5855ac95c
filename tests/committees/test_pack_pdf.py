"""The preparation pack's PDF built in the background: lifecycle on both task backends, progress,
reuse while the meeting's data is unchanged, attaching the built PDF to the meeting and to its
invitation, and who may open whose PDF."""

import email
from email import policy

import pytest
from django.urls import reverse
from django.utils import timezone

from committees import services
from committees.models import MeetingPack
from home.models import GeneratedReport
from tests.committees.test_documents import smtp_server  # noqa: F401 - fixture
from tests.committees.test_pack import history, meetings  # noqa: F401 - fixtures
from tests.home.report_helpers import database_tasks, pdf_text, run_worker, urls  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(request):
    """The meeting to prepare, with its directorate's history (tests/committees/test_pack.py)."""
    return request.getfixturevalue("history")


def pack_url(meeting) -> str:
    return reverse("committees:meeting_pack_pdf", args=[meeting.pk])


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_worker_builds_the_pack_while_the_page_shows_its_progress(
    client_for,
    relationship_manager,
    meeting,
    database_tasks,  # noqa: F811
):
    client = client_for(relationship_manager)
    response = client.get(pack_url(meeting))
    report = GeneratedReport.objects.get()
    links = urls(report)
    assert response["Location"] == links["report"] and report.status == "pending"
    page = client.get(links["report"]).content.decode()
    assert "Dossier de préparation (PDF) · Comité tactique DCOM" in page
    assert "Le PDF est en cours de fabrication" in page and 'http-equiv="refresh"' in page
    assert f'href="{reverse("committees:meeting_pack", args=[meeting.pk])}"' in page  # back to the pack

    assert run_worker() == 1
    report.refresh_from_db()
    assert (report.status, report.progress, report.stage) == ("ready", 100, "saved")
    assert report.file_name.startswith("dossier-preparation-dcom-")
    text = pdf_text(body(client.get(links["report_download"])))
    assert "Comité tactique DCOM" in text and "Dossier de préparation" in text
    assert "Demandes reçues" in text and "Demandes résolues" in text and "R-OPENLATE" in text
    assert "Refonte CRM" in text and "Relancer l'audit" in text and "Ancien projet" not in text


def test_the_pack_is_rebuilt_once_the_meetings_data_changes(client_for, relationship_manager, meeting):
    client = client_for(relationship_manager)
    client.get(pack_url(meeting))
    client.get(pack_url(meeting))
    assert GeneratedReport.objects.count() == 1
    services.add_action(meeting, title="Nouvelle action", owner=None, due_on=timezone.localdate())
    client.get(pack_url(meeting))
    first, second = GeneratedReport.objects.order_by("pk")
    assert first.version != second.version and second.is_ready


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("relationship_manager", 302),
        ("cio", 302),
        ("user_a", 403),
        ("correspondent_a", 403),
        ("product_manager", 403),
    ],
)
def test_who_may_start_the_pack(request, client_for, meeting, persona, status):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(pack_url(meeting)).status_code == status
    assert GeneratedReport.objects.count() == (1 if status == 302 else 0)


@pytest.mark.parametrize("persona", ["cio", "user_a", "correspondent_a", "product_manager"])
def test_nobody_else_opens_the_relationship_managers_pack_even_with_its_token(
    request, client_for, relationship_manager, meeting, persona
):
    client_for(relationship_manager).get(pack_url(meeting))
    links = urls(GeneratedReport.objects.get())
    client = client_for(request.getfixturevalue(persona))
    for name in ("report", "report_status", "report_download"):
        assert client.get(links[name]).status_code == 404, name
    assert client.post(links["report_retry"]).status_code == 404


def test_attaching_before_the_pack_is_built_attaches_it_once_the_worker_has_built_it(
    client_for,
    relationship_manager,
    meeting,
    database_tasks,  # noqa: F811
):
    client = client_for(relationship_manager)
    response = client.post(reverse("committees:meeting_pack_attach", args=[meeting.pk]), follow=True)
    report = GeneratedReport.objects.get()
    assert response.redirect_chain[-1][0] == urls(report)["report"]
    assert "il sera joint à la réunion dès qu’il sera prêt" in response.content.decode()
    assert not MeetingPack.objects.exists() and report.follow_up == "attach"

    run_worker()
    report.refresh_from_db()
    attached = MeetingPack.objects.get(meeting=meeting)
    assert attached.file.read() == report.file.read()  # the built PDF, not another build
    assert attached.built_by == relationship_manager and report.follow_up == ""
    assert attached.period_end <= timezone.now()


def test_attaching_a_pack_already_built_uses_that_pdf_at_once(client_for, relationship_manager, meeting):
    client = client_for(relationship_manager)
    client.get(pack_url(meeting))
    response = client.post(reverse("committees:meeting_pack_attach", args=[meeting.pk]))
    assert response["Location"] == reverse("committees:meeting_detail", args=[meeting.pk])
    report = GeneratedReport.objects.get()  # no second build
    assert MeetingPack.objects.get(meeting=meeting).file.read() == report.file.read()


def test_an_invitation_with_the_pack_sent_before_any_was_attached_builds_and_attaches_it(
    client_for,
    relationship_manager,
    meeting,
    smtp_server,  # noqa: F811
):
    client = client_for(relationship_manager)
    assert "avec le dossier de préparation (fabriqué et joint à l’envoi)" in (
        client.get(reverse("committees:meeting_detail", args=[meeting.pk])).content.decode()
    )
    client.post(reverse("committees:meeting_invite", args=[meeting.pk]), {"with_pack": "1"})
    (message,) = (email.message_from_bytes(m.content, policy=policy.default) for m in smtp_server.messages)
    (pdf,) = [p for p in message.walk() if p.get_content_type() == "application/pdf"]
    attached = MeetingPack.objects.get(meeting=meeting)
    assert pdf.get_content() == attached.file.read() == GeneratedReport.objects.get().file.read()
    assert "R-OPENLATE" in pdf_text(pdf.get_content())
