"""Parsing real-world mail: charsets, HTML, alternatives, attachments, forwards, noise headers."""

import pytest
from django.utils import translation

from requests_box.intake.parse import html_to_text, parse_message, safe_html
from tests.requests_box.mails import build_mail

WINDOWS_1252_MAIL = (
    b"From: =?windows-1252?q?Andr=E9_L=E9vy?= <andre.levy@groupe-aurelia.fr>\r\n"
    b"To: relais-dsi@groupe-aurelia.fr\r\n"
    b"Subject: =?windows-1252?q?Probl=E8me_d=27acc=E8s_=96_=93urgent=94?=\r\n"
    b"Message-ID: <cp1252@client.example>\r\n"
    b"MIME-Version: 1.0\r\n"
    b'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n'
    b"--b1\r\nContent-Type: text/plain; charset=windows-1252\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
    b"Bonjour, l'acc\xe8s est refus\xe9 depuis ce matin \x80 cause du \x93pare-feu\x94.\r\n"
    b"--b1\r\nContent-Type: application/pdf\r\n"
    b"Content-Disposition: attachment; filename*=windows-1252''Proc%E9dure%20d%27acc%E8s%20%E9t%E9.pdf\r\n"
    b"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b1--\r\n"
)


def test_windows_1252_subject_body_and_rfc2231_attachment_name_are_decoded():
    parsed = parse_message(WINDOWS_1252_MAIL)
    assert parsed.subject == "Problème d'accès – “urgent”"
    assert parsed.from_name == "André Lévy"
    assert parsed.from_email == "andre.levy@groupe-aurelia.fr"
    assert "l'accès est refusé depuis ce matin € cause du “pare-feu”." in parsed.text
    [attachment] = parsed.attachments
    assert attachment.filename == "Procédure d'accès été.pdf"
    assert attachment.data == b"%PDF-1.4\n"


@pytest.mark.parametrize("charset", ["iso-8859-1", "iso-8859-15", "utf-8"])
def test_declared_charsets_are_honoured(charset):
    body = "Réunion prévue à l'été, coût estimé : 1 500 €" if charset != "iso-8859-1" else "Réunion à l'été"
    raw = (
        f"From: a@b.fr\r\nSubject: test\r\nContent-Type: text/plain; charset={charset}\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\n"
    ).encode() + body.encode(charset)
    assert parse_message(raw).text.strip() == body


def test_undeclared_8bit_is_read_as_utf8_then_windows_1252():
    utf8 = b"From: a@b.fr\r\nSubject: caf\xc3\xa9\r\n\r\nd\xc3\xa9j\xc3\xa0 vu\r\n"
    latin = b"From: a@b.fr\r\nSubject: caf\xe9\r\n\r\nd\xe9j\xe0 vu\r\n"
    assert (parse_message(utf8).subject, parse_message(utf8).text.strip()) == ("café", "déjà vu")
    assert (parse_message(latin).subject, parse_message(latin).text.strip()) == ("café", "déjà vu")


def test_unknown_charset_degrades_to_text_instead_of_failing():
    raw = b"From: a@b.fr\r\nSubject: x\r\nContent-Type: text/plain; charset=x-klingon\r\n\r\nbonjour \xe9\r\n"
    assert parse_message(raw).text.strip() == "bonjour é"


def test_html_only_mail_becomes_safe_text_and_sanitised_html():
    html = (
        "<html><head><style>p{color:red}</style><script>alert(1)</script></head><body>"
        "<p>Bonjour&nbsp;l'équipe,</p><p>Le <b>VPN</b> &amp; la messagerie<br>sont coupés.</p>"
        '<a href="javascript:alert(1)" onclick="x()">lien</a><img src="http://tracker/x.png"></body></html>'
    )
    raw = b"From: a@b.fr\r\nSubject: html\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + html.encode(
        "utf-8"
    )
    parsed = parse_message(raw)
    assert "Bonjour\xa0l'équipe," in parsed.text
    assert "Le VPN & la messagerie\nsont coupés." in parsed.text
    assert "alert" not in parsed.text and "color" not in parsed.text
    for forbidden in ("<script", "onclick", "javascript:", "<img", "<style"):
        assert forbidden not in parsed.html
    assert "<b>VPN</b>" in parsed.html


