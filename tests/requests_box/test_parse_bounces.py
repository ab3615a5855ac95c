"""Bounces: the delivery report stays readable and structured (recipient, action, status, diagnostic)."""

import pytest

from requests_box.intake.intake import Intake
from requests_box.intake.parse import parse_message
from requests_box.models import IgnoredMessage
from tests.requests_box.realworld.builders import (
    exchange_online_ndr,
    global_dsn,
    gmail_bounce,
    postfix_bounce,
    qmail_bounce,
)


def postfix() -> bytes:
    return postfix_bounce(
        recipient="jean.dupont@filiale-exemple.fr",
        diagnostic="550 5.1.1 <jean.dupont@filiale-exemple.fr>: Recipient address rejected: User unknown in "
        "virtual mailbox table",
        status="5.1.1",
        original_id="<reply-42@relais-dsi.groupe-aurelia.fr>",
        original_subject="[REQ-2026-000123] Votre demande",
    )


def test_a_postfix_bounce_gives_recipient_status_diagnostic_and_the_bounced_message():
    parsed = parse_message(postfix())
    assert parsed.noise_reason == "bounce"
    report = parsed.bounce
    assert report.reporting_mta == "mx1.groupe-aurelia.fr"
    [recipient] = report.failed
    assert (recipient.address, recipient.action, recipient.status, recipient.remote_mta) == (
        "jean.dupont@filiale-exemple.fr",
        "failed",
        "5.1.1",
        "mx.filiale-exemple.fr",
    )
    assert recipient.diagnostic == (
        "550 5.1.1 <jean.dupont@filiale-exemple.fr>: Recipient address rejected: User unknown in virtual "
        "mailbox table"
    )  # unfolded
    assert report.original_message_id == "<reply-42@relais-dsi.groupe-aurelia.fr>"
    assert report.original_subject == "[REQ-2026-000123] Votre demande"


def test_the_text_a_human_reads_shows_the_recipient_and_the_diagnostic():
    text = parse_message(postfix()).text
    assert text.startswith("This is the mail system at host mx1.groupe-aurelia.fr.")
    assert "---------- message/delivery-status ----------" in text
    assert "Final-Recipient: rfc822; jean.dupont@filiale-exemple.fr" in text
    assert "Status: 5.1.1" in text
    assert (
        "Diagnostic-Code: smtp; 550 5.1.1 <jean.dupont@filiale-exemple.fr>: Recipient address rejected"
        in text
    )


def test_an_exchange_online_report_with_the_whole_original_attached():
    parsed = parse_message(
        exchange_online_ndr(
            recipient="paul.inconnu@groupe-aurelia.fr",
            original_id="<REQ-2026-000777.3@relais-dsi.groupe-aurelia.fr>",
            original_subject="[REQ-2026-000777] Accès à l'application",
        )
    )
    assert parsed.noise_reason == "bounce"  # multipart/report, though the sender is no mailer-daemon
    assert parsed.subject == "Non remis : [REQ-2026-000777] Accès à l'application"
    [recipient] = parsed.bounce.recipients
    assert (recipient.address, recipient.status) == ("paul.inconnu@groupe-aurelia.fr", "5.1.10")
    assert recipient.diagnostic == (
        "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup"
    )
    assert parsed.bounce.original_message_id == "<REQ-2026-000777.3@relais-dsi.groupe-aurelia.fr>"
    assert parsed.bounce.original_subject == "[REQ-2026-000777] Accès à l'application"
    assert parsed.text.startswith("Votre message à paul.inconnu@groupe-aurelia.fr n'a pas pu être remis.")
    assert "Votre demande a été traitée." in parsed.text  # the original, as a forwarded message
    assert [a.content_type for a in parsed.attachments] == ["message/rfc822"]


def test_a_gmail_report_lists_each_recipient_with_its_action():
    parsed = parse_message(
        gmail_bounce(
            recipients=[
                ("absent@filiale.example", "failed", "5.1.1", "550-5.1.1 The email account does not exist."),
                ("lent@filiale.example", "delayed", "4.4.1", "421 4.4.1 Connection timed out"),
            ],
            original_id="<REQ-2026-000800.1@relais-dsi.groupe-aurelia.fr>",
        )
    )
    report = parsed.bounce
    assert [(r.address, r.action, r.status) for r in report.recipients] == [
        ("absent@filiale.example", "failed", "5.1.1"),
        ("lent@filiale.example", "delayed", "4.4.1"),
    ]
    assert [r.address for r in report.failed] == ["absent@filiale.example"]
    assert report.original_message_id == "<REQ-2026-000800.1@relais-dsi.groupe-aurelia.fr>"


@pytest.mark.parametrize("transfer_encoding", ["8bit", "base64"])
def test_a_global_delivery_status_with_a_utf8_address_is_read(transfer_encoding):
    parsed = parse_message(
        global_dsn(recipient="jérôme.müller@filiale.example", transfer_encoding=transfer_encoding)
    )
    [recipient] = parsed.bounce.recipients
    assert (recipient.address, recipient.status, recipient.diagnostic) == (
        "jérôme.müller@filiale.example",
        "5.2.2",
        "552 5.2.2 boîte pleine",
    )
    assert "Final-Recipient: utf-8; jérôme.müller@filiale.example" in parsed.text


def test_an_old_plain_text_bounce_is_still_a_bounce_with_its_text():
    parsed = parse_message(qmail_bounce("ancien@filiale.example"))
    assert (parsed.noise_reason, parsed.bounce) == ("bounce", None)
    assert "<ancien@filiale.example>:\nSorry, no mailbox here by that name. (#5.1.1)" in parsed.text


@pytest.mark.django_db
def test_a_bounce_is_kept_as_ignored_mail_with_its_bytes():
    raw = postfix()
    result = Intake(acknowledge=False).ingest(raw, source="bounce.eml")
    assert (result.outcome, result.detail) == ("ignored", "bounce")
    item = IgnoredMessage.objects.get()
    with item.raw.open("rb") as handle:
        assert handle.read() == raw
