"""The relationship manager's work on a request: lifecycle, qualification, deadline clock, answers,
notes, concurrency, complaints. Mail goes through real aiosmtpd; replies come back through intake."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from requests_box import complaints, services, workflow
from requests_box.intake.intake import Intake
from requests_box.models import ComplaintCause, EventKind, Kind, Request, Status, Team
from requests_box.signals import request_status_changed
from tests.requests_box.mails import build_mail

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
# Monday 2 March 2026, 10:00 in Paris: no holiday near.
MONDAY = dt.datetime(2026, 3, 2, 10, 0, tzinfo=PARIS)


def new_request(subject="Accès à la paie", received_at=MONDAY, **extra) -> Request:
    return services.create_request(
        channel="email",
        subject=subject,
        text="Bonjour",
        sender_email=extra.pop("sender_email", "alice@groupe-aurelia.fr"),
        received_at=received_at,
        acknowledge=False,
        **extra,
    )


@pytest.fixture
def english():
    """A relationship manager whose screen is in English: what they store is still in French."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def status_signals():
    received = []

    def listener(sender, **kwargs):
        received.append(kwargs)

    request_status_changed.connect(listener)
    yield received
    request_status_changed.disconnect(listener)


# -- lifecycle


def test_every_transition_is_saved_then_signalled(relationship_manager, status_signals, english):
    request = new_request()
    seen_in_db = []
    status_signals.clear()

    def check(sender, request, **kwargs):
        seen_in_db.append(Request.objects.get(pk=request.pk).status)

    request_status_changed.connect(check)
    try:
        request = workflow.change_status(request, Status.IN_PROGRESS, actor=relationship_manager)
        request = workflow.change_status(
            request, Status.RESOLVED, actor=relationship_manager, response_type="telephone"
        )
        request = workflow.change_status(request, Status.CLOSED, actor=relationship_manager)
        request = workflow.change_status(request, Status.REOPENED, actor=relationship_manager)
    finally:
        request_status_changed.disconnect(check)
    assert [(s["old_status"], s["new_status"]) for s in status_signals] == [
        ("new", "in_progress"),
        ("in_progress", "resolved"),
        ("resolved", "closed"),
        ("closed", "reopened"),
    ]
    assert all(s["actor"] == relationship_manager for s in status_signals)
    assert seen_in_db == ["in_progress", "resolved", "closed", "reopened"]
    request.refresh_from_db()
    assert request.resolved_at is None and request.closed_at is None and request.response_type == ""
    details = list(request.events.filter(kind=EventKind.STATUS).values_list("detail", flat=True))
    # The history is written in the portal's language, whatever the actor's screen.
    assert details[1] == "En cours → Résolue (Téléphone)"


def test_impossible_transitions_and_resolution_without_answer_type_are_refused(relationship_manager):
    request = new_request()
    with pytest.raises(ValidationError):
        workflow.change_status(request, Status.CLOSED, actor=relationship_manager)
    with pytest.raises(ValidationError):
        workflow.change_status(request, Status.RESOLVED, actor=relationship_manager)
    request.refresh_from_db()
    assert request.status == Status.NEW and request.version == 0


def test_resolution_records_the_answer_type_and_time(relationship_manager):
    request = new_request()
    at = MONDAY + dt.timedelta(days=1)
    request = workflow.change_status(
        request, Status.RESOLVED, actor=relationship_manager, response_type="livraison", now=at
    )
    assert request.response_type == "livraison" and request.resolved_at == at


# -- qualification and the deadline matrix


def test_qualification_sets_the_matrix_deadline_and_keeps_the_history(
    relationship_manager, entity_b, english
):
    request = new_request()
    # Unqualified: one week = 5 business days, same time.
    assert request.deadline == dt.datetime(2026, 3, 9, 10, 0, tzinfo=PARIS)
    request = workflow.qualify(
        request,
        actor=relationship_manager,
        version=request.version,
        kind=Kind.COMPLEXE,
        urgent=True,
        important=True,
    )
    assert request.status == Status.QUALIFIED
    assert request.deadline == MONDAY + dt.timedelta(hours=24)
    # Urgent, less important, with a deadline asked: the end of business hours that day.
    request = workflow.qualify(
        request, actor=relationship_manager, important=False, requested_deadline=dt.date(2026, 3, 4)
    )
    assert request.deadline == dt.datetime(2026, 3, 4, 18, 0, tzinfo=PARIS)
    request = workflow.qualify(request, actor=relationship_manager, entity=entity_b)
    assert request.entity == entity_b
    events = list(request.events.filter(kind=EventKind.QUALIFIED).order_by("pk"))
    assert len(events) == 3
    assert all(e.actor == relationship_manager for e in events)
    # In French, whatever the language of the actor's screen.
    assert "type : Simple → Complexe" in events[0].detail
    assert "urgent : non → oui" in events[0].detail
    assert "important : oui → non" in events[1].detail
    assert "entité : — → Paie" in events[2].detail


