"""One intake path: a batch (an mbox, an IMAP fetch) decides every mail exactly as if the mails came one
at a time, in order; a single mail is a batch of one. Raw mails through the real intake."""

import pytest
from django.core import mail

from requests_box import workflow
from requests_box.intake.intake import Intake
from requests_box.models import (
    EventKind,
    IgnoredMessage,
    MailReceipt,
    QuarantinedMessage,
    RelatedReason,
    Request,
    Status,
)
from tests.requests_box.mails import build_mail
from tests.requests_box.test_intake_checks import MX, SPOOF_FAIL, raw_mail

pytestmark = pytest.mark.django_db

ALICE = "alice@groupe-aurelia.fr"
MALLORY = "mallory@ext.example"


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.MAIL_TRUSTED_AUTHSERV_IDS = [MX]
    settings.MAIL_INTERNAL_DOMAINS = ["groupe-aurelia.fr"]
    settings.MAILBOX_MAX_MESSAGE_BYTES = 100_000


def take_in(mode: str, raws: list[bytes]) -> list:
    pairs = [(f"m{n}", raw) for n, raw in enumerate(raws)]
    if mode == "one at a time":
        return [Intake().ingest(raw, source=source) for source, raw in pairs]
    size = {"one batch": 100, "batches of three": 3}[mode]
    return [result for _source, result in Intake().ingest_many(pairs, batch_size=size)]


MODES = ["one at a time", "one batch", "batches of three"]


def every_kind() -> list[bytes]:
    new = raw_mail(ALICE, "Imprimante", message_id="<n1@groupe-aurelia.fr>")
    third_party = raw_mail(
        MALLORY, "Re: Imprimante", message_id="<n3@ext.example>", in_reply_to="<n2@groupe-aurelia.fr>"
    )
    auto_reply = build_mail(sender="robot@ext.example", headers={"Auto-Submitted": "auto-replied"})
    return [
        new,  # 0 created
        raw_mail(  # 1 reply by the requester
            ALICE, "Re: Imprimante", message_id="<n2@groupe-aurelia.fr>", in_reply_to="<n1@groupe-aurelia.fr>"
        ),
        new,  # 2 the same mail again: duplicate
        raw_mail(ALICE, "Wifi", message_id="<n1@groupe-aurelia.fr>", body="Autre chose : le wifi.\r\n"),  # 3
        third_party,  # 4 a third party answers the thread: a related request, held
        raw_mail(  # 5 who follows up on their own mail: joins the related request
            MALLORY, "Re: Imprimante", message_id="<n4@ext.example>", in_reply_to="<n3@ext.example>"
        ),
        raw_mail("paie@groupe-aurelia.fr", "Virement", message_id="<n5@groupe-aurelia.fr>", auth=SPOOF_FAIL),
        auto_reply,  # 7 ignored
        b"\x00\x01binary",  # 8 quarantined
        raw_mail(ALICE, "", message_id="<n6@groupe-aurelia.fr>", body=""),  # 9 empty: quarantined
        build_mail(sender=ALICE, attachments=[("scan.pdf", "application/pdf", b"%PDF" + b"x" * 200_000)]),
        auto_reply,  # 11 duplicate of an ignored mail
        third_party,  # 12 duplicate of the related request's mail
    ]


@pytest.mark.parametrize("mode", MODES)
def test_every_kind_of_mail_in_one_batch_gets_the_outcome_it_gets_alone(mode, user_a):
    raws = every_kind()
    results = take_in(mode, raws)

    first = Request.objects.get(subject="Imprimante")
    wifi = Request.objects.get(subject="Wifi")
    related = Request.objects.get(sender_email=MALLORY)
    spoofed = Request.objects.get(subject="Virement")
    assert [(r.outcome, r.detail) for r in results[:8]] == [
        ("created", first.reference),
        ("reply", first.reference),
        ("duplicate", first.reference),
        ("created", wifi.reference),
        ("created", related.reference),
        ("reply", related.reference),
        ("created", spoofed.reference),
        ("ignored", "auto-reply"),
    ]
    assert [r.outcome for r in results[8:11]] == ["quarantined"] * 3
    assert results[9].detail == "empty message" and results[10].detail.startswith("too large")
    assert [(r.outcome, r.detail) for r in results[11:]] == [
        ("duplicate", "(ignored)"),
        ("duplicate", related.reference),
    ]
    # The reused Message-ID: its own request, told in its history, its receipt pointing to the first.
    assert wifi.events.filter(kind=EventKind.MESSAGE_ID_REUSED).count() == 1
    receipt = MailReceipt.objects.get(request=wifi)
    assert receipt.reuses == MailReceipt.objects.get(request=first, outcome="created")
    # The third party: a request of its own, related to the thread, held, not acknowledged.
    assert (related.related_to, related.related_reason) == (first, RelatedReason.THIRD_PARTY)
    assert related.messages.count() == 2 and first.messages.filter(direction="inbound").count() == 2
    assert spoofed.sender_unverified and spoofed.contact is None
    for held in (related, spoofed):
        assert held.events.filter(kind=EventKind.HELD).count() == 1
        assert not held.events.filter(kind=EventKind.ACKNOWLEDGED).exists()
    assert sorted(m.to[0] for m in mail.outbox) == [ALICE, ALICE]  # the two requests of Alice
    # Nothing lost: one receipt per mail that is not a duplicate, raw bytes kept for the ones set aside.
    assert MailReceipt.objects.count() == len(raws) - 3
    (ignored,) = IgnoredMessage.objects.all()
    assert ignored.raw.read() == raws[7]
    kept = {q.reason.split(":")[0]: q.raw.read() for q in QuarantinedMessage.objects.all()}
    assert kept["empty message"] == raws[9] and kept["too large"] == raws[10]
    assert raws[8] in kept.values()
    # The new requests have their warning time, whichever way they came.
    assert all(r.warning_at is not None for r in Request.objects.all())


