"""Talking to the LDAP directory (python-ldap), for the sign-in backend and the directory sync.

Imported only when LDAP is configured: python-ldap is loaded here and nowhere else at start-up.
"""

import uuid

import ldap
from django.conf import settings


def connection_options() -> dict:
    """Per-connection options: short timeouts (an unreachable directory must not hang a login page),
    no referral chasing (Active Directory's referrals need another bind), the CA to check StartTLS."""
    options = {
        ldap.OPT_PROTOCOL_VERSION: ldap.VERSION3,
        ldap.OPT_REFERRALS: 0,
        ldap.OPT_NETWORK_TIMEOUT: settings.LDAP_TIMEOUT,
        ldap.OPT_TIMEOUT: max(settings.LDAP_TIMEOUT, 30),
    }
    if settings.LDAP_CA_CERT_FILE:
        options[ldap.OPT_X_TLS_REQUIRE_CERT] = ldap.OPT_X_TLS_DEMAND
        options[ldap.OPT_X_TLS_CACERTFILE] = settings.LDAP_CA_CERT_FILE
        options[ldap.OPT_X_TLS_NEWCTX] = 0  # last: applies the TLS options above to this connection
    return options


def connect():
    """A connection bound with the service account (LDAP_BIND_DN), StartTLS first when asked."""
    conn = ldap.initialize(settings.LDAP_URL)
    for option, value in connection_options().items():
        conn.set_option(option, value)
    if settings.LDAP_START_TLS:
        conn.start_tls_s()
    conn.simple_bind_s(settings.LDAP_BIND_DN, settings.LDAP_BIND_PASSWORD)
    return conn


def text(value) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace").strip()
    return str(value).strip()


def identifier(value) -> str:
    """An entry's identifier as text: Active Directory's 16-byte objectGUID in its usual form."""
    if isinstance(value, str):
        try:
            raw = value.encode("utf-8")  # django-auth-ldap decodes what happens to be valid UTF-8
        except UnicodeEncodeError:
            return value.strip()
        value = raw if len(raw) == 16 else value
    if isinstance(value, bytes):
        if len(value) == 16:
            return str(uuid.UUID(bytes_le=value))
        try:
            return value.decode("utf-8").strip()
        except UnicodeDecodeError:
            return value.hex()
    return str(value).strip()


def first(attrs, name: str):
    """The first value of an attribute (attribute names are case-insensitive), or None."""
    if not name:
        return None
    for key, values in attrs.items():
        if key.lower() == name.lower():
            return values[0] if values else None
    return None


def normalise_dn(dn: str) -> str:
    try:
        return ldap.dn.dn2str(ldap.dn.str2dn(dn)).lower()
    except ldap.DECODING_ERROR:
        return dn.strip().lower()
