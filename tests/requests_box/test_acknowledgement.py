"""The acknowledgement of a new request, received by a real SMTP server on loopback."""

import datetime as dt

import pytest

from requests_box import services
from requests_box.intake.intake import Intake
from requests_box.models import Request
from tests.requests_box.mails import build_mail

pytestmark = pytest.mark.django_db


def test_new_mail_request_is_acknowledged_with_reference_deadline_and_link(smtp_server, settings, user_a):
    settings.PORTAL_BASE_URL = "https://relais.groupe-aurelia.fr"
    sent = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)  # Monday 10:00 in Paris
    raw = build_mail(subject="Accès VPN", message_id="<orig-1@client.example>", date=sent)
    request = Request.objects.get(reference=Intake().ingest(raw, source="t").detail)
    [received] = smtp_server.wait_for(1)
    ack = received["message"]
    assert received["to"] == ["alice@groupe-aurelia.fr"]
    assert f"[{request.reference}]" in ack["Subject"]
    assert ack["Auto-Submitted"] == "auto-replied"
    assert ack[settings.MAILBOX_LOOP_HEADER] == settings.MAILBOX_ADDRESS
    assert ack["Reply-To"] == settings.MAILBOX_ADDRESS
    assert ack["In-Reply-To"] == "<orig-1@client.example>"
    body = ack.get_content()
    assert "Merci" in body and request.reference in body
    assert "lundi 9 mars 2026, 10:00" in body  # one week = 5 business days, Paris time
    assert f"https://relais.groupe-aurelia.fr/demandes/{request.reference}/" in body
    assert request.messages.filter(direction="outbound", message_id=ack["Message-ID"]).exists()


def test_our_own_acknowledgement_coming_back_is_ignored_not_answered(smtp_server, user_a):
    Intake().ingest(build_mail(subject="Question"), source="t")
    [received] = smtp_server.wait_for(1)
    bounced_back = received["message"].as_bytes()
    assert Intake().ingest(bounced_back, source="t").outcome == "ignored"
    assert len(smtp_server.wait_for(2, timeout=0.5)) == 1


def test_web_and_manual_requests_are_acknowledged_too(smtp_server, user_a, relationship_manager):
    services.create_request(channel="web", subject="Par le formulaire", text="x", sender_email=user_a.email)
    services.create_request(channel="telephone", subject="Appel", text="y", sender_email="bruno@ext.example")
    assert sorted(r["to"][0] for r in smtp_server.wait_for(2)) == [
        "alice@groupe-aurelia.fr",
        "bruno@ext.example",
    ]


def test_noise_and_replies_get_no_acknowledgement(smtp_server, user_a):
    intake = Intake()
    reference = intake.ingest(build_mail(subject="Question"), source="t").detail
    intake.ingest(build_mail(subject=f"RE: [{reference}]"), source="t")
    intake.ingest(build_mail(headers={"Precedence": "junk"}), source="t")
    assert len(smtp_server.wait_for(3, timeout=0.5)) == 1


def test_an_smtp_failure_does_not_lose_the_request(settings, user_a):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 1  # nothing listens there
    result = Intake().ingest(build_mail(subject="SMTP en panne"), source="t")
    assert result.outcome == "created"
    request = Request.objects.get(reference=result.detail)
    assert not request.events.filter(kind="acknowledged").exists()
