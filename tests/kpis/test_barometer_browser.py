"""The barometer in a real Chromium, in French: a client answers the themed form on a 390 px phone (a
rejected submit keeps the scores), then the relationship manager reads the results by theme at
1366 px and 390 px without the page overflowing sideways. Screenshots go to
var/e2e-artifacts/kpis-barometer/."""

import pytest

from kpis.models import SurveyAnswer, SurveyScore
from tests.e2e.conftest import ARTIFACTS, browser, login  # noqa: F401 - the browser fixture
from tests.kpis.test_barometer import answer, make_survey, open_link  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
FOLDER = ARTIFACTS / "kpis-barometer"
NO_SIDEWAYS = "document.documentElement.scrollWidth"


def new_page(browser, live_server, width: int, height: int):  # noqa: F811
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", viewport={"width": width, "height": height}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def test_a_client_answers_on_a_phone_and_the_manager_reads_by_theme(
    browser,  # noqa: F811
    live_server,
    open_link,  # noqa: F811
    relationship_manager,
    entity_b,
):
    FOLDER.mkdir(parents=True, exist_ok=True)
    survey, invitation = open_link
    context, page = new_page(browser, live_server, 390, 844)
    page.goto(f"/enquetes/repondre/{invitation.token}/")
    assert page.locator("fieldset.survey-theme > legend").all_inner_texts()[:2] == [
        "Qualité de service",
        "Relation et écoute",
    ]
    assert page.evaluate(NO_SIDEWAYS) <= 390
    questions = page.locator("fieldset.survey-question")
    questions.nth(0).get_by_text("4 – Satisfait").click()
    questions.nth(1).get_by_label("8", exact=True).check()
    page.get_by_role("button", name="Envoyer ma réponse").click()  # the recommendation is missing
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(FOLDER / "answer-rejected-390.png"), full_page=True)
    assert page.get_by_text("Vérifiez les questions signalées ci-dessous.").is_visible()
    assert questions.nth(0).locator("input:checked").get_attribute("value") == "4"
    assert questions.nth(1).locator("input:checked").get_attribute("value") == "8"
    page.locator("fieldset.survey-question", has_text="Recommanderiez-vous").get_by_label(
        "9", exact=True
    ).check()
    page.locator("fieldset.survey-question", has_text="satisfaction").get_by_text(
        "5 – Très satisfait"
    ).click()
    page.get_by_role("button", name="Envoyer ma réponse").click()
    page.wait_for_load_state("networkidle")
    assert SurveyAnswer.objects.filter(survey=survey, nps=9, csat=5).exists()
    assert sorted(SurveyScore.objects.values_list("value", flat=True)) == [4, 8]
    context.close()

    previous = make_survey(2025)
    answer(previous, entity_b, 6, 2, 5, 3)
    answer(survey, entity_b, 7, 3, 6, 4)
    for width, height in ((1366, 768), (390, 844)):
        context, page = new_page(browser, live_server, width, height)
        login(page, "sophie")
        page.goto(f"/enquetes/{survey.code}/")
        page.get_by_role("link", name="Résultats par thème et par direction, d'une année sur l'autre").click()
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(FOLDER / f"themes-{width}.png"), full_page=True)
        assert page.locator(".theme-card").count() == 3  # NPS and the two themes
        assert page.get_by_role("cell", name="Direction des Ressources Humaines").count() == 0  # a row header
        assert page.get_by_role("rowheader", name="Direction des Ressources Humaines").is_visible()
        assert page.evaluate(NO_SIDEWAYS) <= width
        context.close()
