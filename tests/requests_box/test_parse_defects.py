"""A small defect never loses the mail; only bytes that hold no mail at all raise, and only NotAMail."""

import base64
import signal

import pytest

from requests_box.intake.intake import Intake
from requests_box.intake.parse import NotAMail, parse_message
from requests_box.models import QuarantinedMessage, Request
from tests.requests_box.realworld.builders import (
    cron_mail_without_separator,
    legacy_script_alert,
    mismatched_boundary_mail,
    nested_bomb,
    outlook_mail,
    php_mail_without_boundary,
    pop3_capture,
    simple_mail,
    truncated_base64_attachment,
)


@pytest.mark.parametrize(
    "prefix",
    [
        b"+OK 2451 octets\r\n",  # a POP3 status line
        b"\r\n",  # a blank line before the headers
        b"\xef\xbb\xbf\r\n",  # a byte order mark, alone on its line
        b">From alice@groupe-aurelia.fr Mon Nov 23 09:12:44 2026\r\n",  # an escaped mbox line
        b"garbage line\r\n",  # the example
    ],
)
def test_junk_before_the_headers_is_skipped(prefix):
    parsed = parse_message(prefix + simple_mail(subject="Imprimante du 3e"))
    assert (parsed.from_email, parsed.subject) == ("alice@groupe-aurelia.fr", "Imprimante du 3e")
    assert parsed.text.strip() == "L'imprimante du 3e étage ne répond plus."
    assert "junk-before-headers" in parsed.defects


def test_an_mbox_separator_then_junk_is_still_a_mail():
    raw = b"X-Saved-By: outil maison\r\n" + b"From alice@groupe-aurelia.fr Mon Nov 23\r\n" + simple_mail()
    assert parse_message(raw).from_email == "alice@groupe-aurelia.fr"


def test_headers_folded_without_indentation_keep_from_subject_and_body():
    parsed = parse_message(legacy_script_alert())
    assert parsed.from_email == "supervision@groupe-aurelia.fr"
    assert parsed.subject == (
        "[ALERTE] Echec du traitement de nuit de la paie du 23/11/2026 sur le serveur"
        " PAIE-PRD-02 : code retour 12"
    )
    assert parsed.to_addresses == ["relais-dsi@groupe-aurelia.fr", "exploitation@groupe-aurelia.fr"]
    assert parsed.text.startswith("Le traitement PAIE_NUIT s'est arrêté à 03:04:58")
    assert parsed.message_id == "<alerte-20261123-0305@supervision.groupe-aurelia.fr>"
    assert "header-folded-without-indentation" in parsed.defects


def test_a_body_without_the_blank_line_after_the_headers_is_kept():
    parsed = parse_message(cron_mail_without_separator())
    assert parsed.subject == "Cron <root@srv-batch-01> /opt/scripts/sauvegarde.sh"
    assert parsed.date is not None
    assert parsed.text.startswith("Sauvegarde incomplete : 3 fichiers en erreur\n/data/compta")
    assert "missing-header-body-separator" in parsed.defects


def test_the_first_header_line_indented_and_a_space_before_a_colon_are_read():
    raw = b"  From: alice@groupe-aurelia.fr\r\nSubject : Poste lent\r\n\r\nMon poste est lent.\r\n"
    parsed = parse_message(raw)
    assert (parsed.from_email, parsed.subject, parsed.text.strip()) == (
        "alice@groupe-aurelia.fr",
        "Poste lent",
        "Mon poste est lent.",
    )


def test_a_multipart_without_boundary_keeps_its_text_and_its_attachment():
    parsed = parse_message(php_mail_without_boundary())
    assert parsed.text.strip() == "Merci de traiter la demande d'habilitation de Paul Martin (service Paie)."
    [attachment] = parsed.attachments
    assert (attachment.filename, attachment.data[:8]) == ("habilitation.pdf", b"%PDF-1.4")
    assert "boundary-guessed" in parsed.defects


def test_a_multipart_without_boundary_nor_parts_is_read_as_text():
    parsed = parse_message(php_mail_without_boundary(with_delimiters=False))
    assert parsed.text.strip() == "Merci de traiter la demande d'habilitation de Paul Martin."
    assert parsed.attachments == []


def test_a_boundary_not_found_in_the_body_is_found_from_the_body():
    parsed = parse_message(mismatched_boundary_mail())
    assert parsed.text.strip() == "J'ai perdu mon badge ce matin."
    assert parsed.html.strip() == "<p>J'ai perdu mon badge ce matin.</p>"
    assert "StartBoundaryNotFoundDefect" in parsed.defects


