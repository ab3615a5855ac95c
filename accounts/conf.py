"""What is configured: which company sign-ins are on, and how directory attributes map to the portal.

Everything comes from settings (read from the environment in portal/settings.py); nothing here
imports python-ldap, so the portal starts without LDAP configured.
"""

from django.conf import settings

# Which directory attribute fills which field, defaults for Active Directory. `@ou` means "the
# organisational unit right under the search base", named by its `description`; an empty
# attribute means the sync does not own that field (hand edits in the portal stay).
DEFAULT_SYNC_ATTRIBUTES = {
    "external_id": "objectGUID",
    "username": "sAMAccountName",
    "email": "mail",
    "first_name": "givenName",
    "last_name": "sn",
    "job_title": "title",
    "phone": "telephoneNumber",
    "directorate": "@ou",
    "directorate_code": "",
    "entity": "department",
    "entity_code": "",
    "manager": "manager",
    "disabled": "userAccountControl",
}
OU = "@ou"


def ldap_enabled() -> bool:
    return bool(getattr(settings, "LDAP_URL", ""))


def oidc_enabled() -> bool:
    return bool(
        getattr(settings, "OIDC_RP_CLIENT_ID", "") and getattr(settings, "OIDC_OP_AUTHORIZATION_ENDPOINT", "")
    )


def sync_attributes() -> dict[str, str]:
    """The attribute of each field: the defaults overridden by DIRECTORY_SYNC_ATTRIBUTES."""
    mapping = dict(DEFAULT_SYNC_ATTRIBUTES)
    overrides = getattr(settings, "DIRECTORY_SYNC_ATTRIBUTES", "") or {}
    if isinstance(overrides, str):
        overrides = parse_pairs(overrides)
    for key, value in overrides.items():
        if key not in mapping:
            raise ValueError(f"DIRECTORY_SYNC_ATTRIBUTES: unknown field {key!r}")
        mapping[key] = value.strip()
    for required in ("external_id", "email", "first_name", "last_name", "directorate"):
        if not mapping[required]:
            raise ValueError(f"DIRECTORY_SYNC_ATTRIBUTES: {required!r} must name an attribute")
    return mapping


def parse_pairs(value: str) -> dict[str, str]:
    """`"a=b,c=d"` → {"a": "b", "c": "d"}; `"phone="` unmaps a field."""
    pairs = {}
    for item in value.split(","):
        if item.strip():
            key, sep, attr = item.partition("=")
            if not sep:
                raise ValueError(f"expected field=attribute, got {item!r}")
            pairs[key.strip()] = attr.strip()
    return pairs
