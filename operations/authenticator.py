"""The user's authenticator app (django-otp TOTP): set up from the profile, asked only when needed.

The code lifts a login lock on a browser the account does not know (operations/throttling.py). A
user has at most one confirmed device; setting up shows a new secret until a code proves the app
has it, and removing asks for a current code (so a stolen session alone cannot remove it)."""

import base64
import urllib.parse

from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice

DEVICE_NAME = "authenticator"


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_device(user) -> TOTPDevice:
    """The device being set up (unconfirmed), created on first sight."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def secret_of(device: TOTPDevice) -> str:
    """The key as authenticator apps want it typed: base32, in groups of four."""
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def setup_uri(device: TOTPDevice) -> str:
    """otpauth:// link that authenticator apps open (same account name and issuer as the QR codes)."""
    issuer = getattr(settings, "OTP_TOTP_ISSUER", "") or "Relais DSI"
    label = urllib.parse.quote(f"{issuer}:{device.user.get_username()}")
    query = urllib.parse.urlencode(
        {
            "secret": secret_of(device).replace(" ", ""),
            "issuer": issuer,
            "digits": device.digits,
            "period": device.step,
        }
    )
    return f"otpauth://totp/{label}?{query}"


def _clean(code: str) -> str:
    return (code or "").replace(" ", "").strip()


def confirm(device: TOTPDevice, code: str) -> bool:
    """Confirm the device being set up with a code from the app; replaces any older device."""
    code = _clean(code)
    if not code.isdigit() or not device.verify_token(code):
        return False
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return True


def remove(user, code: str) -> bool:
    device = confirmed_device(user)
    code = _clean(code)
    if device is None or not code.isdigit() or not device.verify_token(code):
        return False
    TOTPDevice.objects.filter(user=user).delete()
    return True
