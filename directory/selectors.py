"""Reads of the client directory."""

from django.db.models import Count, Q, QuerySet

from directory.models import Contact, Directorate, Entity


def contact_for_user(user) -> Contact | None:
    """The contact a logged-in user is: linked explicitly, or matched by e-mail address."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_portal_contact"):
        match = Q(user=user)
        if user.email:
            match |= Q(email__iexact=user.email, user__isnull=True)
        user._portal_contact = (
            Contact.objects.select_related("entity__directorate").filter(match).order_by("-user_id").first()
        )
    return user._portal_contact


def relationship_manager_for(entity_or_directorate: Entity | Directorate | None):
    """The DSI relationship manager of an entity's (or a directorate's) directorate: the one in charge,
    or their backup when the first is missing or inactive; None when neither is set."""
    if entity_or_directorate is None:
        return None
    directorate = (
        entity_or_directorate.directorate
        if isinstance(entity_or_directorate, Entity)
        else entity_or_directorate
    )
    for user in (directorate.relationship_manager, directorate.backup_relationship_manager):
        if user is not None and user.is_active:
            return user
    return None


def entities_for_listing() -> QuerySet[Entity]:
    return Entity.objects.select_related("directorate").annotate(contact_count=Count("contacts"))


def directorates_with_counts() -> QuerySet[Directorate]:
    return Directorate.objects.annotate(
        entity_count=Count("entities", distinct=True),
        contact_count=Count("entities__contacts", distinct=True),
    )


def contacts_of_entity(entity: Entity) -> QuerySet[Contact]:
    return entity.contacts.select_related("user").order_by("last_name", "first_name")
