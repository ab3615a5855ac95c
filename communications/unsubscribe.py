"""Unsubscribe links: one signed token per contact and kind of communication, no login needed.

The token is the credential (whoever holds the mail may unsubscribe its recipient, as with any
mailing); it cannot be forged without the secret key and names only a contact's number.
"""

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse

from communications.models import CommunicationKind, Unsubscription
from directory.models import Contact

SALT = "communications.unsubscribe"


def make_token(contact_id: int, kind: str, campaign_id: int | None = None) -> str:
    return signing.dumps([contact_id, kind, campaign_id], salt=SALT, compress=True)


def read_token(token: str) -> tuple[int, str, int | None] | None:
    try:
        contact_id, kind, campaign_id = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if kind not in CommunicationKind.values or not isinstance(contact_id, int):
        return None
    return contact_id, kind, campaign_id


def unsubscribe_url(contact_id: int, kind: str, campaign_id: int | None = None) -> str:
    return settings.PORTAL_BASE_URL + reverse(
        "communications:unsubscribe", args=[make_token(contact_id, kind, campaign_id)]
    )


def unsubscribe(*, contact: Contact, kind: str, campaign_id: int | None = None) -> bool:
    """Record the wish; True when it is new. Idempotent (a second click changes nothing)."""
    try:
        with transaction.atomic():
            Unsubscription.objects.create(contact=contact, kind=kind, campaign_id=campaign_id)
    except IntegrityError:
        return False
    return True


def resubscribe(*, contact: Contact, kind: str) -> None:
    Unsubscription.objects.filter(contact=contact, kind=kind).delete()


def is_unsubscribed(contact_id: int, kind: str) -> bool:
    return Unsubscription.objects.filter(contact_id=contact_id, kind=kind).exists()
