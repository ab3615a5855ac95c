"""From raw mail to request: threading, sender resolution, duplicates, noise, quarantine, limits."""

import datetime as dt

import pytest
from django.core import mail

from requests_box import services
from requests_box.intake.intake import Intake
from requests_box.models import (
    EventKind,
    IgnoredMessage,
    MailReceipt,
    QuarantinedMessage,
    Request,
)
from tests.requests_box.mails import build_mail
from tests.requests_box.test_parse import WINDOWS_1252_MAIL

pytestmark = pytest.mark.django_db


def ingest(raw: bytes, source: str = "test.eml"):
    return Intake().ingest(raw, source=source)


def test_mail_from_a_known_contact_creates_a_request_of_its_entity(user_a, entity_a):
    result = ingest(build_mail(sender="Alice Martin <ALICE@groupe-aurelia.fr>", subject="VPN en panne"))
    assert result.outcome == "created"
    request = Request.objects.get(reference=result.detail)
    assert (request.entity, request.contact.user, request.channel) == (entity_a, user_a, "email")
    assert request.entity.directorate.code == "DCOM" and request.entity.client_type == "metier"
    assert request.subject == "VPN en panne" and request.sender_email == "alice@groupe-aurelia.fr"
    assert request.messages.get(direction="inbound").text.startswith("Bonjour,")
    assert list(request.events.values_list("kind", flat=True)) == [EventKind.CREATED, EventKind.ACKNOWLEDGED]


def test_references_are_sequential_per_year():
    first = ingest(build_mail(subject="un")).detail
    second = ingest(build_mail(subject="deux")).detail
    year, number = first.split("-")[1:]
    assert second == f"REQ-{year}-{int(number) + 1:06d}"


def test_unknown_sender_still_creates_a_request_flagged_to_link():
    result = ingest(build_mail(sender="inconnu@prestataire.fr"))
    request = Request.objects.get(reference=result.detail)
    assert request.entity is None and request.sender_unknown and request.contact is None


def test_linking_an_unknown_sender_links_all_their_requests(entity_a, relationship_manager):
    from directory.models import Contact

    first = Request.objects.get(
        reference=ingest(build_mail(sender="new@groupe-aurelia.fr", subject="a")).detail
    )
    ingest(build_mail(sender="new@groupe-aurelia.fr", subject="b"))
    ingest(build_mail(sender="other@groupe-aurelia.fr", subject="c"))
    contact = Contact.objects.create(
        email="new@groupe-aurelia.fr", first_name="N", last_name="Ew", entity=entity_a
    )
    assert services.link_sender(request=first, contact=contact, actor=relationship_manager) == 2
    assert Request.objects.filter(entity=entity_a).count() == 2
    assert Request.objects.filter(entity__isnull=True).count() == 1
    assert first.events.filter(kind=EventKind.LINKED, actor=relationship_manager).exists()


def test_reply_with_reference_in_subject_joins_its_request(user_a):
    request = Request.objects.get(reference=ingest(build_mail(subject="Imprimante")).detail)
    result = ingest(build_mail(subject=f"RE: [{request.reference}] Imprimante", body="Toujours en panne"))
    assert (result.outcome, result.detail) == ("reply", request.reference)
    assert request.messages.filter(direction="inbound").count() == 2
    assert Request.objects.count() == 1


def test_reply_by_in_reply_to_joins_its_request_even_with_another_subject(user_a):
    first = build_mail(subject="Question", message_id="<q1@client.example>")
    request = Request.objects.get(reference=ingest(first).detail)
    reply = build_mail(subject="autre chose", headers={"In-Reply-To": "<q1@client.example>"})
    assert ingest(reply).detail == request.reference
    by_references = build_mail(subject="x", headers={"References": "<zz@x> <q1@client.example>"})
    assert ingest(by_references).outcome == "reply"


