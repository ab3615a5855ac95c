"""A mail is the same mail only when it is the same mail: Message-ID + content digest (MAIL.md, "Same mail").

Raw mails as they come from real servers: the same mail delivered twice with other trace fields, a
redirected copy, a forward, a mailer reusing one Message-ID, bounces, an mbox holding two versions."""

import hashlib
import mailbox

import pytest
from django.core.management import call_command

from requests_box.intake.intake import Intake
from requests_box.models import EventKind, IgnoredMessage, MailReceipt, Request
from requests_box.signals import mail_ignored

pytestmark = pytest.mark.django_db


def ingest(raw: bytes, source: str = "test.eml"):
    return Intake().ingest(raw, source=source)


ORIGINAL_BODY = (
    b"Bonjour,\r\n\r\nDepuis ce matin l'imprimante du 3e =C3=A9tage refuse mes travaux.\r\n"
    b"Pouvez-vous regarder ?\r\n\r\nAlice\r\n"
)


def delivered(
    *trace: bytes, body: bytes = ORIGINAL_BODY, message_id: bytes | None = b"<imp-3e@groupe-aurelia.fr>"
):
    """The printer mail as one delivery of it: trace fields first, then the author's fields."""
    head = [
        *trace,
        b"From: Alice Martin <alice@groupe-aurelia.fr>",
        b"To: relais-dsi@groupe-aurelia.fr",
        b"Subject: Imprimante du 3e",
        b"Date: Tue, 01 Dec 2026 09:12:44 +0100",
    ]
    if message_id:
        head.append(b"Message-ID: " + message_id)
    head += [
        b"MIME-Version: 1.0",
        b"Content-Type: text/plain; charset=utf-8",
        b"Content-Transfer-Encoding: quoted-printable",
    ]
    return b"\r\n".join(head) + b"\r\n\r\n" + body


MX1 = (
    b"Return-Path: <alice@groupe-aurelia.fr>",
    b"Delivered-To: relais-dsi@groupe-aurelia.fr",
    b"Received: from mx1.groupe-aurelia.fr (mx1 [10.0.0.1]) by imap.groupe-aurelia.fr with LMTP\r\n"
    b"\tid 7Hq; Tue, 01 Dec 2026 09:12:46 +0100",
    b"X-Spam-Score: 0.1",
)
MX2 = (
    b"Return-Path: <alice@groupe-aurelia.fr>",
    b"Delivered-To: support@groupe-aurelia.fr",
    b"Received: from mx2.groupe-aurelia.fr (mx2 [10.0.0.2]) by imap.groupe-aurelia.fr with LMTP\r\n"
    b"\tid 9Zk; Tue, 01 Dec 2026 09:12:51 +0100",
    b"Received: from relay.groupe-aurelia.fr by mx2.groupe-aurelia.fr; Tue, 01 Dec 2026 09:12:50 +0100",
    b"X-Spam-Score: 0.3",
    b"X-Original-To: support@groupe-aurelia.fr",
)


def test_the_same_mail_delivered_twice_with_other_trace_fields_is_one_mail(user_a):
    first = ingest(delivered(*MX1))
    second = ingest(delivered(*MX2), source="via-alias.eml")
    assert first.outcome == "created"
    assert (second.outcome, second.detail) == ("duplicate", first.detail)
    assert Request.objects.count() == 1 and MailReceipt.objects.count() == 1


def test_a_relay_that_reencodes_the_body_and_lf_line_ends_do_not_make_another_mail(user_a):
    """A relay without 8BITMIME turned the 8-bit body into quoted-printable; an mbox stores LF."""
    first = ingest(delivered(*MX1))
    eight_bit = delivered(*MX2, body=ORIGINAL_BODY.replace(b"=C3=A9", "é".encode())).replace(
        b"quoted-printable", b"8bit"
    )
    assert ingest(eight_bit).outcome == "duplicate"
    assert ingest(delivered(*MX2).replace(b"\r\n", b"\n")).outcome == "duplicate"
    assert Request.objects.count() == 1 and first.outcome == "created"