def test_base64_without_padding_and_with_a_stray_character_is_decoded():
    data = bytes(range(256)) * 3 + b"fin"
    parsed = parse_message(truncated_base64_attachment(data))
    [attachment] = parsed.attachments
    assert attachment.data == data


def test_broken_encoded_words_degrade_to_their_text():
    raw = outlook_mail(from_value="=?utf-8?B?QWxpY2U?= <alice@groupe-aurelia.fr>")  # base64 without padding
    raw = raw.replace(b"Subject: =?utf-8?B?", b"Subject: =?utf-8?B?!!", 1)
    parsed = parse_message(raw)
    assert (parsed.from_email, parsed.from_name) == ("alice@groupe-aurelia.fr", "Alice")
    assert parsed.subject == "Demande d'accès au dossier partagé"


def test_nesting_past_what_the_email_package_can_walk_keeps_headers_body_and_the_mail_itself():
    raw = nested_bomb(2000)
    parsed = parse_message(raw)
    assert (parsed.from_email, parsed.subject) == ("fuzz@prestataire.fr", "profond")
    assert "au fond" in parsed.text
    assert [(a.filename, a.data) for a in parsed.attachments] == [("message-original.eml", raw)]
    assert parsed.defects == ["structure-unreadable: RecursionError"]


@pytest.mark.parametrize(
    "raw, reason",
    [
        (b"", "empty"),
        (b" \r\n\t\r\n", "empty"),
        (b"\x00\x01\x02 not a mail", "no header"),
        (base64.b64encode(b"x" * 300), "no header"),
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\n", "no header"),
        (b"Bonjour,\n\nje n'arrive plus a me connecter.\n", "no header"),
    ],
)
def test_bytes_that_hold_no_mail_raise_not_a_mail_with_a_reason(raw, reason):
    with pytest.raises(NotAMail) as caught:
        parse_message(raw)
    assert caught.value.reason.startswith(reason)
    assert isinstance(caught.value, ValueError)


@pytest.mark.django_db
def test_a_mail_with_a_junk_first_line_becomes_a_request_through_intake():
    raw = pop3_capture(legacy_script_alert())
    result = Intake(acknowledge=False).ingest(raw, source="pop3.eml")
    assert result.outcome == "created"
    request = Request.objects.get(reference=result.detail)
    assert request.subject.startswith("[ALERTE] Echec du traitement de nuit")
    assert request.sender_email == "supervision@groupe-aurelia.fr"
    assert not QuarantinedMessage.objects.exists()


@pytest.mark.django_db
def test_not_a_mail_is_quarantined_whole_by_intake():
    raw = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    result = Intake(acknowledge=False).ingest(raw, source="scan.pdf")
    assert result.outcome == "quarantined"
    item = QuarantinedMessage.objects.get()
    with item.raw.open("rb") as handle:
        assert handle.read() == raw


N = 200_000


@pytest.mark.parametrize(
    "raw",
    [
        b"From: a@b.fr\r\nSubject: " + b"=?a?q?x " * (N // 8) + b"\r\n\r\nx",  # words that never close
        b"From: a" + b" " * N + b"x\r\nSubject: s\r\n\r\nx",
        b"From: " + b"a" * N + b" <a@b.fr>\r\nSubject: s\r\n\r\nx",
        b"From: " + b'"a' * (N // 2) + b"\r\n\r\nx",
        b"From: " + b"(" * N + b"\r\n\r\nx",
        b"From: " + b"<a@b " * (N // 5) + b"\r\n\r\nx",
        b"From: a@b.fr\r\n" + b"no header here\r\n" * (N // 15) + b"Subject: s\r\n\r\nx",
        b"From: a@b.fr\r\nContent-Type: multipart/mixed\r\n\r\n" + b"--x\r\n" * (N // 5),
    ],
    ids=["open-words", "spaces", "long-name", "quotes", "comments", "angles", "unfolded", "delimiters"],
)
def test_hostile_header_shapes_are_read_in_linear_time(raw):
    """Quadratic reading (as `.*?` in the encoded-word pattern was) would take minutes on these."""
    signal.signal(signal.SIGALRM, lambda *_: pytest.fail("parsing took more than 30 s: not linear"))
    signal.alarm(30)
    try:
        parsed = parse_message(raw)
    finally:
        signal.alarm(0)
    assert parsed.headers