def test_a_reply_to_our_acknowledgement_joins_the_request(user_a):
    request = Request.objects.get(reference=ingest(build_mail(subject="Badge")).detail)
    ack = request.messages.get(direction="outbound")
    assert ingest(build_mail(subject="Merci", headers={"In-Reply-To": ack.message_id})).outcome == "reply"


def test_new_subject_from_the_same_person_is_a_new_request(user_a):
    ingest(build_mail(subject="Imprimante"))
    assert ingest(build_mail(subject="Autre sujet")).outcome == "created"
    assert Request.objects.count() == 2


def test_reply_to_an_unknown_reference_creates_a_new_request_rather_than_losing_it(user_a):
    result = ingest(build_mail(subject="RE: [REQ-2019-999999] ancienne demande"))
    assert result.outcome == "created"
    assert Request.objects.get(reference=result.detail).subject == "RE: [REQ-2019-999999] ancienne demande"


def test_the_same_message_ingested_twice_is_a_duplicate(user_a):
    raw = build_mail(message_id="<same@client.example>")
    first = ingest(raw)
    second = ingest(raw, source="again.eml")
    assert (second.outcome, second.detail) == ("duplicate", first.detail)
    assert Request.objects.count() == 1 and len(mail.outbox) == 1


def test_a_message_without_message_id_twice_is_a_duplicate_by_its_bytes(user_a):
    raw = build_mail(message_id=None)
    assert b"Message-ID" not in raw
    first, second = ingest(raw), ingest(raw)
    assert first.outcome == "created" and (second.outcome, second.detail) == ("duplicate", first.detail)
    other = build_mail(message_id=None, body="un autre texte")
    assert ingest(other).outcome == "created"


def test_windows_1252_mail_with_accents_in_subject_and_attachment_name(entity_a):
    result = ingest(WINDOWS_1252_MAIL)
    request = Request.objects.get(reference=result.detail)
    assert request.subject == "Problème d'accès – “urgent”"
    attachment = request.messages.get(direction="inbound").attachments.get()
    assert attachment.original_name == "Procédure d'accès été.pdf"
    assert attachment.file.read() == b"%PDF-1.4\n" and attachment.size == 9


def test_a_mail_with_a_30_mb_attachment_is_quarantined_whole():
    big = build_mail(
        subject="Grosse pièce jointe", attachments=[("video.mp4", "video/mp4", b"\0" * 30 * 1024 * 1024)]
    )
    result = ingest(big)
    assert result.outcome == "quarantined" and result.detail.startswith("too large")
    item = QuarantinedMessage.objects.get()
    assert item.size == len(big) and item.raw.read() == big
    assert item.subject == "Grosse pièce jointe" and item.status == "pending"
    assert Request.objects.count() == 0
    assert ingest(big).outcome == "duplicate"
    assert QuarantinedMessage.objects.count() == 1


def test_size_limit_is_configurable(settings):
    settings.MAILBOX_MAX_MESSAGE_BYTES = 2_000
    assert ingest(build_mail(attachments=[("a.bin", "application/octet-stream", b"x" * 3_000)])).outcome == (
        "quarantined"
    )


@pytest.mark.parametrize(
    "raw, reason",
    [
        (b"\x00\x01\x02 not a mail", "unparseable: NotAMail"),
        (b"Subject: sans expediteur\r\n\r\ntexte", "no sender address"),
        (b"From: a@groupe-aurelia.fr\r\n\r\n", "empty message"),
    ],
)
def test_unusable_messages_are_quarantined_with_their_reason(raw, reason):
    result = ingest(raw)
    assert (result.outcome, result.detail) == ("quarantined", reason)
    assert QuarantinedMessage.objects.get().raw.read() == raw


