"""Every indicator of KPIS.md on a small fixture whose expected values are worked out by hand below.

Period: Q3 2026 = [2026-07-01, 2026-10-01) Europe/Paris; previous period: Q2 2026.
Directorates: D1 (E1 metier, E2 fonctionnelle), D2 (E3 filiale), D3 (E4 metier, no activity).
"""

import datetime as dt
import json
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from wagtail.models import Page

from catalogue.models import CatalogueIndexPage, FamilyPage, ServicePage
from committees.models import Interaction, Project
from directory.models import ClientType, Contact, Directorate, Entity
from kpis.indicators import compute_indicators
from kpis.models import Subscription, Survey, SurveyAnswer
from kpis.periods import Period
from requests_box.models import Request

PARIS = ZoneInfo("Europe/Paris")
D = dt.date
Q3 = Period(D(2026, 7, 1), D(2026, 10, 1))


def at(y, m, d, h=9, mi=0):
    return dt.datetime(y, m, d, h, mi, tzinfo=PARIS)


@pytest.fixture
def world(db):
    d1 = Directorate.objects.create(code="D1", name="Direction 1")
    d2 = Directorate.objects.create(code="D2", name="Direction 2")
    d3 = Directorate.objects.create(code="D3", name="Direction 3")
    e1 = Entity.objects.create(code="E1", name="E1", directorate=d1, client_type=ClientType.METIER)
    e2 = Entity.objects.create(code="E2", name="E2", directorate=d1, client_type=ClientType.FONCTIONNELLE)
    e3 = Entity.objects.create(code="E3", name="E3", directorate=d2, client_type=ClientType.FILIALE)
    e4 = Entity.objects.create(code="E4", name="E4", directorate=d3, client_type=ClientType.METIER)
    c1 = Contact.objects.create(email="c1@x.fr", first_name="C", last_name="1", entity=e1)
    c2 = Contact.objects.create(email="c2@x.fr", first_name="C", last_name="2", entity=e1)
    c3 = Contact.objects.create(email="c3@x.fr", first_name="C", last_name="3", entity=e3)

    home = Page.objects.get(depth=2)
    index = CatalogueIndexPage.objects.first() or home.add_child(
        instance=CatalogueIndexPage(title="Catalogue", slug="catalogue")
    )
    family = index.add_child(instance=FamilyPage(title="Famille", slug="famille-kpi", code="KPI-FAM"))
    s1 = family.add_child(instance=ServicePage(title="S1", slug="s1", code="S1", maturity="mature"))
    s2 = family.add_child(instance=ServicePage(title="S2", slug="s2", code="S2", maturity="nouveau"))

    def request(ref, entity, received, kind="simple", resolved=None, response="", service=None):
        return Request.objects.create(
            reference=ref,
            entity=entity,
            received_at=received,
            kind=kind,
            resolved_at=resolved,
            response_type=response,
            service=service,
            subject=ref,
            deadline=received,
        )

    request(
        "REQ-2026-000001", e1, at(2026, 7, 5, 10), resolved=at(2026, 7, 5, 14), response="email", service=s1
    )
    request(
        "REQ-2026-000002", e1, at(2026, 7, 10), resolved=at(2026, 7, 11), response="telephone", service=s1
    )
    request("REQ-2026-000003", e2, at(2026, 8, 1), resolved=at(2026, 8, 1, 19))
    request("REQ-2026-000004", None, at(2026, 8, 15, 12), "reclamation", at(2026, 8, 17, 12), "email")
    request("REQ-2026-000005", e3, at(2026, 6, 20), "complexe", at(2026, 7, 2), service=s2)
    request("REQ-2026-000006", e1, at(2026, 5, 1))
    request("REQ-2026-000007", e3, at(2026, 9, 30, 23, 30), "projet")
    request("REQ-2026-000008", e3, at(2026, 10, 1, 0, 0))  # the end is exclusive

    baro = Survey.objects.create(code="BARO-2026", title="Baromètre 2026", kind="barometre")
    post = Survey.objects.create(code="POST", title="Après demande", kind="post_demande")
    for survey, entity, when, nps, csat in [
        (baro, e1, at(2026, 9, 1), 10, 5),
        (baro, e1, at(2026, 9, 2), 8, 3),
        (baro, e3, at(2026, 9, 3), 3, None),
        (baro, e2, at(2026, 9, 4), None, None),
        (baro, e1, at(2026, 9, 5), 9, 4),
        (baro, e1, at(2026, 6, 30, 23, 59), 0, 1),  # before the period
        (post, e3, at(2026, 8, 8), 7, 4),
    ]:
        SurveyAnswer.objects.create(
            survey=survey, kind=survey.kind, entity=entity, answered_at=when, nps=nps, csat=csat
        )

    for day, kind, contact in [
        (D(2026, 7, 3), "rendez_vous", c1),
        (D(2026, 7, 20), "visite", c1),
        (D(2026, 7, 21), "comite", c2),
        (D(2026, 8, 5), "telephone", c3),
        (D(2026, 9, 10), "visite", c3),
        (D(2026, 10, 2), "visite", c1),
    ]:
        Interaction.objects.create(date=day, kind=kind, contact=contact)

    for code, entity, created, signed in [
        ("P0", e1, D(2026, 2, 1), D(2026, 3, 1)),
        ("P1", e1, D(2026, 7, 10), D(2026, 8, 1)),
        ("P2", e3, D(2026, 8, 1), D(2026, 9, 1)),
        ("P3", e3, D(2026, 8, 15), D(2026, 9, 15)),
        ("P4", e2, D(2026, 6, 1), None),
    ]:
        Project.objects.create(code=code, name=code, entity=entity, created_on=created, signed_on=signed)

    for service, entity, start, end in [
        (s1, e1, D(2026, 1, 1), None),
        (s1, e1, D(2026, 3, 1), None),  # a second subscription of the same pair
        (s1, e2, D(2026, 1, 1), D(2026, 8, 1)),
        (s1, e3, D(2026, 1, 1), None),
        (s1, e4, D(2026, 1, 1), None),
        (s2, e1, D(2026, 1, 1), None),
        (s2, e3, D(2026, 8, 1), None),
    ]:
        Subscription.objects.create(service=service, entity=entity, start=start, end=end)