def test_multipart_alternative_keeps_the_plain_text_and_the_safe_html():
    raw = build_mail(body="Texte brut", html="<p>Texte <i>riche</i></p><script>x</script>")
    parsed = parse_message(raw)
    assert parsed.text.strip() == "Texte brut"
    assert parsed.html.strip() == "<p>Texte <i>riche</i></p>"
    assert parsed.attachments == []


def test_attachments_and_inline_images_keep_their_names():
    raw = (
        b"From: a@b.fr\r\nSubject: capture\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/related; boundary="r"\r\n\r\n'
        b'--r\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>voir <img src="cid:img1"></p>\r\n'
        b"--r\r\nContent-Type: image/png\r\nContent-ID: <img1>\r\n"
        b'Content-Disposition: inline; filename="ecran.png"\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n"
        b"--r\r\nContent-Type: image/jpeg\r\nContent-ID: <img2>\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n/9j/\r\n"
        b"--r--\r\n"
    )
    parsed = parse_message(raw)
    assert [(a.filename, a.content_type, a.inline) for a in parsed.attachments] == [
        ("ecran.png", "image/png", True),
        ("image-2.jpeg", "image/jpeg", True),
    ]
    assert parsed.attachments[0].data == b"\x89PNG\r\n\x1a\n"
    assert parsed.text.strip() == "voir"


def test_forwarded_message_is_kept_as_text_and_as_an_eml_attachment():
    inner = build_mail(
        sender="client@filiale.fr", subject="Erreur de facturation", body="La facture 42 est fausse."
    )
    raw = (
        b"From: alice@groupe-aurelia.fr\r\nSubject: TR: Erreur de facturation\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="f"\r\n\r\n'
        b"--f\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nPour information.\r\n"
        b"--f\r\nContent-Type: message/rfc822\r\n\r\n" + inner + b"\r\n--f--\r\n"
    )
    with translation.override("fr"):  # the text is stored: written in the portal's language
        parsed = parse_message(raw)
    assert parsed.text.startswith("Pour information.")
    assert "Message transféré" in parsed.text and "Forwarded" not in parsed.text
    assert "De : client@filiale.fr" in parsed.text and "Objet : Erreur de facturation" in parsed.text
    assert "La facture 42 est fausse." in parsed.text
    [eml] = parsed.attachments
    assert eml.filename == "Erreur de facturation.eml" and eml.content_type == "message/rfc822"
    assert b"La facture 42 est fausse." in eml.data


def test_very_long_and_empty_bodies():
    long_body = "ligne de texte assez longue pour peser\n" * 50_000
    assert len(parse_message(build_mail(body=long_body)).text) >= len(long_body) - 1
    empty = parse_message(b"From: a@b.fr\r\n\r\n")
    assert empty.is_empty and empty.text == "" and empty.subject == ""


@pytest.mark.parametrize(
    "header, value, reason",
    [
        ("Auto-Submitted", "auto-replied", "auto-reply"),
        ("Auto-Submitted", "auto-generated", "auto-reply"),
        ("X-Autoreply", "yes", "auto-reply"),
        ("Precedence", "bulk", "precedence-bulk"),
        ("Precedence", "junk", "precedence-junk"),
        ("Precedence", "list", "precedence-list"),
        ("Precedence", "auto_reply", "auto-reply"),
        ("X-Loop", "someone@example.com", "loop"),
        ("List-Id", "<annonces.groupe-aurelia.fr>", "mailing-list"),
        ("X-Auto-Response-Suppress", "All", "auto-reply"),
        ("X-Relais-DSI-Loop", "relais-dsi@groupe-aurelia.fr", "loop"),
    ],
)
def test_automatic_mail_is_recognised(header, value, reason):
    assert parse_message(build_mail(headers={header: value})).noise_reason == reason


def test_auto_submitted_no_and_ordinary_mail_are_not_noise():
    assert parse_message(build_mail(headers={"Auto-Submitted": "no"})).noise_reason == ""
    assert parse_message(build_mail()).noise_reason == ""


def test_bounces_from_mailer_daemon_and_out_of_office_subjects_are_noise():
    assert parse_message(build_mail(sender="MAILER-DAEMON@mx.example")).noise_reason == "bounce"
    assert parse_message(build_mail(subject="Réponse automatique : absent")).noise_reason == "auto-reply"


def test_helpers_strip_dangerous_markup():
    assert html_to_text("<div>a</div><div>b &lt;c&gt;</div>") == "a\nb <c>"
    assert safe_html('<p style="x" onmouseover="y">ok</p>') == "<p>ok</p>"
