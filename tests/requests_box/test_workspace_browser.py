"""The request workspace and the client's pages in a real browser (Playwright + Debian's Chromium), in
French: the reply box in sight at 1366×768 even with 300 messages, the live deadline preview, the
keyboard; "My requests" and the request page at 390 px with no sideways scrolling."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from requests_box import services, workflow
from requests_box.models import Direction, Message, Request
from tests.e2e.conftest import ARTIFACTS, axe_source, axe_violations, browser, login  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
SHOTS = ARTIFACTS / "workspace"


@pytest.fixture
def tab(browser, live_server):  # noqa: F811
    def open_tab(width: int, height: int):
        context = browser.new_context(
            base_url=live_server.url, locale="fr-FR", viewport={"width": width, "height": height}
        )
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    return open_tab


def long_request(user, size: int) -> Request:
    request = services.create_request(
        channel="web",
        subject="Le VPN coupe toutes les 30 minutes",
        text="Depuis la mise à jour.",
        contact=user.contact,
        submitted_by=user,
        received_at=timezone.now() - dt.timedelta(hours=3),
        acknowledge=False,
    )
    start = timezone.now() - dt.timedelta(hours=2)
    Message.objects.bulk_create(
        [
            Message(
                request=request,
                direction=(Direction.INBOUND, Direction.OUTBOUND, Direction.NOTE)[n % 3],
                text=f"Message numéro {n} : le tunnel tombe encore après quelques minutes d'inactivité.",
                sender="alice@groupe-aurelia.fr",
                sent_at=start + dt.timedelta(seconds=20 * n),
            )
            for n in range(size)
        ]
    )
    return request


def in_view(page, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    viewport = page.viewport_size
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"]


def test_the_workspace_fits_a_laptop_screen_and_previews_the_deadline(
    tab, relationship_manager, team_member, support_team, user_a
):
    request = long_request(user_a, 300)
    workflow.assign(request, actor=relationship_manager, team=support_team, notify=False)
    SHOTS.mkdir(parents=True, exist_ok=True)
    for who in ("sophie", "karim"):
        page = tab(1366, 768)
        login(page, who)
        page.goto(f"/demandes/{request.reference}/")
        # Nothing to scroll to reach the reply box; the latest message is in sight above it.
        assert page.evaluate("window.scrollY") == 0
        assert in_view(page, "#form-compose textarea") and in_view(page, "#form-compose button[type=submit]")
        expect(page.locator("#thread .msg").last).to_be_in_viewport()
        assert page.evaluate("document.documentElement.scrollWidth") <= 1366
        page.screenshot(path=str(SHOTS / f"workspace-{who}-1366.png"))
        page.context.close()

    page = tab(1366, 768)
    login(page, "karim")
    page.goto(f"/demandes/{request.reference}/")
    # The live preview: urgent and important gives 24 hours from receipt, as the server computes it.
    expected = workflow.preview_deadline(request, urgent=True, important=True, requested=None)
    expect(page.locator("[data-preview-changes]")).to_be_hidden()  # nothing changed yet
    page.locator("#id_panel-urgent").check()
    page.locator("#id_panel-important").check()
    from django.utils.formats import date_format

    with_french = date_format(timezone.localtime(expected), "l j F Y, H:i")
    expect(page.locator("[data-preview-text]")).to_have_text(with_french)
    expect(page.locator("[data-preview-rule]")).to_contain_text("urgente et importante : 24 heures")
    expect(page.locator("[data-preview-changes]")).to_be_visible()
    # One save, a clear confirmation; the deadline is the one previewed.
    page.locator("#form-save button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("Enregistré à")
    request.refresh_from_db()
    assert request.deadline == expected and request.urgent and request.important
    expect(page.locator("[data-preview-changes]")).to_be_hidden()  # the deadline is now the previewed one
    page.screenshot(path=str(SHOTS / "workspace-saved.png"))

    # Keyboard: n for an internal note (the composer turns to a note), Ctrl+Enter sends it.
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.keyboard.press("n")
    expect(page.locator("#form-compose")).to_have_attribute("data-mode", "note")
    page.keyboard.type("Vu avec le réseau : pilote à mettre à jour.")
    page.keyboard.press("Control+Enter")
    expect(page.locator(".messages")).to_contain_text("Note interne ajoutée.")
    note = request.messages.order_by("-pk").first()
    assert note.direction == "note" and note.author == team_member
    expect(page.locator("#thread .msg-note").last).to_contain_text("pilote à mettre à jour")
    # r goes back to answering the client.
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.keyboard.press("r")
    expect(page.locator("#form-compose")).to_have_attribute("data-mode", "reply")


def test_a_client_follows_and_completes_a_request_on_a_phone(tab, user_a, relationship_manager):
    late = services.create_request(
        channel="web",
        subject="Imprimante du 3e étage en panne",
        text="Bourrage permanent.",
        contact=user_a.contact,
        submitted_by=user_a,
        received_at=timezone.now() - dt.timedelta(days=15),
        acknowledge=False,
    )
    current = long_request(user_a, 6)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = tab(390, 844)
    login(page, "alice")
    page.goto("/demandes/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # Each row is a card whose cells are labelled; the late one says so and stands out.
    row = page.get_by_role("row", name=re.compile(f"{late.reference}.*Réponse promise avant le.*En retard"))
    expect(row).to_have_attribute("data-state", "breach")
    width = row.bounding_box()["width"]
    assert width <= 390
    page.screenshot(path=str(SHOTS / "my-requests-390.png"), full_page=True)

    page.goto(f"/demandes/{current.reference}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.locator("#id_message-text").fill("Voici une capture de l'erreur.")
    page.locator("#id_message-attachments").set_input_files(
        files=[{"name": "erreur.png", "mimeType": "image/png", "buffer": b"\x89PNG\r\n\x1a\n"}]
    )
    page.locator("#form-message button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("Votre message a été ajouté à la demande")
    expect(page.locator("#thread")).to_contain_text("Voici une capture de l'erreur.")
    expect(page.locator("#thread")).to_contain_text("erreur.png")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(SHOTS / "request-390.png"), full_page=True)

    # Cancel, with a reason.
    page.locator("summary", has_text="Annuler la demande").click()
    page.locator("#id_cancel-reason").fill("Le technicien est passé entre-temps.")
    page.locator("#form-cancel button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("Votre demande est annulée")
    current.refresh_from_db()
    assert current.status == "cancelled"
    page.screenshot(path=str(SHOTS / "cancelled-390.png"), full_page=True)


def test_the_new_pages_have_no_serious_accessibility_violation_and_keep_the_csp(
    browser,  # noqa: F811
    live_server,
    axe_source,  # noqa: F811
    relationship_manager,
    team_member,
    support_team,
    cio,
    user_a,
):
    request = long_request(user_a, 9)
    workflow.assign(request, actor=relationship_manager, team=support_team, notify=False)
    complaint = services.create_request(
        channel="web", subject="Réclamation : écran", text="Encore", contact=user_a.contact,
        kind="reclamation", acknowledge=False,
    )  # fmt: skip
    plan = {
        "sophie": [f"/demandes/{request.reference}/", f"/demandes/{complaint.reference}/", "/boite/rappels/"],
        "karim": ["/demandes/a-traiter/", f"/demandes/{request.reference}/"],
        "isabelle": [
            "/boite/reclamations/",
            "/boite/actions-preventives/",
            f"/demandes/{complaint.reference}/",
        ],
        "alice": [f"/demandes/{request.reference}/", "/demandes/"],
    }
    found, refused = {}, []
    for who, urls in plan.items():
        # The real Content-Security-Policy first (no bypass): nothing of the portal is refused.
        context = browser.new_context(
            base_url=live_server.url, locale="fr-FR", viewport={"width": 1366, "height": 768}
        )
        page = context.new_page()
        page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
        login(page, who)
        for url in urls:
            page.goto(url)
            page.wait_for_load_state("networkidle")
            if who == "karim" and "/demandes/REQ" in url:
                # The live preview's fetch runs under the policy: urgent and important, 24 hours.
                page.locator("#id_panel-urgent").check()
                page.locator("#id_panel-important").check()
                expect(page.locator("[data-preview-changes]")).to_be_visible()
        context.close()
        # Then axe-core, injected (which the policy rightly refuses, hence bypass_csp for it only).
        context = browser.new_context(base_url=live_server.url, locale="fr-FR", bypass_csp=True)
        page = context.new_page()
        login(page, who)
        for url in urls:
            page.goto(url)
            page.wait_for_load_state("networkidle")
            if serious := axe_violations(page, axe_source):
                found[f"{who} {url}"] = serious
        context.close()
    assert not refused, refused
    assert not found, found
