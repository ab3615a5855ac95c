"""Login throttling shared by every web process and server, that an attacker cannot turn against a user.

Every attempt to log in is written to the database (`LoginAttempt`) before the password is checked,
and counted there: all gunicorn workers and all web servers see the same counts, and attempts running
at the same moment count each other (the count includes the attempts in flight). A success deletes
its own row and the earlier failures of that user name in that browser (trusted) or from that address.

Limits, over the last LOGIN_LOCKOUT_SECONDS (15 minutes):
- LOGIN_FAILURE_LIMIT (5) failures of a user name from one address: that address is refused for it;
- LOGIN_FAILURE_LIMIT_ANY_ADDRESS (20) failures of a user name from anywhere: the name is locked for
  every browser it does not trust (a distributed guess);
- LOGIN_DEVICE_FAILURE_LIMIT (5) failures in a trusted browser: that browser loses its privilege.

A *trusted browser* is one where the user logged in before, or that followed an unlock link e-mailed
to the user, or where the user gave the right password with a code of their authenticator app
(django-otp, TOTP): it holds a signed cookie naming the user (revoked by a password change). The locks
above apply to untrusted browsers only, so a lockout aimed at someone (20 failures from 4 addresses)
costs them nothing at their usual desk, and elsewhere an e-mailed link or a code lifts it for them
while the attacker stays locked out.

The client address is the one the trusted reverse proxy gives (`client_address`): X-Forwarded-For is
read only when the connection comes from an address in TRUSTED_PROXIES.

Enforced by `LoginThrottleBackend`, first in AUTHENTICATION_BACKENDS: whatever calls `authenticate()`
with a request (the portal's login page, Wagtail's, any later form) goes through it.
"""

import datetime as dt
import ipaddress
import secrets

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_logged_in
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm

from operations.models import LoginAttempt

TRUSTED_COOKIE = "relais_navigateur"
_TRUSTED_SALT = "relais.trusted-browser"
_LOCKED = "_relais_login_locked"
_ATTEMPT = "_relais_login_attempt"
_TRUST = "_relais_login_trust"


# --- the client's address, behind a trusted reverse proxy ---------------------------------------------


def _networks() -> list:
    return [ipaddress.ip_network(item, strict=False) for item in settings.TRUSTED_PROXIES]


