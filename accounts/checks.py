"""`manage.py check` (and every start) says what is missing in the company sign-in's settings."""

from django.conf import settings
from django.core.checks import Error, register

from accounts import conf

OIDC_REQUIRED = (
    "OIDC_RP_CLIENT_SECRET",
    "OIDC_OP_AUTHORIZATION_ENDPOINT",
    "OIDC_OP_TOKEN_ENDPOINT",
    "OIDC_OP_USER_ENDPOINT",
    "OIDC_OP_JWKS_ENDPOINT",
)


@register()
def company_sign_in_settings(app_configs, **kwargs):
    errors = []
    try:
        conf.sync_attributes()
    except ValueError as exc:
        errors.append(Error(str(exc), id="accounts.E001"))
    if settings.LDAP_URL and not settings.LDAP_USER_SEARCH_BASE:
        errors.append(Error("LDAP_URL is set but LDAP_USER_SEARCH_BASE is not", id="accounts.E002"))
    if settings.OIDC_RP_CLIENT_ID:
        missing = [name for name in OIDC_REQUIRED if not getattr(settings, name, "")]
        if missing:
            errors.append(Error(f"OIDC_RP_CLIENT_ID is set but not {', '.join(missing)}", id="accounts.E003"))
    return errors
