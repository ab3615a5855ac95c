"""Real servers for the company sign-in: Debian's slapd with an AD-like tree, and an OpenID provider
(a small Django project with django-oauth-toolkit, tests/accounts/oidc_provider/) served on loopback."""

import os
from pathlib import Path

import pytest

from accounts.models import PortalRole, RoleMapping
from tests.ldapserver import GROUPS_DN, PEOPLE_DN, SERVICE_DN, SERVICE_PASSWORD, Person, Slapd, Tree

LDAP_BACKEND = "accounts.ldap_backend.DirectoryLDAPBackend"
PASSWORD = "Bonjour-2026"  # noqa: S105 - every directory person's password in the test tree

DIRECTORATES = {
    "DFIN": "Direction Financière",
    "DCOM": "Direction Commerciale",
    "DSI": "Direction des Systèmes d'Information",
}


def company_people() -> list[Person]:
    return [
        Person(
            "bdupont",
            "Bernard",
            "Dupont",
            "DFIN",
            "Contrôle de gestion",
            "Directeur financier",
            "+33 1 40 00 00 01",
        ),
        Person(
            "amartin",
            "Alice",
            "Martin",
            "DFIN",
            "Comptabilité",
            "Comptable",
            "+33 1 40 00 00 02",
            manager="bdupont",
        ),
        Person("crousseau", "Chloé", "Rousseau", "DCOM", "Ventes Grands Comptes", "Chargée d'affaires"),
        Person("sdurand", "Sophie", "Durand", "DSI", "Relations clients", "Responsable Relations Clients"),
        Person("iroux", "Isabelle", "Roux", "DSI", "Direction", "DSI"),
        Person("jfaure", "Julien", "Faure", "DSI", "Communication", "Chargé de communication"),
        Person("pleger", "Paul", "Léger", "DCOM", "Ventes Grands Comptes", "Commercial", disabled=True),
        # A person whose login is also the local technical administrator's.
        Person("admin", "Adèle", "Minard", "DCOM", "Marketing", "Chargée de marketing"),
    ]


def company_tree() -> Tree:
    people = company_people()
    for person in people:
        person.password = PASSWORD
    return Tree(
        directorates=dict(DIRECTORATES),
        people=people,
        groups={
            "GG-Relais-RRC": ["sdurand"],
            "GG-Relais-DSI": ["iroux"],
            "GG-Relais-Correspondants": ["crousseau"],
            # Nested: the communication team's members are catalogue editors.
            "GG-Communication": ["jfaure"],
            "GG-Relais-Editeurs": ["group:GG-Communication"],
            "GG-Tous": ["amartin", "bdupont", "crousseau"],
        },
    )


def _unavailable(reason: str):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: the server must be available)")
    pytest.skip(reason)


def start_slapd(directory: Path, tree: Tree, *, tls: bool = False) -> Slapd:
    if not Path("/usr/sbin/slapd").exists() or not Path("/usr/sbin/slapadd").exists():
        _unavailable("slapd is not installed (Debian package slapd)")
    return Slapd(directory, tls=tls).load(tree).start()


@pytest.fixture
def slapd(tmp_path):
    """A fresh directory per test (starting one takes ~0.1 s): tests may change the tree."""
    server = start_slapd(tmp_path / "slapd", company_tree())
    yield server
    server.stop()


def ldap_settings_for(settings, server: Slapd) -> None:
    settings.LDAP_URL = server.url
    settings.LDAP_BIND_DN = SERVICE_DN
    settings.LDAP_BIND_PASSWORD = SERVICE_PASSWORD
    settings.LDAP_USER_SEARCH_BASE = PEOPLE_DN
    settings.LDAP_GROUP_SEARCH_BASE = GROUPS_DN
    settings.LDAP_SYNC_BASE = PEOPLE_DN
    settings.LDAP_START_TLS = False
    settings.LDAP_CA_CERT_FILE = ""
    settings.LDAP_TIMEOUT = 2
    settings.DIRECTORY_SYNC_CSV = ""
    if LDAP_BACKEND not in settings.AUTHENTICATION_BACKENDS:
        settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, LDAP_BACKEND]


@pytest.fixture
def ldap_on(settings, slapd):
    """The portal configured against the test directory; returns the server."""
    ldap_settings_for(settings, slapd)
    return slapd


@pytest.fixture
def role_mapping(db):
    """The mapping a DSI would enter in the back office: by group name, by DN, in any case."""
    return [
        RoleMapping.objects.create(group="GG-Relais-RRC", role=PortalRole.RELATIONSHIP_MANAGERS),
        RoleMapping.objects.create(group=f"cn=gg-relais-dsi,{GROUPS_DN}", role=PortalRole.CIO),
        RoleMapping.objects.create(group="gg-relais-correspondants", role=PortalRole.CORRESPONDENT),
        RoleMapping.objects.create(group="GG-Relais-Editeurs", role=PortalRole.EDITORS),
    ]
