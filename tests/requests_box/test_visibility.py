"""Who reads and who works a request: `requests_visible_to` and `can_work`, per role, through the
selectors and through the screens."""

import pytest
from django.urls import reverse

from catalogue.models import ServicePage
from requests_box import selectors, services, workflow
from requests_box.models import Kind, Request, Team
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def mail_service(product_manager):
    from catalogue.models import CatalogueIndexPage, FamilyPage

    index = CatalogueIndexPage.objects.get()
    family = index.add_child(instance=FamilyPage(title="Collaboration", slug="collab", code="COL"))
    return family.add_child(
        instance=ServicePage(
            title="Messagerie", slug="messagerie", code="MAIL", product_manager=product_manager
        )
    )


@pytest.fixture
def requests(user_a, user_b, relationship_manager, team_member, support_team, mail_service):
    """A: user A's complaint about the mail service (the product manager's), given to the support team.
    B: user B's request about nothing, given to nobody. P: user B's request given to a person."""
    a = services.create_request(
        channel="web",
        subject="Messagerie coupée",
        text="Encore",
        contact=user_a.contact,
        submitted_by=user_a,
        service=mail_service,
        kind=Kind.RECLAMATION,
        acknowledge=False,
    )
    a = workflow.assign(a, actor=relationship_manager, team=support_team, notify=False)
    b = services.create_request(
        channel="web",
        subject="Badge",
        text="Perdu",
        contact=user_b.contact,
        submitted_by=user_b,
        acknowledge=False,
    )
    developer = make_user("lea", first_name="Léa", last_name="Garnier")
    p = services.create_request(channel="email", subject="Export", text="Vite", sender_email=user_b.email)
    p = workflow.assign(p, actor=relationship_manager, assignee=developer, notify=False)
    return {"a": a, "b": b, "p": p, "developer": developer}


def visible(user) -> set[str]:
    return set(selectors.requests_visible_to(user).values_list("subject", flat=True))


def test_each_role_reads_exactly_what_concerns_them(
    requests, user_a, user_b, correspondent_a, product_manager, team_member, relationship_manager, cio, editor
):
    everything = {"Messagerie coupée", "Badge", "Export"}
    assert visible(user_a) == {"Messagerie coupée"}
    assert visible(user_b) == {"Badge", "Export"}  # the second one came by mail from B's address
    assert visible(correspondent_a) == {"Messagerie coupée"}  # directorate A
    assert visible(product_manager) == {"Messagerie coupée"}  # about his service, complaint included
    assert visible(team_member) == {"Messagerie coupée"}  # given to his team
    assert visible(requests["developer"]) == {"Export"}  # given to her
    assert visible(relationship_manager) == everything
    assert visible(cio) == everything
    assert visible(editor) == set()


def test_only_assignees_their_teams_and_relationship_managers_work_a_request(
    requests, user_a, correspondent_a, product_manager, team_member, relationship_manager, cio, editor
):
    a, b, p = requests["a"], requests["b"], requests["p"]
    assert selectors.can_work(team_member, a) and not selectors.can_work(team_member, b)
    assert selectors.can_work(requests["developer"], p) and not selectors.can_work(requests["developer"], a)
    assert all(selectors.can_work(relationship_manager, r) for r in (a, b, p))
    for reader in (user_a, correspondent_a, product_manager, cio, editor):
        assert not any(selectors.can_work(reader, r) for r in (a, b, p)), reader


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("user_a", 403),  # the client writes through the client's forms, never the DSI's
        ("correspondent_a", 403),
        ("product_manager", 403),  # reads his service's requests, works only what is given to him
        ("cio", 403),  # reads every request, works none
        ("user_b", 404),
        ("editor", 404),
        ("team_member", 302),
        ("relationship_manager", 302),
    ],
)
def test_the_dsi_actions_on_a_request_follow_can_work(request, client_for, requests, persona, status):
    a = requests["a"]
    client = client_for(request.getfixturevalue(persona))
    url = reverse("requests_box:request_action", args=[a.reference])
    note = {"action": "compose", "compose-mode": "note", "compose-text": "Vu", "compose-version": a.version}
    assert client.post(url, note).status_code == status
    assert a.messages.filter(direction="note").exists() == (status == 302)


def test_readers_get_a_read_only_page_with_the_internal_side(
    client_for, requests, cio, product_manager, relationship_manager
):
    a = requests["a"]
    workflow.add_note(a, actor=relationship_manager, text="Le fournisseur est relancé.")
    for reader in (cio, product_manager):
        page = client_for(reader).get(a.get_absolute_url())
        assert page.status_code == 200
        html = page.content.decode()
        assert "Lecture seule" in html and "Le fournisseur est relancé." in html
        assert 'id="form-compose"' not in html and 'id="form-save"' not in html


def test_the_client_sees_no_internal_note_nor_assignment(client_for, requests, user_a, relationship_manager):
    a = requests["a"]
    workflow.add_note(a, actor=relationship_manager, text="Client à ménager")
    html = client_for(user_a).get(a.get_absolute_url()).content.decode()
    assert "Client à ménager" not in html and "Support poste de travail" not in html
    assert 'id="form-message"' in html and 'id="form-compose"' not in html


def test_a_team_member_leaves_the_team_and_loses_its_requests(requests, team_member, support_team):
    assert visible(team_member) == {"Messagerie coupée"}
    support_team.members.remove(team_member)
    fresh = type(team_member).objects.get(pk=team_member.pk)  # no cached team membership
    assert visible(fresh) == set() and not selectors.can_work(fresh, requests["a"])


def test_whoever_a_complaint_was_copied_to_reads_it(requests, relationship_manager, user_b):
    from requests_box import complaints

    desk = Team.objects.create(name="Messagerie")
    colleague = make_user("paul")
    desk.members.add(colleague)
    complaints.answer_with_copy(requests["a"], actor=relationship_manager, text="Désolés", team=desk)
    assert "Messagerie coupée" in visible(colleague)
    assert not selectors.can_work(colleague, Request.objects.get(pk=requests["a"].pk))


def test_my_requests_lists_what_one_asked_not_what_one_works(
    client_for, requests, team_member, product_manager
):
    asked = services.create_request(
        channel="web",
        subject="Mon propre écran",
        text="Pour moi",
        submitted_by=team_member,
        acknowledge=False,
    )
    for user, expected in ((team_member, {asked.reference}), (product_manager, set())):
        page = client_for(user).get(reverse("requests_box:my_requests"))
        assert {r.reference for r in page.context["page"].object_list} == expected
    # The work is in "Requests to handle".
    queue = client_for(team_member).get(reverse("requests_box:work_queue"), {"queue": "teams"})
    assert {r.reference for r in queue.context["page"].object_list} == {requests["a"].reference}