@pytest.mark.parametrize(
    "headers, sender, reason",
    [
        ({"Auto-Submitted": "auto-replied"}, "alice@groupe-aurelia.fr", "auto-reply"),
        ({"Precedence": "bulk"}, "alice@groupe-aurelia.fr", "precedence-bulk"),
        ({"List-Id": "<l.example>"}, "alice@groupe-aurelia.fr", "mailing-list"),
        ({}, "mailer-daemon@mx.groupe-aurelia.fr", "bounce"),
        ({}, "relais-dsi@groupe-aurelia.fr", "loop"),
    ],
)
def test_automatic_mail_is_kept_and_listed_but_creates_no_request_and_no_answer(headers, sender, reason):
    result = ingest(build_mail(headers=headers, sender=sender))
    assert (result.outcome, result.detail) == ("ignored", reason)
    assert Request.objects.count() == 0 and mail.outbox == []
    assert IgnoredMessage.objects.get().reason == reason


def test_auto_reply_quoting_a_reference_does_not_join_nor_answer(user_a):
    request = Request.objects.get(reference=ingest(build_mail(subject="Badge")).detail)
    mail.outbox.clear()
    auto = build_mail(
        subject=f"Absent : [{request.reference}] Badge", headers={"Auto-Submitted": "auto-replied"}
    )
    assert ingest(auto).outcome == "ignored"
    assert request.messages.filter(direction="inbound").count() == 1 and mail.outbox == []


def test_per_sender_rate_limit_stops_a_mail_loop(settings, user_a):
    settings.MAILBOX_RATE_LIMIT_PER_HOUR = 3
    outcomes = [ingest(build_mail(subject=f"boucle {n}")).outcome for n in range(5)]
    assert outcomes == ["created"] * 3 + ["ignored"] * 2
    assert IgnoredMessage.objects.filter(reason="rate-limit").count() == 2
    assert ingest(build_mail(sender="bruno@groupe-aurelia.fr")).outcome == "created"


def test_every_mail_gets_one_receipt_and_one_outcome(user_a):
    raws = [build_mail(), build_mail(headers={"Auto-Submitted": "auto-replied"}), b"garbage", build_mail()]
    outcomes = [ingest(raw).outcome for raw in raws]
    assert outcomes == ["created", "ignored", "quarantined", "created"]
    assert MailReceipt.objects.count() == 4


def test_date_header_dates_the_request_and_its_deadline(user_a):
    sent = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)  # a Monday
    request = Request.objects.get(reference=ingest(build_mail(date=sent)).detail)
    assert request.received_at == sent
    assert request.deadline == dt.datetime(2026, 3, 9, 10, 0, tzinfo=dt.UTC)


def test_a_future_date_header_is_not_trusted():
    future = dt.datetime(2099, 1, 1, tzinfo=dt.UTC)
    request = Request.objects.get(reference=ingest(build_mail(date=future)).detail)
    assert request.received_at.year < 2099


def test_a_batch_threads_replies_to_requests_of_the_same_batch_and_of_before(user_a):
    earlier = Request.objects.get(reference=ingest(build_mail(subject="avant", message_id="<old@x>")).detail)
    raws = [
        build_mail(subject="un", message_id="<b1@x>"),
        build_mail(subject="RE: un", message_id="<b2@x>", headers={"In-Reply-To": "<b1@x>"}),
        build_mail(subject="RE: RE: un", message_id="<b3@x>", headers={"References": "<b1@x> <b2@x>"}),
        build_mail(subject="RE: avant", headers={"In-Reply-To": "<old@x>"}),
        build_mail(subject=f"[{earlier.reference}] encore"),
        build_mail(subject="un", message_id="<b1@x>"),
        build_mail(headers={"Auto-Submitted": "auto-replied"}),
    ]
    results = [r for _, r in Intake().ingest_many((f"m{n}", raw) for n, raw in enumerate(raws))]
    created = results[0].detail
    assert [(r.outcome, r.detail) for r in results] == [
        ("created", created),
        ("reply", created),
        ("reply", created),
        ("reply", earlier.reference),
        ("reply", earlier.reference),
        ("duplicate", created),
        ("ignored", "auto-reply"),
    ]
    assert Request.objects.get(reference=created).messages.filter(direction="inbound").count() == 3
    assert len(mail.outbox) == 2  # one acknowledgement per new request
