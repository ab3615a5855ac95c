"""Campaigns: checked whole before anything leaves, sent by the worker through a real SMTP server,
once per person, with unsubscribe headers, HTML and text parts, counted clicks and matched bounces."""

import smtplib
from email import policy
from email.parser import BytesParser

import pytest
from django.core import mail
from django.urls import reverse

from communications import bounces, services, unsubscribe
from communications.mail import click_url, read_click
from communications.models import Campaign, CampaignStatus, Click, Delivery, DeliveryStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue(django_capture_on_commit_callbacks):
    """Queue a campaign and run what its commit enqueues (the worker, inline in tests)."""

    def run(campaign):
        with django_capture_on_commit_callbacks(execute=True):
            return services.queue_campaign(campaign)

    return run


def by_recipient(received):
    return {item["to"][0]: item["message"] for item in received}


def test_a_campaign_reaches_each_member_once_with_headers_html_and_text(campaign, queue, smtp_server):  # noqa: F811
    assert queue(campaign) == 3
    received = by_recipient(smtp_server.wait_for(3))
    assert set(received) == {
        "alice@groupe-aurelia.fr",
        "corinne@groupe-aurelia.fr",
        "denis.leroy@groupe-aurelia.fr",
    }
    message = received["alice@groupe-aurelia.fr"]
    assert message["Subject"] == "Alice, découvrez la visioconférence"
    assert message["From"] == "Relais DSI <relais-dsi@groupe-aurelia.fr>"
    unsubscribe_header = str(message["List-Unsubscribe"]).strip()
    assert unsubscribe_header.startswith("<http://localhost:8000/desabonnement/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["X-Relais-Campaign"].startswith(f"{campaign.pk}-")
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Bonjour Alice," in text and "Ventes Grands Comptes" in text and "Visioconférence" in text
    assert "#c0392b" in html and "<svg" in html  # the family's colour and pictogram, inline
    assert "Techday 2026" in html and "/lien/" in html and "Se désabonner" in html
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.SENT and campaign.recipients == 3
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}
    # The bounce address names the delivery (VERP on the functional mailbox).
    envelope = {item["to"][0]: item["from"] for item in smtp_server.received}["alice@groupe-aurelia.fr"]
    assert envelope.startswith("relais-dsi+c") and envelope.endswith("@groupe-aurelia.fr")


def test_a_campaign_is_never_queued_twice(campaign, queue, smtp_server):  # noqa: F811
    queue(campaign)
    smtp_server.wait_for(3)
    with pytest.raises(services.CampaignError) as exc:
        queue(campaign)
    assert "déjà" in exc.value.problems[0]
    assert len(smtp_server.wait_for(4, timeout=0.3)) == 3


def test_a_delivery_claimed_by_a_lost_worker_is_not_sent_again(campaign, people, smtp_server, settings):  # noqa: F811

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}
    }
    services.queue_campaign(campaign)
    # The worker died after claiming Alice's row: the rerun sends to the others, never to her again.
    Delivery.objects.filter(contact=people["alice"]).update(status=DeliveryStatus.SENDING)
    services.send_next_batch(campaign.pk)
    services.send_next_batch(campaign.pk)
    received = smtp_server.wait_for(2)
    assert sorted(r["to"][0] for r in received) == [
        "corinne@groupe-aurelia.fr",
        "denis.leroy@groupe-aurelia.fr",
    ]


def test_batches_follow_the_rate_and_wait_between_them(campaign, smtp_server, settings):  # noqa: F811
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}
    }
    settings.COMMUNICATIONS_BATCH_SIZE = 2
    settings.COMMUNICATIONS_RATE_PER_MINUTE = 60
    services.queue_campaign(campaign)
    first = services.send_next_batch(campaign.pk)
    assert first["sent"] == 2 and first["next"] is not None
    from django.utils import timezone

    assert 1.5 <= (first["next"] - timezone.now()).total_seconds() <= 2.1  # 2 mails at 60 a minute
    second = services.send_next_batch(campaign.pk)
    assert second == {"sent": 1, "next": None, "due_now": False}
    assert len(smtp_server.wait_for(3)) == 3


def test_a_temporary_smtp_failure_is_retried_later_and_a_permanent_one_is_not(
    campaign, people, monkeypatch, settings
):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}
    }
    services.queue_campaign(campaign)
    calls = []

    def flaky_send(self, messages):
        address = messages[0].to[0]
        calls.append(address)
        if address.startswith("alice"):
            raise smtplib.SMTPServerDisconnected("lost")
        if address.startswith("denis"):
            raise smtplib.SMTPRecipientsRefused({address: (550, b"no such user")})
        return 1

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", flaky_send)
    result = services.send_next_batch(campaign.pk)
    status = dict(Delivery.objects.values_list("contact__first_name", "status"))
    assert status == {"Alice": "pending", "Corinne": "sent", "Denis": "failed"}
    assert result["next"] is not None and result["due_now"] is False
    assert Delivery.objects.get(contact=people["alice"]).next_attempt_at is not None


