"""A business user searches the catalogue in a real browser, keyboard only: suggestions as they type, the
results, a search that finds nothing and "Décrire mon besoin"; on a desktop and on a phone.
Screenshots in var/e2e-artifacts/search_*."""

import re

import pytest
from playwright.sync_api import expect

from catalogue.models import CatalogueIndexPage, SearchLog, SearchSynonym
from requests_box.models import Request
from tests.catalogue.conftest import make_family, make_service
from tests.e2e.conftest import axe_violations, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def catalogue():
    index = CatalogueIndexPage.objects.get()
    work = make_family(
        index, code="PDT", title="Poste de travail", colour="#1f4e8c", pictogram="poste-de-travail"
    )
    net = make_family(index, code="RES", title="Réseau", colour="#1e6b3a", pictogram="reseau")
    laptop = make_service(
        work,
        code="LAPTOP",
        title="Ordinateur portable",
        promise="Un ordinateur portable prêt à l'emploi, livré sur votre bureau.",
        keywords="laptop, PC portable, ordi",
    )
    make_service(work, code="SCREEN", title="Écrans et accessoires", promise="Écran, clavier, souris.")
    make_service(net, code="WIFI", title="Wi-Fi des sites", promise="Un réseau sans fil rapide.")
    make_service(net, code="VPN", title="Accès à distance sécurisé (VPN)", promise="Depuis chez vous.")
    SearchSynonym.objects.create(terms="télétravail, accès à distance")
    return {"laptop": laptop}


def test_search_with_suggestions_results_and_no_result_keyboard_only(
    page, steps, catalogue, user_a, axe_source
):
    login(page, "alice")
    box = page.locator("#home-search")
    box.focus()
    page.keyboard.type("ordi", delay=60)
    listbox = page.locator("#home-search-list")
    expect(listbox).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(listbox.get_by_role("option").first).to_contain_text("Ordinateur portable")
    expect(page.locator("[data-search-status]").first).to_contain_text("Utilisez les flèches")
    steps.shot("suggestions as you type")
    page.keyboard.press("ArrowDown")
    first = listbox.get_by_role("option").first
    expect(first).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", first.get_attribute("id"))
    page.keyboard.press("Escape")
    expect(listbox).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("ArrowDown")  # reopens on the first suggestion
    expect(first).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/ordinateur|/laptop"))
    expect(page.locator("h1")).to_have_text("Ordinateur portable")
    steps.shot("suggestion opened")

    # The header's box, a sentence with a typo, Enter without choosing a suggestion: the results.
    page.locator("#site-search").focus()
    page.keyboard.type("j'ai besoin d'un ordinateur portabel")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/catalogue/parcourir/\?q="))
    expect(page.locator(".service-card-title").first).to_have_text("Ordinateur portable")
    expect(page.locator(".search-note")).to_contain_text("« portable » pour « portabel »")
    steps.shot("results")
    assert axe_violations(page, axe_source) == []

    # Nothing found: said, the families to browse, and "Décrire mon besoin".
    page.locator("#site-search").fill("")
    page.locator("#site-search").focus()
    page.keyboard.type("zorglub")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"q=zorglub"))
    expect(page.locator("#results-title")).to_have_text(
        "Aucun service du catalogue ne correspond à « zorglub »."
    )
    expect(page.locator(".family-links")).to_contain_text("Poste de travail")
    steps.shot("no result")
    assert axe_violations(page, axe_source) == []
    describe = page.get_by_role("link", name="Décrire mon besoin").first
    describe.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/demandes/nouvelle/"))
    expect(page.locator("#id_subject")).to_have_value("zorglub")
    expect(page.locator("#id_description")).to_have_value("zorglub")
    steps.shot("describe my need")
    page.locator("#id_description").fill("Je cherche un zorglub pour mon équipe.")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url(re.compile(r"/demandes/REQ-"))
    assert Request.objects.get().subject == "zorglub"
    assert SearchLog.objects.get(query="zorglub").request_made


def test_on_a_phone_the_results_come_first(browser, live_server, catalogue, user_a):
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    login(page, "alice")
    page.goto("/catalogue/parcourir/?q=wifi")
    results = page.locator("#results-title").bounding_box()
    filters = page.locator("form.filters").bounding_box()
    assert results["y"] < filters["y"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.locator("#site-search").fill("")
    page.locator("#site-search").focus()
    page.keyboard.type("accès", delay=40)
    expect(page.locator("#site-search-list")).to_be_visible()
    page.screenshot(path="var/e2e-artifacts/search_phone_suggestions.png", full_page=True)
    context.close()
