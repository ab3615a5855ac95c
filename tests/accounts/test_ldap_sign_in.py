"""Signing in with the company (Active Directory) account, against a real slapd."""

import ldap
import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from accounts.models import ExternalIdentity
from directory import roles
from directory.models import ClientType, Contact, Directorate, Entity
from tests.accounts.conftest import PASSWORD
from tests.ldapserver import GROUPS_DN, guid_text, tls_files

pytestmark = pytest.mark.django_db


def sign_in(client, username, password=PASSWORD, url="login"):
    return client.post(reverse(url), {"username": username, "password": password})


def group_names(user) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


@pytest.fixture
def alice_contact(db):
    """Alice is already in the portal's directory (imported), without a login."""
    directorate = Directorate.objects.create(code="DFIN", name="Direction Financière")
    entity = Entity.objects.create(
        code="DFIN-COMPTA", name="Comptabilité", directorate=directorate, client_type=ClientType.FONCTIONNELLE
    )
    return Contact.objects.create(
        email="alice.martin@groupe-aurelia.fr", first_name="Alice", last_name="Martin", entity=entity
    )


def test_first_sign_in_creates_the_user_and_links_their_contact_by_email(client, ldap_on, alice_contact):
    response = sign_in(client, "amartin")

    assert response.status_code == 302 and response["Location"] == "/"
    user = User.objects.get(username="amartin")
    assert (user.first_name, user.last_name, user.email) == (
        "Alice",
        "Martin",
        "alice.martin@groupe-aurelia.fr",
    )
    alice_contact.refresh_from_db()
    assert alice_contact.user == user
    assert not user.has_usable_password()  # the directory's password is the only one
    identity = ExternalIdentity.objects.get(user=user)
    assert (identity.source, identity.subject) == ("ldap", guid_text("amartin"))
    # In no mapped group: a business user, nothing more.
    assert group_names(user) == {roles.BUSINESS_USERS}
    assert client.get("/mon-profil/").status_code in (200, 302)


def test_a_user_in_no_mapped_group_signs_in_as_a_business_user(client, ldap_on, role_mapping):
    sign_in(client, "bdupont")

    user = User.objects.get(username="bdupont")
    assert roles.roles_of(user) == {roles.BUSINESS_USERS}
    assert client.get(reverse("requests_box:triage")).status_code == 403


def test_directory_groups_give_the_mapped_roles_by_name_dn_or_nested_group(client, ldap_on, role_mapping):
    for login in ("sdurand", "iroux", "jfaure"):
        client.logout()
        assert sign_in(client, login).status_code == 302

    assert group_names(User.objects.get(username="sdurand")) == {
        roles.BUSINESS_USERS,
        roles.RELATIONSHIP_MANAGERS,
    }
    assert group_names(User.objects.get(username="iroux")) == {
        roles.BUSINESS_USERS,
        roles.CIO,
    }  # mapped by DN
    assert group_names(User.objects.get(username="jfaure")) == {roles.BUSINESS_USERS, roles.EDITORS}  # nested
    # The relationship manager reaches the triage page and the back office at once.
    client.logout()
    sign_in(client, "sdurand")
    assert client.get(reverse("requests_box:triage")).status_code == 200


def test_roles_follow_the_directory_at_each_sign_in_and_unmapped_roles_stay(client, ldap_on, role_mapping):
    sign_in(client, "sdurand")
    sophie = User.objects.get(username="sdurand")
    sophie.groups.add(*roles_groups(roles.PRODUCT_MANAGERS))  # given by hand; no mapping governs it
    client.logout()

    conn = ldap_on.admin()
    iroux_dn = "cn=Isabelle Roux,ou=DSI,ou=people,dc=aurelia,dc=test"
    # Sophie leaves the relationship managers' group (someone else takes her place).
    conn.modify_s(f"cn=GG-Relais-RRC,{GROUPS_DN}", [(ldap.MOD_REPLACE, "member", [iroux_dn.encode()])])
    sign_in(client, "sdurand")

    assert group_names(sophie) == {roles.BUSINESS_USERS, roles.PRODUCT_MANAGERS}


def roles_groups(*names):
    from django.contrib.auth.models import Group

    return list(Group.objects.filter(name__in=names))


