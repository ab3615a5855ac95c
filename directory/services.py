"""Writes to the client directory."""

from django.db import transaction

from directory.models import Contact


def link_contact_to_user(user) -> Contact | None:
    """Link the contact whose address is the user's to that user, if not linked yet.

    Returns the user's contact (linked now or before), or None when no contact has that address.
    """
    existing = Contact.objects.filter(user=user).first()
    if existing or not user.email:
        return existing
    with transaction.atomic():
        contact = (
            Contact.objects.select_for_update().filter(email__iexact=user.email, user__isnull=True).first()
        )
        if contact is None:
            return None
        contact.user = user
        contact.save(update_fields=["user"])
    return contact


def link_contact_on_login(sender, request, user, **kwargs):
    link_contact_to_user(user)
