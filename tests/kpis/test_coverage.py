"""Coverage rates and the share held by mature services, on fixtures computed by hand."""

import datetime as dt

import pytest
from wagtail.models import Page

from catalogue.models import CatalogueIndexPage, FamilyPage, ServicePage
from directory.models import ClientType, Directorate, Entity
from kpis.coverage import coverage_pct_by_service, mature_share_held_by_directorate
from kpis.models import Subscription

D = dt.date


@pytest.fixture
def services(db):
    home = Page.objects.get(depth=2)
    index = CatalogueIndexPage.objects.first() or home.add_child(
        instance=CatalogueIndexPage(title="Catalogue", slug="catalogue")
    )
    family = index.add_child(instance=FamilyPage(title="Poste", slug="poste-kpi", code="KPI-POSTE"))
    return {
        code: family.add_child(instance=ServicePage(title=code, slug=code.lower(), code=code))
        for code in ("MAIL", "VPN", "PRINT")
    }


@pytest.fixture
def ten_entities(db):
    directorate = Directorate.objects.create(code="D1", name="Direction 1")
    other = Directorate.objects.create(code="D2", name="Direction 2")
    return [
        Entity.objects.create(
            code=f"E{i}",
            name=f"Entité {i}",
            directorate=directorate if i < 5 else other,
            client_type=ClientType.METIER,
        )
        for i in range(10)
    ]


def subscribe(service, entity, start, end=None):
    return Subscription.objects.create(service=service, entity=entity, start=start, end=end)


def test_coverage_counts_each_entity_once_and_respects_bounds(services, ten_entities):
    mail, vpn = services["MAIL"], services["VPN"]
    e = ten_entities
    subscribe(mail, e[0], D(2026, 1, 1))
    subscribe(mail, e[0], D(2026, 2, 1))  # a second subscription of the same entity: counted once
    subscribe(mail, e[1], D(2026, 1, 1), D(2026, 3, 1))  # ends on Mar 1st: not active on Mar 1st
    subscribe(mail, e[2], D(2026, 3, 1))  # starts on Mar 1st: active on Mar 1st
    subscribe(vpn, e[3], D(2026, 4, 1))
    coverage = coverage_pct_by_service(D(2026, 3, 1), [mail.id, vpn.id, services["PRINT"].id])
    assert coverage == {mail.id: 20.0, vpn.id: 0.0, services["PRINT"].id: 0.0}  # 2 of 10 entities


def test_coverage_divides_by_the_entities_in_the_company_at_that_date(services, ten_entities):
    mail = services["MAIL"]
    for entity in ten_entities[:4]:
        subscribe(mail, entity, D(2025, 1, 1))
    Entity.objects.filter(code__in=["E8", "E9"]).update(active_until=D(2026, 1, 1))
    Entity.objects.filter(code="E7").update(active_from=D(2026, 6, 1))
    # On 2026-03-01: 10 entities - 2 gone - 1 not arrived yet = 7; 4 subscribed.
    assert coverage_pct_by_service(D(2026, 3, 1), [mail.id])[mail.id] == pytest.approx(400 / 7)


def test_coverage_is_undefined_when_the_company_has_no_entity(services):
    mail = services["MAIL"]
    assert coverage_pct_by_service(D(2026, 3, 1), [mail.id]) == {mail.id: None}


