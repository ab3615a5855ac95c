import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalogue.models import ServiceBenefit
from tests.catalogue.conftest import make_family, make_service

BROWSE = "/catalogue/parcourir/"


def titles(html: str) -> list[str]:
    return re.findall(r'class="service-card-title"><a href="[^"]*">([^<]*)</a>', html)


@pytest.fixture
def browser(client_for, user_a):
    cache.clear()
    return client_for(user_a)


def test_browse_url_and_nav_item(browser, catalogue_index):
    assert reverse("catalogue:browse") == BROWSE
    html = browser.get("/").content.decode()
    assert f'<a href="{reverse("catalogue:index")}">Catalogue</a>' in html


def test_published_service_appears_and_unpublished_never_does(browser, family):
    make_service(family, title="Imprimante couleur", code="PUB")
    make_service(family, title="Imprimante secrète", code="DRAFT", publish=False)
    for url in (
        BROWSE,
        f"{BROWSE}?q=imprimante",
        f"{BROWSE}?family=IMP",
        f"{BROWSE}?need=securite",
        f"{BROWSE}?client_type=metier",
        f"{BROWSE}?maturity=nouveau",
        family.url,
        "/catalogue/",
    ):
        html = browser.get(url).content.decode()
        assert "Imprimante secrète" not in html, url
        if url != "/catalogue/":
            assert "Imprimante couleur" in html, url


def test_a_service_unpublished_later_leaves_browse_and_search(browser, family):
    service = make_service(family, title="Numérisation de masse")
    assert titles(browser.get(f"{BROWSE}?q=numérisation").content.decode()) == ["Numérisation de masse"]
    service.unpublish()
    assert titles(browser.get(f"{BROWSE}?q=numérisation").content.decode()) == []
    assert titles(browser.get(BROWSE).content.decode()) == []


def test_filters_by_family_maturity_client_type_and_need(browser, catalogue_index, family):
    other = make_family(catalogue_index, code="SEC", title="Sécurité")
    make_service(
        family, title="A imprimer", maturity="mature", needs=("finances",), client_types=("filiale",)
    )
    make_service(other, title="B protéger", maturity="nouveau", needs=("securite",), client_types=("metier",))
    assert titles(browser.get(f"{BROWSE}?family=IMP").content.decode()) == ["A imprimer"]
    assert titles(browser.get(f"{BROWSE}?family=SEC").content.decode()) == ["B protéger"]
    assert titles(browser.get(f"{BROWSE}?maturity=nouveau").content.decode()) == ["B protéger"]
    assert titles(browser.get(f"{BROWSE}?client_type=filiale").content.decode()) == ["A imprimer"]
    assert titles(browser.get(f"{BROWSE}?need=finances").content.decode()) == ["A imprimer"]
    assert titles(browser.get(f"{BROWSE}?need=finances&family=SEC").content.decode()) == []
    assert titles(browser.get(BROWSE).content.decode()) == ["A imprimer", "B protéger"]


def test_browse_works_without_javascript_and_keeps_what_was_typed(browser, family):
    make_service(family, title="Imprimante")
    html = browser.get(f"{BROWSE}?q=imprimantes&maturity=inconnue").content.decode()
    assert re.search(r'<form class="filters" method="get"', html)
    assert "<script" not in html.split('<main id="main"')[1].split("</main>")[0]
    assert 'value="imprimantes"' in html
    assert "Sélectionnez un choix valide" in html
    assert titles(html) == ["Imprimante"]


def test_french_search_finds_singular_from_plural_and_ignores_accents(browser, family):
    make_service(family, title="Imprimante partagée", promise="Imprimer sur le réseau de l'entreprise.")
    make_service(family, title="Téléphone mobile")
    assert titles(browser.get(f"{BROWSE}?q=imprimantes").content.decode()) == ["Imprimante partagée"]
    assert titles(browser.get(f"{BROWSE}?q=IMPRIMANTE").content.decode()) == ["Imprimante partagée"]
    assert titles(browser.get(f"{BROWSE}?q=telephones").content.decode()) == ["Téléphone mobile"]
    assert titles(browser.get(f"{BROWSE}?q=reseaux").content.decode()) == ["Imprimante partagée"]


def test_search_covers_benefits_and_strong_points(browser, family):
    service = make_service(family, title="Coffre-fort numérique")
    service.benefits = [ServiceBenefit(text="Vos bulletins de paie conservés cinquante ans", need="")]
    service.save_revision().publish()
    assert titles(browser.get(f"{BROWSE}?q=bulletins").content.decode()) == ["Coffre-fort numérique"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's French stemming")
def test_postgresql_uses_french_stemming_without_accents(browser, family):
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_tsvector('french_unaccent', 'Numérisation des imprimantes')::text")
        vector = cursor.fetchone()[0]
    assert "'imprim'" in vector and "'numeris'" in vector
    make_service(family, title="Numérisation des documents")
    # A verb finds the noun: stemming, which SQLite's plural stripping cannot do.
    assert titles(browser.get(f"{BROWSE}?q=numériser").content.decode()) == ["Numérisation des documents"]
    assert titles(browser.get(f"{BROWSE}?q=numerisations").content.decode()) == ["Numérisation des documents"]


def test_catalogue_pages_need_a_login(client, family):
    for url in (BROWSE, "/catalogue/", family.url):
        response = client.get(url)
        assert response.status_code == 302 and "/connexion/" in response["Location"], url


def _queries(client, url) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.slow
def test_index_family_and_browse_run_a_constant_number_of_queries(
    browser, catalogue_index, family, django_assert_max_num_queries
):
    other = make_family(catalogue_index, code="NET", title="Réseau")
    urls = [
        "/catalogue/",
        family.url,
        BROWSE,
        f"{BROWSE}?need=securite&family=IMP&client_type=metier",
    ]
    for i in range(20):
        make_service(family if i % 2 else other, fast=True)
    small = {url: _queries(browser, url) for url in urls}
    for i in range(180):
        make_service(family if i % 2 else other, fast=True, needs=("securite", "confort"))
    large = {url: _queries(browser, url) for url in urls}
    assert small == large
    for url in urls:
        cache.clear()
        with django_assert_max_num_queries(20):
            assert browser.get(url).status_code == 200
    # Cached fragments: a second visit only checks the catalogue's version.
    for url in urls[:3]:
        browser.get(url)
        with django_assert_max_num_queries(small[url] - 2):
            assert browser.get(url).status_code == 200