def test_the_clock_pauses_while_waiting_for_the_client(relationship_manager):
    request = new_request()
    request = workflow.qualify(request, actor=relationship_manager, urgent=True, important=True)
    assert request.deadline == MONDAY + dt.timedelta(hours=24)
    # 75 % of 24 h: 18 h after receipt.
    assert request.warning_at == MONDAY + dt.timedelta(hours=18)
    asked = MONDAY + dt.timedelta(hours=2)
    request = workflow.change_status(request, Status.WAITING_CLIENT, actor=relationship_manager, now=asked)
    # While waiting, neither warning nor breach, even past the deadline.
    assert request.deadline_state(now=MONDAY + dt.timedelta(days=3)) == ""
    answered = asked + dt.timedelta(hours=30)
    request = workflow.change_status(request, Status.IN_PROGRESS, actor=relationship_manager, now=answered)
    assert request.paused_seconds == 30 * 3600
    assert request.deadline == MONDAY + dt.timedelta(hours=54)
    # Warning at 75 % of the 24 allowed hours of work: 18 h of work + 30 h waited.
    assert request.warning_at == MONDAY + dt.timedelta(hours=48)
    assert request.deadline_state(now=MONDAY + dt.timedelta(hours=47)) == ""
    assert request.deadline_state(now=MONDAY + dt.timedelta(hours=49)) == "warning"
    assert request.deadline_state(now=MONDAY + dt.timedelta(hours=55)) == "breach"


def test_a_client_reply_restarts_the_clock(relationship_manager):
    request = new_request()
    request = workflow.change_status(request, Status.WAITING_CLIENT, actor=relationship_manager)
    services.add_inbound_message(
        request=request, channel="email", text="Voici", sender="alice@groupe-aurelia.fr"
    )
    request.refresh_from_db()
    assert request.status == Status.IN_PROGRESS and request.waiting_since is None


def test_warnings_and_breaches_are_notified_once(
    relationship_manager, product_manager, smtp_server, django_capture_on_commit_callbacks
):
    late = new_request("En retard")
    late = workflow.assign(late, assignee=product_manager, actor=relationship_manager)
    soon = new_request("Bientôt", received_at=MONDAY + dt.timedelta(days=1))
    waiting = new_request("En attente")
    workflow.change_status(waiting, Status.WAITING_CLIENT, actor=relationship_manager)
    now = dt.datetime(2026, 3, 9, 12, 0, tzinfo=PARIS)  # past late's deadline, 75 % of soon's
    with django_capture_on_commit_callbacks(execute=True):
        assert workflow.check_deadlines(now) == {"warnings": 1, "breaches": 1, "callbacks": 0}
    with django_capture_on_commit_callbacks(execute=True):
        assert workflow.check_deadlines(now) == {"warnings": 0, "breaches": 0, "callbacks": 0}
    received = smtp_server.wait_for(2)
    assert len(received) == 2
    by_subject = {str(r["message"]["Subject"]).strip(): r["to"] for r in received}
    # Written in the portal's language (French).
    assert by_subject[f"[{late.reference}] Délai dépassé : En retard"] == [product_manager.email]
    # Unassigned: the relationship managers are told.
    assert by_subject[f"[{soon.reference}] Échéance proche : Bientôt"] == [relationship_manager.email]
    assert late.events.filter(kind=EventKind.BREACH).count() == 1


# -- answering and notes