def test_a_redirected_copy_keeps_its_message_id_and_content_so_it_is_the_same_mail(user_a):
    redirect = delivered(
        b"Resent-From: bruno@groupe-aurelia.fr",
        b"Resent-To: relais-dsi@groupe-aurelia.fr",
        b"Resent-Date: Tue, 01 Dec 2026 10:02:00 +0100",
        b"Resent-Message-ID: <resent-1@groupe-aurelia.fr>",
        *MX2,
    )
    first = ingest(delivered(*MX1))
    assert ingest(redirect).detail == first.detail
    assert ingest(redirect).outcome == "duplicate"


def test_a_forwarded_copy_is_a_mail_of_its_own(user_a):
    original = delivered(*MX1)
    forward = (
        b"From: Alice Martin <alice@groupe-aurelia.fr>\r\nTo: relais-dsi@groupe-aurelia.fr\r\n"
        b"Subject: TR: Imprimante du 3e\r\nDate: Tue, 01 Dec 2026 11:00:00 +0100\r\n"
        b"Message-ID: <fwd-imp@groupe-aurelia.fr>\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n'
        b"--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nJe relance, toujours en panne.\r\n"
        b"--b1\r\nContent-Type: message/rfc822\r\n\r\n" + original + b"\r\n--b1--\r\n"
    )
    first = ingest(original)
    second = ingest(forward)
    assert first.outcome == "created" and second.outcome == "created"
    assert MailReceipt.objects.filter(reuses__isnull=False).count() == 0


def test_a_mailer_reusing_one_message_id_for_different_mails_gives_each_its_request(user_a):
    """A badge-printing appliance that stamps every mail with the same Message-ID."""

    def appliance(badge: str, date: str) -> bytes:
        return (
            b"Received: from badges.groupe-aurelia.fr by mx1; " + date.encode() + b"\r\n"
            b"From: alice@groupe-aurelia.fr\r\nTo: relais-dsi@groupe-aurelia.fr\r\n"
            b"Subject: Demande de badge\r\nDate: " + date.encode() + b"\r\n"
            b"Message-ID: <0000@badges.local>\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"
            b"Badge a imprimer : " + badge.encode() + b"\r\n"
        )

    first = ingest(appliance("Martin Alice", "Mon, 30 Nov 2026 08:00:00 +0100"))
    second = ingest(appliance("Petit Bruno", "Mon, 30 Nov 2026 08:05:00 +0100"))
    again = ingest(appliance("Petit Bruno", "Mon, 30 Nov 2026 08:05:00 +0100"))
    assert (first.outcome, second.outcome, again.outcome) == ("created", "created", "duplicate")
    assert again.detail == second.detail != first.detail
    earlier = MailReceipt.objects.get(request__reference=first.detail)
    reused = MailReceipt.objects.get(request__reference=second.detail)
    assert reused.reuses == earlier and earlier.reuses is None
    event = Request.objects.get(reference=second.detail).events.get(kind=EventKind.MESSAGE_ID_REUSED)
    assert "<0000@badges.local>" in event.detail and first.detail in event.detail


BOUNCE = b"""Return-Path: <>
Received: from mx.ext.example by mx1.groupe-aurelia.fr; Tue, 01 Dec 2026 09:20:00 +0100
From: Mail Delivery System <MAILER-DAEMON@mx.ext.example>
To: relais-dsi@groupe-aurelia.fr
Subject: Undelivered Mail Returned to Sender
Date: Tue, 01 Dec 2026 09:20:00 +0100
Message-ID: %(id)s
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="rep"

--rep
Content-Type: text/plain

I'm sorry to have to inform you that your message could not be delivered to %(rcpt)s.

--rep
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.ext.example

Final-Recipient: rfc822; %(rcpt)s
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 User unknown

--rep
Content-Type: message/rfc822

From: relais-dsi@groupe-aurelia.fr
To: %(rcpt)s
Subject: [REQ-2026-000001] Votre demande
Message-ID: <imp-3e@groupe-aurelia.fr>

Bonjour
--rep--
"""


