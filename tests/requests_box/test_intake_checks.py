"""Who writes: an unverified sender is held for a human; a reply can't be slipped into someone else's
request (MAIL.md, "Unverified sender" and "Replies into a thread"). Raw mails through the real intake."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from requests_box import services
from requests_box.intake.authresults import failed_checks, parse_field
from requests_box.intake.intake import Intake
from requests_box.models import EventKind, Participant, RelatedReason, Request
from requests_box.selectors import requests_of_client

pytestmark = pytest.mark.django_db

MX = "mx1.groupe-aurelia.fr"


@pytest.fixture(autouse=True)
def _trusted(settings):
    settings.MAIL_TRUSTED_AUTHSERV_IDS = [MX]
    settings.MAIL_INTERNAL_DOMAINS = ["groupe-aurelia.fr"]


def ingest(raw: bytes, source: str = "test.eml"):
    return Intake().ingest(raw, source=source)


def raw_mail(
    sender: str,
    subject: str,
    *,
    message_id: str,
    auth: str | None = None,
    cc: str = "",
    in_reply_to: str = "",
    body: str = "Bonjour,\r\nmerci de traiter.\r\n",
) -> bytes:
    lines = [
        "Return-Path: <bounce@mailer.example>",
        f"Received: from unknown (HELO mailer.example) (203.0.113.9) by {MX};"
        " Tue, 01 Dec 2026 09:00:01 +0100",
    ]
    if auth is not None:
        lines.append(f"Authentication-Results: {auth}")
    lines += [
        f"From: {sender}",
        "To: Relais DSI <relais-dsi@groupe-aurelia.fr>",
        *([f"Cc: {cc}"] if cc else []),
        f"Subject: {subject}",
        "Date: Tue, 01 Dec 2026 09:00:00 +0100",
        f"Message-ID: {message_id}",
        *([f"In-Reply-To: {in_reply_to}", f"References: {in_reply_to}"] if in_reply_to else []),
        "Content-Type: text/plain; charset=utf-8",
    ]
    return ("\r\n".join(lines) + "\r\n\r\n" + body).encode()


SPOOF_FAIL = (
    f"{MX};\r\n\tspf=fail (domain of groupe-aurelia.fr does not designate 203.0.113.9 as permitted sender)"
    " smtp.mailfrom=groupe-aurelia.fr;\r\n\tdkim=none (no signature);\r\n"
    "\tdmarc=fail (p=QUARANTINE sp=QUARANTINE dis=NONE) header.from=groupe-aurelia.fr"
)


def test_authentication_results_are_read_with_comments_versions_and_quotes():
    results = parse_field('"MX1.groupe-aurelia.fr" 1; spf=pass (ok; really) smtp.mailfrom=a.fr; dmarc/1=fail')
    assert [(r.authserv_id, r.method, r.result) for r in results] == [
        ("mx1.groupe-aurelia.fr", "spf", "pass"),
        ("mx1.groupe-aurelia.fr", "dmarc", "fail"),
    ]
    assert failed_checks(results, [MX]) == ["dmarc=fail"]
    assert failed_checks(results, ["other.example"]) == []
    assert parse_field(f"{MX}; none") == [] and parse_field("") == []


# -- unverified sender


def test_a_spoofed_internal_sender_is_held_and_linked_to_nobody(user_a):
    raw = raw_mail(
        "Alice Martin <alice@groupe-aurelia.fr>", "Virement urgent", message_id="<s1@x>", auth=SPOOF_FAIL
    )
    result = ingest(raw)
    assert result.outcome == "created"
    request = Request.objects.get(reference=result.detail)
    assert request.sender_unverified and request.contact is None and request.entity is None
    assert request.sender_email == "alice@groupe-aurelia.fr"
    assert not requests_of_client(user_a).filter(pk=request.pk).exists()  # not in "Mes demandes"
    assert mail.outbox == []  # no acknowledgement to the real Alice
    held = request.events.get(kind=EventKind.HELD)
    assert "spf=fail" in held.detail and "dmarc=fail" in held.detail


@pytest.mark.parametrize(
    "auth",
    [
        None,  # no header
        "evil.example; dmarc=fail header.from=groupe-aurelia.fr",  # a server we do not trust
        f"{MX}; spf=softfail smtp.mailfrom=groupe-aurelia.fr; dmarc=pass header.from=groupe-aurelia.fr",
        f"{MX}; spf=pass; dkim=pass; dmarc=pass",
    ],
)
def test_a_sender_that_passes_or_is_not_judged_by_a_trusted_server_is_linked(user_a, auth):
    request = Request.objects.get(
        reference=ingest(raw_mail("alice@groupe-aurelia.fr", "VPN", message_id="<v@x>", auth=auth)).detail
    )
    assert not request.sender_unverified and request.contact.user == user_a


def test_the_header_is_ignored_until_a_server_is_trusted(settings, user_a):
    settings.MAIL_TRUSTED_AUTHSERV_IDS = []
    request = Request.objects.get(
        reference=ingest(raw_mail("alice@groupe-aurelia.fr", "x", message_id="<t@x>", auth=SPOOF_FAIL)).detail
    )
    assert not request.sender_unverified and request.contact.user == user_a


def test_an_outside_domain_failing_dmarc_is_not_an_internal_sender_held(settings):
    auth = f"{MX}; dmarc=fail header.from=prestataire.example"
    request = Request.objects.get(
        reference=ingest(raw_mail("x@prestataire.example", "Devis", message_id="<o@x>", auth=auth)).detail
    )
    assert not request.sender_unverified


def test_a_subdomain_counts_as_internal(user_a):
    auth = f"{MX}; dmarc=fail header.from=paris.groupe-aurelia.fr"
    result = ingest(raw_mail("paul@paris.groupe-aurelia.fr", "x", message_id="<sd@x>", auth=auth))
    assert Request.objects.get(reference=result.detail).sender_unverified


def test_a_spoofed_reply_never_joins_the_request_it_names(user_a):
    original = Request.objects.get(
        reference=ingest(raw_mail("alice@groupe-aurelia.fr", "Paie", message_id="<p1@x>")).detail
    )
    spoof = raw_mail(
        "alice@groupe-aurelia.fr", f"RE: [{original.reference}] Paie", message_id="<p2@x>", auth=SPOOF_FAIL
    )
    result = ingest(spoof)
    assert result.outcome == "created" and result.detail != original.reference
    held = Request.objects.get(reference=result.detail)
    assert held.related_to == original and held.related_reason == RelatedReason.UNVERIFIED
    assert held.sender_unverified and held.contact is None
    assert original.messages.filter(direction="inbound").count() == 1


def test_the_batch_path_holds_the_same_mails(tmp_path, capsys, user_a):
    (tmp_path / "1.eml").write_bytes(raw_mail("alice@groupe-aurelia.fr", "un", message_id="<b1@x>"))
    (tmp_path / "2.eml").write_bytes(
        raw_mail("alice@groupe-aurelia.fr", "deux", message_id="<b2@x>", auth=SPOOF_FAIL)
    )
    (tmp_path / "3.eml").write_bytes(raw_mail("alice@groupe-aurelia.fr", "trois", message_id="<b3@x>"))
    call_command("ingest_mail", str(tmp_path))
    assert capsys.readouterr().out.splitlines()[-1].startswith("summary: 3 messages, 3 created")
    by_subject = {r.subject: r for r in Request.objects.all()}
    assert [by_subject[s].sender_unverified for s in ("un", "deux", "trois")] == [False, True, False]
    assert by_subject["deux"].contact is None and by_subject["trois"].contact.user == user_a


@pytest.fixture
def held(user_a):
    raw = raw_mail("alice@groupe-aurelia.fr", "Changer mon RIB", message_id="<h@x>", auth=SPOOF_FAIL)
    return Request.objects.get(reference=ingest(raw).detail)


def test_the_relationship_manager_confirms_the_sender(client_for, relationship_manager, held, user_a):
    client = client_for(relationship_manager)
    page = client.get(held.get_absolute_url())
    assert (
        b'data-flag="unverified"' in page.content
        and reverse("requests_box:confirm_sender", args=[held.reference]).encode() in page.content
    )
    response = client.post(reverse("requests_box:confirm_sender", args=[held.reference]))
    assert response.status_code == 302
    held.refresh_from_db()
    assert not held.sender_unverified and held.contact.user == user_a and held.entity == user_a.contact.entity
    assert held.events.filter(kind=EventKind.SENDER_CONFIRMED, actor=relationship_manager).exists()
    assert requests_of_client(user_a).filter(pk=held.pk).exists()
    # Twice: a clear message, nothing changes.
    again = client.post(reverse("requests_box:confirm_sender", args=[held.reference]), follow=True)
    assert again.status_code == 200 and held.events.filter(kind=EventKind.SENDER_CONFIRMED).count() == 1


@pytest.mark.parametrize(
    ("persona", "status"),
    [("user_a", 403), ("cio", 403), ("product_manager", 403), ("team_member", 403), ("editor", 403)],
)
def test_only_a_relationship_manager_may_confirm(request, client_for, held, persona, status):
    client = client_for(request.getfixturevalue(persona))
    response = client.post(reverse("requests_box:confirm_sender", args=[held.reference]))
    assert response.status_code == status
    held.refresh_from_db()
    assert held.sender_unverified and held.contact is None


def test_anonymous_cannot_confirm(client, held):
    response = client.post(reverse("requests_box:confirm_sender", args=[held.reference]))
    assert response.status_code in (302, 403) and Request.objects.get(pk=held.pk).sender_unverified


def test_linking_another_request_of_the_address_leaves_the_held_one_alone(relationship_manager, held, user_a):
    unknown = services.create_request(
        channel="email", subject="y", text="t", sender_email="alice@groupe-aurelia.fr", acknowledge=False
    )
    Request.objects.filter(pk=unknown.pk).update(contact=None, entity=None)
    unknown.refresh_from_db()
    assert services.link_sender(request=unknown, contact=user_a.contact, actor=relationship_manager) == 1
    held.refresh_from_db()
    assert held.sender_unverified and held.contact is None


# -- replies into a thread


@pytest.fixture
def thread(user_a):
    raw = raw_mail(
        "alice@groupe-aurelia.fr",
        "Accès au partage Finance",
        message_id="<f1@x>",
        cc="Chef <chef@groupe-aurelia.fr>",
    )
    return Request.objects.get(reference=ingest(raw).detail)


def test_the_requester_a_participant_and_the_dsi_reply_into_the_thread(thread, team_member):
    subject = f"RE: [{thread.reference}] Accès au partage Finance"
    assert ingest(raw_mail("alice@groupe-aurelia.fr", subject, message_id="<f2@x>")).outcome == "reply"
    assert (
        ingest(
            raw_mail("chef@groupe-aurelia.fr", "Re: Accès", message_id="<f3@x>", in_reply_to="<f1@x>")
        ).outcome
        == "reply"
    )
    assert ingest(raw_mail(team_member.email, subject, message_id="<f4@x>")).outcome == "reply"
    assert thread.messages.filter(direction="inbound").count() == 4
    assert set(Participant.objects.filter(request=thread).values_list("email", flat=True)) >= {
        "alice@groupe-aurelia.fr",
        "chef@groupe-aurelia.fr",
    }


def test_a_third_party_reply_opens_a_related_request_shown_in_triage(
    thread, user_b, client_for, relationship_manager
):
    subject = f"RE: [{thread.reference}] Accès au partage Finance"
    result = ingest(
        raw_mail("bruno@groupe-aurelia.fr", subject, message_id="<t1@x>", body="Donnez-moi aussi l'accès")
    )
    assert result.outcome == "created"
    other = Request.objects.get(reference=result.detail)
    assert other.related_to == thread and other.related_reason == RelatedReason.THIRD_PARTY
    assert other.contact.user == user_b  # a verified sender: their own request
    assert thread.messages.filter(direction="inbound").count() == 1
    assert mail.outbox[-1].to != ["bruno@groupe-aurelia.fr"]  # no acknowledgement: a human looks first
    # By In-Reply-To (our acknowledgement's Message-ID) too.
    ack = thread.messages.get(direction="outbound")
    by_header = ingest(
        raw_mail("bruno@groupe-aurelia.fr", "Re: ?", message_id="<t2@x>", in_reply_to=ack.message_id)
    )
    assert Request.objects.get(reference=by_header.detail).related_to == thread
    page = client_for(relationship_manager).get(reverse("requests_box:triage"), HTTP_ACCEPT_LANGUAGE="fr")
    assert f"réponse d'un tiers à {thread.reference}" in page.content.decode()


def test_a_third_party_copied_in_by_the_requester_becomes_a_participant(thread, user_b):
    subject = f"RE: [{thread.reference}] Accès"
    reply = raw_mail("alice@groupe-aurelia.fr", subject, message_id="<c1@x>", cc="bruno@groupe-aurelia.fr")
    assert ingest(reply).outcome == "reply"
    assert ingest(raw_mail("bruno@groupe-aurelia.fr", subject, message_id="<c2@x>")).outcome == "reply"


def test_the_batch_path_keeps_third_parties_out_in_order(tmp_path, capsys, user_a, user_b):
    mails = [
        raw_mail("alice@groupe-aurelia.fr", "Imprimante", message_id="<m1@x>", cc="chef@groupe-aurelia.fr"),
        raw_mail("chef@groupe-aurelia.fr", "Re: Imprimante", message_id="<m2@x>", in_reply_to="<m1@x>"),
        raw_mail("bruno@groupe-aurelia.fr", "Re: Imprimante", message_id="<m3@x>", in_reply_to="<m1@x>"),
        raw_mail("alice@groupe-aurelia.fr", "Re: Imprimante", message_id="<m4@x>", in_reply_to="<m2@x>"),
    ]
    for n, raw in enumerate(mails, start=1):
        (tmp_path / f"{n}.eml").write_bytes(raw)
    call_command("ingest_mail", str(tmp_path))
    lines = capsys.readouterr().out.splitlines()
    first, third = Request.objects.order_by("pk")
    assert [line.split(": ", 1)[1] for line in lines[:4]] == [
        f"created {first.reference}",
        f"reply {first.reference}",
        f"created {third.reference}",
        f"reply {first.reference}",
    ]
    assert third.related_to == first and third.related_reason == RelatedReason.THIRD_PARTY
    assert first.messages.filter(direction="inbound").count() == 3
