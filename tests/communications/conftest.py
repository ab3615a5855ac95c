"""Communications fixtures: a published family and service, a news page, contacts and an audience."""

import datetime as dt

import pytest
from django.utils import timezone

from catalogue.models import CatalogueIndexPage, CatalogueNewsPage
from communications.models import Audience, Campaign, Event
from directory.models import Contact, ContactRole
from kpis.models import Subscription
from tests.catalogue.conftest import make_family, make_service
from tests.requests_box.conftest import smtp_server  # noqa: F401 - the real aiosmtpd fixture


@pytest.fixture
def family(db):
    return make_family(
        CatalogueIndexPage.objects.get(), code="POSTE", title="Poste de travail", colour="#c0392b"
    )


@pytest.fixture
def service(family):
    return make_service(
        family, code="VISIO", title="Visioconférence", promise="Réunissez-vous sans vous déplacer."
    )


@pytest.fixture
def news(db):
    index = CatalogueIndexPage.objects.get()
    page = index.add_child(
        instance=CatalogueNewsPage(
            title="Techday 2026", slug="techday", date=dt.date(2026, 11, 20), summary="Venez"
        )
    )
    page.save_revision().publish()
    return page


@pytest.fixture
def people(user_a, user_b, correspondent_a, entity_a, entity_b):
    """Alice and Corinne (A), Bruno (B), and Denis, a decision maker of A."""
    denis = Contact.objects.create(
        email="denis.leroy@groupe-aurelia.fr",
        first_name="Denis",
        last_name="Leroy",
        entity=entity_a,
        role=ContactRole.DECIDEUR,
    )
    return {
        "alice": user_a.contact,
        "bruno": user_b.contact,
        "corinne": correspondent_a.contact,
        "denis": denis,
    }


@pytest.fixture
def audience_a(people, directorate_a):
    audience = Audience.objects.create(name="Direction commerciale")
    audience.directorates.add(directorate_a)
    return audience


@pytest.fixture
def campaign(audience_a, service, news, relationship_manager):
    campaign = Campaign.objects.create(
        title="Lancement visio",
        subject="{{ first_name }}, découvrez la visioconférence",
        intro="Bonjour {{ first_name }},\n\nLa DSI lance un nouveau service pour {{ entity }}.",
        audience=audience_a,
        created_by=relationship_manager,
    )
    campaign.services.add(service)
    campaign.news_pages.add(news)
    return campaign


@pytest.fixture
def subscription(service, entity_b):
    return Subscription.objects.create(service=service, entity=entity_b, start=dt.date(2025, 1, 1))


@pytest.fixture
def event(db):
    start = timezone.now() + dt.timedelta(days=10)
    return Event.objects.create(
        title="Techday",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
        location="Auditorium",
        seats=2,
    )
