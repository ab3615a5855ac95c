"""A service's page of clients: for its product manager, the relationship managers and the CIO only."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from requests_box.models import Kind
from tests.conftest import make_user
from tests.directory.conftest import (
    answer,
    bulk_requests,
    make_contact,
    make_entity,
    make_services,
    subscribe,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def services(db):
    return make_services()


@pytest.fixture
def mail(services, product_manager):
    service = services["MAIL"]
    service.product_manager = product_manager
    service.save()
    return service


def url(code="MAIL"):
    return reverse("catalogue:service_clients", args=[code])


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("product_manager", 200),
        ("relationship_manager", 200),
        ("cio", 200),
        ("user_a", 403),
        ("correspondent_a", 403),
        ("editor", 403),
    ],
)
def test_who_sees_a_services_clients(request, client_for, mail, persona, status):
    user = request.getfixturevalue(persona)
    assert client_for(user).get(url()).status_code == status
    assert client_for(user).get(reverse("catalogue:service_clients_list")).status_code == status


def test_another_product_manager_sees_neither_the_page_nor_the_service_in_the_list(
    client_for, mail, services
):
    other = make_user("lea", "product_managers")
    services["VISIO"].product_manager = other
    services["VISIO"].save()
    client = client_for(other)
    assert client.get(url()).status_code == 403
    assert client.get(url("VISIO")).status_code == 200
    listing = client.get(reverse("catalogue:service_clients_list"))
    assert [service.code for service, _n in listing.context["rows"]] == ["VISIO"]


def test_an_unknown_service_is_not_found(client_for, relationship_manager, mail):
    assert client_for(relationship_manager).get(url("NOPE")).status_code == 404


def test_the_page_shows_entities_coverage_requests_complaints_answers_and_contacts(
    client_for, product_manager, mail, entity_a, entity_b, directorate_a
):
    make_entity(directorate_a)  # directorate A: 2 entities, 1 subscribed
    subscribe(entity_a, mail, start=dt.date(2024, 5, 6))
    subscribe(entity_b, mail, start=dt.date(2023, 1, 1), end=dt.date(2024, 1, 1))  # no longer
    contact = make_contact(entity_a, "Lucie")
    make_contact(entity_b, "Bernard")  # not a client of the service
    bulk_requests([entity_a], 6, service=mail)  # 3 open, 2 of them late
    (complaint,) = bulk_requests(
        [entity_a], 1, service=mail, kind=Kind.RECLAMATION, open_every=1, late_every=2
    )
    answer(entity_a, nps=10, csat=5, comment="Très réactif", contact=contact, request=complaint)
    answer(
        entity_a,
        nps=2,
        csat=2,
        contact=contact,
        request=complaint,
        when=timezone.now() - dt.timedelta(days=1),
    )
    response = client_for(product_manager).get(url())
    clients = response.context["clients"]
    assert [s.entity.code for s in clients.subscriptions] == ["DCOM-GC"]
    coverage = {row.directorate.code: (row.subscribed, row.entities, row.pct) for row in clients.coverage}
    assert coverage == {"DCOM": (1, 2, 50.0), "DRH": (0, 1, 0.0)}
    assert clients.requests == {"received": 7, "open": 4, "late": 3, "complaints": 1, "open_complaints": 1}
    assert (clients.satisfaction["nps"], clients.satisfaction["csat_pct"]) == (0.0, 50.0)
    assert [c.first_name for c in clients.contacts] == ["Lucie"]
    html = response.content.decode()
    assert "Clients de Messagerie" in html and "06/05/2024" in html and "50,0 %" in html
    assert complaint.reference in html and "« Très réactif »" in html and "Lucie" in html


def test_the_page_runs_the_same_queries_whatever_the_number_of_clients(
    client_for, relationship_manager, mail, directorate_a, django_assert_max_num_queries
):
    client = client_for(relationship_manager)
    first = make_entity(directorate_a)
    subscribe(first, mail)
    make_contact(first)
    bulk_requests([first], 100, service=mail)
    with django_assert_max_num_queries(30) as small:
        assert client.get(url()).status_code == 200
    many = [make_entity(directorate_a) for _ in range(49)]
    for entity in many:
        subscribe(entity, mail)
        make_contact(entity)
    bulk_requests(many, 9900, service=mail)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url())
    assert len(response.context["clients"].subscriptions) == 50
