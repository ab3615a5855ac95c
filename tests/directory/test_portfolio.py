"""A relationship manager's home, "Mon portefeuille": their directorates and entities and where each
relationship stands; directorates nobody answers for; the client's request page names its manager."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from committees import services as committee_services
from committees.cadence import add_months
from committees.models import Committee, Level, Meeting, Project
from directory.models import Directorate
from directory.portfolio import months_between, portfolio_of
from requests_box import services as box_services
from tests.conftest import make_user
from tests.directory.conftest import answer, bulk_requests, make_contact, make_entity, meet, subscribe

pytestmark = pytest.mark.django_db
URL = reverse("directory:my_portfolio")


@pytest.fixture
def backup(db):
    return make_user("marc", "relationship_managers", first_name="Marc", last_name="Girard")


@pytest.fixture
def managed(directorate_a, directorate_b, relationship_manager, backup):
    """Sophie runs directorate A (Marc is her backup); Marc runs B (Sophie is his backup)."""
    Directorate.objects.filter(pk=directorate_a.pk).update(
        relationship_manager=relationship_manager, backup_relationship_manager=backup
    )
    Directorate.objects.filter(pk=directorate_b.pk).update(
        relationship_manager=backup, backup_relationship_manager=relationship_manager
    )


def test_months_between_counts_whole_calendar_months():
    assert months_between(dt.date(2026, 1, 15), dt.date(2026, 3, 14)) == 1
    assert months_between(dt.date(2026, 1, 15), dt.date(2026, 3, 15)) == 2
    assert months_between(dt.date(2026, 3, 15), dt.date(2026, 3, 1)) == 0


def test_the_portfolio_holds_the_directorates_in_charge_and_as_backup(
    client_for, managed, relationship_manager, backup, entity_a, entity_b, directorate_a
):
    response = client_for(relationship_manager).get(URL)
    assert response.status_code == 200
    lines = {line.directorate.code: line.role for line in response.context["portfolio"].directorates}
    assert lines == {"DCOM": "manager", "DRH": "backup"}
    html = response.content.decode()
    assert "Mon portefeuille" in html and "titulaire" in html and "suppléant" in html
    # Sophie leaves: Marc now stands in for her on directorate A.
    relationship_manager.is_active = False
    relationship_manager.save()
    assert {line.directorate.code: line.role for line in portfolio_of(backup).directorates} == {
        "DCOM": "standing_in",
        "DRH": "manager",
    }


def test_an_entity_line_shows_services_requests_and_satisfaction(
    client_for, managed, relationship_manager, entity_a, services
):
    subscribe(entity_a, services["MAIL"], start=dt.date(2024, 9, 2))
    subscribe(entity_a, services["VISIO"], start=dt.date(2023, 1, 1), end=dt.date(2024, 1, 1))  # ended
    bulk_requests([entity_a], 8, open_every=2, late_every=4)  # 4 open, 2 of them late
    answer(entity_a, nps=9, csat=4, when=timezone.now() - dt.timedelta(days=40))
    answer(entity_a, nps=3, csat=2, when=timezone.now() - dt.timedelta(days=2))
    response = client_for(relationship_manager).get(URL)
    (line,) = [e for d in response.context["portfolio"].directorates for e in d.entities]
    assert [s.service.code for s in line.subscriptions] == ["MAIL"]
    assert (line.open_requests, line.late_requests) == (4, 2)
    assert (line.last_answer.nps, line.last_answer.csat) == (3, 2)
    html = response.content.decode()
    assert "Messagerie" in html and "depuis le 02/09/2024" in html and "Visio" not in html
    assert "2 en retard" in html and "recommandation 3/10" in html and "satisfaction 2/5" in html


def test_not_met_for_n_months_is_judged_against_the_segments_rhythm(
    client_for, managed, relationship_manager, directorate_a
):
    today = timezone.localdate()
    sensitive = make_entity(directorate_a, "SENS", segment="cible_sensible")  # to meet every month
    standard = make_entity(directorate_a, "STD", segment="standard")  # every six months
    never = make_entity(directorate_a, "NEVER", segment="avocat")
    meet(make_contact(sensitive, "Lea"), add_months(today, -3))
    meet(make_contact(standard, "Paul"), add_months(today, -3))
    make_contact(sensitive, "Zoe")  # phone calls do not count as meeting someone
    meet(make_contact(never, "Nina"), today - dt.timedelta(days=3), kind="telephone")
    response = client_for(relationship_manager).get(URL)
    lines = {e.entity.code: e for d in response.context["portfolio"].directorates for e in d.entities}
    assert lines["SENS"].not_met_in_rhythm and lines["SENS"].months_not_met == 3
    assert lines["SENS"].last_met_contact.first_name == "Lea"
    assert not lines["STD"].not_met_in_rhythm and lines["STD"].months_not_met == 3
    assert lines["NEVER"].not_met_in_rhythm and lines["NEVER"].last_met_on is None
    html = response.content.decode()
    assert html.count("pas rencontrée depuis 3 mois") == 1
    assert "jamais rencontrée" in html and "à rencontrer tous les 6 mois" in html
    assert response.context["portfolio"].not_met_count == 2


def test_next_committee_open_actions_and_projects(client_for, managed, relationship_manager, entity_a):
    today = timezone.localdate()
    committee = Committee.objects.create(
        name="Comité tactique DCOM", directorate=entity_a.directorate, level=Level.TACTIQUE,
        starts_on=dt.date(2026, 1, 15),
    )  # fmt: skip
    past = Meeting.objects.create(committee=committee, scheduled_at=timezone.now() - dt.timedelta(days=30))
    later = Meeting.objects.create(committee=committee, scheduled_at=timezone.now() + dt.timedelta(days=60))
    soon = Meeting.objects.create(committee=committee, scheduled_at=timezone.now() + dt.timedelta(days=20))
    committee_services.add_action(
        past, title="Relancer l'audit", owner=relationship_manager, due_on=today - dt.timedelta(days=1)
    )
    committee_services.add_action(
        past, title="Former les assistantes", owner=None, due_on=today + dt.timedelta(days=9)
    )
    done = committee_services.add_action(past, title="Fait", owner=None, due_on=today)
    committee_services.set_action_status(done, status="done")
    Project.objects.create(code="P1", name="Refonte CRM", entity=entity_a, status="en_cours")
    Project.objects.create(code="P0", name="Ancien", entity=entity_a, status="livre")
    response = client_for(relationship_manager).get(URL)
    line = next(d for d in response.context["portfolio"].directorates if d.directorate.code == "DCOM")
    assert line.next_meeting == soon and later != soon
    assert (line.open_action_count, line.late_action_count) == (2, 1)
    assert [p.code for p in line.entities[0].projects] == ["P1"]
    html = response.content.decode()
    assert "Relancer l&#x27;audit" in html and "(1 en retard)" in html and "Refonte CRM" in html
    assert "Ancien" not in html


def test_directorates_without_a_manager_are_listed(client_for, managed, relationship_manager, db):
    Directorate.objects.create(code="DJUR", name="Direction Juridique")
    response = client_for(relationship_manager).get(URL)
    assert [d.code for d in response.context["portfolio"].unassigned] == ["DJUR"]
    assert "Directions sans responsable relations clients" in response.content.decode()


def test_a_manager_without_directorates_gets_an_empty_portfolio(
    client_for, relationship_manager, directorate_a
):
    response = client_for(relationship_manager).get(URL)
    assert response.status_code == 200 and response.context["portfolio"].directorates == []
    assert "Aucune direction ne vous est encore confiée" in response.content.decode()


@pytest.mark.parametrize("persona", ["user_a", "correspondent_a", "product_manager", "cio", "editor"])
def test_only_relationship_managers_have_a_portfolio(request, client_for, persona):
    assert client_for(request.getfixturevalue(persona)).get(URL).status_code == 403


def _grow(directorate, entities: int, requests: int, services):
    made = [make_entity(directorate, segment="coeur_de_cible") for _ in range(entities)]
    for n, entity in enumerate(made):
        subscribe(entity, services["MAIL"])
        contact = make_contact(entity)
        meet(contact, timezone.localdate() - dt.timedelta(days=10 + n))
        answer(entity, nps=n % 11, csat=1 + n % 5)
        Project.objects.create(code=f"P-{entity.code}", name="Projet", entity=entity, status="signe")
    bulk_requests(made, requests)


def test_the_portfolio_runs_the_same_queries_with_1_or_50_entities_and_100_or_10000_requests(
    client_for, managed, relationship_manager, directorate_a, services, django_assert_max_num_queries
):
    client = client_for(relationship_manager)
    _grow(directorate_a, 1, 100, services)
    with django_assert_max_num_queries(25) as small:
        assert client.get(URL).status_code == 200
    _grow(directorate_a, 49, 9900, services)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(URL)
    assert response.context["portfolio"].entity_count == 50
    assert response.context["portfolio"].open_requests == 5000


# --- The client's request page names the relationship manager, or the mailbox's team ---------------


def _request_of(user):
    return box_services.create_request(
        channel="web",
        subject="Accès",
        text="Merci",
        contact=user.contact,
        submitted_by=user,
        acknowledge=False,
    )


def test_the_clients_request_page_names_the_directorates_relationship_manager(
    client_for, managed, user_a, relationship_manager
):
    response = client_for(user_a).get(_request_of(user_a).get_absolute_url())
    html = response.content.decode()
    assert "Votre responsable relations clients" in html
    assert "Sophie Durand" in html and "sophie@groupe-aurelia.fr" in html


def test_without_a_manager_the_request_page_names_the_mailboxs_team(client_for, user_a, settings):
    settings.MAILBOX_ADDRESS = "relais-dsi@groupe-aurelia.fr"
    response = client_for(user_a).get(_request_of(user_a).get_absolute_url())
    assert response.status_code == 200
    assert "l’équipe Relations Clients (relais-dsi@groupe-aurelia.fr)" in response.content.decode()


# --- The back office lists the directorates without a manager ------------------------------------


def test_the_back_office_filters_directorates_without_a_manager(
    client_for, managed, relationship_manager, backup, db
):
    Directorate.objects.create(code="DJUR", name="Direction Juridique")
    gone = make_user("old", "relationship_managers", is_active=False)
    Directorate.objects.create(code="DLOG", name="Direction Logistique", relationship_manager=gone)
    client = client_for(relationship_manager)
    url = reverse("wagtailsnippets_directory_directorate:list")
    response = client.get(url, {"managed": "no"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Direction Juridique" in html and "Direction Logistique" in html
    assert "Direction Commerciale" not in html
    named = client.get(url, {"managed": "yes"}).content.decode()
    assert "Direction Commerciale" in named and "Direction Juridique" not in named


def test_the_demo_gives_each_of_its_two_relationship_managers_a_portfolio(monkeypatch):
    from django.contrib.auth.models import User

    from directory import demo as directory_demo
    from home import demo as home_demo
    from requests_box import demo as requests_demo

    monkeypatch.setattr(requests_demo, "YEAR_COUNT", 50)
    directory_demo.seed()
    home_demo.seed()
    requests_demo.seed()
    for username in ("sophie.durand", "marc.girard"):
        portfolio = portfolio_of(User.objects.get(username=username))
        in_charge = [line for line in portfolio.directorates if line.role == "manager"]
        assert len(in_charge) >= 4 and portfolio.entity_count >= 20 and portfolio.open_requests > 0
    assert portfolio.unassigned == []
