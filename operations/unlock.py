"""The e-mailed unlock link: proves that the person at this browser reads the account's mailbox.

Asking for a link answers the same whatever the user name (nobody learns who has an account) and sends
at most one mail per account every UNLOCK_MAIL_INTERVAL_SECONDS. The link is signed, valid for an hour,
and void once the password changes; following it makes this browser trusted for the account
(operations/throttling.py), so the account's lock no longer applies here while it still stops others.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.cache import cache
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from operations.throttling import _mark

_SALT = "relais.unlock-link"
LINK_VALID_SECONDS = 3600


def _user(username: str):
    model = get_user_model()
    return model.objects.filter(
        **{f"{model.USERNAME_FIELD}__iexact": username.strip()}, is_active=True
    ).first()


def send_unlock_link(username: str) -> bool:
    """Mail an unlock link to the account's address; False when nothing was sent (unknown, too soon)."""
    user = _user(username)
    if user is None or not user.email:
        return False
    if not cache.add(f"unlock-mail:{user.pk}", 1, timeout=settings.UNLOCK_MAIL_INTERVAL_SECONDS):
        return False
    token = signing.dumps({"u": user.pk, "m": _mark(user)}, salt=_SALT)
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string(
            "operations/email/unlock.txt",
            {
                "user": user,
                "url": settings.PORTAL_BASE_URL + reverse("unlock_link", args=[token]),
                "hours": LINK_VALID_SECONDS // 3600,
            },
        )
        subject = _("Relais DSI: unlock your account on this browser")
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email], fail_silently=False)
    return True


def user_of_link(token: str):
    """The user the link was sent to, or None when it is forged, expired or void."""
    try:
        data = signing.loads(token, salt=_SALT, max_age=LINK_VALID_SECONDS)
    except signing.BadSignature:
        return None
    user = get_user_model().objects.filter(pk=data.get("u"), is_active=True).first()
    return user if user is not None and data.get("m") == _mark(user) else None