@pytest.mark.parametrize("mode", MODES)
def test_two_replies_to_a_request_waiting_for_its_client_restart_its_clock_once(
    mode, user_a, relationship_manager
):
    result = Intake(acknowledge=False).ingest(
        raw_mail(ALICE, "Imprimante", message_id="<w1@groupe-aurelia.fr>")
    )
    request = Request.objects.get(pk=result.request_id)
    workflow.change_status(request, Status.WAITING_CLIENT, actor=relationship_manager)
    replies = [
        raw_mail(
            ALICE,
            "Re: Imprimante",
            message_id=f"<w{n}@groupe-aurelia.fr>",
            in_reply_to="<w1@groupe-aurelia.fr>",
        )
        for n in (2, 3)
    ]
    assert [(r.outcome, r.detail) for r in take_in(mode, replies)] == [("reply", request.reference)] * 2
    request.refresh_from_db()
    assert request.status == Status.IN_PROGRESS
    kinds = list(request.events.order_by("pk").values_list("kind", flat=True))
    assert (
        kinds[-4:] == [EventKind.REPLY, EventKind.STATUS, EventKind.REPLY]
        or kinds.count(EventKind.REPLY) == 2
    )


def test_a_batch_whose_writing_fails_is_taken_in_again_one_mail_at_a_time(monkeypatch, user_a):
    """One mail that breaks the bulk write does not take the others with it: alone, it is quarantined."""
    from requests_box.intake import batch

    bad = raw_mail(ALICE, "Casse", message_id="<bad@groupe-aurelia.fr>")
    real = batch._write_messages

    def failing(taken, now):
        if any(m.parsed.message_id == "<bad@groupe-aurelia.fr>" for m in taken):
            raise RuntimeError("disk full")
        return real(taken, now)

    monkeypatch.setattr(batch, "_write_messages", failing)
    raws = [
        raw_mail(ALICE, "Un", message_id="<ok1@groupe-aurelia.fr>"),
        bad,
        raw_mail(ALICE, "Deux", message_id="<ok2@groupe-aurelia.fr>"),
    ]
    results = take_in("one batch", raws)
    assert [r.outcome for r in results] == ["created", "quarantined", "created"]
    assert results[1].detail == "intake error: RuntimeError: disk full"
    assert QuarantinedMessage.objects.get().raw.read() == bad
    assert MailReceipt.objects.count() == 3 and Request.objects.count() == 2


def test_a_batch_takes_a_fixed_number_of_queries_whatever_its_size(django_assert_max_num_queries, user_a):
    def batch(tag: str, size: int) -> list:
        return [
            (
                f"{tag}{n}",
                raw_mail(f"{tag}{n}@ext.example", f"Demande {n}", message_id=f"<{tag}{n}@ext.example>"),
            )
            for n in range(size)
        ]

    # Acknowledgements are sent later, by the worker; the indicators' daily counts are recounted once.
    with django_assert_max_num_queries(30) as small:
        results = [result for _source, result in Intake(acknowledge=False).ingest_many(batch("s", 4))]
    with django_assert_max_num_queries(len(small.captured_queries)):
        results += [result for _source, result in Intake(acknowledge=False).ingest_many(batch("b", 40))]
    assert [r.outcome for r in results] == ["created"] * 44


@pytest.mark.parametrize("mode", MODES)
def test_every_mail_keeps_its_raw_bytes_whatever_it_becomes(mode, user_a):
    """A request, a reply, a held related request: the receipt keeps the mail byte for byte; an ignored
    or quarantined mail keeps it in its own table."""
    raws = every_kind()
    take_in(mode, raws)

    def content(field) -> bytes:
        with field.open("rb") as handle:
            return handle.read()

    taken = MailReceipt.objects.filter(outcome__in=["created", "reply"]).order_by("pk")
    kept = {bytes(receipt.raw) for receipt in taken}
    for index in (0, 1, 3, 4, 5, 6):
        assert raws[index] in kept, index
    assert [content(m.raw) for m in IgnoredMessage.objects.all()] == [raws[7]]
    assert {raws[8], raws[9], raws[10]} <= {content(q.raw) for q in QuarantinedMessage.objects.all()}
