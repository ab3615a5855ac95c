"""Hostile text in every field comes out inert: escaped in pages, literal in e-mails and PDFs."""

import datetime as dt
import shutil
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from catalogue.models import CatalogueIndexPage, FamilyPage, ServicePage
from committees import services as committee_services
from committees.models import Committee, CommitteeMember, Level, Meeting, MeetingStatus
from directory.models import Contact
from requests_box.models import Request
from tests.requests_box.conftest import smtp_server  # noqa: F401 - the real SMTP fixture

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("xss")</script>'
IMG = "<img src=x onerror=alert(1)>"
PAYLOAD = f'{SCRIPT}{IMG}"><svg onload=alert(2)>'
# What must never reach a page: markup a browser would run.
LIVE = ("<script>alert", "<img src=x onerror", "<svg onload")


def assert_inert(html: str, *, expect_escaped: bool = True):
    for marker in LIVE:
        assert marker not in html, f"{marker!r} reached the page unescaped"
    if expect_escaped:
        assert "&lt;script&gt;alert(" in html, "the payload should be shown, escaped"


def _service():
    index = CatalogueIndexPage.objects.get()
    family = index.add_child(instance=FamilyPage(title="Poste", slug="poste", code="POSTE", colour="#1f4e8c"))
    family.save_revision().publish()
    service = family.add_child(instance=ServicePage(title="Messagerie", slug="messagerie", code="MAIL"))
    service.save_revision().publish()
    return service


