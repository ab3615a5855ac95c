"""The client's side: a message or files added from the portal (threaded as a mail reply), cancelling,
reopening within 30 days, the promised date and lateness, the complaint from the web form, and the
acknowledgement naming the relationship manager. Bad input keeps what was typed."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from requests_box import client_actions, services, workflow
from requests_box.models import Direction, EventKind, Kind, Request, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def mine(user_a) -> Request:
    return services.create_request(
        channel="web",
        subject="Second écran",
        text="Pour la comptabilité",
        contact=user_a.contact,
        submitted_by=user_a,
        acknowledge=False,
    )


def url(name, request) -> str:
    return reverse(f"requests_box:{name}", args=[request.reference])


def test_a_client_message_joins_the_request_like_a_mail_reply(client_for, user_a, mine, relationship_manager):
    mine = workflow.change_status(mine, Status.WAITING_CLIENT, actor=relationship_manager)
    client = client_for(user_a)
    response = client.post(
        url("client_message", mine),
        {
            "message-text": "Voici le modèle voulu.",
            "message-attachments": [SimpleUploadedFile("devis.pdf", b"%PDF-1.4 devis", "application/pdf")],
        },
    )
    assert response.status_code == 302
    message = mine.messages.order_by("-pk").first()
    assert (message.direction, message.channel, message.author) == (Direction.INBOUND, "web", user_a)
    assert message.subject == f"Re : [{mine.reference}] Second écran"
    assert message.attachments.get().original_name == "devis.pdf"
    mine.refresh_from_db()
    # As with a reply by mail: a request waiting for the client resumes, the history says so.
    assert mine.status == Status.IN_PROGRESS and mine.waiting_since is None
    assert mine.events.filter(kind=EventKind.REPLY).exists()
    page = client_for(relationship_manager).get(mine.get_absolute_url()).content.decode()
    assert "Voici le modèle voulu." in page and "devis.pdf" in page


def test_client_files_pass_the_mail_intakes_checks_and_a_refusal_keeps_the_text(
    client_for, user_a, mine, settings
):
    settings.MAILBOX_MAX_MESSAGE_BYTES = 2000  # a mail above it would go to quarantine
    client = client_for(user_a)
    too_big = SimpleUploadedFile("plan.pdf", b"x" * 2500, "application/pdf")
    response = client.post(
        url("client_message", mine), {"message-text": "Le plan joint", "message-attachments": [too_big]}
    )
    assert response.status_code == 400
    html = response.content.decode().replace("\xa0", " ")
    # The text counts with the files, as in a mail; sizes in French units.
    assert "Le message et ses pièces jointes pèsent 2,4 Kio ; 2,0 Kio au plus sont acceptés" in html
    assert response.context["message_form"]["text"].value() == "Le plan joint"
    assert "Le plan joint</textarea>" in html
    empty = SimpleUploadedFile("vide.txt", b"", "text/plain")
    response = client.post(
        url("client_message", mine), {"message-text": "Vide", "message-attachments": [empty]}
    )
    assert response.status_code == 400 and "« vide.txt » est vide" in response.content.decode()
    assert response.context["message_form"]["text"].value() == "Vide"
    response = client.post(url("client_message", mine), {"message-text": "  "})
    assert (
        response.status_code == 400
        and "Écrivez un message ou joignez un fichier." in response.content.decode()
    )
    assert mine.messages.count() == 1


def test_only_the_requester_writes_cancels_or_reopens(
    client_for, mine, correspondent_a, user_b, relationship_manager
):
    for user, status in ((correspondent_a, 403), (user_b, 404), (relationship_manager, 403)):
        client = client_for(user)
        assert client.post(url("client_message", mine), {"message-text": "x"}).status_code == status
        assert (
            client.post(url("client_cancel", mine), {"cancel-reason": "x", "cancel-version": 0}).status_code
            == status
        )
    assert mine.messages.count() == 1 and Request.objects.get(pk=mine.pk).status == Status.NEW


def test_the_client_cancels_an_open_request_with_a_reason(
    client_for, user_a, mine, team_member, relationship_manager
):
    mine = workflow.assign(mine, actor=relationship_manager, assignee=team_member, notify=False)
    client = client_for(user_a)
    response = client.post(url("client_cancel", mine), {"cancel-version": mine.version, "cancel-reason": ""})
    assert response.status_code == 400 and "Champ requis." in response.content.decode()
    response = client.post(
        url("client_cancel", mine),
        {"cancel-version": mine.version, "cancel-reason": "Trouvé un écran en stock"},
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.status == Status.CANCELLED and mine.closed_at is not None and not mine.is_open
    event = mine.events.filter(kind=EventKind.STATUS).order_by("-pk").first()
    assert event.actor == user_a and "Trouvé un écran en stock" in event.detail
    assert event.detail.startswith("Affectée → Annulée par le client")
    # Out of the assignee's queue, no deadline warning any more; no cancel form for a finished request.
    queue = client_for(team_member).get(reverse("requests_box:work_queue"))
    assert mine.reference not in {r.reference for r in queue.context["page"].object_list}
    assert workflow.check_deadlines(timezone.now() + dt.timedelta(days=60))["breaches"] == 0
    assert 'id="form-cancel"' not in client.get(mine.get_absolute_url()).content.decode()


def test_cancelling_a_request_changed_meanwhile_says_so_and_keeps_the_reason(
    client_for, user_a, mine, relationship_manager
):
    seen = mine.version
    workflow.qualify(mine, actor=relationship_manager, kind=Kind.COMPLEXE)
    response = client_for(user_a).post(
        url("client_cancel", mine), {"cancel-version": seen, "cancel-reason": "Plus besoin"}
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "La demande a changé pendant que vous écriviez (elle est maintenant « Qualifiée »)" in html
    form = response.context["cancel_form"]
    assert (
        form["reason"].value() == "Plus besoin"
        and form["version"].value() == Request.objects.get(pk=mine.pk).version
    )
    assert Request.objects.get(pk=mine.pk).status == Status.QUALIFIED
    # Resolved meanwhile: it can no longer be cancelled, the reason is shown to copy.
    current = Request.objects.get(pk=mine.pk)
    workflow.change_status(current, Status.RESOLVED, actor=relationship_manager, response_type="email")
    response = client_for(user_a).post(
        url("client_cancel", mine), {"cancel-version": seen, "cancel-reason": "Plus besoin"}
    )
    assert response.status_code == 409
    assert (
        "Votre texte, non envoyé" in response.content.decode()
        and ">Plus besoin</textarea>" in response.content.decode()
    )


def test_the_client_reopens_within_thirty_days_with_a_fresh_deadline(
    client_for, user_a, mine, relationship_manager
):
    mine = workflow.change_status(
        mine, Status.RESOLVED, actor=relationship_manager, response_type="livraison"
    )
    client = client_for(user_a)
    page = client.get(mine.get_absolute_url()).content.decode()
    assert 'id="form-reopen"' in page and 'id="form-message"' not in page
    response = client.post(
        url("client_reopen", mine),
        {"reopen-version": mine.version, "reopen-text": "L'écran livré ne s'allume pas."},
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.status == Status.REOPENED and mine.resolved_at is None
    assert mine.deadline > timezone.now() and mine.deadline_state() == ""
    assert mine.messages.order_by("-pk").first().text == "L'écran livré ne s'allume pas."


def test_after_thirty_days_the_client_is_offered_a_new_request(
    client_for, user_a, mine, relationship_manager
):
    resolved_at = timezone.now() - dt.timedelta(days=31)
    mine = workflow.change_status(
        mine, Status.RESOLVED, actor=relationship_manager, response_type="email", now=resolved_at
    )
    client = client_for(user_a)
    page = client.get(mine.get_absolute_url()).content.decode()
    assert 'id="form-reopen"' not in page and "résolue il y a plus de 30 jours" in page
    response = client.post(
        url("client_reopen", mine), {"reopen-version": mine.version, "reopen-text": "Encore"}
    )
    assert response.status_code == 409 and "ne peut plus être rouverte" in response.content.decode()
    assert Request.objects.get(pk=mine.pk).status == Status.RESOLVED


def test_reopening_a_request_reopened_meanwhile_keeps_the_text_as_a_message(
    client_for, user_a, mine, relationship_manager
):
    mine = workflow.change_status(mine, Status.RESOLVED, actor=relationship_manager, response_type="email")
    seen = mine.version
    workflow.change_status(mine, Status.REOPENED, actor=relationship_manager)
    response = client_for(user_a).post(
        url("client_reopen", mine), {"reopen-version": seen, "reopen-text": "Toujours noir"}
    )
    assert response.status_code == 409
    assert "elle est maintenant « Rouverte »" in response.content.decode()
    assert response.context["message_form"]["text"].value() == "Toujours noir"


def test_my_requests_shows_the_promised_date_and_flags_late_ones(client_for, user_a, mine):
    late = services.create_request(
        channel="web",
        subject="Imprimante",
        text="En panne",
        contact=user_a.contact,
        submitted_by=user_a,
        received_at=timezone.now() - dt.timedelta(days=20),
        acknowledge=False,
    )
    client = client_for(user_a)
    html = client.get(reverse("requests_box:my_requests")).content.decode()
    assert "Réponse promise avant le" in html
    rows = html.split("<tbody>")[1].split("</tbody>")[0].split("<tr")
    late_row = next(r for r in rows if late.reference in r)
    fine_row = next(r for r in rows if mine.reference in r)
    assert 'data-state="breach"' in late_row and "En retard" in late_row
    assert "En retard" not in fine_row
    only_late = client.get(reverse("requests_box:my_requests"), {"late": "on"})
    assert [r.reference for r in only_late.context["page"].object_list] == [late.reference]
    detail = client.get(late.get_absolute_url()).content.decode()
    assert "En retard de 1" in detail or "En retard de " in detail


def test_the_web_form_takes_a_complaint_into_the_complaint_track(
    client_for, user_a, relationship_manager, directorate_a, smtp_server
):
    directorate_a.relationship_manager = relationship_manager
    directorate_a.save()
    client = client_for(user_a)
    form = client.get(reverse("requests_box:new_request") + "?reclamation=1").content.decode()
    assert "Je souhaite faire une réclamation" in form and 'id="id_complaint" checked' in form
    response = client.post(
        reverse("requests_box:new_request"),
        {
            "complaint": "on",
            "subject": "Écran toujours pas livré",
            "description": "Trois semaines d'attente.",
        },
        follow=True,
    )
    created = Request.objects.get(subject="Écran toujours pas livré")
    assert created.kind == Kind.RECLAMATION
    assert "Votre réclamation est enregistrée sous la référence" in response.content.decode()
    triage = client_for(relationship_manager).get(reverse("requests_box:triage"), {"queue": "complaints"})
    assert created.reference in {r.reference for r in triage.context["page"].object_list}
    # The acknowledgement thanks for the complaint and names the directorate's relationship manager.
    (ack,) = smtp_server.wait_for(1)
    body = ack["message"].get_content()
    assert "votre réclamation nous aide à progresser" in body
    assert "Votre responsable relations clients à la DSI : Sophie Durand (sophie@groupe-aurelia.fr)" in body


def test_without_a_relationship_manager_the_acknowledgement_names_the_mailbox_team(
    client_for, user_b, smtp_server
):
    client_for(user_b).post(reverse("requests_box:new_request"), {"subject": "Badge", "description": "Perdu"})
    body = smtp_server.wait_for(1)[0]["message"].get_content()
    assert "Votre contact à la DSI : l’équipe relations clients (relais-dsi@groupe-aurelia.fr)" in body


def test_client_actions_refuse_a_finished_request(user_a, mine, relationship_manager):
    from django.core.exceptions import ValidationError

    mine = workflow.change_status(mine, Status.RESOLVED, actor=relationship_manager, response_type="email")
    with pytest.raises(ValidationError):
        client_actions.add_client_message(mine, user=user_a, text="Encore")
    with pytest.raises(ValidationError):
        client_actions.cancel_request(mine, user=user_a, reason="x", version=mine.version)
