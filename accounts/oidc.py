"""OpenID Connect sign-in (mozilla-django-oidc): Microsoft Entra ID, Keycloak, any OpenID provider.

Listed in AUTHENTICATION_BACKENDS only when OIDC_RP_CLIENT_ID is set. The person is found by the
provider's stable subject (`sub`) once known, else by login name, else by e-mail; roles come from
the groups claim through the same role mapping as LDAP (accounts/signin.py).
"""

import logging
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from accounts.models import ExternalIdentity, SignInSource
from accounts.signin import complete_sign_in, is_local_only

logger = logging.getLogger("relais.accounts")

_REACHABLE_KEY = "accounts:oidc-provider-reachable"


def _groups(claims: dict) -> list[str]:
    value = claims.get(settings.OIDC_GROUPS_CLAIM) or []
    return [value] if isinstance(value, str) else [str(item) for item in value]


class DirectoryOIDCBackend(OIDCAuthenticationBackend):
    def verify_claims(self, claims):
        return bool(claims.get("sub")) and bool(
            claims.get("email") or claims.get(settings.OIDC_USERNAME_CLAIM)
        )

    def filter_users_by_claims(self, claims):
        users = get_user_model().objects
        identity = ExternalIdentity.objects.filter(
            source=SignInSource.OIDC, subject=claims.get("sub")
        ).first()
        if identity is not None:
            return users.filter(pk=identity.user_id)
        username = claims.get(settings.OIDC_USERNAME_CLAIM)
        if username:
            found = users.filter(username__iexact=username)
            if found.exists():
                return found
        return super().filter_users_by_claims(claims)

    def _username(self, claims) -> str:
        wanted = (claims.get(settings.OIDC_USERNAME_CLAIM) or claims.get("email", "").split("@")[0])[:140]
        users = get_user_model().objects
        username, n = wanted, 1
        while users.filter(username__iexact=username).exists():
            n += 1
            username = f"{wanted}-{n}"
        return username

    def create_user(self, claims):
        user = get_user_model().objects.create_user(
            self._username(claims),
            email=claims.get("email", ""),
            first_name=claims.get("given_name", "")[:150],
            last_name=claims.get("family_name", "")[:150],
        )
        return self._complete(user, claims)

    def update_user(self, user, claims):
        if is_local_only(user):
            # Mozilla's backend turns this into a refused sign-in.
            raise SuspiciousOperation("a company account may not open a local administrator's account")
        fresh = {
            "email": claims.get("email", user.email),
            "first_name": claims.get("given_name", user.first_name)[:150],
            "last_name": claims.get("family_name", user.last_name)[:150],
        }
        changed = [name for name, value in fresh.items() if getattr(user, name) != value]
        for name in changed:
            setattr(user, name, fresh[name])
        if changed:
            user.save(update_fields=changed)
        return self._complete(user, claims)

    def _complete(self, user, claims):
        if user.is_active:  # an inactive login is refused by the callback view, with its own message
            complete_sign_in(user, source=SignInSource.OIDC, subject=claims["sub"], groups=_groups(claims))
        return user

    def get_user(self, user_id):
        user = super().get_user(user_id)
        return user if user is not None and user.is_active else None


def provider_reachable() -> bool:
    """Whether the provider answers (its key set); a success is remembered for a minute."""
    if cache.get(_REACHABLE_KEY):
        return True
    url = settings.OIDC_OP_JWKS_ENDPOINT or settings.OIDC_OP_AUTHORIZATION_ENDPOINT
    try:
        response = requests.get(url, timeout=min(settings.OIDC_TIMEOUT, 5))
    except requests.RequestException as exc:
        logger.warning("OpenID provider unreachable: %s", type(exc).__name__)
        return False
    if response.status_code >= 500:
        logger.warning("OpenID provider answers %s", response.status_code)
        return False
    cache.set(_REACHABLE_KEY, True, 60)
    return True


def forget_reachable() -> None:
    cache.delete(_REACHABLE_KEY)


def provider_logout_url(request, id_token: str) -> str:
    """The provider's end-session endpoint (RP-initiated logout), coming back to the login page."""
    from django.urls import reverse

    params = {
        "id_token_hint": id_token,
        "client_id": settings.OIDC_RP_CLIENT_ID,
        "post_logout_redirect_uri": request.build_absolute_uri(reverse("login")),
    }
    return f"{settings.OIDC_OP_LOGOUT_ENDPOINT}?{urlencode(params)}"