def test_web_request_fields_are_escaped_on_every_page(client_for, user_a, relationship_manager):
    _service()
    client = client_for(user_a)
    response = client.post(
        reverse("requests_box:new_request"),
        {
            "service": "MAIL",
            "subject": f"Sujet {PAYLOAD}"[:200],
            "description": f"Corps {PAYLOAD}",
            "attachments": [SimpleUploadedFile(f"{IMG}.txt", b"hello", content_type="text/plain")],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    request = Request.objects.get()
    assert SCRIPT in request.subject  # stored as typed: escaping is the output's job
    for url in (request.get_absolute_url(), reverse("requests_box:my_requests")):
        assert_inert(client.get(url).content.decode())
    manager = client_for(relationship_manager)
    for url in (
        request.get_absolute_url(),
        reverse("requests_box:unknown_senders"),
        reverse("requests_box:mailbox_home"),
    ):
        assert_inert(manager.get(url).content.decode(), expect_escaped=False)
    detail = manager.get(request.get_absolute_url()).content.decode()
    assert "&lt;img src=x onerror=alert(1)&gt;.txt" in detail  # the attachment's name, escaped


def test_mail_fields_are_escaped_on_the_request_page(client_for, relationship_manager):
    from requests_box.intake.intake import Intake
    from tests.requests_box.mails import build_mail

    raw = build_mail(
        sender=f'"{SCRIPT}" <evil@prestataire.fr>',
        subject=f"Objet {PAYLOAD}",
        body=f"Texte {PAYLOAD}",
        html=f'<p>Texte riche</p>{PAYLOAD}<a href="javascript:alert(3)">lien</a>',
        attachments=[(f"{IMG}.pdf", "application/pdf", b"%PDF-1.4")],
    )
    result = Intake(acknowledge=False).ingest(raw, source="xss.eml")
    assert result.outcome == "created"
    request = Request.objects.get(reference=result.detail)
    page = client_for(relationship_manager).get(request.get_absolute_url()).content.decode()
    assert_inert(page)
    assert "javascript:alert" not in page  # the sanitised HTML part keeps no script link


def test_acknowledgement_mail_keeps_the_payload_as_plain_text(user_a, smtp_server):  # noqa: F811
    from requests_box import services

    services.create_request(
        channel="web",
        subject=f"Sujet {PAYLOAD}\r\nBcc: victim@example.test",
        text=f"Corps {PAYLOAD}",
        contact=user_a.contact,
        submitted_by=user_a,
    )
    (received,) = smtp_server.wait_for(1)
    message = received["message"]
    # No header injection through the subject: one recipient, no Bcc.
    assert received["to"] == [user_a.email]
    assert message["Bcc"] is None
    # Plain text only: no HTML part a mail client would render.
    assert [part.get_content_type() for part in message.walk() if not part.is_multipart()] == ["text/plain"]
    assert SCRIPT in str(message["Subject"])


@pytest.fixture
def meeting(directorate_a, user_a, relationship_manager):
    committee = Committee.objects.create(
        name=f"Comité {SCRIPT}",
        directorate=directorate_a,
        level=Level.TACTIQUE,
        cadence_months=3,
        starts_on=dt.date(2026, 1, 15),
        location=IMG,
    )
    CommitteeMember.objects.create(committee=committee, contact=user_a.contact)
    meeting = Meeting.objects.create(
        committee=committee,
        scheduled_at=timezone.now() - dt.timedelta(days=3),
        status=MeetingStatus.HELD,
        minutes_published=True,
        agenda=f"Point 1 {PAYLOAD}",
    )
    committee_services.add_decision(meeting, text=f"Décision {PAYLOAD}")
    committee_services.add_action(
        meeting, title=f"Action {SCRIPT}", owner=relationship_manager, due_on=timezone.localdate()
    )
    return meeting


def test_committee_minutes_are_escaped_in_pages(client_for, meeting, user_a, relationship_manager):
    for user in (user_a, relationship_manager):
        client = client_for(user)
        for url in (
            reverse("committees:meeting_detail", args=[meeting.pk]),
            reverse("committees:committee_detail", args=[meeting.committee.pk]),
            reverse("committees:committee_list"),
        ):
            assert_inert(client.get(url).content.decode(), expect_escaped=False)
    assert_inert(
        client_for(user_a).get(reverse("committees:meeting_detail", args=[meeting.pk])).content.decode()
    )


def test_committee_minutes_pdf_shows_the_text_literally(client_for, meeting, user_a, tmp_path):
    response = client_for(user_a).get(reverse("committees:meeting_pdf", args=[meeting.pk]))
    assert response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "minutes.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(
        [shutil.which("pdftotext") or "/usr/bin/pdftotext", "-layout", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    flat = " ".join(text.split())
    # The markup is printed as text (WeasyPrint would have dropped it had it been interpreted).
    assert 'Décision <script>alert("xss")</script>' in flat
    assert "<img src=x onerror=alert(1)>" in flat


def test_contact_names_are_escaped(client_for, entity_a, relationship_manager):
    contact = Contact.objects.create(
        email="evil@groupe-aurelia.fr", first_name=SCRIPT, last_name=IMG, entity=entity_a
    )
    client = client_for(relationship_manager)
    for url in (
        reverse("committees:contact_timeline", args=[contact.pk]),
        reverse("directory:entity_detail", args=[entity_a.code]),
        reverse("committees:entity_timeline", args=[entity_a.code]),
    ):
        assert_inert(client.get(url).content.decode(), expect_escaped=False)
    assert_inert(client.get(reverse("committees:contact_timeline", args=[contact.pk])).content.decode())


def test_catalogue_rich_text_is_sanitised_and_plain_fields_escaped(client_for, user_a):
    service = _service()
    service.title = f"Service {SCRIPT}"
    service.details = f'<p>Détail</p>{PAYLOAD}<a href="javascript:alert(4)">x</a><p onclick="alert(5)">y</p>'
    service.how_to_ask = f"<p>Demander</p>{SCRIPT}"
    service.save_revision().publish()
    client = client_for(user_a)
    page = client.get(service.url).content.decode()
    assert_inert(page, expect_escaped=False)
    assert "javascript:alert" not in page and "onclick" not in page
    assert "&lt;script&gt;alert(" in page  # the title, escaped
    browse = client.get(reverse("catalogue:browse"), {"q": SCRIPT}).content.decode()
    assert_inert(browse, expect_escaped=False)


def test_search_query_is_escaped(client_for, user_a):
    _service()
    page = client_for(user_a).get(reverse("catalogue:browse"), {"q": PAYLOAD}).content.decode()
    assert_inert(page, expect_escaped=False)