def empty_satisfaction():
    return {"answers": 0, "nps": None, "nps_answers": 0, "csat_pct": None, "csat_answers": 0}


def test_company_block(world):
    company = compute_indicators(Q3)["company"]
    assert company == {
        "requests": 5,
        "requests_previous": 2,
        "requests_variation_pct": 150.0,
        "requests_by_kind": {"simple": 3, "complexe": 0, "projet": 1, "reclamation": 1},
        "requests_by_client_type": {
            "metier": 2,
            "fonctionnelle": 1,
            "filiale": 1,
            "externe": 0,
            "inconnu": 1,
        },
        # simple: 4 h, 10 h, 24 h -> median 10, p90 at rank 1.8: 10 + 0.8 * 14 = 21.2
        "processing_hours_median_by_kind": {
            "simple": 10.0,
            "complexe": 288.0,
            "projet": None,
            "reclamation": 48.0,
        },
        "processing_hours_p90_by_kind": {
            "simple": 21.2,
            "complexe": 288.0,
            "projet": None,
            "reclamation": 48.0,
        },
        "response_types": {"email": 2, "rendez_vous": 0, "telephone": 1, "visite": 0, "livraison": 0},
        "satisfaction": {
            # NPS over 10, 8, 3, 9: 2 promoters, 1 detractor of 4 -> 25; CSAT 5, 3, 4 -> 2 of 3
            "barometre": {"answers": 5, "nps": 25.0, "nps_answers": 4, "csat_pct": 66.67, "csat_answers": 3},
            # only a passive: NPS 0, defined
            "post_demande": {
                "answers": 1,
                "nps": 0.0,
                "nps_answers": 1,
                "csat_pct": 100.0,
                "csat_answers": 1,
            },
            "catalogue": empty_satisfaction(),
        },
        "contacts_met_by_month": {"2026-07": 2, "2026-08": 0, "2026-09": 1},
        "entities_with_new_project": 2,
        "new_entities_with_request": 1,
        "projects_signed_with_new_clients": 2,
        # S1 covers 4/4 at start (mature), S2 1/4; S1 pairs: E1, E2, E3, E4; E2 lost -> 3/4
        "mature_services_share_held_pct": 75.0,
        # created without a resolution through the mailbox: no deadline verdict, nothing counted
        "commitments_counted": 0,
        "commitments_kept_pct": None,
        "commitments_kept_pct_by_kind": {
            "simple": None,
            "complexe": None,
            "projet": None,
            "reclamation": None,
        },
    }