def bounce(message_id: str, recipient: str) -> bytes:
    return (BOUNCE % {b"id": message_id.encode(), b"rcpt": recipient.encode()}).replace(b"\n", b"\r\n")


def test_a_bounce_quoting_the_original_is_not_a_reuse_but_a_dsn_generator_reusing_ids_is(
    user_a, django_capture_on_commit_callbacks
):
    heard = []

    def listener(sender, receipt, reason, raw, parsed, **kwargs):
        heard.append(
            (receipt.pk, reason, raw, [r.address for r in parsed.bounce.failed] if parsed.bounce else None)
        )

    mail_ignored.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            original = ingest(delivered(*MX1))
            # The bounce quotes the original's Message-ID in its attached part: its own is another.
            quoting = ingest(bounce("<dsn-1@mx.ext.example>", "jean@ext.example"))
            assert quoting.outcome == "ignored"
            assert not MailReceipt.objects.filter(reuses__isnull=False).exists()
            # A DSN generator stamping every report with the same Message-ID: each report is kept.
            raw_a = bounce("<dsn@broken-mta>", "paul@ext.example")
            raw_b = bounce("<dsn@broken-mta>", "lea@ext.example")
            assert ingest(raw_a).outcome == "ignored"
            assert ingest(raw_b).outcome == "ignored"
            assert ingest(raw_b).outcome == "duplicate"
            assert heard == []  # nothing before the commit
    finally:
        mail_ignored.disconnect(listener)
    assert original.outcome == "created"
    assert IgnoredMessage.objects.count() == 3
    second = MailReceipt.objects.get(message_id="<dsn@broken-mta>", reuses__isnull=False)
    assert second.reuses == MailReceipt.objects.get(message_id="<dsn@broken-mta>", reuses__isnull=True)
    # The signal told of the three ignored bounces (not of the duplicate), once committed, with the bytes.
    assert [(reason, failed) for _pk, reason, _raw, failed in heard] == [
        ("bounce", ["jean@ext.example"]),
        ("bounce", ["paul@ext.example"]),
        ("bounce", ["lea@ext.example"]),
    ]
    assert heard[2][2] == raw_b and heard[2][0] == second.pk
    assert len(callbacks) >= 3


def test_mails_without_message_id_are_the_same_mail_by_their_content(user_a):
    first = ingest(delivered(*MX1, message_id=None))
    assert ingest(delivered(*MX2, message_id=None)).detail == first.detail
    other = delivered(*MX2, message_id=None, body=b"Et le scanner aussi.\r\n")
    assert ingest(other).outcome == "created"
    assert Request.objects.count() == 2


def test_a_mail_taken_in_before_the_content_digest_is_still_a_duplicate(user_a):
    """Receipts written before this rule hold sha256 of the Message-ID alone: they still count."""
    old_key = hashlib.sha256(b"mid:<imp-3e@groupe-aurelia.fr>").hexdigest()
    MailReceipt.objects.create(dedup_key=old_key, message_id="<imp-3e@groupe-aurelia.fr>", outcome="created")
    assert ingest(delivered(*MX1)).outcome == "duplicate"


def _mbox(path, *raws: bytes) -> None:
    box = mailbox.mbox(str(path))
    for raw in raws:
        box.add(raw)
    box.close()


