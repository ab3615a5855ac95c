"""Teams: edited in the back office, given requests by hand, in bulk or by a routing rule, and a
triage queue of their own ("my teams")."""

import pytest
from django.urls import reverse

from requests_box import workflow
from requests_box.intake.intake import Intake
from requests_box.models import EventKind, Request, RoutingRule, Status, Team
from tests.requests_box.mails import build_mail
from tests.requests_box.test_triage import new_request

pytestmark = pytest.mark.django_db
TRIAGE = reverse("requests_box:triage")


@pytest.fixture
def desk(relationship_manager, product_manager):
    team = Team.objects.create(name="Support poste de travail", email="support-poste@groupe-aurelia.fr")
    team.members.set([product_manager])
    return team


def test_relationship_managers_edit_teams_in_the_back_office(
    client_for, relationship_manager, product_manager
):
    client = client_for(relationship_manager)
    add = reverse("wagtailsnippets_requests_box_team:add")
    form = client.get(add)
    assert form.status_code == 200
    # Only the DSI's staff are offered as members.
    members = form.context["form"].fields["members"].queryset
    assert set(members) == {relationship_manager, product_manager}
    response = client.post(
        add,
        {
            "name": "Applications métier",
            "email": "applis@groupe-aurelia.fr",
            "active": "on",
            "members": [product_manager.pk],
        },
    )
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    team = Team.objects.get(name="Applications métier")
    assert list(team.members.all()) == [product_manager]
    html = client.get(reverse("wagtailsnippets_requests_box_team:list")).content.decode()
    assert "Applications métier" in html


@pytest.mark.parametrize("persona", ["user_a", "product_manager", "cio", "editor"])
def test_other_roles_cannot_edit_teams(request, client_for, persona):
    client = client_for(request.getfixturevalue(persona))
    response = client.get(reverse("wagtailsnippets_requests_box_team:add"))
    assert response.status_code in (302, 403)
    response = client.post(reverse("wagtailsnippets_requests_box_team:add"), {"name": "Pirates"})
    assert response.status_code in (302, 403)
    assert not Team.objects.exists()


def test_a_request_is_given_to_a_team_and_a_person_with_history_and_a_mail_to_the_team(
    relationship_manager, product_manager, desk, mailoutbox, django_capture_on_commit_callbacks
):
    item = new_request("Écran noir")
    with django_capture_on_commit_callbacks(execute=True):
        item = workflow.assign(item, team=desk, actor=relationship_manager)
    assert item.team == desk and item.assignee is None and item.status == Status.ASSIGNED
    assert [m.to for m in mailoutbox] == [["support-poste@groupe-aurelia.fr"]]
    assert item.reference in mailoutbox[0].subject and desk.name in mailoutbox[0].subject
    # The person is added; the team stays.
    item = workflow.assign(item, assignee=product_manager, actor=relationship_manager)
    assert (item.team, item.assignee) == (desk, product_manager)
    details = list(item.events.filter(kind=EventKind.ASSIGNED).values_list("detail", flat=True))
    assert len(details) == 2 and desk.name in details[0] and "Thomas Moreau" in details[1]
    # Giving it to the same team again changes nothing and mails nobody.
    with django_capture_on_commit_callbacks(execute=True):
        workflow.assign(item, team=desk, actor=relationship_manager)
    assert len(mailoutbox) == 1 and item.events.filter(kind=EventKind.ASSIGNED).count() == 2


def test_the_request_page_assigns_a_team(client_for, relationship_manager, desk):
    item = new_request()
    client = client_for(relationship_manager)
    response = client.post(
        reverse("requests_box:request_action", args=[item.reference]),
        {"action": "save", "panel-version": item.version, "panel-kind": "simple", "panel-team": desk.pk},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.team == desk
    html = client.get(item.get_absolute_url()).content.decode()
    assert desk.name in html


def test_a_routing_rule_gives_new_requests_to_a_team_unless_the_team_is_inactive(
    relationship_manager, desk, user_a
):
    RoutingRule.objects.create(name="Postes", order=10, subject_words="écran, poste", assign_to_team=desk)
    result = Intake(acknowledge=False).ingest(build_mail(sender=user_a.email, subject="Écran qui clignote"))
    routed = Request.objects.get(reference=result.detail)
    assert routed.team == desk and routed.assignee is None and routed.status == Status.ASSIGNED
    assert routed.events.filter(kind=EventKind.ROUTED, detail__contains="Postes").exists()
    desk.active = False
    desk.save()
    assert new_request("Poste lent").team is None


def test_mails_taken_in_by_batch_are_routed_like_one_by_one(relationship_manager, desk, user_a, user_b):
    """`ingest_mail` of a folder or an mbox goes through the batch path: the same rules apply."""
    RoutingRule.objects.create(name="Postes", order=10, subject_words="écran, poste", assign_to_team=desk)
    raws = [
        build_mail(sender=user_a.email, subject="Écran qui clignote", message_id="<r1@x>"),
        build_mail(sender=user_b.email, subject="Question de facturation", message_id="<r2@x>"),
    ]
    results = [
        r for _, r in Intake(acknowledge=False).ingest_many((f"m{n}", raw) for n, raw in enumerate(raws))
    ]
    assert [r.outcome for r in results] == ["created", "created"]
    routed, other = (Request.objects.get(reference=r.detail) for r in results)
    assert routed.team == desk and routed.status == Status.ASSIGNED
    assert routed.events.filter(kind=EventKind.ROUTED, detail__contains="Postes").exists()
    assert other.team is None and not other.events.filter(kind=EventKind.ROUTED).exists()


def test_my_teams_queue_and_team_filter(client_for, relationship_manager, product_manager, desk):
    other = Team.objects.create(name="Réseau")
    mine = workflow.assign(new_request("Pour le support"), team=desk, actor=relationship_manager)
    theirs = workflow.assign(new_request("Pour le réseau"), team=other, actor=relationship_manager)
    nobody = new_request("Personne")
    client = client_for(product_manager)  # a member of the desk, but not a relationship manager
    assert client.get(TRIAGE, {"queue": "teams"}).status_code == 403
    desk.members.add(relationship_manager)
    client = client_for(relationship_manager)
    page = client.get(TRIAGE, {"queue": "teams"})
    assert [r.reference for r in page.context["page"].object_list] == [mine.reference]
    assert page.context["counts"]["teams"] == 1
    # Given to a team is not "unassigned".
    unassigned = [
        r.reference for r in client.get(TRIAGE, {"queue": "unassigned"}).context["page"].object_list
    ]
    assert unassigned == [nobody.reference]
    by_team = client.get(TRIAGE, {"queue": "open", "team": other.pk}).context["page"].object_list
    assert [r.reference for r in by_team] == [theirs.reference]


def test_bulk_gives_the_ticked_requests_to_a_team(client_for, relationship_manager, desk):
    items = [new_request(f"Lot {n}") for n in range(3)]
    client = client_for(relationship_manager)
    response = client.post(
        TRIAGE,
        {
            "action": "team",
            "team": desk.pk,
            "selected": [i.pk for i in items[:2]],
            **{f"version-{i.pk}": i.version for i in items},
        },
    )
    assert response.status_code == 302
    assert set(Request.objects.filter(team=desk).values_list("pk", flat=True)) == {items[0].pk, items[1].pk}