def test_an_answer_is_mailed_and_the_client_reply_threads_back(client_for, relationship_manager, smtp_server):
    request = new_request(sender_email="alice@groupe-aurelia.fr")
    client = client_for(relationship_manager)
    url = reverse("requests_box:request_action", args=[request.reference])
    response = client.post(
        url,
        {
            "action": "compose",
            "compose-version": request.version,
            "compose-mode": "reply",
            "compose-text": "Votre accès est rétabli.",
        },
    )
    assert response.status_code == 302
    mail = smtp_server.wait_for(1)[0]
    assert mail["to"] == ["alice@groupe-aurelia.fr"]
    assert request.reference in mail["message"]["Subject"]
    assert "Votre accès est rétabli." in mail["message"].get_content()
    # The client answers the mail: intake threads it by the reference in the subject.
    result = Intake(acknowledge=False).ingest(
        build_mail(subject=f"RE: {mail['message']['Subject']}", body="Merci, ça marche.")
    )
    assert result.outcome == "reply" and result.detail == request.reference
    texts = list(request.messages.order_by("pk").values_list("direction", "text"))
    assert ("outbound", "Votre accès est rétabli.") in texts
    assert texts[-1][0] == "inbound" and "Merci" in texts[-1][1]


def test_internal_notes_are_seen_by_the_dsi_only(client, relationship_manager, user_a):
    from directory.selectors import contact_for_user

    request = services.create_request(
        channel="web", subject="Note", text="t", contact=contact_for_user(user_a), submitted_by=user_a
    )
    workflow.add_note(request, actor=relationship_manager, text="Client connu pour relancer souvent")
    url = request.get_absolute_url()
    client.force_login(relationship_manager)
    assert "Client connu pour relancer souvent" in client.get(url).content.decode()
    client.force_login(user_a)
    page = client.get(url).content.decode()
    assert "Client connu pour relancer souvent" not in page
    assert "Internal note" not in page and "Note interne" not in page
    # Business users cannot act on a request, even their own.
    action = reverse("requests_box:request_action", args=[request.reference])
    note = {"action": "compose", "compose-mode": "note", "compose-text": "x", "compose-version": 0}
    assert client.post(action, note).status_code == 403
    assert not request.messages.filter(direction="note", text="x").exists()


# -- optimistic concurrency


