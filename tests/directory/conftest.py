"""Factories for the portfolio, services-used and committee-pack tests: services, subscriptions, requests
in bulk, contacts met, survey answers."""

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from catalogue.models import CatalogueIndexPage
from committees.models import Interaction
from directory.models import Contact, Entity
from kpis.models import Subscription, Survey, SurveyAnswer, SurveyKind
from requests_box.models import Kind, ReferenceCounter, Request, Status
from tests.catalogue.conftest import make_family, make_service

_numbers = itertools.count(1)


@pytest.fixture
def services(db):
    return make_services()


def make_services() -> dict:
    """Three published services of one family: Messagerie, Visio, Impression."""
    family = make_family(CatalogueIndexPage.objects.get(), code="COLLAB", title="Collaboration")
    return {
        code: make_service(family, code=code, title=title, fast=True)
        for code, title in (("MAIL", "Messagerie"), ("VISIO", "Visio"), ("PRINT", "Impression"))
    }


def make_entity(directorate, code=None, *, client_type="metier", segment="standard", **extra) -> Entity:
    code = code or f"E{next(_numbers)}"
    return Entity.objects.create(
        code=code, name=f"Entité {code}", directorate=directorate, client_type=client_type, segment=segment,
        **extra,
    )  # fmt: skip


def subscribe(entity, service, start=dt.date(2025, 3, 1), end=None) -> Subscription:
    return Subscription.objects.create(entity=entity, service=service, start=start, end=end)


def make_contact(entity, name=None) -> Contact:
    name = name or f"Contact{next(_numbers)}"
    return Contact.objects.create(
        email=f"{name.lower()}@groupe-aurelia.fr", first_name=name, last_name="Test", entity=entity
    )


def meet(contact, on: dt.date, kind="rendez_vous") -> Interaction:
    return Interaction.objects.create(contact=contact, kind=kind, date=on)


def answer(entity, *, nps=None, csat=None, comment="", when=None, contact=None, request=None) -> SurveyAnswer:
    survey, _created = Survey.objects.get_or_create(
        code="apres-demande", defaults={"title": "Votre avis", "kind": SurveyKind.POST_DEMANDE}
    )
    return SurveyAnswer.objects.create(
        survey=survey, kind=survey.kind, answered_at=when or timezone.now(), entity=entity, contact=contact,
        nps=nps, csat=csat, comment=comment, request=request,
    )  # fmt: skip


def bulk_requests(
    entities, count: int, *, late_every=4, open_every=2, service=None, kind=Kind.SIMPLE, received_at=None
):
    """`count` requests spread over `entities`: every `open_every`-th open, every `late_every`-th of
    those past its deadline; the others resolved on time."""
    now = timezone.now()
    first = ReferenceCounter.objects.get_or_create(year=9998)[0].last
    rows = []
    for n in range(count):
        is_open = n % open_every == 0
        late = is_open and n % late_every == 0
        received = received_at or now - dt.timedelta(days=1 + n % 20)
        rows.append(
            Request(
                reference=f"REQ-9998-{first + n:06d}",
                received_at=received,
                subject=f"Demande {n}",
                kind=kind,
                status=Status.IN_PROGRESS if is_open else Status.RESOLVED,
                entity=entities[n % len(entities)],
                service=service,
                deadline=now - dt.timedelta(hours=2) if late else now + dt.timedelta(days=3),
                resolved_at=None if is_open else received + dt.timedelta(hours=5),
                sender_email="x@groupe-aurelia.fr",
            )
        )
    Request.objects.bulk_create(rows, batch_size=1000)
    ReferenceCounter.objects.filter(year=9998).update(last=first + count)
    return rows
