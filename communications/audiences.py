"""Who an audience reaches: its members computed from the directory, minus exclusions and unsubscriptions."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q, QuerySet
from django.utils import timezone

from catalogue.models import ServicePage
from communications.models import Audience, Unsubscription
from directory.models import Contact
from kpis.models import Subscription


def _subscriber_entities(audience: Audience, on) -> QuerySet | None:
    """Entities with an active subscription to one of the audience's services or families, or None."""
    service_ids = list(audience.services.values_list("pk", flat=True))
    family_paths = list(audience.families.values_list("path", flat=True))
    if not service_ids and not family_paths:
        return None
    services = Q(pk__in=service_ids)
    for path in family_paths:
        services |= Q(path__startswith=path)
    return Subscription.objects.filter(
        Q(end__isnull=True) | Q(end__gt=on),
        service__in=ServicePage.objects.filter(services).values("pk"),
        start__lte=on,
    ).values("entity_id")


def members(audience: Audience, *, kind: str | None = None, on=None) -> QuerySet[Contact]:
    """The active contacts the audience reaches; with `kind`, without those unsubscribed from it."""
    on = on or timezone.localdate()
    contacts = Contact.objects.filter(is_active=True)
    directorate_ids = list(audience.directorates.values_list("pk", flat=True))
    if directorate_ids:
        contacts = contacts.filter(entity__directorate_id__in=directorate_ids)
    entity_ids = list(audience.entities.values_list("pk", flat=True))
    if entity_ids:
        contacts = contacts.filter(entity_id__in=entity_ids)
    if audience.client_types:
        contacts = contacts.filter(entity__client_type__in=audience.client_types)
    if audience.segments:
        contacts = contacts.filter(entity__segment__in=audience.segments)
    if audience.roles:
        contacts = contacts.filter(role__in=audience.roles)
    subscribers = _subscriber_entities(audience, on)
    if subscribers is not None:
        contacts = contacts.filter(entity_id__in=subscribers)
    contacts = contacts.exclude(pk__in=audience.excluded_contacts.values("pk"))
    if kind:
        contacts = contacts.exclude(pk__in=Unsubscription.objects.filter(kind=kind).values("contact_id"))
    return contacts


def is_valid_address(email: str) -> bool:
    if not email:
        return False
    try:
        validate_email(email)
    except ValidationError:
        return False
    return True


@dataclass
class AudienceSummary:
    size: int
    unsubscribed: int
    excluded: int
    invalid: list[Contact]  # the first ones, for the message
    invalid_count: int


def summarise(audience: Audience, *, kind: str | None = None, show_invalid: int = 20) -> AudienceSummary:
    """Size and problems of an audience, reading the members in chunks (never all in memory)."""
    reached = members(audience, kind=kind)
    size, invalid, invalid_count = 0, [], 0
    for contact in reached.only("pk", "email", "first_name", "last_name").iterator(chunk_size=2000):
        size += 1
        if not is_valid_address(contact.email):
            invalid_count += 1
            if len(invalid) < show_invalid:
                invalid.append(contact)
    everyone = members(audience).count() if kind else size
    return AudienceSummary(
        size=size,
        unsubscribed=everyone - size,
        excluded=audience.excluded_contacts.count(),
        invalid=invalid,
        invalid_count=invalid_count,
    )


def exclude_contact(audience: Audience, contact: Contact) -> None:
    audience.excluded_contacts.add(contact)
