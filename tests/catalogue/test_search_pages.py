"""The search pages as a business user meets them: results, never a dead end, suggestions, bad input,
every search counted with what followed, in a constant number of queries."""

import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.contrib.search_promotions.models import Query, SearchPromotion

from catalogue.models import SearchLog
from requests_box.models import Request
from tests.catalogue.conftest import make_family, make_service

BROWSE = "/catalogue/parcourir/"


def titles(html: str) -> list[str]:
    return re.findall(r'class="service-card-title"><a href="[^"]*">([^<]*)</a>', html)


@pytest.fixture
def services(catalogue_index):
    work = make_family(catalogue_index, code="PDT", title="Poste de travail")
    printing = make_family(catalogue_index, code="IMP", title="Impression")
    return {
        "laptop": make_service(
            work,
            code="LAPTOP",
            title="Ordinateur portable",
            promise="Un ordinateur portable prêt à l'emploi.",
            keywords="laptop, PC portable",
        ),
        "fixed": make_service(work, code="FIXE", title="Poste fixe", promise="Un ordinateur de bureau."),
        "printer": make_service(
            printing,
            code="PRINT",
            title="Imprimantes partagées",
            promise="Imprimer et copier.",
            keywords="copieur",
        ),
    }


@pytest.fixture
def browser(client_for, user_a):
    return client_for(user_a)


def test_results_come_best_first_for_what_was_typed(browser, services):
    html = browser.get(BROWSE, {"q": "j'ai besoin d'un ordinateur portable"}).content.decode()
    assert titles(html)[0] == "Ordinateur portable"
    assert "1 service trouvé pour « j&#x27;ai besoin d&#x27;un ordinateur portable »" in html
    assert 'value="j&#x27;ai besoin d&#x27;un ordinateur portable"' in html  # kept in the boxes


def test_results_can_be_filtered_by_family(browser, services):
    html = browser.get(BROWSE, {"q": "ordinateur", "family": "PDT"}).content.decode()
    assert set(titles(html)) == {"Ordinateur portable", "Poste fixe"}
    html = browser.get(BROWSE, {"q": "ordinateur", "family": "IMP"}).content.decode()
    assert "Aucun service du catalogue ne correspond à « ordinateur »." in html


def test_an_obvious_typo_is_corrected_and_said(browser, services):
    html = browser.get(BROWSE, {"q": "ordinateur portabel"}).content.decode()
    assert titles(html)[0] == "Ordinateur portable"
    assert "Nous avons aussi cherché « portable » pour « portabel »." in html


def test_an_uncertain_correction_is_proposed(browser, services):
    html = browser.get(BROWSE, {"q": "imprimentes"}).content.decode()
    assert "Imprimantes partagées" in titles(html)
    response = browser.get(BROWSE, {"q": "ordinatoir"})
    html = response.content.decode()
    match = re.search(r"Vouliez-vous dire <a href=\"([^\"]+)\">([^<]+)</a>", html)
    assert match and match.group(2) == "ordinateur"
    assert parse_qs(urlsplit(match.group(1).replace("&amp;", "&")).query)["q"] == ["ordinateur"]


def test_no_result_says_so_and_offers_the_closest_services_families_and_describe_my_need(browser, services):
    # "coupeur" is two letters from "copieur": too far for a typo, close enough to propose it.
    html = browser.get(BROWSE, {"q": "coupeur géant"}).content.decode()
    assert "Aucun service du catalogue ne correspond à « coupeur géant »." in html
    closest = html.split("Les services les plus proches")[1]
    assert titles(closest) == ["Imprimantes partagées"]
    assert "Parcourir une famille de services" in html and "Impression" in html.split("family-links")[1]
    link = re.search(r'<a class="button" href="([^"]+)">Décrire mon besoin</a>', html).group(1)
    url = link.replace("&amp;", "&")
    assert parse_qs(urlsplit(url).query) == {"subject": ["coupeur géant"], "description": ["coupeur géant"]}
    form = browser.get(url)
    assert form.context["form"]["subject"].value() == "coupeur géant"
    assert re.search(r">\s*coupeur géant</textarea>", form.content.decode())


def test_nonsense_still_leads_somewhere(browser, services):
    html = browser.get(BROWSE, {"q": "zorglub"}).content.decode()
    assert "Aucun service du catalogue ne correspond" in html
    assert "Les services les plus proches" not in html
    families = html.split("family-links")[1]
    assert "Poste de travail" in families and "Impression" in families  # every family, then
    assert "Décrire mon besoin" in html


def test_recommended_results_come_first_and_skip_retired_services(browser, services):
    query = Query.get("Impression urgente")
    SearchPromotion.objects.create(
        query=query, page=services["printer"], sort_order=0, description="Le bon réflexe"
    )
    SearchPromotion.objects.create(query=query, page=services["fixed"], sort_order=1)
    services["fixed"].maturity = "retire"
    services["fixed"].save_revision().publish()
    # The same words, another spelling: the promotion applies.
    html = browser.get(BROWSE, {"q": "impressions URGENTES"}).content.decode()
    recommended = html.split('id="promoted-title"')[1].split("</section>")[0]
    assert "Imprimantes partagées" in recommended and "Le bon réflexe" in recommended
    assert "Poste fixe" not in recommended


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "ordinateur " * 200,  # 2,200 characters
        "x" * 2000,
        "!!! ??? ... ---",
        "'; DROP TABLE catalogue_servicepage; --",
        '"ordinateur portable"',
        '"ordinateur',
        "ordi*",
        "*",
        "ordinateur NEAR portable",
        "NEAR(ordinateur portable, 2)",
        "ordinateur OR imprimante",
        "ordinateur AND NOT portable",
        "(ordinateur",
        "ordinateur) (",
        "title:ordinateur",
        "^ordinateur -portable +pc",
        "ordinateur\x00portable",
        "%_\\",
    ],
)
def test_bad_input_gives_a_normal_page(browser, services, query):
    response = browser.get(BROWSE, {"q": query})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>" in html and 'class="results-count"' in html
    assert all("\x00" not in logged for logged in SearchLog.objects.values_list("query", flat=True))


