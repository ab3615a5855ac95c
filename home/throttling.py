"""Login throttling: too many failed logins lock the account for a while, per user name and address.

Failures are counted in the cache (Redis in production, shared by every gunicorn worker) under
two keys: the user name from this IP address (someone guessing a colleague's password) and the
user name from anywhere (a distributed guess, with a higher limit). Over a limit, logins for that
user name are refused, even with the right password, until the window has passed; a success
clears the counter of this user name from this address.

Enforced in two places:
- `LoginThrottleBackend`, listed first in AUTHENTICATION_BACKENDS, refuses any authentication while
  locked (raising PermissionDenied stops Django before the next backend): the portal's login
  page, Wagtail's admin login and anything calling `authenticate()` alike. Otherwise it steps
  aside and Django's ModelBackend checks the password, so sessions keep ModelBackend's path.
- `ThrottledAuthenticationForm` (portal login) and `ThrottledAdminLoginForm` (Wagtail's login)
  show a clear message instead of "wrong password".
Failures are recorded from Django's `user_login_failed` signal, whatever the login path.
"""

import hashlib

from django import forms
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm


def _limits() -> tuple[int, int, int]:
    return (
        getattr(settings, "LOGIN_FAILURE_LIMIT", 5),
        getattr(settings, "LOGIN_FAILURE_LIMIT_ANY_ADDRESS", 20),
        getattr(settings, "LOGIN_LOCKOUT_SECONDS", 15 * 60),
    )


def client_address(request) -> str:
    if request is None:
        return "-"
    return request.META.get("REMOTE_ADDR", "-") or "-"


def _key(*parts: str) -> str:
    digest = hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:32]
    return f"login-failures:{digest}"


def _keys(username: str, address: str) -> tuple[str, str]:
    name = (username or "").strip().lower()
    return _key("addr", name, address), _key("any", name)


def _increment(key: str, window: int) -> int:
    if cache.add(key, 1, timeout=window):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return 1


def record_failure(username: str, request) -> None:
    _limit, _limit_any, window = _limits()
    per_address, anywhere = _keys(username, client_address(request))
    _increment(per_address, window)
    _increment(anywhere, window)


def clear_failures(username: str, request) -> None:
    per_address, _anywhere = _keys(username, client_address(request))
    cache.delete(per_address)


def is_locked(username: str, request) -> bool:
    limit, limit_any, _window = _limits()
    per_address, anywhere = _keys(username, client_address(request))
    return (cache.get(per_address) or 0) >= limit or (cache.get(anywhere) or 0) >= limit_any


@receiver(user_login_failed)
def _count_failure(sender, credentials, request=None, **kwargs):
    username = credentials.get("username")
    if username:
        record_failure(username, request)


@receiver(user_logged_in)
def _forget_failures(sender, request, user, **kwargs):
    clear_failures(user.get_username(), request)


class LoginThrottleBackend(ModelBackend):
    """A gate before ModelBackend: refuses every attempt on a locked user name, else steps aside.

    It inherits ModelBackend's `get_user` and permissions so that a session naming it (Django's
    `force_login` picks the first backend) still works; it never checks a password itself.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is not None and is_locked(username, request):
            # PermissionDenied stops `authenticate()` at once and fires `user_login_failed`.
            raise PermissionDenied("login throttled")
        return None


LOCKED_MESSAGE = _(
    "Too many failed login attempts for this account. For your security, logging in is "
    "suspended for %(minutes)d minutes. Try again later, or contact the IT service desk."
)


class ThrottleMixin:
    def clean(self):
        username = self.cleaned_data.get("username")
        if username and is_locked(username, self.request):
            record_failure(username, self.request)  # attempts while locked keep it locked
            raise forms.ValidationError(
                LOCKED_MESSAGE, code="throttled", params={"minutes": max(1, _limits()[2] // 60)}
            )
        return super().clean()


class ThrottledAuthenticationForm(ThrottleMixin, AuthenticationForm):
    """The portal's login form."""


class ThrottledAdminLoginForm(ThrottleMixin, WagtailLoginForm):
    """Wagtail's admin login form (setting WAGTAILADMIN_USER_LOGIN_FORM)."""
