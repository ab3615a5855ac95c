"""A service's response commitment gives its requests' deadline when the matrix gives no sooner one, and
each resolved request records whether its deadline was met, the time waited for the client not counted."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from wagtail.models import Page

from catalogue.models import CatalogueIndexPage, FamilyPage, ServicePage
from requests_box import services, workflow
from requests_box.deadlines import compute_deadline, initial_deadline
from requests_box.models import Status

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
# Monday 2 March 2026, 10:00 in Paris: no holiday near.
MONDAY = dt.datetime(2026, 3, 2, 10, 0, tzinfo=PARIS)


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=PARIS)


@pytest.fixture
def family(db):
    root = Page.objects.get(depth=1).get_children().first() or Page.objects.get(depth=1)
    index = root.add_child(instance=CatalogueIndexPage(title="Catalogue", slug="catalogue-test"))
    return index.add_child(instance=FamilyPage(title="Poste de travail", slug="poste", code="POSTE"))


def service(family, code, days):
    return family.add_child(
        instance=ServicePage(title=code, slug=code.lower(), code=code, commitment_delay_days=days)
    )


def new_request(service=None, received_at=MONDAY, **extra):
    return services.create_request(
        channel="email",
        subject="Accès",
        text="Bonjour",
        sender_email="alice@groupe-aurelia.fr",
        received_at=received_at,
        service=service,
        acknowledge=False,
        **extra,
    )


# -- the deadline


def test_a_commitment_sooner_than_the_matrix_gives_the_deadline():
    # Not urgent, not important: one week (Monday 9) by the matrix; a 2-day commitment: Wednesday 4.
    deadline = compute_deadline(
        urgent=False, important=False, requested=None, received_at=MONDAY, commitment_days=2
    )
    assert deadline == at(2026, 3, 4, 10, 0)


def test_the_commitment_counts_business_days_over_the_weekend():
    friday = at(2026, 3, 6, 15, 0)
    deadline = compute_deadline(
        urgent=False, important=False, requested=None, received_at=friday, commitment_days=3
    )
    assert deadline == at(2026, 3, 11, 15, 0)


def test_the_matrix_wins_when_it_is_sooner():
    # Urgent and important: 24 hours, sooner than a 3-day commitment.
    assert compute_deadline(
        urgent=True, important=True, requested=None, received_at=MONDAY, commitment_days=3
    ) == at(2026, 3, 3, 10, 0)
    # A 10-day commitment is later than one week: one week stays.
    assert compute_deadline(
        urgent=False, important=False, requested=None, received_at=MONDAY, commitment_days=10
    ) == at(2026, 3, 9, 10, 0)


def test_without_commitment_the_matrix_alone():
    assert compute_deadline(urgent=False, important=False, requested=None, received_at=MONDAY) == at(
        2026, 3, 9, 10, 0
    )
    assert initial_deadline(requested=dt.date(2026, 3, 20), received_at=MONDAY, commitment_days=None) == at(
        2026, 3, 20, 18, 0
    )
    assert initial_deadline(requested=dt.date(2026, 3, 20), received_at=MONDAY, commitment_days=2) == at(
        2026, 3, 4, 10, 0
    )


def test_a_request_on_a_committed_service_gets_the_commitment_deadline(family):
    committed = service(family, "MAIL", 2)
    plain = service(family, "WIFI", None)
    assert new_request(committed).deadline == at(2026, 3, 4, 10, 0)
    assert new_request(plain).deadline == at(2026, 3, 9, 10, 0)
    assert new_request(None).deadline == at(2026, 3, 9, 10, 0)


def test_qualifying_onto_a_committed_service_keeps_the_sooner_deadline(family, relationship_manager):
    committed = service(family, "MAIL", 3)
    request = new_request(None)
    request = workflow.qualify(request, actor=relationship_manager, service=committed, now=MONDAY)
    assert request.deadline == at(2026, 3, 5, 10, 0)
    # Moving it to a service without commitment gives back the matrix's week.
    plain = service(family, "WIFI", None)
    request = workflow.qualify(request, actor=relationship_manager, service=plain, now=MONDAY)
    assert request.deadline == at(2026, 3, 9, 10, 0)


# -- the deadline kept


def test_resolved_by_the_deadline_is_met_and_after_it_is_not(relationship_manager):
    on_time = workflow.change_status(
        new_request(),
        Status.RESOLVED,
        actor=relationship_manager,
        response_type="email",
        now=at(2026, 3, 9, 10),
    )
    late = workflow.change_status(
        new_request(),
        Status.RESOLVED,
        actor=relationship_manager,
        response_type="email",
        now=at(2026, 3, 9, 11),
    )
    assert on_time.deadline_met is True and late.deadline_met is False
    assert new_request().deadline_met is None


def test_the_time_waited_for_the_client_does_not_count(relationship_manager):
    request = new_request()  # deadline Monday 9 March 10:00
    request = workflow.change_status(
        request, Status.WAITING_CLIENT, actor=relationship_manager, now=at(2026, 3, 3, 10)
    )
    # Two days waited: the deadline moves to Wednesday 11 March 10:00.
    request = workflow.change_status(
        request, Status.IN_PROGRESS, actor=relationship_manager, now=at(2026, 3, 5, 10)
    )
    request = workflow.change_status(
        request, Status.RESOLVED, actor=relationship_manager, response_type="email", now=at(2026, 3, 10, 16)
    )
    assert request.deadline == at(2026, 3, 11, 10, 0)
    assert request.deadline_met is True


def test_resolving_straight_from_waiting_counts_the_wait(relationship_manager):
    request = new_request()
    request = workflow.change_status(
        request, Status.WAITING_CLIENT, actor=relationship_manager, now=at(2026, 3, 6, 10)
    )
    request = workflow.change_status(
        request, Status.RESOLVED, actor=relationship_manager, response_type="email", now=at(2026, 3, 12, 10)
    )
    assert request.deadline == at(2026, 3, 15, 10, 0) and request.deadline_met is True


def test_reopening_clears_the_verdict(relationship_manager):
    request = workflow.change_status(
        new_request(),
        Status.RESOLVED,
        actor=relationship_manager,
        response_type="email",
        now=at(2026, 3, 20, 10),
    )
    assert request.deadline_met is False
    request = workflow.change_status(
        request, Status.REOPENED, actor=relationship_manager, now=at(2026, 3, 21, 10)
    )
    assert request.deadline_met is None
