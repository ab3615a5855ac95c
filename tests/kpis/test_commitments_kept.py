"""The indicator "engagements tenus" end to end: requests taken in and resolved through the mailbox's own
functions (one of them waited for the client), then `kpis --json`, the dashboard card and its CSV row.
Values worked out by hand; runs on SQLite and PostgreSQL alike."""

import csv
import datetime as dt
import io
import json
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.urls import reverse
from wagtail.models import Page

from catalogue.models import CatalogueIndexPage, FamilyPage, ServicePage
from directory.models import ClientType, Contact, Directorate, Entity
from requests_box import services, workflow
from requests_box.models import Status

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=PARIS)


@pytest.fixture
def march(db, relationship_manager):
    d1 = Directorate.objects.create(code="D1", name="Direction 1")
    d2 = Directorate.objects.create(code="D2", name="Direction 2")
    e1 = Entity.objects.create(code="E1", name="E1", directorate=d1, client_type=ClientType.METIER)
    e2 = Entity.objects.create(code="E2", name="E2", directorate=d2, client_type=ClientType.METIER)
    c1 = Contact.objects.create(email="c1@x.fr", first_name="C", last_name="1", entity=e1)
    c2 = Contact.objects.create(email="c2@x.fr", first_name="C", last_name="2", entity=e2)
    home = Page.objects.get(depth=2)
    index = home.add_child(instance=CatalogueIndexPage(title="Catalogue", slug="catalogue-kept"))
    family = index.add_child(instance=FamilyPage(title="Famille", slug="famille-kept", code="KEPT"))
    committed = family.add_child(
        instance=ServicePage(title="S", slug="s-kept", code="S", commitment_delay_days=2)
    )
    family.add_child(instance=ServicePage(title="T", slug="t-kept", code="T"))
    manager = relationship_manager

    def take(contact, received_at, **extra):
        return services.create_request(
            channel="email", subject="Demande", text="Bonjour", contact=contact, received_at=received_at,
            acknowledge=False, route=False, **extra,
        )  # fmt: skip

    def resolve(request, when):
        return workflow.change_status(
            request, Status.RESOLVED, actor=manager, response_type="email", now=when
        )

    # A: on S (2 business days): due Wed 4 March 10:00; waited for the client from Tue 3 10:00 to
    # Thu 5 10:00 (48 h), so due Fri 6 10:00; resolved Fri 6 09:00: met (late without the pause).
    a = take(c1, at(2026, 3, 2, 10), service=committed)
    assert a.deadline == at(2026, 3, 4, 10)
    a = workflow.change_status(a, Status.WAITING_CLIENT, actor=manager, now=at(2026, 3, 3, 10))
    a = workflow.change_status(a, Status.IN_PROGRESS, actor=manager, now=at(2026, 3, 5, 10))
    assert resolve(a, at(2026, 3, 6, 9)).deadline_met is True
    # B: no service, one week: due Mon 9 March 10:00, resolved Tue 10: late.
    assert resolve(take(c1, at(2026, 3, 2, 10)), at(2026, 3, 10, 10)).deadline_met is False
    # C: a complaint of D2, resolved within its week: met.
    assert resolve(take(c2, at(2026, 3, 2, 10), kind="reclamation"), at(2026, 3, 4, 10)).deadline_met is True
    # D: still open; E: resolved in April: neither counts in March.
    take(c2, at(2026, 3, 20, 10))
    resolve(take(c2, at(2026, 3, 30, 10)), at(2026, 4, 1, 10))


def kpis_json(start: str, end: str) -> dict:
    out = StringIO()
    call_command("kpis", "--start", start, "--end", end, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_commitments_kept_for_the_company_each_directorate_service_and_kind(march):
    result = kpis_json("2026-03-01", "2026-04-01")
    company, d1, d2 = result["company"], result["directorates"]["D1"], result["directorates"]["D2"]
    assert (company["commitments_counted"], company["commitments_kept_pct"]) == (3, 66.67)
    assert company["commitments_kept_pct_by_kind"] == {
        "simple": 50.0,
        "complexe": None,
        "projet": None,
        "reclamation": 100.0,
    }
    assert (d1["commitments_counted"], d1["commitments_kept_pct"]) == (2, 50.0)
    assert (d2["commitments_counted"], d2["commitments_kept_pct"]) == (1, 100.0)
    assert result["services"]["S"]["commitments_kept_pct"] == 100.0
    assert (
        result["services"]["T"]["commitments_counted"],
        result["services"]["T"]["commitments_kept_pct"],
    ) == (
        0,
        None,
    )
    april = kpis_json("2026-04-01", "2026-05-01")["company"]
    assert (april["commitments_counted"], april["commitments_kept_pct"]) == (1, 100.0)


def test_the_dashboard_shows_the_tenth_card_against_its_default_target(march, client_for, cio):
    params = {"period": "custom", "start": "2026-03-01", "end": "2026-03-31"}
    page = client_for(cio).get(reverse("kpis:dashboard"), params).content.decode()
    assert "Engagements tenus" in page
    rows = list(
        csv.reader(io.StringIO(client_for(cio).get(reverse("kpis:export_csv"), params).content.decode()))
    )
    by_key = {row[0]: row[1:] for row in rows if row}
    assert by_key["dashboard.10.commitments_kept"][:3] == ["66.67", "50.0", "100.0"]
    assert by_key["commitments_kept_pct"][:3] == ["66.67", "50.0", "100.0"]
