"""Complaints per the method of seed 001: codified (founded or not, nature of the grievance) in the one
save of the request page; forwarded to a DSI team or person, or answered with a copy to them; the
call-back queue and its reminder; the complaint rate in the complaint tables, read by the CIO."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from requests_box import complaints, measures, services, workflow
from requests_box.models import ComplaintCause, EventKind, Grievance, Kind, Request, Status, Team
from tests.conftest import make_user

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def complaint_of(user, subject="Réclamation : copieur encore en panne", **extra) -> Request:
    return services.create_request(
        channel="web",
        subject=subject,
        text="Troisième panne ce mois-ci.",
        contact=user.contact,
        submitted_by=user,
        kind=Kind.RECLAMATION,
        acknowledge=False,
        **extra,
    )


def test_codification_in_the_one_save_records_founded_and_grievance(client_for, relationship_manager, user_a):
    complaint = complaint_of(user_a)
    cause = ComplaintCause.objects.create(name="Incident récurrent")
    response = client_for(relationship_manager).post(
        reverse("requests_box:request_action", args=[complaint.reference]),
        {
            "action": "save",
            "panel-version": complaint.version,
            "panel-kind": "reclamation",
            "panel-cause": cause.pk,
            "panel-founded": "no",
            "panel-grievance": "relationnelle",
            "panel-serious": "on",
        },
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.founded is False and complaint.grievance == Grievance.RELATIONNELLE and complaint.serious
    detail = complaint.events.filter(kind=EventKind.QUALIFIED).get().detail
    assert "réclamation fondée : — → non" in detail and "nature du grief : — → Relationnelle" in detail
    page = client_for(relationship_manager).get(complaint.get_absolute_url()).content.decode()
    assert "Non fondée" in page and "Relationnelle" in page


def test_forwarding_gives_the_complaint_to_the_team_and_tells_it(
    client_for,
    relationship_manager,
    user_a,
    support_team,
    team_member,
    smtp_server,
    django_capture_on_commit_callbacks,
):
    complaint = complaint_of(user_a)
    # The choices are the DSI's teams and people, never the client entities.
    html = client_for(relationship_manager).get(complaint.get_absolute_url()).content.decode()
    assert (
        f'value="team:{support_team.pk}"' in html
        and "Ventes Grands Comptes</option>" not in html.split('id="form-forward"')[1]
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(relationship_manager).post(
            reverse("requests_box:request_action", args=[complaint.reference]),
            {
                "action": "forward",
                "forward-version": complaint.version,
                "forward-mode": "forward",
                "forward-recipient": f"team:{support_team.pk}",
                "forward-text": "Le copieur du 3e est à remplacer.",
            },
        )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.team == support_team and complaint.forwarded_team == support_team
    assert complaint.status == Status.ASSIGNED
    (told,) = smtp_server.wait_for(1)
    assert told["to"] == [team_member.email]  # the team has no address: its members are told
    assert "Le copieur du 3e est à remplacer." in told["message"].get_content()
    assert complaint.events.filter(
        kind=EventKind.FORWARDED, detail__contains="Support poste de travail"
    ).exists()
    # The team now works it.
    queue = client_for(team_member).get(reverse("requests_box:work_queue"), {"queue": "teams"})
    assert complaint.reference in {r.reference for r in queue.context["page"].object_list}


def test_forwarding_to_a_person_gives_it_to_them(
    relationship_manager, user_a, product_manager, mailoutbox, django_capture_on_commit_callbacks
):
    complaint = complaint_of(user_a)
    with django_capture_on_commit_callbacks(execute=True):
        complaint = complaints.forward_complaint(complaint, actor=relationship_manager, user=product_manager)
    assert complaint.assignee == product_manager and complaint.forwarded_user == product_manager
    assert [m.to for m in mailoutbox] == [[product_manager.email]]


def test_answering_with_a_copy_mails_the_client_and_the_team(
    relationship_manager, user_a, smtp_server, django_capture_on_commit_callbacks
):
    desk = Team.objects.create(name="Services généraux", email="sg@groupe-aurelia.fr")
    complaint = complaint_of(user_a)
    with django_capture_on_commit_callbacks(execute=True):
        complaints.answer_with_copy(
            complaint, actor=relationship_manager, text="Un copieur neuf arrive jeudi.", team=desk
        )
    received = smtp_server.wait_for(2)
    by_to = {tuple(m["to"]): m["message"] for m in received}
    assert by_to[(user_a.email,)].get_content().strip() == "Un copieur neuf arrive jeudi."
    copy = by_to[("sg@groupe-aurelia.fr",)]
    assert "Copie de la réponse à une réclamation" in str(copy["Subject"])
    assert "Un copieur neuf arrive jeudi." in copy.get_content() and complaint.reference in copy.get_content()
    complaint.refresh_from_db()
    assert complaint.forwarded_team == desk and complaint.team is None  # a copy, not a hand-over
    assert complaint.events.filter(kind=EventKind.COPIED).exists()


def test_the_copy_needs_an_answer_and_a_recipient(
    client_for, relationship_manager, user_a, support_team, django_capture_on_commit_callbacks
):
    complaint = complaint_of(user_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(relationship_manager).post(
            reverse("requests_box:request_action", args=[complaint.reference]),
            {
                "action": "forward",
                "forward-version": complaint.version,
                "forward-mode": "copy",
                "forward-recipient": "",
            },
        )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Écrivez la réponse au client." in html and "Champ requis." in html
    assert complaint.messages.count() == 1


def test_the_call_back_queue_and_its_reminder(
    client_for, relationship_manager, user_a, directorate_a, smtp_server, django_capture_on_commit_callbacks
):
    directorate_a.relationship_manager = relationship_manager
    directorate_a.save()
    now = timezone.now()
    due_today = workflow.qualify(
        complaint_of(user_a, "Aujourd'hui"), actor=relationship_manager, serious=True
    )
    later = workflow.qualify(complaint_of(user_a, "Plus tard"), actor=relationship_manager, serious=True)
    minor = complaint_of(user_a, "Bénigne")
    due_today = workflow.change_status(
        due_today,
        Status.RESOLVED,
        actor=relationship_manager,
        response_type="telephone",
        now=now - dt.timedelta(days=15),
    )
    later = workflow.change_status(
        later,
        Status.RESOLVED,
        actor=relationship_manager,
        response_type="email",
        now=now - dt.timedelta(days=3),
    )
    workflow.change_status(minor, Status.RESOLVED, actor=relationship_manager, response_type="email")
    assert due_today.callback_due == timezone.localdate()
    page = client_for(relationship_manager).get(reverse("requests_box:callbacks"))
    assert [r.reference for r in page.context["page"].object_list] == [due_today.reference, later.reference]
    assert "Aujourd’hui" in page.content.decode()
    # On the day, one reminder to the relationship manager of the client's directorate; never twice.
    with django_capture_on_commit_callbacks(execute=True):
        assert workflow.check_deadlines()["callbacks"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert workflow.check_deadlines()["callbacks"] == 0
    (reminder,) = smtp_server.wait_for(1)
    assert reminder["to"] == [relationship_manager.email]
    assert "Rappeler le client aujourd’hui" in str(reminder["message"]["Subject"])
    # Recorded from the queue, the complaint leaves it and may be closed.
    response = client_for(relationship_manager).post(
        reverse("requests_box:callback_done", args=[due_today.reference]),
        {
            "satisfaction-version": Request.objects.get(pk=due_today.pk).version,
            "satisfaction-note": "Satisfaite du copieur neuf",
        },
    )
    assert response.status_code == 302
    due_today.refresh_from_db()
    assert due_today.satisfaction_note == "Satisfaite du copieur neuf"
    workflow.change_status(due_today, Status.CLOSED, actor=relationship_manager)
    page = client_for(relationship_manager).get(reverse("requests_box:callbacks"))
    assert [r.reference for r in page.context["page"].object_list] == [later.reference]


@pytest.fixture
def rated(user_a, user_b):
    """March 2026: A sends 4 requests (1 complaint), B 2 (2 complaints); April: A 1 request, no complaint."""
    march = dt.datetime(2026, 3, 10, 10, tzinfo=PARIS)
    april = dt.datetime(2026, 4, 8, 10, tzinfo=PARIS)
    for n in range(3):
        services.create_request(
            channel="web",
            subject=f"A{n}",
            text="t",
            contact=user_a.contact,
            received_at=march,
            acknowledge=False,
        )
    complaint_of(user_a, "A plainte", received_at=march)
    complaint_of(user_b, "B plainte 1", received_at=march)
    complaint_of(user_b, "B plainte 2", received_at=march)
    services.create_request(
        channel="web",
        subject="A avril",
        text="t",
        contact=user_a.contact,
        received_at=april,
        acknowledge=False,
    )


def test_the_complaint_rate_per_directorate_and_per_month(rated):
    scope = measures.Scope(start=dt.date(2026, 3, 1), end=dt.date(2026, 5, 31))
    tables = {t.key: t for t in measures.complaint_tables(scope)}
    by_directorate = {row[0]: row[1:] for row in tables["complaints_rate_directorate"].rows}
    assert by_directorate["Direction Commerciale"] == [5, 1, 20.0]
    assert by_directorate["Direction des Ressources Humaines"] == [2, 2, 100.0]
    by_month = {row[0]: row[1:] for row in tables["complaints_rate_monthly"].rows}
    assert by_month == {"2026-03": [6, 3, 50.0], "2026-04": [1, 0, 0.0], "2026-05": [0, 0, None]}
    # A type filter narrows nothing in the rate: every request counts in the denominator.
    filtered = measures.Scope(start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31), kind=Kind.RECLAMATION)
    rate = {t.key: t for t in measures.complaint_tables(filtered)}["complaints_rate_monthly"]
    assert rate.rows == [["2026-03", 6, 3, 50.0]]


@pytest.mark.parametrize("persona", ["relationship_manager", "cio"])
def test_the_relationship_managers_and_the_cio_read_the_complaint_tables(request, client_for, rated, persona):
    client = client_for(request.getfixturevalue(persona))
    query = {"start": "2026-03-01", "end": "2026-04-30"}
    page = client.get(reverse("requests_box:complaint_tables"), query)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Taux de réclamation par direction" in html and "Tableaux des réclamations" in html
    csv = client.get(reverse("requests_box:complaint_tables_csv", args=["complaints_rate_monthly"]), query)
    assert csv.content.decode("utf-8-sig").splitlines() == [
        "Mois;Demandes;Réclamations;Taux de réclamation (%)",
        "2026-03;6;3;50.0",
        "2026-04;1;0;0.0",
    ]


@pytest.mark.parametrize("persona", ["user_a", "correspondent_a", "product_manager", "team_member", "editor"])
def test_nobody_else_reads_the_complaint_tables(request, client_for, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("requests_box:complaint_tables")).status_code == 403
    assert client.get(reverse("requests_box:callbacks")).status_code == 403


def test_the_cio_finds_the_complaints_in_the_navigation_and_reads_any_complaint(client_for, cio, user_a):
    complaint = complaint_of(user_a)
    client = client_for(cio)
    home = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("requests_box:complaint_tables")}"' in home
    page = client.get(complaint.get_absolute_url())
    assert page.status_code == 200 and "Lecture seule" in page.content.decode()
    other = make_user("visiteur")
    assert client_for(other).get(complaint.get_absolute_url()).status_code == 404
