"""An entity's page lists the services it uses and suggests those most used by similar entities
(same client type and segment) that it does not use, with the share of similar entities using each."""

import datetime as dt

import pytest
from django.urls import reverse

from catalogue.models import Maturity
from directory.usage import suggestions_for, suggestions_for_directorate, suggestions_for_entity
from tests.directory.conftest import make_entity, subscribe

pytestmark = pytest.mark.django_db


@pytest.fixture
def peers(directorate_a, directorate_b, services):
    """Four business-line, core-target entities besides A: 3 use Visio, 1 uses Impression, all Mail."""
    made = [
        make_entity(d, client_type="metier", segment="coeur_de_cible")
        for d in (directorate_a, directorate_b) * 2
    ]
    for entity in made:
        subscribe(entity, services["MAIL"])
    for entity in made[:3]:
        subscribe(entity, services["VISIO"])
    subscribe(made[0], services["PRINT"])
    return made


def test_suggestions_are_what_similar_entities_use_and_this_one_does_not(entity_a, peers, services):
    subscribe(entity_a, services["MAIL"])
    suggestions = suggestions_for_entity(entity_a)
    assert [(s.service.code, s.users, s.similar, s.share_pct) for s in suggestions] == [
        ("VISIO", 3, 4, 75.0),
        ("PRINT", 1, 4, 25.0),
    ]


def test_other_client_types_or_segments_and_ended_subscriptions_do_not_count(
    entity_a, directorate_a, services
):
    other_type = make_entity(directorate_a, client_type="fonctionnelle", segment="coeur_de_cible")
    other_segment = make_entity(directorate_a, client_type="metier", segment="standard")
    ended = make_entity(directorate_a, client_type="metier", segment="coeur_de_cible")
    gone = make_entity(
        directorate_a, client_type="metier", segment="coeur_de_cible", active_until=dt.date(2024, 1, 1)
    )
    subscribe(other_type, services["VISIO"])
    subscribe(other_segment, services["VISIO"])
    subscribe(ended, services["PRINT"], start=dt.date(2023, 1, 1), end=dt.date(2024, 1, 1))
    subscribe(gone, services["PRINT"], start=dt.date(2023, 1, 1))
    assert suggestions_for_entity(entity_a) == []


def test_retired_services_are_never_suggested(entity_a, peers, services):
    services["VISIO"].maturity = Maturity.RETIRE
    services["VISIO"].save()
    assert [s.service.code for s in suggestions_for_entity(entity_a)] == ["MAIL", "PRINT"]


def test_an_entity_alone_in_its_group_gets_no_suggestion(entity_a, services):
    assert suggestions_for_entity(entity_a) == []


def test_a_directorates_suggestions_are_gathered_by_service(entity_a, peers, services):
    # Entity A uses nothing; peers[0] uses everything; peers[2] lacks only Impression.
    rows = suggestions_for_directorate([entity_a, peers[0], peers[2]])
    assert [(r.service.code, [e.pk for e in r.entities], r.best_share_pct) for r in rows] == [
        ("PRINT", [entity_a.pk, peers[2].pk], 25.0),
        ("MAIL", [entity_a.pk], 100.0),
        ("VISIO", [entity_a.pk], 75.0),
    ]


def test_suggestions_for_many_entities_take_the_same_queries(
    directorate_a, services, django_assert_max_num_queries
):
    few = [make_entity(directorate_a, segment="avocat")]
    with django_assert_max_num_queries(4):
        suggestions_for(few)
    many = few + [make_entity(directorate_a, segment=s) for s in ("avocat", "standard") * 25]
    for entity in many[::3]:
        subscribe(entity, services["MAIL"])
    with django_assert_max_num_queries(4):
        result = suggestions_for(many)
    assert len(result) == 51


def test_the_entity_page_shows_services_used_and_to_suggest(
    client_for, relationship_manager, entity_a, peers, services
):
    subscribe(entity_a, services["MAIL"], start=dt.date(2024, 9, 2))
    subscribe(entity_a, services["PRINT"], start=dt.date(2022, 1, 1), end=dt.date(2023, 6, 1))
    response = client_for(relationship_manager).get(reverse("directory:entity_detail", args=["DCOM-GC"]))
    html = response.content.decode()
    assert "Services utilisés" in html and "02/09/2024" in html and "terminé" in html
    assert [s.service.code for s in response.context["suggestions"]] == ["VISIO", "PRINT"]
    assert "75 % (3 sur 4)" in html and "Services à proposer" in html


@pytest.mark.parametrize(
    ("persona", "status"),
    [("relationship_manager", 200), ("cio", 200), ("product_manager", 403), ("user_a", 403)],
)
def test_who_opens_an_entitys_page(request, client_for, entity_a, persona, status):
    url = reverse("directory:entity_detail", args=["DCOM-GC"])
    assert client_for(request.getfixturevalue(persona)).get(url).status_code == status
