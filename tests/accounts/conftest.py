"""Real servers for the company sign-in: Debian's slapd with an AD-like tree, and an OpenID provider
(a small Django project with django-oauth-toolkit, tests/accounts/oidc_provider/) served on loopback."""

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from accounts.models import PortalRole, RoleMapping
from tests.ldapserver import (
    GROUPS_DN,
    PEOPLE_DN,
    SERVICE_DN,
    SERVICE_PASSWORD,
    Person,
    Slapd,
    Tree,
    free_port,
)

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


# -- the OpenID provider ------------------------------------------------------------------------------

OIDC_BACKEND = "accounts.oidc.DirectoryOIDCBackend"
IDP_PACKAGE_DIR = Path(__file__).resolve().parent  # holds relais_test_idp/


@dataclass
class OpenIdProvider:
    url: str

    def endpoint(self, path: str) -> str:
        return f"{self.url}/o/{path}"

    def settings_for(self) -> dict:
        return {
            "OIDC_RP_CLIENT_ID": "relais-portail",
            "OIDC_RP_CLIENT_SECRET": "relais-portail-secret",
            "OIDC_OP_AUTHORIZATION_ENDPOINT": self.endpoint("authorize/"),
            "OIDC_OP_TOKEN_ENDPOINT": self.endpoint("token/"),
            "OIDC_OP_USER_ENDPOINT": self.endpoint("userinfo/"),
            "OIDC_OP_JWKS_ENDPOINT": self.endpoint(".well-known/jwks.json"),
            "OIDC_OP_LOGOUT_ENDPOINT": self.endpoint("logout/"),
        }


def _rsa_key() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    """The provider for the whole session (per test worker): ~2 s to migrate, seed and serve."""
    tmp = tmp_path_factory.mktemp("idp")
    env = {
        **os.environ,
        "PYTHONPATH": str(IDP_PACKAGE_DIR),
        "DJANGO_SETTINGS_MODULE": "relais_test_idp.settings",
        "IDP_DATABASE": str(tmp / "idp.sqlite3"),
        "IDP_RSA_KEY": _rsa_key(),
    }
    for command in (["migrate", "-v0"], ["idp_seed"]):
        subprocess.run(
            [sys.executable, "-m", "django", *command], env=env, cwd=tmp, check=True, capture_output=True
        )
    port = free_port()
    log = (tmp / "idp.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "django", "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        cwd=tmp,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    provider = OpenIdProvider(f"http://127.0.0.1:{port}")
    deadline = time.monotonic() + 30
    while True:
        try:
            if requests.get(provider.endpoint(".well-known/jwks.json"), timeout=1).status_code == 200:
                break
        except requests.RequestException:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"the test OpenID provider did not start: {(tmp / 'idp.log').read_text()}")
        time.sleep(0.1)
    yield provider
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def oidc_on(settings, oidc_provider):
    """The portal configured to sign in through the test provider."""
    for name, value in oidc_provider.settings_for().items():
        setattr(settings, name, value)
    settings.CSP_FORM_ACTION_EXTRA = [oidc_provider.url]  # what portal/settings.py derives from the env
    if OIDC_BACKEND not in settings.AUTHENTICATION_BACKENDS:
        settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, OIDC_BACKEND]
    return oidc_provider
