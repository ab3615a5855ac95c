"""Signing in with OpenID Connect against a real provider (django-oauth-toolkit, its own process)."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.contrib.auth.models import User
from django.urls import reverse

from accounts.models import ExternalIdentity
from directory import roles
from directory.models import Contact
from tests.accounts.conftest import PASSWORD

pytestmark = pytest.mark.django_db


class Browser:
    """The user's browser on the provider's side (a requests session), the test client on the portal's."""

    def __init__(self, client, provider):
        self.client, self.provider, self.session = client, provider, requests.Session()

    def follow_provider(self, url: str, login: str | None, password: str = PASSWORD) -> str | None:
        """Follow the provider's redirects, logging in when it asks; the URL it sends back, or None."""
        for _hop in range(10):
            if not url.startswith(self.provider.url):
                return url
            response = self.session.get(url, allow_redirects=False)
            if response.status_code == 200 and 'name="password"' in response.text:
                if login is None:
                    return None
                token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text).group(1)
                query = parse_qs(urlsplit(response.url).query)
                response = self.session.post(
                    response.url,
                    data={"username": login, "password": password, "csrfmiddlewaretoken": token, **query},
                    allow_redirects=False,
                )
                if response.status_code == 200:  # refused by the provider
                    return None
            url = requests.compat.urljoin(url, response.headers["Location"])
        raise AssertionError("too many redirects")

    def sign_in(self, login: str | None, password: str = PASSWORD, next_url: str = ""):
        start = reverse("oidc_authentication_init") + (f"?next={next_url}" if next_url else "")
        response = self.client.get(start)
        assert response.status_code == 302, response
        back = self.follow_provider(response["Location"], login, password)
        if back is None:
            return None
        parts = urlsplit(back)
        return self.client.get(f"{parts.path}?{parts.query}")


@pytest.fixture
def browser(client, oidc_on):
    return Browser(client, oidc_on)


def messages_of(client, response) -> str:
    return client.get(response["Location"]).content.decode()


def test_first_sign_in_creates_the_user_links_the_contact_and_maps_the_groups_claim(
    client, browser, role_mapping, entity_a
):
    Contact.objects.create(
        email="sophie.durand@groupe-aurelia.fr", first_name="S", last_name="D", entity=entity_a
    )

    response = browser.sign_in("sdurand", next_url=reverse("requests_box:triage"))

    assert response.status_code == 302 and response["Location"] == reverse("requests_box:triage")
    user = User.objects.get(username="sdurand")
    assert (user.first_name, user.last_name, user.email) == (
        "Sophie",
        "Durand",
        "sophie.durand@groupe-aurelia.fr",
    )
    assert set(user.groups.values_list("name", flat=True)) == {
        roles.BUSINESS_USERS,
        roles.RELATIONSHIP_MANAGERS,
    }
    assert Contact.objects.get(email="sophie.durand@groupe-aurelia.fr").user == user
    assert ExternalIdentity.objects.get(user=user).source == "oidc"
    assert client.get(reverse("requests_box:triage")).status_code == 200


def test_a_user_in_no_mapped_group_signs_in_as_a_business_user(client, browser, role_mapping):
    browser.sign_in("bdupont")

    assert roles.roles_of(User.objects.get(username="bdupont")) == {roles.BUSINESS_USERS}


def test_the_correspondent_role_comes_from_the_claim_too(browser, role_mapping, entity_a):
    contact = Contact.objects.create(
        email="chloe.rousseau@groupe-aurelia.fr", first_name="Chloé", last_name="Rousseau", entity=entity_a
    )

    browser.sign_in("crousseau")

    contact.refresh_from_db()
    assert contact.is_correspondent and contact.user.username == "crousseau"


def test_the_same_person_signs_in_again_into_the_same_login(browser, client):
    browser.sign_in("amartin")
    client.logout()
    User.objects.filter(username="amartin").update(username="alice.martin")  # renamed by an admin

    browser.sign_in("amartin")

    assert User.objects.filter(email="alice.martin@groupe-aurelia.fr").count() == 1


