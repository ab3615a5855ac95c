"""The company sign-in in Chromium, in French, at 1366×768 and at 390 px: OpenID Connect through the
test provider and back, logout from both; LDAP sign-in and the directory being down; Wagtail's login.
Screenshots in var/e2e-artifacts/sso-*/."""

import re

import pytest
from playwright.sync_api import expect

from tests.accounts.conftest import PASSWORD
from tests.e2e.conftest import ARTIFACTS, browser  # noqa: F401 - Debian's Chromium

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

VIEWPORTS = {"desktop": {"width": 1366, "height": 768}, "mobile": {"width": 390, "height": 844}}


class Shots:
    def __init__(self, page, name: str):
        self.page, self.folder, self.count = page, ARTIFACTS / name, 0
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob("*.png"):
            old.unlink()

    def __call__(self, step: str) -> None:
        self.count += 1
        self.page.screenshot(path=str(self.folder / f"{self.count:02d}-{step}.png"), full_page=True)


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request):
    return request.param


@pytest.fixture
def page(browser, live_server, viewport):  # noqa: F811
    # The portal's CSP stays on: the logout form must be allowed to end on the provider's page.
    context = browser.new_context(base_url=live_server.url, locale="fr-FR", viewport=VIEWPORTS[viewport])
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_openid_sign_in_and_logout(page, live_server, oidc_on, role_mapping, viewport):
    shot = Shots(page, f"sso-openid-{viewport}")
    page.goto("/boite/tri/")
    expect(page).to_have_url(re.compile(r"/connexion/\?next="))
    button = page.get_by_role("link", name="Se connecter avec mon compte d’entreprise")
    expect(button).to_be_visible()
    expect(page.locator("details.local-login")).not_to_have_attribute("open", "")
    shot("login")

    button.click()
    expect(page).to_have_url(re.compile(re.escape(oidc_on.url)))
    page.get_by_label("Identifiant").fill("sdurand")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    shot("provider")
    page.get_by_role("button", name="Se connecter").click()

    expect(page).to_have_url(re.compile(r"/boite/tri/$"))
    expect(page.locator(".who")).to_contain_text("Sophie Durand")
    expect(page.locator(".who")).to_contain_text("Responsable Relations Clients")
    shot("triage")

    page.locator("form[action='/deconnexion/'] button").click()
    expect(page).to_have_url(re.compile(r"/connexion/$"))
    shot("logged-out")
    # Signed out of the provider too: the company button asks for the password again.
    page.get_by_role("link", name="Se connecter avec mon compte d’entreprise").click()
    expect(page.get_by_label("Mot de passe")).to_be_visible()


def test_openid_refusal_and_local_form(page, live_server, oidc_on, settings, viewport):
    shot = Shots(page, f"sso-openid-down-{viewport}")
    settings.OIDC_OP_JWKS_ENDPOINT = "http://127.0.0.1:9/o/.well-known/jwks.json"  # the provider is down
    page.goto("/connexion/")
    page.get_by_role("link", name="Se connecter avec mon compte d’entreprise").click()

    expect(page.locator(".messages")).to_contain_text("Le service de connexion de l’entreprise ne répond pas")
    # The local form is open at once: the company sign-in is out of reach.
    expect(page.get_by_label("Nom d’utilisateur")).to_be_visible()
    shot("provider-down")


def test_directory_sign_in_and_directory_down(page, live_server, ldap_on, role_mapping, viewport):
    shot = Shots(page, f"sso-ldap-{viewport}")
    page.goto("/connexion/")
    expect(page.get_by_text("L’identifiant et le mot de passe de votre compte d’entreprise")).to_be_visible()
    page.get_by_label("Identifiant d’entreprise").fill("sdurand")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    shot("login")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.locator(".who")).to_contain_text("Responsable Relations Clients")
    shot("home")
    page.locator("form[action='/deconnexion/'] button").click()

    ldap_on.stop()
    page.get_by_label("Identifiant d’entreprise").fill("amartin")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.locator(".error-summary")).to_contain_text("L’annuaire de l’entreprise ne répond pas")
    expect(page.get_by_label("Identifiant d’entreprise")).to_have_value("amartin")
    shot("directory-down")


def test_wagtail_login_offers_the_company_sign_in(page, live_server, oidc_on, role_mapping, viewport):
    shot = Shots(page, f"sso-wagtail-{viewport}")
    page.goto("/admin/login/?next=/admin/")  # (/admin/ itself sends to the portal's login page)
    expect(page.locator("form.login-form")).to_be_visible()
    shot("admin-login")
    button = page.locator("main .company-sign-in-button")
    expect(button).to_be_visible()
    button.click()
    page.get_by_label("Identifiant").fill("sdurand")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    shot("admin-home")
