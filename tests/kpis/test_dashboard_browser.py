"""The dashboard in a real Chromium, as the CIO, in French: the first screen of a 1366×768 laptop holds
the ten company indicators and the start of the directorate × indicator heatmap; on a 390 px phone
nothing overflows sideways. Screenshots go to var/e2e-artifacts/kpis-dashboard/."""

from decimal import Decimal

import pytest

from kpis import targets
from tests.e2e.conftest import ARTIFACTS, browser, login  # noqa: F401 - the browser fixture
from tests.kpis.test_dashboard import Q3_PARAMS, world  # noqa: F401 - the dashboard's fixture

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("world"),
]
QUERY = "&".join(f"{key}={value}" for key, value in Q3_PARAMS.items())


def open_dashboard(browser, live_server, width: int, height: int):  # noqa: F811
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", viewport={"width": width, "height": height}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    login(page, "isabelle")
    page.goto(f"/indicateurs/?{QUERY}")
    page.wait_for_load_state("networkidle")
    return context, page


def test_the_first_screen_holds_the_ten_indicators_and_the_heatmap(browser, live_server, cio):  # noqa: F811
    targets.set_target(key="requests_variation", value=Decimal(50), direction="higher", user=cio)
    folder = ARTIFACTS / "kpis-dashboard"
    folder.mkdir(parents=True, exist_ok=True)

    context, page = open_dashboard(browser, live_server, 1366, 768)
    page.screenshot(path=str(folder / "cio-1366x768.png"))
    page.screenshot(path=str(folder / "cio-1366x768-full.png"), full_page=True)
    cards = page.locator(".kpi-card")
    assert cards.count() == 10
    assert cards.nth(9).bounding_box()["y"] + cards.nth(9).bounding_box()["height"] <= 768
    heatmap = page.locator(".kpi-heatmap").bounding_box()
    assert heatmap["y"] < 768  # it starts on the first screen
    assert page.locator(".kpi-heatmap td.heat-reached").count() >= 1
    context.close()

    context, page = open_dashboard(browser, live_server, 390, 844)
    page.screenshot(path=str(folder / "cio-390.png"), full_page=True)
    wide = page.evaluate(
        """[...document.querySelectorAll('body *')].filter(e => {
             if (e.getBoundingClientRect().right <= 391) return false;
             return !e.parentElement || e.parentElement.getBoundingClientRect().right <= 391;
           }).map(e => e.tagName + '.' + e.className + '#' + (e.closest('[id]') || {}).id).slice(0, 8)"""
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, wide
    context.close()