def test_bad_input_in_suggestions_gives_a_normal_answer(browser, services):
    for query in ['"', "*", "NEAR(", "x" * 3000, "\x00", ""]:
        response = browser.get(reverse("catalogue:suggest"), {"q": query})
        assert response.status_code == 200
        assert isinstance(json.loads(response.content)["suggestions"], list)


def test_suggestions_give_titles_and_keywords_with_where_they_lead(browser, services):
    data = json.loads(browser.get(reverse("catalogue:suggest"), {"q": "ordi"}).content)
    first = data["suggestions"][0]
    assert first == {
        "label": "Ordinateur portable",
        "url": services["laptop"].url,
        "hint": "",
        "kind": "service",
    }
    data = json.loads(browser.get(reverse("catalogue:suggest"), {"q": "lapt"}).content)
    keyword = data["suggestions"][0]
    assert keyword["kind"] == "keyword" and keyword["label"] == "laptop"
    assert keyword["url"] == f"{BROWSE}?q=laptop" and keyword["hint"] == "Ordinateur portable"


def test_suggestions_need_a_login(client, services):
    response = client.get(reverse("catalogue:suggest"), {"q": "ordi"})
    assert response.status_code == 302 and "/connexion/" in response["Location"]


@pytest.mark.parametrize("url", ["/mon-profil/", "/demandes/", BROWSE, "/demandes/nouvelle/"])
def test_every_portal_page_has_the_search_box_in_its_header(browser, services, url):
    html = browser.get(url).content.decode()
    header = html.split("</header>")[0]
    assert '<form class="search-box" action="/catalogue/parcourir/" method="get" role="search"' in header
    assert 'role="combobox"' in header and 'aria-controls="site-search-list"' in header
    assert "search-suggest.js" in html.split("</head>")[0]
    assert "<script>" not in html  # no inline script (CSP)


def test_the_home_page_has_a_large_search_box(browser, services):
    html = browser.get("/").content.decode()
    assert 'id="home-search"' in html and "search-box-large" in html
    assert 'id="site-search"' not in html  # not twice on the same page


def test_every_search_is_counted_without_who_searched(browser, services):
    browser.get(BROWSE, {"q": "Ordinateur  Portable"})
    browser.get(BROWSE, {"q": "zorglub"})
    logs = list(SearchLog.objects.order_by("pk").values("query", "key", "result_count"))
    assert logs == [
        {"query": "ordinateur portable", "key": "ordin portabl", "result_count": 1},
        {"query": "zorglub", "key": "zorglub", "result_count": 0},
    ]
    names = {field.name for field in SearchLog._meta.get_fields()}
    assert not names & {"user", "session", "session_key", "ip", "address", "contact"}


def test_opening_a_result_is_noted_with_its_position(browser, services):
    browser.get(BROWSE, {"q": "ordinateur"})
    browser.get(services["fixed"].url)
    browser.get(services["laptop"].url)  # only the first result opened counts
    log = SearchLog.objects.get()
    assert log.opened_position == 2 and not log.request_made


def test_a_request_sent_after_a_search_is_noted(browser, services, entity_a):
    browser.get(BROWSE, {"q": "zorglub"})
    response = browser.post(
        reverse("requests_box:new_request"), {"subject": "zorglub", "description": "Je cherche un zorglub."}
    )
    assert response.status_code == 302 and Request.objects.count() == 1
    log = SearchLog.objects.get()
    assert log.request_made and log.opened_position is None


def test_a_page_that_is_not_a_result_is_not_an_opened_result(browser, services):
    browser.get(BROWSE, {"q": "imprimante"})
    browser.get(services["laptop"].url)
    assert SearchLog.objects.get().opened_position is None


def _search_queries(client, query: str) -> int:
    """Queries of a search, once this catalogue version's index, cards and vocabulary exist."""
    client.get(BROWSE, {"q": query})
    client.get("/")  # the next search is a new one
    with CaptureQueriesContext(connection) as context:
        response = client.get(BROWSE, {"q": query})
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.slow
def test_a_search_runs_a_constant_number_of_queries(
    browser, services, catalogue_index, django_assert_max_num_queries
):
    family = make_family(catalogue_index, code="NET", title="Réseau")
    for i in range(17):
        make_service(family, code=f"N{i}", title=f"Service réseau {i}", fast=True, keywords="réseau, wifi")
    browser.get(BROWSE, {"q": "réseau"})  # builds the index and renders the cards once
    small = [_search_queries(browser, q) for q in ("réseau", "wifi ordinateur", "zorglub")]
    for i in range(17, 200):
        make_service(family, code=f"N{i}", title=f"Service réseau {i}", fast=True, keywords="réseau, wifi")
    browser.get(BROWSE, {"q": "réseau"})
    browser.get(BROWSE, {"q": "réseau", "page": 2})
    large = [_search_queries(browser, q) for q in ("réseau", "wifi ordinateur", "zorglub")]
    assert small == large
    with django_assert_max_num_queries(16):
        browser.get(BROWSE, {"q": "wifi réseau ordinateur"})