def test_share_held_by_mature_services(services, ten_entities):
    mail, vpn = services["MAIL"], services["VPN"]
    e = ten_entities
    # MAIL covers 9 of 10 entities on Jan 1st (90 %: mature); VPN covers 8 (not mature).
    for entity in e[:9]:
        subscribe(mail, entity, D(2025, 6, 1), D(2026, 2, 1) if entity.code in ("E0", "E5") else None)
    subscribe(mail, e[5], D(2026, 3, 1))  # E5 renews before the end of the period: held
    subscribe(mail, e[6], D(2025, 9, 1))  # a second subscription of a pair: still one pair
    for entity in e[:8]:
        subscribe(vpn, entity, D(2025, 6, 1), D(2026, 2, 1))  # VPN pairs all lost, but VPN is not mature
    # Pairs at start: 9 (MAIL); held at Apr 1st: 9 - E0 = 8.
    held = mature_share_held_by_directorate(D(2026, 1, 1), D(2026, 4, 1))
    assert held["__company__"] == pytest.approx(800 / 9)
    # Directorate 1 (E0–E4): 5 pairs, E0 lost: 80 %; directorate 2 (E5–E8): 4 pairs, all held.
    assert held["D1"] == pytest.approx(80.0)
    assert held["D2"] == pytest.approx(100.0)


def test_share_held_is_undefined_without_a_mature_service(services, ten_entities):
    subscribe(services["MAIL"], ten_entities[0], D(2025, 1, 1))
    assert mature_share_held_by_directorate(D(2026, 1, 1), D(2026, 4, 1)) == {}


def test_relationship_manager_maintains_subscriptions_in_the_back_office(
    client, relationship_manager, user_a, services, ten_entities
):
    from django.urls import reverse

    subscribe(services["MAIL"], ten_entities[0], D(2026, 1, 1))
    url = reverse("wagtailsnippets_kpis_subscription:list")
    client.force_login(relationship_manager)
    assert "Entité 0" in client.get(url).content.decode()
    client.force_login(user_a)
    assert client.get(url).status_code in (302, 403)


def test_usage_by_maturity_counts_an_entity_once_per_label_and_leaves_retired_out(
    services, ten_entities, client_for, cio
):
    import csv
    import io

    from django.urls import reverse

    from kpis.coverage import coverage_pct_by_maturity
    from kpis.indicators import compute_indicators
    from kpis.periods import Period

    mail, vpn, printing = services["MAIL"], services["VPN"], services["PRINT"]
    for service, maturity in ((mail, "mature"), (vpn, "mature"), (printing, "retire")):
        service.maturity = maturity
        service.save(update_fields=["maturity"])
    e = ten_entities
    subscribe(mail, e[0], D(2026, 1, 1))
    subscribe(vpn, e[0], D(2026, 1, 1))  # same entity, same label: counted once
    subscribe(vpn, e[1], D(2026, 1, 1), D(2026, 2, 1))  # gone by the end of January
    subscribe(vpn, e[2], D(2026, 1, 15))  # arrives during January
    subscribe(printing, e[3], D(2026, 1, 1))  # retired: not counted anywhere
    assert coverage_pct_by_maturity((D(2026, 1, 1),), ["mature", "nouveau"]) == {
        (D(2026, 1, 1), "mature"): 20.0,
        (D(2026, 1, 1), "nouveau"): 0.0,
    }
    by_maturity = compute_indicators(Period(D(2026, 1, 1), D(2026, 2, 1)))["coverage_by_maturity"]
    assert list(by_maturity) == ["nouveau", "en_deploiement", "mature", "en_declin"]
    # 1 Jan: E0, E1 of 10 = 20 %; 1 Feb: E0, E2 = 20 %
    assert by_maturity["mature"] == {
        "services": 2,
        "coverage_start_pct": 20.0,
        "coverage_end_pct": 20.0,
        "coverage_increase_points": 0.0,
    }
    assert by_maturity["nouveau"] == {
        "services": 0,
        "coverage_start_pct": None,
        "coverage_end_pct": None,
        "coverage_increase_points": None,
    }
    params = {"period": "month", "ref": "2026-01-01"}
    page = client_for(cio).get(reverse("kpis:dashboard"), params).content.decode()
    assert "Tous les services « Mature »" in page and "« Retiré »" not in page
    rows = list(
        csv.reader(io.StringIO(client_for(cio).get(reverse("kpis:export_csv"), params).content.decode()))
    )
    assert ["mature", "2", "20.0", "20.0", "0.0"] in rows