def test_two_managers_at_once_the_second_is_told_and_loses_nothing(relationship_manager):
    other = relationship_manager.__class__.objects.create_user("marc", password="pw")
    other.groups.set(relationship_manager.groups.all())
    request = new_request()
    first, second = Client(), Client()
    first.force_login(relationship_manager)
    second.force_login(other)
    url = reverse("requests_box:request_action", args=[request.reference])
    seen = request.version
    assert (
        first.post(url, {"action": "save", "panel-version": seen, "panel-kind": "complexe"}).status_code
        == 302
    )
    response = second.post(
        url, {"action": "save", "panel-version": seen, "panel-kind": "projet", "panel-urgent": "on"}
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "modifiée par quelqu" in page
    # What the second typed is still in the form, with the current version to re-apply it.
    form = response.context["panel_form"]
    assert form["kind"].value() == "projet" and form["urgent"].value() is True
    request.refresh_from_db()
    assert request.kind == Kind.COMPLEXE and not request.urgent
    assert form["version"].value() == request.version
    # Re-applied knowingly, the second change goes through.
    assert second.post(url, form.data).status_code == 302
    request.refresh_from_db()
    assert request.kind == Kind.PROJET and request.urgent


# -- complaints: the six phases


def test_a_complaint_goes_through_the_six_phases(
    client_for, relationship_manager, entity_a, entity_b, smtp_server, django_capture_on_commit_callbacks
):
    from requests_box.acknowledgement import send_acknowledgement

    earlier = new_request("Ancienne demande", sender_email="alice@groupe-aurelia.fr")
    workflow.qualify(earlier, actor=relationship_manager, entity=entity_a)
    complaint = new_request("Réclamation : paie fausse", sender_email="alice@groupe-aurelia.fr")
    # (1) welcome: the acknowledgement thanks and states the deadline.
    send_acknowledgement(complaint)
    ack = smtp_server.wait_for(1)[0]["message"].get_content()
    assert complaint.reference in ack
    # (2) record: type, cause from the editable list, service, entity; the client's history is shown.
    cause = ComplaintCause.objects.create(name="Délai non tenu")
    complaint = workflow.qualify(
        complaint,
        actor=relationship_manager,
        kind=Kind.RECLAMATION,
        cause=cause,
        entity=entity_a,
        serious=True,
    )
    page = client_for(relationship_manager).get(complaint.get_absolute_url()).content.decode()
    assert "Ancienne demande" in page and "Délai non tenu" in page
    # (3) resolve: forward to the DSI team concerned, which receives it and is told.
    team = Team.objects.create(name="Paie et RH", email="sirh@groupe-aurelia.fr")
    with django_capture_on_commit_callbacks(execute=True):
        complaint = complaints.forward_complaint(complaint, team=team, actor=relationship_manager)
    assert complaint.status == Status.ASSIGNED and complaint.team == team and complaint.forwarded_team == team
    assert any(m["to"] == ["sirh@groupe-aurelia.fr"] for m in smtp_server.wait_for(2))
    resolved_at = dt.datetime(2026, 3, 10, 15, 0, tzinfo=PARIS)
    complaint = workflow.change_status(
        complaint, Status.RESOLVED, actor=relationship_manager, response_type="telephone", now=resolved_at
    )
    # Serious: call back 15 days after resolution.
    assert complaint.callback_due == dt.date(2026, 3, 25)
    # (4) close only after the re-satisfaction check.
    with pytest.raises(ValidationError):
        workflow.change_status(complaint, Status.CLOSED, actor=relationship_manager)
    complaint = complaints.record_satisfaction(complaint, actor=relationship_manager, note="Satisfaite")
    complaint = workflow.change_status(complaint, Status.CLOSED, actor=relationship_manager)
    assert complaint.status == Status.CLOSED


def test_confirming_a_new_request_as_it_is_qualifies_it_with_the_matrix_deadline(relationship_manager):
    request = new_request(requested_deadline=dt.date(2026, 3, 4))
    # Unqualified: the client's date.
    assert request.deadline == dt.datetime(2026, 3, 4, 18, 0, tzinfo=PARIS)
    request = workflow.qualify(
        request, actor=relationship_manager, kind=Kind.SIMPLE, urgent=False, important=False
    )
    # Qualified neither urgent nor important: one week, whatever the client asked.
    assert request.status == Status.QUALIFIED
    assert request.deadline == dt.datetime(2026, 3, 9, 10, 0, tzinfo=PARIS)


def test_the_deadline_command_notifies(relationship_manager, mailoutbox):
    from io import StringIO

    from django.core.management import call_command

    new_request(received_at=MONDAY - dt.timedelta(days=30))
    out = StringIO()
    call_command("check_deadlines", stdout=out)
    assert "breaches: 1" in out.getvalue()


def test_a_complaint_codified_urgent_and_important_tells_the_client_the_new_deadline(
    relationship_manager, smtp_server
):
    from requests_box.acknowledgement import send_acknowledgement

    complaint = new_request("Réclamation : copieur en panne")
    send_acknowledgement(complaint)
    smtp_server.wait_for(1)
    complaint = workflow.qualify(
        complaint, actor=relationship_manager, kind=Kind.RECLAMATION, urgent=True, important=True
    )
    assert complaint.deadline == MONDAY + dt.timedelta(hours=24)
    received = smtp_server.wait_for(2)
    assert len(received) == 2
    notice = received[1]
    assert notice["to"] == ["alice@groupe-aurelia.fr"]
    assert complaint.reference in str(notice["message"]["Subject"])
    text = notice["message"].get_content()
    assert "nous nous engageons à vous répondre au plus tard le 03/03/2026 10:00" in text.lower()
    # Kept in the request's history like any answer written in the portal.
    assert complaint.messages.filter(direction="outbound", text__contains="03/03/2026").exists()
    assert complaint.version == Request.objects.get(pk=complaint.pk).version

    # Nothing to correct: an ordinary request's client was never promised a complaint deadline, and
    # a complaint that was never acknowledged was promised nothing.
    ordinary = new_request("Accès VPN")
    send_acknowledgement(ordinary)
    smtp_server.wait_for(3)
    workflow.qualify(ordinary, actor=relationship_manager, kind=Kind.SIMPLE, urgent=True, important=True)
    silent = new_request("Réclamation sans accusé")
    workflow.qualify(silent, actor=relationship_manager, kind=Kind.RECLAMATION, urgent=True, important=True)
    assert len(smtp_server.wait_for(4, timeout=1)) == 3