def test_logout_ends_the_portal_session_and_the_providers(client, browser, oidc_on):
    browser.sign_in("amartin")

    response = client.post(reverse("logout"))

    assert response["Location"].startswith(oidc_on.endpoint("logout/"))
    assert "id_token_hint" in parse_qs(urlsplit(response["Location"]).query)
    back = browser.follow_provider(response["Location"], login=None)
    assert back == "http://testserver/connexion/"
    assert client.get(reverse("directory:my_profile")).status_code == 302  # portal session gone
    # The provider forgot the user too: a new sign-in asks for the password again.
    start = client.get(reverse("oidc_authentication_init"))
    assert browser.follow_provider(start["Location"], login=None) is None


def test_logout_from_the_back_office_ends_the_providers_session_too(client, browser, oidc_on, role_mapping):
    browser.sign_in("sdurand")

    response = client.post(reverse("wagtailadmin_logout"))

    assert response["Location"].startswith(oidc_on.endpoint("logout/"))


def test_an_account_disabled_at_the_provider_never_gets_in(client, browser):
    assert browser.sign_in("pleger") is None
    assert not User.objects.filter(username="pleger").exists()


def test_an_account_disabled_in_the_portal_is_refused_with_a_french_message(client, browser):
    browser.sign_in("bdupont")
    assert client.get(reverse("directory:my_profile")).status_code == 200
    User.objects.filter(username="bdupont").update(is_active=False)  # the sync saw them leave
    assert client.get(reverse("directory:my_profile")).status_code == 302  # the open session is dropped

    response = browser.sign_in("bdupont")

    assert response["Location"] == reverse("login")
    assert "Votre compte est désactivé sur le portail" in messages_of(client, response)


def test_a_company_account_never_opens_a_local_administrators_account(client, browser):
    admin = User.objects.create_superuser("admin", "admin@groupe-aurelia.fr", "local-pw")

    response = browser.sign_in("admin")

    assert response["Location"] == reverse("login")
    assert "La connexion avec votre compte d’entreprise a échoué" in messages_of(client, response)
    admin.refresh_from_db()
    assert admin.check_password("local-pw") and not ExternalIdentity.objects.exists()
    assert "_auth_user_id" not in client.session


def test_an_unreachable_provider_gives_a_french_message_and_local_admins_still_sign_in(
    client, settings, oidc_on
):
    User.objects.create_superuser("technicien", "tech@groupe-aurelia.fr", "local-pw")
    settings.OIDC_OP_JWKS_ENDPOINT = "http://127.0.0.1:9/o/.well-known/jwks.json"  # nothing listens there

    response = client.get(reverse("oidc_authentication_init"))

    assert response["Location"] == reverse("login")
    page = messages_of(client, response)
    assert "Le service de connexion de l’entreprise ne répond pas" in page
    response = client.post(reverse("login"), {"username": "technicien", "password": "local-pw"})
    assert response.status_code == 302 and response["Location"] == "/"


def test_a_provider_failing_during_the_return_gives_a_french_message(client, browser, settings):
    response = client.get(reverse("oidc_authentication_init"))
    back = browser.follow_provider(response["Location"], "amartin")
    settings.OIDC_OP_TOKEN_ENDPOINT = "http://127.0.0.1:9/o/token/"

    parts = urlsplit(back)
    response = client.get(f"{parts.path}?{parts.query}")

    assert response["Location"] == reverse("login")
    assert "Le service de connexion de l’entreprise ne répond pas" in messages_of(client, response)


def test_a_refusal_at_the_provider_or_a_stale_return_is_explained(client, oidc_on):
    client.get(reverse("oidc_authentication_init"))
    state = next(iter(client.session["oidc_states"]))

    response = client.get(reverse("oidc_authentication_callback"), {"error": "access_denied", "state": state})
    assert "a été annulée ou refusée" in messages_of(client, response)
    response = client.get(reverse("oidc_authentication_callback"), {"code": "x", "state": "inconnu"})
    assert "Cette tentative de connexion a expiré" in messages_of(client, response)


def test_without_oidc_configured_the_company_sign_in_urls_do_not_exist(client):
    assert client.get(reverse("oidc_authentication_init")).status_code == 404
    assert client.get(reverse("oidc_authentication_callback")).status_code == 404