def test_directorate_blocks_count_only_their_own_entities(world):
    result = compute_indicators(Q3)
    assert list(result["directorates"]) == ["D1", "D2", "D3"]
    d1, d2, d3 = (result["directorates"][code] for code in ("D1", "D2", "D3"))
    assert (d1["requests"], d1["requests_previous"], d1["requests_variation_pct"]) == (3, 1, 200.0)
    assert d1["requests_by_client_type"] == {"metier": 2, "fonctionnelle": 1, "filiale": 0, "externe": 0}
    assert d1["processing_hours_median_by_kind"]["simple"] == 10.0
    assert d1["processing_hours_p90_by_kind"]["simple"] == 21.2
    assert d1["satisfaction"]["barometre"] == {
        "answers": 4,
        "nps": 66.67,
        "nps_answers": 3,
        "csat_pct": 66.67,
        "csat_answers": 3,
    }
    assert d1["contacts_met_by_month"] == {"2026-07": 2, "2026-08": 0, "2026-09": 0}
    assert (d1["entities_with_new_project"], d1["new_entities_with_request"]) == (1, 1)
    assert d1["projects_signed_with_new_clients"] == 0  # E1 had signed P0 before the period
    assert d1["mature_services_share_held_pct"] == 50.0

    assert (d2["requests"], d2["requests_previous"], d2["requests_variation_pct"]) == (1, 1, 0.0)
    assert d2["processing_hours_median_by_kind"] == {
        "simple": None,
        "complexe": 288.0,
        "projet": None,
        "reclamation": None,
    }
    assert d2["satisfaction"]["barometre"]["nps"] == -100.0
    assert d2["satisfaction"]["barometre"]["csat_pct"] is None
    assert d2["projects_signed_with_new_clients"] == 2  # one entity signing twice counts twice
    assert d2["contacts_met_by_month"] == {"2026-07": 0, "2026-08": 0, "2026-09": 1}

    assert d3["requests"] == 0 and d3["requests_variation_pct"] is None
    assert d3["processing_hours_median_by_kind"] == dict.fromkeys(
        ["simple", "complexe", "projet", "reclamation"]
    )
    assert d3["satisfaction"]["barometre"] == empty_satisfaction()
    assert d3["mature_services_share_held_pct"] == 100.0


def test_service_blocks(world):
    services = compute_indicators(Q3)["services"]
    assert services["S1"] == {
        "requests": 2,
        "requests_previous": 0,
        "requests_variation_pct": None,
        "coverage_start_pct": 100.0,
        "coverage_end_pct": 75.0,
        "coverage_increase_points": -25.0,
        "maturity": "mature",
        "commitments_counted": 0,
        "commitments_kept_pct": None,
    }
    assert services["S2"] == {
        "requests": 0,
        "requests_previous": 1,
        "requests_variation_pct": -100.0,
        "coverage_start_pct": 25.0,
        "coverage_end_pct": 50.0,
        "coverage_increase_points": 25.0,
        "maturity": "nouveau",
        "commitments_counted": 0,
        "commitments_kept_pct": None,
    }


def test_an_empty_period_gives_zero_counts_and_undefined_measures(world):
    result = compute_indicators(Period(D(2030, 1, 1), D(2030, 2, 1)))
    company = result["company"]
    assert company["requests"] == 0 and company["requests_variation_pct"] is None
    assert company["satisfaction"]["barometre"] == empty_satisfaction()
    assert company["contacts_met_by_month"] == {"2030-01": 0}
    assert set(company["processing_hours_p90_by_kind"].values()) == {None}


def test_kpis_command_prints_the_same_json(world):
    out = StringIO()
    call_command("kpis", "--start", "2026-07-01", "--end", "2026-10-01", "--json", stdout=out)
    printed = json.loads(out.getvalue())
    assert printed == json.loads(json.dumps(compute_indicators(Q3)))
    assert printed["period"] == {"start": "2026-07-01", "end": "2026-10-01", "previous_start": "2026-04-01"}


def test_kpis_command_prints_a_readable_table(world):
    out = StringIO()
    call_command("kpis", "--start", "2026-07-01", "--end", "2026-10-01", stdout=out)
    text = out.getvalue()
    assert "Period 2026-07-01 → 2026-10-01" in text
    assert "company" in text and "D1" in text and "S1" in text


def test_indicators_run_a_constant_number_of_queries(world, django_assert_max_num_queries):
    with django_assert_max_num_queries(30) as context:
        compute_indicators(Q3)
    first = len(context.captured_queries)
    Directorate.objects.create(code="D4", name="Direction 4")
    with django_assert_max_num_queries(first):
        compute_indicators(Q3)