def test_correspondent_mapping_sets_the_contacts_flag(client, ldap_on, role_mapping):
    sign_in(client, "crousseau")  # no contact yet: the first sign-in creates it from the entry

    contact = Contact.objects.get(email="chloe.rousseau@groupe-aurelia.fr")
    assert contact.user.username == "crousseau"
    assert contact.is_correspondent
    assert (contact.entity.name, contact.entity.directorate.code) == ("Ventes Grands Comptes", "DCOM")
    assert contact.entity.directorate.name == "Direction Commerciale"
    assert contact.job_title == "Chargée d'affaires"


def test_wrong_password_is_refused_in_french_and_creates_nothing(client, ldap_on):
    response = sign_in(client, "amartin", "mauvais")

    assert response.status_code == 200
    assert "Saisissez un nom d’utilisateur et un mot de passe valides" in response.content.decode()
    assert not User.objects.filter(username="amartin").exists()


def test_unreachable_directory_gives_a_french_message_and_local_admins_still_sign_in(
    client, ldap_on, settings
):
    User.objects.create_superuser("technicien", "tech@groupe-aurelia.fr", "local-pw")
    ldap_on.stop()

    response = sign_in(client, "amartin")
    page = response.content.decode()
    assert response.status_code == 200
    assert "L’annuaire de l’entreprise ne répond pas" in page, page[page.find("error-summary") :][:400]
    assert sign_in(client, "technicien", "local-pw").status_code == 302
    client.logout()
    # Wagtail's own login page too.
    response = sign_in(client, "amartin", url="wagtailadmin_login")
    assert "L’annuaire de l’entreprise ne répond pas" in response.content.decode()
    response = sign_in(client, "technicien", "local-pw", url="wagtailadmin_login")
    assert response.status_code == 302


def test_a_directory_account_never_opens_the_local_administrators_account(client, ldap_on):
    admin = User.objects.create_superuser("admin", "admin@groupe-aurelia.fr", "local-pw")

    response = sign_in(client, "admin")  # the directory's Adèle Minard, with her directory password

    assert response.status_code == 200
    admin.refresh_from_db()
    assert admin.has_usable_password() and admin.check_password("local-pw")
    assert not ExternalIdentity.objects.exists()


def test_throttling_applies_to_directory_sign_ins(client, ldap_on, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(4):
        sign_in(client, "amartin", "mauvais")

    response = sign_in(client, "amartin")  # the right password, too late

    assert response.status_code == 200
    assert "Trop de tentatives de connexion" in response.content.decode()
    assert not User.objects.filter(username="amartin").exists()


def test_sign_in_on_wagtails_login_page(client, ldap_on, role_mapping):
    response = sign_in(client, "sdurand", url="wagtailadmin_login")

    assert response.status_code == 302
    assert client.get(reverse("wagtailadmin_home")).status_code == 200


def test_a_deactivated_login_is_refused_and_loses_its_open_session(client, ldap_on):
    sign_in(client, "amartin")
    assert client.get(reverse("directory:my_profile")).status_code == 200
    User.objects.filter(username="amartin").update(is_active=False)  # what the sync does when they leave

    assert client.get(reverse("directory:my_profile")).status_code == 302  # back to the login page
    response = sign_in(client, "amartin")
    assert "Ce compte est inactif" in response.content.decode()


def test_starttls_with_the_companys_ca(client, settings, tmp_path):
    from tests.accounts.conftest import company_tree, ldap_settings_for, start_slapd

    server = start_slapd(tmp_path / "tls", company_tree(), tls=True)
    try:
        ldap_settings_for(settings, server)
        settings.LDAP_START_TLS = True
        settings.LDAP_CA_CERT_FILE = str(server.tls["ca"])
        assert sign_in(client, "amartin").status_code == 302
        client.logout()
        # A certificate signed by another authority: no clear-text fallback, the directory is "down".
        settings.LDAP_CA_CERT_FILE = str(tls_files(tmp_path / "other-ca")["ca"])
        response = sign_in(client, "bdupont")
        assert "L’annuaire de l’entreprise ne répond pas" in response.content.decode()
    finally:
        server.stop()