def test_unsubscribing_after_queueing_is_respected_at_send_time(campaign, people, settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}
    }
    services.queue_campaign(campaign)
    unsubscribe.unsubscribe(contact=people["denis"], kind=campaign.kind)
    services.send_next_batch(campaign.pk)
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@groupe-aurelia.fr", "corinne@groupe-aurelia.fr"]
    assert Delivery.objects.get(contact=people["denis"]).status == DeliveryStatus.SKIPPED


@pytest.mark.parametrize(
    "change, expected",
    [
        ("empty_audience", "ne touche personne"),
        ("invalid_address", "adresse e-mail valide"),
        ("template_error", "Champ de fusion inconnu"),
        ("unclosed_field", "n’est pas fermé"),
        ("unpublished_page", "n’est pas publié"),
        ("no_audience", "Choisissez une audience"),
    ],
)
def test_bad_input_is_said_before_sending_and_nothing_leaves(
    campaign, people, directorate_b, change, expected
):
    if change == "empty_audience":
        campaign.audience.directorates.set([directorate_b])
        campaign.audience.excluded_contacts.add(people["bruno"])
    elif change == "invalid_address":
        people["denis"].email = "denis@"
        people["denis"].save()
    elif change == "template_error":
        campaign.intro = "Bonjour {{ prénom }}"
    elif change == "unclosed_field":
        campaign.subject = "Bonjour {{ first_name"
    elif change == "unpublished_page":
        campaign.services.first().unpublish()
    elif change == "no_audience":
        campaign.audience = None
    campaign.save()
    with pytest.raises(services.CampaignError) as exc:
        services.queue_campaign(campaign)
    assert any(expected in problem for problem in exc.value.problems), exc.value.problems
    assert not Delivery.objects.exists() and mail.outbox == []
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DRAFT


def test_the_composer_previews_as_a_chosen_member_and_sends_a_test_to_themself(
    client,
    editor,
    campaign,
    people,
    smtp_server,  # noqa: F811
):
    client.force_login(editor)
    preview = client.get(
        reverse("communications:campaign_preview", args=[campaign.pk]), {"contact": people["denis"].pk}
    )
    assert preview.status_code == 200 and "Bonjour Denis," in preview.content.decode()
    # Someone outside the audience cannot be previewed as: the first member is used instead.
    other = client.get(
        reverse("communications:campaign_preview", args=[campaign.pk]), {"contact": people["bruno"].pk}
    )
    assert "Bruno" not in other.content.decode()
    response = client.post(reverse("communications:campaign_send_test", args=[campaign.pk]))
    assert response.status_code == 302
    [received] = smtp_server.wait_for(1)
    assert received["to"] == [editor.email]
    assert str(received["message"]["Subject"]).strip().startswith("[TEST] ")
    assert not Delivery.objects.exists()


def test_sending_from_the_portal_page_queues_and_shows_progress(
    client,
    editor,
    campaign,
    smtp_server,
    django_capture_on_commit_callbacks,  # noqa: F811
):
    client.force_login(editor)
    page = client.get(reverse("communications:campaign_detail", args=[campaign.pk])).content.decode()
    assert "3 personnes" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("communications:campaign_queue", args=[campaign.pk]), follow=True)
    assert "3 e-mails sont en cours d’envoi" in response.content.decode()
    smtp_server.wait_for(3)
    page = client.get(reverse("communications:campaign_detail", args=[campaign.pk])).content.decode()
    assert 'value="100"' in page and "Envoyée" in page


def test_a_scheduled_campaign_waits_for_its_time(campaign, settings, django_capture_on_commit_callbacks):
    import datetime as dt

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    campaign.scheduled_at = timezone.now() + dt.timedelta(days=1)
    campaign.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.queue_campaign(campaign)
    task = DBTaskResult.objects.get(task_path="communications.tasks.send_campaign")
    assert task.run_after > timezone.now() + dt.timedelta(hours=23)
    assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.SCHEDULED
    assert mail.outbox == []


def test_clicks_are_counted_by_the_redirect_and_only_to_portal_links(client, campaign, people, settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}
    }
    services.queue_campaign(campaign)
    delivery = Delivery.objects.get(contact=people["alice"])
    url = click_url(delivery.pk, "http://localhost:8000/catalogue/poste/visio/")
    response = client.get(url.removeprefix("http://localhost:8000"))
    assert (
        response.status_code == 302 and response["Location"] == "http://localhost:8000/catalogue/poste/visio/"
    )
    assert Click.objects.filter(delivery=delivery).count() == 1
    assert read_click(click_url(delivery.pk, "https://evil.example/")) is None
    tampered = url.removeprefix("http://localhost:8000").replace("/lien/", "/lien/x")
    assert client.get(tampered).status_code == 404
    assert services.campaign_measures([campaign.pk])[campaign.pk]["clicks"] == 1


