"""The login pages (portal and Wagtail) in French, with the company sign-in first when configured;
the scheduled sync."""

import pytest
from django.urls import reverse

from accounts.models import DirectorySyncRun
from directory.models import Contact
from operations import scheduler

pytestmark = pytest.mark.django_db


def test_without_company_sign_in_the_login_page_is_the_local_form(client):
    page = client.get(reverse("login")).content.decode()

    assert "Se connecter avec mon compte d’entreprise" not in page
    assert "<details" not in page
    assert "Nom d’utilisateur" in page


def test_with_openid_the_company_button_leads_and_the_local_form_folds_away(client, settings):
    settings.OIDC_RP_CLIENT_ID = "relais-portail"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = "https://login.example.test/authorize"

    page = client.get(reverse("login") + "?next=/boite/tri/").content.decode()

    button = page.index("Se connecter avec mon compte d’entreprise")
    assert button < page.index("<details") < page.index('name="password"')
    assert 'href="/connexion/entreprise/?next=%2Fboite%2Ftri%2F"' in page
    assert "Compte local (administrateur technique)" in page
    assert '<details class="local-login" open>' not in page
    # A failed local attempt keeps the local form open, with what was typed.
    page = client.post(reverse("login"), {"username": "technicien", "password": "x"}).content.decode()
    assert '<details class="local-login" open>' in page and 'value="technicien"' in page


def test_wagtails_login_offers_the_company_sign_in_too(client, settings):
    settings.OIDC_RP_CLIENT_ID = "relais-portail"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = "https://login.example.test/authorize"

    page = client.get(reverse("wagtailadmin_login")).content.decode()

    assert page.index("Se connecter avec mon compte d’entreprise") < page.index('name="password"')
    assert "Ou, avec un compte local (administrateur technique)" in page


def test_with_ldap_the_form_asks_for_the_company_login(client, settings):
    settings.LDAP_URL = "ldap://127.0.0.1:9"

    page = client.get(reverse("login")).content.decode()
    assert "Identifiant d’entreprise" in page
    assert "L’identifiant et le mot de passe de votre compte d’entreprise (Windows)." in page
    admin_page = client.get(reverse("wagtailadmin_login")).content.decode()
    assert "Connectez-vous avec l’identifiant et le mot de passe de votre compte d’entreprise" in admin_page


def test_the_logout_form_may_end_on_the_providers_logout_page(client, settings):
    """Chromium applies form-action to the redirects after a form: the provider's origin is allowed."""
    settings.CSP_FORM_ACTION_EXTRA = ["https://login.example.test"]

    header = client.get(reverse("login"))["Content-Security-Policy"]

    assert "form-action 'self' https://login.example.test" in header


def test_the_scheduler_runs_the_sync_only_when_a_directory_is_configured(settings, ldap_on):
    assert "sync_directory" in [job.name for job in scheduler.jobs() if job.enabled()]
    settings.LDAP_URL = ""
    assert "sync_directory" not in [job.name for job in scheduler.jobs() if job.enabled()]


def test_the_scheduled_task_syncs_the_configured_directory(ldap_on):
    from accounts.tasks import sync_directory

    result = sync_directory.enqueue()  # immediate backend in the tests

    assert result.return_value["status"] == "completed" and result.return_value["contact_created"] == 7
    assert DirectorySyncRun.objects.get().source == "ldap"
    assert Contact.objects.count() == 7


def test_incomplete_company_sign_in_settings_are_reported_by_check(settings):
    from accounts.checks import company_sign_in_settings

    settings.LDAP_URL = "ldap://dc1.example.test"
    settings.LDAP_USER_SEARCH_BASE = ""
    settings.OIDC_RP_CLIENT_ID = "relais"
    settings.DIRECTORY_SYNC_ATTRIBUTES = "email=,bureau=office"

    ids = {error.id: error.msg for error in company_sign_in_settings(None)}

    assert set(ids) == {"accounts.E001", "accounts.E002", "accounts.E003"}
    assert "OIDC_OP_TOKEN_ENDPOINT" in ids["accounts.E003"]


def test_wagtails_login_page_is_french_and_loads_its_icons_before_login(client):
    page = client.get(reverse("wagtailadmin_login")).content.decode()
    assert "Mot de passe" in page and ">Password" not in page

    sprite = client.get(reverse("wagtailadmin_sprite"))
    assert sprite.status_code == 200 and sprite["Content-Type"].startswith("image/svg+xml")
    assert client.get(reverse("wagtailadmin_javascript_catalog")).status_code == 200
