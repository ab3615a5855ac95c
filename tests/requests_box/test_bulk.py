"""`requests_box.bulk.insert` stores exactly what `bulk_create` stores, on both databases."""

import datetime as dt
import zoneinfo

import pytest
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.functional import lazy

from directory.models import ClientType, Contact, Directorate, Entity
from requests_box.bulk import insert
from requests_box.models import (
    Attachment,
    Channel,
    Direction,
    EventKind,
    IgnoredMessage,
    MailReceipt,
    Message,
    Outcome,
    Participant,
    Request,
    RequestEvent,
    Status,
)

pytestmark = pytest.mark.django_db

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def stored(model, pk) -> dict:
    """The row as the database holds it, through the driver (no field conversion)."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE id = %s", [pk])  # noqa: S608 - a model's table
        names = [column[0] for column in cursor.description]
        row = cursor.fetchone()
    values = dict(zip(names, row, strict=True))
    values.pop("id")
    return {name: bytes(value) if isinstance(value, memoryview) else value for name, value in values.items()}


@pytest.fixture
def contact():
    directorate = Directorate.objects.create(code="DF", name="Direction financière")
    entity = Entity.objects.create(
        code="DF-1", name="Comptabilité", directorate=directorate, client_type=ClientType.METIER
    )
    return Contact.objects.create(
        email="alice@groupe-aurelia.fr", first_name="Alice", last_name="M", entity=entity
    )


def test_requests_messages_events_receipts_are_stored_alike(contact):
    received = dt.datetime(2026, 3, 29, 2, 30, tzinfo=dt.UTC)  # the night clocks go forward in Paris
    now = timezone.now()

    def request(n):
        return Request(
            reference=f"REQ-2026-90000{n}",
            external_reference=f"INC001234{n}",
            received_at=received.astimezone(PARIS),
            channel=Channel.EMAIL,
            contact=contact,
            entity_id=contact.entity_id,
            sender_email="alice@groupe-aurelia.fr",
            sender_name="Élodie « Dupré »",
            subject=lazy(lambda: "Sans objet", str)(),  # a lazy string, as translations are
            urgent=True,
            requested_deadline=dt.date(2026, 4, 2),
            deadline=received + dt.timedelta(days=3),
            status=Status.NEW,
            sender_unverified=False,
            created=now,
            updated=now,
        )

    django_made, ours = request(0), request(1)
    Request.objects.bulk_create([django_made])
    insert([ours])
    assert ours.pk is not None and ours.pk != django_made.pk and not ours._state.adding
    expected, got = stored(Request, django_made.pk), stored(Request, ours.pk)
    for name in ("reference", "external_reference", "created", "updated"):  # unique, or now when saved
        expected.pop(name), got.pop(name)
    assert got == expected
    assert Request.objects.get(pk=ours.pk).received_at == received

    def message(target):
        return Message(
            request=target,  # the object: its key is read when the row is written
            direction=Direction.INBOUND,
            channel=Channel.EMAIL,
            message_id="<a@b>",
            sender="Alice <alice@groupe-aurelia.fr>",
            subject="Objet",
            headers="From: Alice\nSubject: Objet",
            text="Bonjour\x7f\n\u2028fin",
            safe_html="<p>Bonjour</p>",
            sent_at=received,
        )

    messages = [message(django_made), message(ours)]
    Message.objects.bulk_create(messages[:1])
    insert(messages[1:])
    expected, got = stored(Message, messages[0].pk), stored(Message, messages[1].pk)
    assert got.pop("request_id") == ours.pk and expected.pop("request_id") == django_made.pk
    assert got == expected

    events = [
        RequestEvent(request=r, kind=EventKind.CREATED, detail="email x", at=received)
        for r in (django_made, ours)
    ]
    RequestEvent.objects.bulk_create(events[:1])
    insert(events[1:])
    expected, got = stored(RequestEvent, events[0].pk), stored(RequestEvent, events[1].pk)
    expected.pop("request_id"), got.pop("request_id")
    assert got == expected

    receipts = [
        MailReceipt(
            dedup_key=f"{n}" * 64,
            message_id="<a@b>",
            content_digest="c" * 64,
            reuses_id=None,
            sender_email="alice@groupe-aurelia.fr",
            received_at=received,
            source="inbox/1",
            outcome=Outcome.CREATED,
            request=r,
            raw=b"From: alice\r\n\r\n\x00\xff\xfe binary",
        )
        for n, r in ((0, django_made), (1, ours))
    ]
    MailReceipt.objects.bulk_create(receipts[:1])
    insert(receipts[1:])
    expected, got = stored(MailReceipt, receipts[0].pk), stored(MailReceipt, receipts[1].pk)
    for name in ("dedup_key", "request_id"):
        expected.pop(name), got.pop(name)
    assert got == expected
    assert bytes(MailReceipt.objects.get(pk=receipts[1].pk).raw) == b"From: alice\r\n\r\n\x00\xff\xfe binary"


def test_rows_naming_files_and_many_rows_at_once(contact, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    request = Request.objects.create(
        reference="REQ-2026-900100",
        received_at=timezone.now(),
        deadline=timezone.now(),
        channel=Channel.EMAIL,
        subject="x",
    )
    message = Message.objects.create(request=request, subject="x")
    attachments = []
    for n in range(2):
        attachment = Attachment(
            message=message, original_name="pièce.pdf", content_type="application/pdf", size=4, inline=False
        )
        attachment.file.save(f"f{n}.pdf", ContentFile(b"%PDF"), save=False)
        attachments.append(attachment)
    Attachment.objects.bulk_create(attachments[:1])
    insert(attachments[1:])
    expected, got = stored(Attachment, attachments[0].pk), stored(Attachment, attachments[1].pk)
    assert got.pop("file").endswith("f1.pdf") and expected.pop("file").endswith("f0.pdf")
    assert got == expected

    ignored = IgnoredMessage(
        reason="auto-reply", source="x", message_id="<i@x>", sender="a@x", subject="Absent"
    )
    ignored.raw.save("i.eml", ContentFile(b"raw"), save=False)
    insert([ignored])
    assert IgnoredMessage.objects.get(pk=ignored.pk).raw.read() == b"raw"

    # More rows than one statement takes: every row written, keys in order.
    many = [RequestEvent(request=request, kind=EventKind.NOTE, detail=f"n{n}") for n in range(1500)]
    insert(many)
    assert [e.pk for e in many] == sorted(e.pk for e in many)
    assert list(
        RequestEvent.objects.filter(request=request).order_by("pk").values_list("detail", flat=True)
    ) == [f"n{n}" for n in range(1500)]


def test_conflicting_rows_are_skipped_when_asked(contact):
    request = Request.objects.create(
        reference="REQ-2026-900200", received_at=timezone.now(), deadline=timezone.now(), subject="x"
    )
    Participant.objects.create(request=request, email="alice@groupe-aurelia.fr")
    insert(
        [Participant(request=request, email=a) for a in ("alice@groupe-aurelia.fr", "bob@groupe-aurelia.fr")],
        ignore_conflicts=True,
    )
    assert sorted(Participant.objects.filter(request=request).values_list("email", flat=True)) == [
        "alice@groupe-aurelia.fr",
        "bob@groupe-aurelia.fr",
    ]
    with pytest.raises(IntegrityError), transaction.atomic():
        insert([Participant(request=request, email="bob@groupe-aurelia.fr")])