def test_an_mbox_with_the_same_message_twice_and_one_with_two_versions(tmp_path, capsys, user_a):
    stored = delivered(*MX1, b"Status: RO", b"X-Mozilla-Status: 0001").replace(b"\r\n", b"\n")
    copy = delivered(*MX2, b"Status: O", b"X-UID: 42").replace(b"\r\n", b"\n")
    edited = delivered(*MX1, body=b"Bonjour,\n\nFinalement c'est le 4e etage aussi.\n").replace(
        b"\r\n", b"\n"
    )
    _mbox(tmp_path / "twice.mbox", stored, copy)
    _mbox(tmp_path / "versions.mbox", edited)
    call_command("ingest_mail", str(tmp_path / "twice.mbox"), str(tmp_path / "versions.mbox"))
    lines = capsys.readouterr().out.splitlines()
    first, second = Request.objects.order_by("pk")
    assert lines == [
        f"{tmp_path / 'twice.mbox'}#1: created {first.reference}",
        f"{tmp_path / 'twice.mbox'}#2: duplicate {first.reference}",
        f"{tmp_path / 'versions.mbox'}#1: created {second.reference}",
        "summary: 3 messages, 2 created, 0 replies, 1 duplicates, 0 ignored, 0 quarantined",
    ]
    assert MailReceipt.objects.get(request=second).reuses == MailReceipt.objects.get(request=first)
    assert second.events.filter(kind=EventKind.MESSAGE_ID_REUSED).exists()


def test_one_mbox_batch_with_a_reused_id_a_copy_and_a_reply_keeps_every_outcome(tmp_path, capsys, user_a):
    """The batch path: a reused Message-ID in the middle sends the rest one by one, in order."""
    reused = delivered(*MX2, body=b"Autre chose : le wifi.\r\n")
    reply = (
        b"From: alice@groupe-aurelia.fr\r\nTo: relais-dsi@groupe-aurelia.fr\r\nSubject: Re: Imprimante\r\n"
        b"Date: Tue, 01 Dec 2026 12:00:00 +0100\r\nMessage-ID: <r1@groupe-aurelia.fr>\r\n"
        b"In-Reply-To: <imp-3e@groupe-aurelia.fr>\r\n\r\nMerci !\r\n"
    )
    _mbox(tmp_path / "all.mbox", delivered(*MX1), delivered(*MX2), reused, reply, reused)
    call_command("ingest_mail", str(tmp_path / "all.mbox"))
    lines = capsys.readouterr().out.splitlines()
    first, second = Request.objects.order_by("pk")
    assert [line.split(": ", 1)[1] for line in lines] == [
        f"created {first.reference}",
        f"duplicate {first.reference}",
        f"created {second.reference}",
        f"reply {second.reference}",  # In-Reply-To names the last mail with that Message-ID
        f"duplicate {second.reference}",
        "5 messages, 2 created, 1 replies, 2 duplicates, 0 ignored, 0 quarantined",
    ]


def test_through_imap_a_copy_in_two_folders_and_a_reused_id(dovecot, imap_folder, capsys, user_a):
    """Dovecot: the same mail delivered twice (two aliases) and another mail reusing its Message-ID."""
    from tests.requests_box.test_imap import append

    reused = delivered(*MX1, body=b"Autre chose : le wifi.\r\n")
    append(dovecot, imap_folder, delivered(*MX1), delivered(*MX2), reused)
    call_command("poll_mailbox")
    out = capsys.readouterr().out.splitlines()
    first, second = Request.objects.order_by("pk")
    assert out == [
        f"imap:{imap_folder}/1: created {first.reference}",
        f"imap:{imap_folder}/2: duplicate {first.reference}",
        f"imap:{imap_folder}/3: created {second.reference}",
        "summary: 3 messages, 2 created, 0 replies, 1 duplicates, 0 ignored, 0 quarantined",
    ]
    assert MailReceipt.objects.get(request=second).reuses == MailReceipt.objects.get(request=first)
    # Polled again (the flags lost, say): nothing new.
    client = dovecot.client()
    client.select_folder(imap_folder)
    client.remove_flags([1, 2, 3], [b"RelaisProcessed"])
    client.logout()
    call_command("poll_mailbox")
    assert capsys.readouterr().out.splitlines()[-1] == (
        "summary: 3 messages, 0 created, 0 replies, 3 duplicates, 0 ignored, 0 quarantined"
    )