def _ip(value: str):
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def client_address(request) -> str | None:
    """REMOTE_ADDR, or, when it is a trusted proxy, the last address X-Forwarded-For names that is not one.

    Each proxy appends the address it received the request from; only the proxies' own additions are
    trustworthy, so the list is read from the right and the first untrusted address is the client."""
    if request is None:
        return None
    remote = _ip(request.META.get("REMOTE_ADDR", ""))
    networks = _networks()
    if remote is None or not any(remote in net for net in networks):
        return str(remote) if remote else None
    chain = [_ip(part) for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    for hop in reversed(chain):
        if hop is None:
            break  # a malformed entry: stop trusting the chain here
        if not any(hop in net for net in networks):
            return str(hop)
    return str(remote)


# --- trusted browsers ----------------------------------------------------------------------------------


def _mark(user) -> str:
    """Changes when the password does: a password change revokes every trusted browser."""
    return user.get_session_auth_hash()[:16]


def _read_cookie(request) -> dict:
    raw = request.COOKIES.get(TRUSTED_COOKIE, "") if request is not None else ""
    if not raw:
        return {}
    try:
        data = signing.loads(raw, salt=_TRUSTED_SALT, max_age=settings.LOGIN_TRUSTED_BROWSER_DAYS * 86400)
    except signing.BadSignature:
        return {}
    return data if isinstance(data, dict) and isinstance(data.get("u"), dict) else {}


def trusted_device(request, username: str) -> str:
    """This browser's token when it is trusted for this user name, else ""."""
    data = _read_cookie(request)
    mark = data.get("u", {}).get(username)
    if not mark:
        return ""
    user = get_user_model().objects.filter(**{f"{get_user_model().USERNAME_FIELD}__iexact": username}).first()
    return str(data.get("d", ""))[:32] if user is not None and mark == _mark(user) else ""


def trust_this_browser(request, user) -> None:
    """Asks `TrustedBrowserMiddleware` to remember, in this browser, that `user` proved who they are."""
    marks = getattr(request, _TRUST, {})
    marks[user.get_username().strip().lower()] = _mark(user)
    setattr(request, _TRUST, marks)


class TrustedBrowserMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        marks = getattr(request, _TRUST, None)
        if marks:
            data = _read_cookie(request)
            users = {**data.get("u", {}), **marks}
            value = signing.dumps(
                {"d": data.get("d") or secrets.token_hex(16), "u": users}, salt=_TRUSTED_SALT, compress=True
            )
            response.set_cookie(
                TRUSTED_COOKIE,
                value,
                max_age=settings.LOGIN_TRUSTED_BROWSER_DAYS * 86400,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response


# --- counting ------------------------------------------------------------------------------------------


def _window_start() -> dt.datetime:
    return timezone.now() - dt.timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)


def lock_reason(username: str, address: str | None, device: str) -> str:
    """ "" when this attempt may proceed, else why not: "address", "name" or "device".

    Counts include the attempt being made (already written) and the others in flight."""
    since = _window_start()
    counts = LoginAttempt.objects.filter(username=username, at__gte=since).aggregate(
        here=Count("pk", filter=Q(address=address, device="")),
        anywhere=Count("pk", filter=Q(device="")),
        browser=Count("pk", filter=Q(device=device) & ~Q(device="")),
    )
    if device:
        return "device" if counts["browser"] > settings.LOGIN_DEVICE_FAILURE_LIMIT else ""
    if counts["here"] > settings.LOGIN_FAILURE_LIMIT:
        return "address"
    if counts["anywhere"] > settings.LOGIN_FAILURE_LIMIT_ANY_ADDRESS:
        return "name"
    return ""


def _second_factor_ok(username: str, token: str) -> bool:
    """The user's authenticator code (django-otp TOTP device), checked with django-otp's own throttle."""
    import django_otp

    token = (token or "").strip().replace(" ", "")
    if not token.isdigit():
        return False
    user = get_user_model().objects.filter(**{f"{get_user_model().USERNAME_FIELD}__iexact": username}).first()
    if user is None:
        return False
    return any(
        django_otp.verify_token(user, device.persistent_id, token) is not None
        for device in django_otp.devices_for_user(user, confirmed=True)
    )


class LoginThrottleBackend(ModelBackend):
    """A gate before ModelBackend: counts the attempt, refuses it when locked, else steps aside.

    It inherits ModelBackend's `get_user` and permissions so that a session naming it (Django's
    `force_login` picks the first backend) still works; it never checks a password itself."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None or username is None:
            return None
        name = username.strip().lower()[:150]
        address = client_address(request)
        device = trusted_device(request, name)
        LoginAttempt.objects.filter(at__lt=_window_start()).delete()
        attempt = LoginAttempt.objects.create(username=name, address=address, device=device)
        setattr(request, _ATTEMPT, attempt.pk)
        reason = lock_reason(name, address, device)
        if reason and not device and _second_factor_ok(name, request.POST.get("otp_token", "")):
            # The code lifts the lock for this attempt; ModelBackend still checks the password, and a
            # success makes this browser trusted.
            reason = ""
        setattr(request, _LOCKED, reason)
        if reason:
            # PermissionDenied stops `authenticate()` at once; the attempt stays counted.
            raise PermissionDenied("login throttled")
        return None


@receiver(user_logged_in, dispatch_uid="relais-login-throttle-success")
def _forget_failures(sender, request, user, **kwargs):
    if request is None:
        return
    name = user.get_username().strip().lower()
    attempt = getattr(request, _ATTEMPT, None)
    if attempt is not None:
        LoginAttempt.objects.filter(pk=attempt).delete()
        device = trusted_device(request, name)
        # A trusted browser clears only its own failures: logging in at an address an attacker used
        # must not wipe the attacker's failures, which keep the name locked for others.
        mine = Q(device=device) if device else Q(address=client_address(request), device="")
        LoginAttempt.objects.filter(username=name).filter(mine).delete()
    trust_this_browser(request, user)


# --- the login forms -------------------------------------------------------------------------------------

LOCKED_MESSAGE = _(
    "Too many failed login attempts for this account. For your security, logging in is "
    "suspended for %(minutes)d minutes. Try again later, or contact the IT service desk."
)
NAME_LOCKED_MESSAGE = _(
    "Too many failed login attempts have been made on this account from several places. For your "
    "security, it is protected for %(minutes)d minutes on browsers it does not know."
)


class ThrottleMixin:
    """Adds the optional authenticator code and explains a refusal due to throttling."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["otp_token"] = forms.CharField(
            label=_("Authenticator app code (only if asked)"),
            required=False,
            max_length=12,
            widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        )
        self.throttled = ""

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            reason = getattr(self.request, _LOCKED, "") if self.request is not None else ""
            if not reason:
                raise
            self.throttled = reason
            message = NAME_LOCKED_MESSAGE if reason == "name" else LOCKED_MESSAGE
            raise forms.ValidationError(
                message, code="throttled", params={"minutes": max(1, settings.LOGIN_LOCKOUT_SECONDS // 60)}
            ) from None


class ThrottledAuthenticationForm(ThrottleMixin, AuthenticationForm):
    """The portal's login form."""


class ThrottledAdminLoginForm(ThrottleMixin, WagtailLoginForm):
    """Wagtail's admin login form (setting WAGTAILADMIN_USER_LOGIN_FORM)."""
