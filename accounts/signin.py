"""What happens when someone signs in with their company account (LDAP or OpenID Connect).

One function for both backends: record which directory account the login belongs to, make sure the
login has no local password of its own (the directory's is the only one), link the login to the
person's contact by e-mail, and give or take back the roles the role mapping governs.
"""

import logging
from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.db import transaction

from accounts.models import ExternalIdentity, PortalRole, RoleMapping
from directory import roles
from directory.models import Contact
from directory.services import link_contact_to_user

logger = logging.getLogger("relais.accounts")

GROUP_ROLES = frozenset(
    {PortalRole.RELATIONSHIP_MANAGERS, PortalRole.PRODUCT_MANAGERS, PortalRole.CIO, PortalRole.EDITORS}
)


def normalise_group(value: str) -> str:
    """Group names and DNs compare case-insensitively, spaces around DN separators ignored."""
    return ",".join(part.strip() for part in str(value).split(",")).casefold()


def roles_for_groups(groups: Iterable[str]) -> tuple[set[str], set[str]]:
    """(roles these groups give, roles the mapping governs at all)."""
    member_of = {normalise_group(group) for group in groups}
    given, governed = set(), set()
    for group, role in RoleMapping.objects.values_list("group", "role"):
        governed.add(role)
        if normalise_group(group) in member_of:
            given.add(role)
    return given, governed


def apply_role_mapping(user, contact: Contact | None, groups: Iterable[str]) -> set[str]:
    """Give the roles the user's groups map to and take back the governed ones they no longer map to.

    A role no mapping mentions is left as the back office set it (e.g. an editor named by hand).
    Returns the roles the directory gives."""
    given, governed = roles_for_groups(groups)
    by_name = {
        group.name: group for group in Group.objects.filter(name__in=GROUP_ROLES | {roles.BUSINESS_USERS})
    }
    current = set(user.groups.filter(name__in=GROUP_ROLES).values_list("name", flat=True))
    add = [by_name[role] for role in (given & GROUP_ROLES) - current if role in by_name]
    remove = [by_name[role] for role in (current & governed) - given if role in by_name]
    if roles.BUSINESS_USERS in by_name:
        add.append(by_name[roles.BUSINESS_USERS])  # every signed-in person is a business user
    if add:
        user.groups.add(*add)
    if remove:
        user.groups.remove(*remove)
        logger.info("sign-in: %s loses %s", user.get_username(), ", ".join(g.name for g in remove))
    if contact is not None and PortalRole.CORRESPONDENT in governed:
        correspondent = PortalRole.CORRESPONDENT in given
        if contact.is_correspondent != correspondent:
            contact.is_correspondent = correspondent
            contact.save(update_fields=["is_correspondent"])
    user.__dict__.pop("_portal_roles", None)
    return given


def complete_sign_in(user, *, source: str, subject: str, groups: Iterable[str]) -> Contact | None:
    """Called by the LDAP and OpenID Connect backends once the directory has vouched for `user`."""
    with transaction.atomic():
        # The directory account now belongs to this login (e.g. a login recreated after a rename).
        ExternalIdentity.objects.filter(source=source, subject=subject).exclude(user=user).delete()
        ExternalIdentity.objects.update_or_create(user=user, defaults={"source": source, "subject": subject})
        if user.has_usable_password():
            # The directory's password is the only one: an old local password must not outlive it.
            user.set_unusable_password()
            user.save(update_fields=["password"])
        contact = link_contact_to_user(user)
        apply_role_mapping(user, contact, groups)
    return contact


def is_local_only(user) -> bool:
    """Accounts a company sign-in must never open: the technical administrators' local accounts."""
    return bool(user.pk and user.is_superuser)
