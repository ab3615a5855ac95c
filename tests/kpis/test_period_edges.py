"""Every key of `kpis --json` on data that sits minutes from the period's edges (issue 14).

Period: Q4 2026 = [2026-10-01, 2027-01-01) Europe/Paris. Its start is in summer time (00:00 CEST =
22:00 UTC the day before), its end in winter time (00:00 CET = 23:00 UTC the day before); the previous
period Q3 2026 starts in summer time too. Each edge has records one minute (or half an hour) on each
side, so a comparison done in UTC text against a "+02:00" parameter (SQLite) would move them across.
The expected values are worked out by hand next to each key. Runs on SQLite and on PostgreSQL alike.

Directorates: D1 (E1 metier, E2 externe), D2 (E3 fonctionnelle), D3 (no entity: added by an import).
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
from kpis.models import Subscription, Survey, SurveyAnswer
from requests_box.models import Request

PARIS = ZoneInfo("Europe/Paris")
D = dt.date


def at(y, m, d, h=0, mi=0):
    return dt.datetime(y, m, d, h, mi, tzinfo=PARIS)


@pytest.fixture
def edges(db):
    d1 = Directorate.objects.create(code="D1", name="Direction 1")
    d2 = Directorate.objects.create(code="D2", name="Direction 2")
    Directorate.objects.create(code="D3", name="Direction 3")
    e1 = Entity.objects.create(code="E1", name="E1", directorate=d1, client_type=ClientType.METIER)
    e2 = Entity.objects.create(code="E2", name="E2", directorate=d1, client_type=ClientType.EXTERNE)
    e3 = Entity.objects.create(code="E3", name="E3", directorate=d2, client_type=ClientType.FONCTIONNELLE)
    c1 = Contact.objects.create(email="c1@x.fr", first_name="C", last_name="1", entity=e1)
    c2 = Contact.objects.create(email="c2@x.fr", first_name="C", last_name="2", entity=e1)
    c3 = Contact.objects.create(email="c3@x.fr", first_name="C", last_name="3", entity=e3)

    home = Page.objects.get(depth=2)
    index = CatalogueIndexPage.objects.first() or home.add_child(
        instance=CatalogueIndexPage(title="Catalogue", slug="catalogue")
    )
    family = index.add_child(instance=FamilyPage(title="Famille", slug="famille-edges", code="EDGE-FAM"))
    s1 = family.add_child(instance=ServicePage(title="S1", slug="s1", code="S1", maturity="mature"))
    s2 = family.add_child(instance=ServicePage(title="S2", slug="s2", code="S2", maturity="nouveau"))

    rows = [
        # reference, entity, kind, received, resolved, response type, service
        ("R1", e1, "simple", at(2026, 9, 30, 23, 59), at(2026, 10, 1, 0, 1), "email", s2),
        ("R2", e1, "simple", at(2026, 10, 1), at(2026, 10, 1, 1, 30), "telephone", s1),
        ("R3", e2, "complexe", at(2026, 10, 1, 0, 1), at(2026, 12, 31, 23, 59), "livraison", s1),
        ("R4", None, "reclamation", at(2026, 12, 31, 23, 59), at(2027, 1, 1, 0, 1), "email", None),
        ("R5", e3, "projet", at(2027, 1, 1), None, "", None),
        ("R6", e3, "simple", at(2026, 7, 1), at(2026, 9, 30, 23, 59), "email", s2),
        ("R7", e3, "simple", at(2026, 6, 30, 23, 59), at(2026, 10, 1, 0, 30), "rendez_vous", None),
        ("R8", e1, "simple", at(2026, 12, 15, 10), at(2027, 1, 1, 0, 30), "visite", s2),
        ("R9", e1, "simple", at(2026, 12, 31, 23, 30), at(2026, 12, 31, 23, 50), "email", None),
    ]
    # Whether each request met its deadline (set at resolution); R9 is imported history without a
    # deadline (None: it does not count), R4 met its deadline but was resolved after the end.
    met = {"R1": True, "R2": False, "R3": True, "R4": True, "R6": False, "R7": False, "R8": True}
    for ref, entity, kind, received, resolved, response, service in rows:
        Request.objects.create(
            deadline_met=met.get(ref),
            reference=f"REQ-2026-{ref}",
            entity=entity,
            kind=kind,
            received_at=received,
            resolved_at=resolved,
            response_type=response,
            service=service,
            subject=ref,
            deadline=received,
        )

    baro = Survey.objects.create(code="BARO", title="Baromètre", kind="barometre")
    cata = Survey.objects.create(code="CATA", title="Catalogue", kind="catalogue")
    post = Survey.objects.create(code="POST", title="Après demande", kind="post_demande")
    for survey, entity, when, nps, csat in [
        (baro, e1, at(2026, 9, 30, 23, 59), 0, 1),  # a minute before the start
        (baro, e1, at(2026, 10, 1), 10, 5),
        (baro, e3, at(2026, 10, 1, 0, 30), 6, 4),  # 22:30 UTC the day before
        (baro, e2, at(2026, 12, 31, 23, 59), 9, None),
        (baro, e1, at(2027, 1, 1), 10, 5),  # the end is exclusive
        (cata, e1, at(2026, 12, 31, 23, 30), None, 2),
        (post, e3, at(2027, 1, 1, 0, 30), 8, 3),  # 23:30 UTC on 31 December: after the end
    ]:
        SurveyAnswer.objects.create(
            survey=survey, kind=survey.kind, entity=entity, answered_at=when, nps=nps, csat=csat
        )

    for day, kind, contact in [
        (D(2026, 9, 30), "visite", c1),
        (D(2026, 10, 1), "rendez_vous", c1),
        (D(2026, 10, 15), "visite", c1),
        (D(2026, 10, 31), "comite", c2),
        (D(2026, 11, 10), "telephone", c3),
        (D(2026, 12, 31), "visite", c3),
        (D(2027, 1, 1), "visite", c2),
    ]:
        Interaction.objects.create(date=day, kind=kind, contact=contact)

    for code, entity, created, signed in [
        ("P1", e1, D(2026, 9, 30), D(2026, 9, 30)),
        ("P2", e1, D(2026, 10, 1), D(2026, 12, 31)),
        ("P3", e3, D(2026, 12, 31), D(2026, 10, 1)),
        ("P4", e3, D(2027, 1, 1), D(2027, 1, 1)),
        ("P5", e2, D(2026, 11, 1), None),
    ]:
        Project.objects.create(code=code, name=code, entity=entity, created_on=created, signed_on=signed)

    for service, entity, start, end in [
        (s1, e1, D(2026, 1, 1), None),
        (s1, e2, D(2026, 1, 1), None),
        (s1, e3, D(2026, 1, 1), D(2027, 1, 1)),  # ends on the end date: no longer active at the end
        (s2, e1, D(2027, 1, 1), None),  # starts on the end date: active at the end
        (s2, e2, D(2026, 10, 1), D(2026, 10, 2)),  # starts on the start date: active at the start
    ]:
        Subscription.objects.create(service=service, entity=entity, start=start, end=end)


def satisfaction(answers=0, nps=None, nps_answers=0, csat_pct=None, csat_answers=0):
    return {
        "answers": answers,
        "nps": nps,
        "nps_answers": nps_answers,
        "csat_pct": csat_pct,
        "csat_answers": csat_answers,
    }


NO_HOURS = {"simple": None, "complexe": None, "projet": None, "reclamation": None}
NO_RESPONSE = {"email": 0, "rendez_vous": 0, "telephone": 0, "visite": 0, "livraison": 0}

# Durations (UTC): R1 2 min = 0.0333 h; R9 20 min = 0.3333 h; R2 1.5 h;
# R7 30/06 21:59 -> 30/09 22:30 UTC = 92 days 31 min = 2208.5167 h;
# R3 30/09 22:01 -> 31/12 22:59 UTC = 92 days 58 min = 2208.9667 h.
EXPECTED = {
    "period": {"start": "2026-10-01", "end": "2027-01-01", "previous_start": "2026-07-01"},
    "company": {
        # received in Q4: R2, R3, R4, R8, R9; in Q3: R1 (30/09 23:59) and R6 (01/07 00:00), not R7
        "requests": 5,
        "requests_previous": 2,
        "requests_variation_pct": 150.0,
        "requests_by_kind": {"simple": 3, "complexe": 1, "projet": 0, "reclamation": 1},
        "requests_by_client_type": {
            "metier": 3,
            "fonctionnelle": 0,
            "filiale": 0,
            "externe": 1,
            "inconnu": 1,
        },
        # resolved in Q4: R1, R2, R3, R7, R9 (not R4 nor R8: 00:01 and 00:30 on 1 January; not R6)
        # simple 0.0333, 0.3333, 1.5, 2208.5167: median (0.3333 + 1.5) / 2 = 0.9167;
        # p90 at rank 2.7: 1.5 + 0.7 x 2207.0167 = 1546.4117
        "processing_hours_median_by_kind": {
            "simple": 0.92,
            "complexe": 2208.97,
            "projet": None,
            "reclamation": None,
        },
        "processing_hours_p90_by_kind": {
            "simple": 1546.41,
            "complexe": 2208.97,
            "projet": None,
            "reclamation": None,
        },
        "response_types": {"email": 2, "rendez_vous": 1, "telephone": 1, "visite": 0, "livraison": 1},
        "satisfaction": {
            # 10, 6, 9: 2 promoters, 1 detractor of 3; CSAT 5, 4: 2 of 2
            "barometre": satisfaction(3, 33.33, 3, 100.0, 2),
            "post_demande": satisfaction(),
            "catalogue": satisfaction(1, None, 0, 0.0, 1),
        },
        # October: c1 (twice), c2; November: only a phone call; December: c3
        "contacts_met_by_month": {"2026-10": 2, "2026-11": 0, "2026-12": 1},
        "entities_with_new_project": 3,  # P2 (E1), P3 (E3), P5 (E2)
        "new_entities_with_request": 1,  # E2; E1 first asked a minute before the start
        "projects_signed_with_new_clients": 1,  # P3; P2's E1 signed P1 the day before the start
        # S1 is mature (3/3 at the start); E3's pair ends on the end date: 2 of 3 held
        "mature_services_share_held_pct": 66.67,
        # resolved in Q4 with a deadline: R1 met, R2 not, R3 met, R7 not (R9 has none): 2 of 4
        "commitments_counted": 4,
        "commitments_kept_pct": 50.0,
        "commitments_kept_pct_by_kind": {
            "simple": 33.33,
            "complexe": 100.0,
            "projet": None,
            "reclamation": None,
        },
    },
    "directorates": {
        "D1": {
            "requests": 4,  # R2, R3, R8, R9
            "requests_previous": 1,  # R1
            "requests_variation_pct": 300.0,
            "requests_by_kind": {"simple": 3, "complexe": 1, "projet": 0, "reclamation": 0},
            "requests_by_client_type": {"metier": 3, "fonctionnelle": 0, "filiale": 0, "externe": 1},
            # simple 0.0333, 0.3333, 1.5: median 0.3333; p90 at rank 1.8: 0.3333 + 0.8 x 1.1667 = 1.2667
            "processing_hours_median_by_kind": {
                "simple": 0.33,
                "complexe": 2208.97,
                "projet": None,
                "reclamation": None,
            },
            "processing_hours_p90_by_kind": {
                "simple": 1.27,
                "complexe": 2208.97,
                "projet": None,
                "reclamation": None,
            },
            "response_types": {"email": 2, "rendez_vous": 0, "telephone": 1, "visite": 0, "livraison": 1},
            "satisfaction": {
                "barometre": satisfaction(2, 100.0, 2, 100.0, 1),
                "post_demande": satisfaction(),
                "catalogue": satisfaction(1, None, 0, 0.0, 1),
            },
            "contacts_met_by_month": {"2026-10": 2, "2026-11": 0, "2026-12": 0},
            "entities_with_new_project": 2,
            "new_entities_with_request": 1,
            "projects_signed_with_new_clients": 0,
            "mature_services_share_held_pct": 100.0,
            # R1 met, R2 not (simple: 1 of 2), R3 met (complexe)
            "commitments_counted": 3,
            "commitments_kept_pct": 66.67,
            "commitments_kept_pct_by_kind": {
                "simple": 50.0,
                "complexe": 100.0,
                "projet": None,
                "reclamation": None,
            },
        },
        "D2": {
            "requests": 0,  # R5 arrives on 1 January at 00:00
            "requests_previous": 1,  # R6 on 1 July at 00:00; R7 a minute before
            "requests_variation_pct": -100.0,
            "requests_by_kind": {"simple": 0, "complexe": 0, "projet": 0, "reclamation": 0},
            "requests_by_client_type": {"metier": 0, "fonctionnelle": 0, "filiale": 0, "externe": 0},
            "processing_hours_median_by_kind": {**NO_HOURS, "simple": 2208.52},
            "processing_hours_p90_by_kind": {**NO_HOURS, "simple": 2208.52},
            "response_types": {**NO_RESPONSE, "rendez_vous": 1},
            "satisfaction": {
                "barometre": satisfaction(1, -100.0, 1, 100.0, 1),
                "post_demande": satisfaction(),
                "catalogue": satisfaction(),
            },
            "contacts_met_by_month": {"2026-10": 0, "2026-11": 0, "2026-12": 1},
            "entities_with_new_project": 1,
            "new_entities_with_request": 0,
            "projects_signed_with_new_clients": 1,
            "mature_services_share_held_pct": 0.0,
            "commitments_counted": 1,  # R7, resolved late, half an hour after the start
            "commitments_kept_pct": 0.0,
            "commitments_kept_pct_by_kind": {**NO_HOURS, "simple": 0.0},
        },
        "D3": {
            "requests": 0,
            "requests_previous": 0,
            "requests_variation_pct": None,
            "requests_by_kind": {"simple": 0, "complexe": 0, "projet": 0, "reclamation": 0},
            "requests_by_client_type": {"metier": 0, "fonctionnelle": 0, "filiale": 0, "externe": 0},
            "processing_hours_median_by_kind": NO_HOURS,
            "processing_hours_p90_by_kind": NO_HOURS,
            "response_types": NO_RESPONSE,
            "satisfaction": {
                "barometre": satisfaction(),
                "post_demande": satisfaction(),
                "catalogue": satisfaction(),
            },
            "contacts_met_by_month": {"2026-10": 0, "2026-11": 0, "2026-12": 0},
            "entities_with_new_project": 0,
            "new_entities_with_request": 0,
            "projects_signed_with_new_clients": 0,
            "mature_services_share_held_pct": None,
            "commitments_counted": 0,
            "commitments_kept_pct": None,
            "commitments_kept_pct_by_kind": NO_HOURS,
        },
    },
    "services": {
        "S1": {
            "requests": 2,  # R2, R3
            "requests_previous": 0,
            "requests_variation_pct": None,
            "coverage_start_pct": 100.0,
            "coverage_end_pct": 66.67,
            "coverage_increase_points": -33.33,
            "maturity": "mature",
            "commitments_counted": 2,  # R2 not met, R3 met
            "commitments_kept_pct": 50.0,
        },
        "S2": {
            "requests": 1,  # R8
            "requests_previous": 2,  # R1, R6
            "requests_variation_pct": -50.0,
            "coverage_start_pct": 33.33,
            "coverage_end_pct": 33.33,
            "coverage_increase_points": 0.0,
            "maturity": "nouveau",
            "commitments_counted": 1,  # R1 met (R6 resolved before the start, R8 after the end)
            "commitments_kept_pct": 100.0,
        },
    },
    # Entities using at least one service of each maturity, of the 3 entities: S1 (mature) E1, E2, E3 at
    # the start, E3's ending on the end date; S2 (nouveau) E2 on the start date only, E1 from the end date.
    "coverage_by_maturity": {
        "nouveau": {
            "services": 1,
            "coverage_start_pct": 33.33,
            "coverage_end_pct": 33.33,
            "coverage_increase_points": 0.0,
        },
        "en_deploiement": {
            "services": 0,
            "coverage_start_pct": None,
            "coverage_end_pct": None,
            "coverage_increase_points": None,
        },
        "mature": {
            "services": 1,
            "coverage_start_pct": 100.0,
            "coverage_end_pct": 66.67,
            "coverage_increase_points": -33.33,
        },
        "en_declin": {
            "services": 0,
            "coverage_start_pct": None,
            "coverage_end_pct": None,
            "coverage_increase_points": None,
        },
    },
}


def kpis_json(start: str, end: str) -> dict:
    out = StringIO()
    call_command("kpis", "--start", start, "--end", end, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_every_key_of_the_json_counts_records_minutes_from_the_edges_exactly(edges):
    assert kpis_json("2026-10-01", "2027-01-01") == EXPECTED


def test_the_month_after_sees_what_the_quarter_left_out(edges):
    january = kpis_json("2027-01-01", "2027-02-01")["company"]
    assert january["requests"] == 1  # R5 at 00:00 on 1 January
    assert january["requests_previous"] == 3  # December: R8, R9 and R4 (23:59 on the 31st)
    # resolved in January: R4 (2 min after midnight: 0.0333 h), R8 (15/12 09:00 -> 31/12 23:30 UTC: 398.5 h)
    assert january["processing_hours_median_by_kind"]["reclamation"] == 0.03
    assert january["processing_hours_median_by_kind"]["simple"] == 398.5
    assert january["response_types"] == {**NO_RESPONSE, "email": 1, "visite": 1}
    assert january["satisfaction"]["barometre"]["answers"] == 1
    assert january["satisfaction"]["post_demande"]["answers"] == 1
