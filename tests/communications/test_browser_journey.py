"""An editor composes a campaign in the back office, previews it, sends a test, then sends it: the
real SMTP server receives one mail per member of the audience. Screenshots in var/e2e-artifacts/."""

import re

import pytest
from playwright.sync_api import expect

from catalogue.models import CatalogueIndexPage
from communications.models import Audience, Campaign, CampaignStatus
from directory.models import Contact
from tests.catalogue.conftest import make_family, make_service
from tests.e2e.conftest import browser, login, page, steps  # noqa: F401 - the Playwright fixtures
from tests.requests_box.conftest import smtp_server  # noqa: F401 - the real SMTP sink

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_editor_composes_previews_tests_and_sends_a_campaign(
    page,  # noqa: F811
    steps,  # noqa: F811
    editor,
    user_a,
    correspondent_a,
    directorate_a,
    smtp_server,  # noqa: F811
):
    family = make_family(
        CatalogueIndexPage.objects.get(), code="POSTE", title="Poste de travail", colour="#c0392b"
    )
    make_service(family, code="VISIO", title="Visioconférence", promise="Réunissez-vous sans vous déplacer.")
    audience = Audience.objects.create(name="Direction commerciale")
    audience.directorates.add(directorate_a)
    assert Contact.objects.filter(entity__directorate=directorate_a).count() == 2

    login(page, "julien")
    page.goto("/admin/snippets/communications/campaign/add/")
    page.locator("#id_title").fill("Lancement visio")
    page.locator("#id_subject").fill("{{ first_name }}, découvrez la visioconférence")
    page.locator("#id_intro").fill("Bonjour {{ first_name }},\n\nLa DSI lance un nouveau service.")
    page.get_by_role("button", name=re.compile("Choisir (une|un|l’)? ?audience", re.I)).click()
    page.get_by_role("link", name="Direction commerciale").click()
    page.locator("#id_services").select_option(label="Visioconférence")
    steps.shot("campaign composed")
    page.get_by_role("button", name="Enregistrer").first.click()
    expect(page.locator(".messages")).to_contain_text("Lancement visio")
    campaign = Campaign.objects.get()
    assert campaign.audience == audience and campaign.services.count() == 1

    page.goto(f"/communication/campagnes/{campaign.pk}/")
    expect(page.locator("main")).to_contain_text("L’audience touche 2 personnes.")
    steps.shot("checked before sending")
    with page.expect_popup() as preview:
        page.get_by_role("button", name="Prévisualiser").click()
    expect(preview.value.locator("body")).to_contain_text("Bonjour Alice,")
    page.get_by_role("button", name="M’envoyer un test").click()
    expect(page.locator(".messages")).to_contain_text("Un test a été envoyé à julien@groupe-aurelia.fr")
    [test_mail] = smtp_server.wait_for(1)
    assert test_mail["to"] == ["julien@groupe-aurelia.fr"]

    page.get_by_role("button", name="Envoyer maintenant").click()
    expect(page.locator(".messages")).to_contain_text("2 e-mails sont en cours d’envoi")
    received = smtp_server.wait_for(3)
    assert sorted(r["to"][0] for r in received[1:]) == [
        "alice@groupe-aurelia.fr",
        "corinne@groupe-aurelia.fr",
    ]
    page.reload()
    expect(page.locator("main")).to_contain_text("Envoyée")
    steps.shot("sent and measured")
    assert Campaign.objects.get().status == CampaignStatus.SENT