def test_a_bounce_of_a_real_sent_message_is_matched_to_its_delivery(campaign, people, queue, smtp_server):  # noqa: F811
    queue(campaign)
    received = {item["to"][0]: item for item in smtp_server.wait_for(3)}["denis.leroy@groupe-aurelia.fr"]
    original = received["message"].as_bytes(policy=policy.SMTP)
    bounce = (
        b"From: MAILER-DAEMON@mx.groupe-aurelia.fr\r\nTo: " + received["from"].encode() + b"\r\n"
        b"Subject: Undelivered Mail Returned to Sender\r\nAuto-Submitted: auto-replied\r\n"
        b"Content-Type: multipart/report; report-type=delivery-status; boundary=B\r\n\r\n--B\r\n"
        b"Content-Type: text/plain\r\n\r\n550 5.1.1 unknown user\r\n--B\r\n"
        b"Content-Type: text/rfc822-headers\r\n\r\n" + original.split(b"\r\n\r\n")[0] + b"\r\n--B--\r\n"
    )
    assert bounces.record_bounce(bounce) is True
    assert Delivery.objects.get(contact=people["denis"]).status == DeliveryStatus.BOUNCED
    measures = services.campaign_measures([campaign.pk])[campaign.pk]
    assert (measures["total"], measures["delivered"], measures["bounced"]) == (3, 2, 1)
    # Only the headers (X-Relais-Campaign) are enough; a forged tag is not.
    headers_only = BytesParser(policy=policy.default).parsebytes(original.split(b"\r\n\r\n")[0])
    assert headers_only["X-Relais-Campaign"]
    forged = received["from"].encode().replace(b"+c", b"+c9")
    assert bounces.record_bounce(b"To: " + forged + b"\r\n\r\nx") is False
    assert bounces.record_bounce(b"Subject: hello\r\n\r\nnothing") is False


def test_a_newsletter_gathers_the_news_published_since_the_last_one(campaign, news, audience_a):
    newsletter = Campaign.objects.create(
        title="Lettre", kind="lettre", subject="La lettre", audience=audience_a
    )
    assert services.fill_newsletter(newsletter) == 1
    assert list(newsletter.news_pages.all()) == [news.specific] or newsletter.news_pages.count() == 1


def _bounce_of(received) -> bytes:
    """A delivery status notification as a mail server writes it, returning the real mail's headers."""
    original = received["message"].as_bytes(policy=policy.SMTP)
    return (
        b"From: MAILER-DAEMON@mx.groupe-aurelia.fr\r\nTo: " + received["from"].encode() + b"\r\n"
        b"Subject: Undelivered Mail Returned to Sender\r\nMessage-ID: <dsn-1@mx.groupe-aurelia.fr>\r\n"
        b"Date: Sun, 06 Dec 2026 10:00:00 +0100\r\nAuto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: multipart/report; report-type=delivery-status; boundary=B\r\n\r\n--B\r\n"
        b"Content-Type: text/plain\r\n\r\nThe mail could not be delivered.\r\n--B\r\n"
        b"Content-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.groupe-aurelia.fr\r\n\r\n"
        b"Final-Recipient: rfc822; " + received["to"][0].encode() + b"\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        b"\r\n--B\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        + original.split(b"\r\n\r\n")[0]
        + b"\r\n--B--\r\n"
    )


def test_a_bounce_reaching_the_mailbox_is_ignored_there_never_a_request(
    campaign,
    people,
    queue,
    smtp_server,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    from requests_box.intake.intake import Intake
    from requests_box.models import Request

    queue(campaign)
    received = {item["to"][0]: item for item in smtp_server.wait_for(3)}["denis.leroy@groupe-aurelia.fr"]
    before = Request.objects.count()
    # The intake announces the ignored mail once its transaction commits (requests_box.signals.mail_ignored).
    with django_capture_on_commit_callbacks(execute=True):
        assert Intake(acknowledge=False).ingest(_bounce_of(received), source="test").outcome == "ignored"
    assert Request.objects.count() == before
    assert Delivery.objects.get(contact=people["denis"]).status == DeliveryStatus.BOUNCED
    assert Delivery.objects.filter(status=DeliveryStatus.BOUNCED).count() == 1


def test_a_queued_campaign_can_no_longer_be_edited_in_the_back_office(client, editor, campaign, settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}
    }
    services.queue_campaign(campaign)
    client.force_login(editor)
    url = reverse("wagtailsnippets_communications_campaign:edit", args=[campaign.pk])
    response = client.post(url, {"title": "Autre", "kind": "annonce", "subject": "Changé", "intro": ""})
    assert response.status_code == 200 and "ne peut plus être modifiée" in response.content.decode()
    assert Campaign.objects.get(pk=campaign.pk).subject != "Changé"
