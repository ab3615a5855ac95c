"""Assignees' queues ("Requests to handle"): mine, my teams', my services' (read-only), handled; the
e-mail on assignment, sent once through a real SMTP server; a constant number of queries."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from requests_box import workflow
from requests_box.models import Kind, ReferenceCounter, Request, Status
from tests.requests_box.test_triage import new_request
from tests.requests_box.test_visibility import mail_service  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db
QUEUE = reverse("requests_box:work_queue")


def refs(response) -> set[str]:
    return {r.reference for r in response.context["page"].object_list}


def test_assignees_have_their_queues(
    client_for,
    relationship_manager,
    product_manager,
    team_member,
    support_team,
    mail_service,  # noqa: F811
):
    mine = workflow.assign(
        new_request("À Karim"), actor=relationship_manager, assignee=team_member, notify=False
    )
    team = workflow.assign(
        new_request("À l'équipe"), actor=relationship_manager, team=support_team, notify=False
    )
    other = workflow.assign(new_request("À Thomas"), actor=relationship_manager, assignee=product_manager)
    done = workflow.change_status(
        workflow.assign(new_request("Finie"), actor=relationship_manager, assignee=team_member, notify=False),
        Status.RESOLVED,
        actor=team_member,
        response_type="email",
    )
    about = new_request("Sur la messagerie", service=mail_service)
    client = client_for(team_member)
    assert refs(client.get(QUEUE)) == {mine.reference}
    assert refs(client.get(QUEUE, {"queue": "teams"})) == {team.reference}
    assert refs(client.get(QUEUE, {"queue": "done"})) == {done.reference}
    # "About my services" is a product manager's queue: a technician is sent back to his own.
    response = client.get(QUEUE, {"queue": "services"})
    assert response.context["queue"] == "mine" and "services" not in response.context["queues"]
    thomas = client_for(product_manager)
    assert refs(thomas.get(QUEUE)) == {other.reference}
    assert refs(thomas.get(QUEUE, {"queue": "services"})) == {about.reference}
    counts = thomas.get(QUEUE).context["counts"]
    assert (counts["mine"], counts["services"]) == (1, 1)


@pytest.mark.parametrize("persona", ["user_a", "correspondent_a", "cio", "editor"])
def test_who_is_given_no_request_has_no_queue(request, client_for, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(QUEUE).status_code == 403
    assert QUEUE not in client.get(reverse("home")).content.decode()


def test_the_navigation_offers_the_queue_to_anyone_who_can_be_given_requests(
    client_for, team_member, product_manager, relationship_manager
):
    for user in (team_member, product_manager, relationship_manager):
        html = client_for(user).get(reverse("requests_box:my_requests")).content.decode()
        assert f'href="{QUEUE}"' in html and "Demandes à traiter" in html


def test_late_and_soon_are_counted_and_flagged(client_for, relationship_manager, team_member):
    now = timezone.now()
    late = workflow.assign(
        new_request("Vieille", received_at=now - dt.timedelta(days=20)),
        actor=relationship_manager,
        assignee=team_member,
        notify=False,
    )
    workflow.assign(new_request("Neuve"), actor=relationship_manager, assignee=team_member, notify=False)
    response = client_for(team_member).get(QUEUE)
    assert response.context["counts"]["late"] == 1
    html = response.content.decode()
    assert "1 des miennes est en retard" in html
    assert 'data-state="breach"' in html and late.reference in html


def test_an_assignee_is_mailed_once_with_the_link(
    relationship_manager, team_member, support_team, smtp_server, settings, django_capture_on_commit_callbacks
):
    settings.PORTAL_BASE_URL = "https://relais.example"
    request = new_request("Imprimante en panne")
    with django_capture_on_commit_callbacks(execute=True):
        request = workflow.assign(request, actor=relationship_manager, assignee=team_member)
    (received,) = smtp_server.wait_for(1)
    assert received["to"] == [team_member.email]
    message = received["message"]
    assert (
        str(message["Subject"]).strip()
        == f"[{request.reference}] Une demande vous est attribuée : Imprimante en panne"
    )
    body = message.get_content()
    assert f"https://relais.example/demandes/{request.reference}/" in body
    assert "Bonjour Karim Benali" in body and "par Sophie Durand" in body
    # Saving again without a change tells nobody; a team without an address: its members are told,
    # except who was just told personally.
    with django_capture_on_commit_callbacks(execute=True):
        request = workflow.assign(request, actor=relationship_manager, assignee=team_member)
        request = workflow.assign(request, actor=relationship_manager, team=support_team)
    assert len(smtp_server.wait_for(2, timeout=1)) == 1
    assert request.events.filter(kind="notified").count() == 1


def test_a_team_without_an_address_is_told_member_by_member(
    relationship_manager,
    team_member,
    support_team,
    product_manager,
    smtp_server,
    django_capture_on_commit_callbacks,
):
    support_team.members.add(product_manager)
    with django_capture_on_commit_callbacks(execute=True):
        request = workflow.assign(new_request(), actor=relationship_manager, team=support_team)
    (received,) = smtp_server.wait_for(1)
    assert sorted(received["to"]) == sorted([team_member.email, product_manager.email])
    assert "Support poste de travail" in str(received["message"]["Subject"])
    assert request.reference in received["message"].get_content()


def test_nobody_is_told_of_what_they_took_themselves(
    relationship_manager, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        workflow.assign(new_request(), actor=relationship_manager, assignee=relationship_manager)
    assert mailoutbox == []


def _bulk_assigned(user, count: int) -> None:
    now = timezone.now()
    first = ReferenceCounter.objects.get_or_create(year=9999)[0].last
    Request.objects.bulk_create(
        [
            Request(
                reference=f"REQ-9999-{first + n:06d}",
                received_at=now - dt.timedelta(hours=n % 200),
                subject=f"Demande {n}",
                kind=Kind.SIMPLE,
                status=Status.ASSIGNED,
                assignee=user,
                deadline=now + dt.timedelta(hours=(n % 100) - 20),
                warning_at=now + dt.timedelta(hours=(n % 100) - 40),
                sender_email="x@groupe-aurelia.fr",
            )
            for n in range(count)
        ],
        batch_size=1000,
    )
    ReferenceCounter.objects.filter(year=9999).update(last=first + count)


def test_five_thousand_assigned_requests_list_in_a_constant_number_of_queries(
    client_for, team_member, django_assert_max_num_queries
):
    _bulk_assigned(team_member, 5)
    client = client_for(team_member)
    with django_assert_max_num_queries(20) as small:
        assert client.get(QUEUE).status_code == 200
    _bulk_assigned(team_member, 4995)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(QUEUE)
    assert response.context["page"].paginator.count == 5000
    assert response.context["counts"]["mine"] == 5000
