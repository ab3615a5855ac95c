"""The portal's roles, as Django groups, and the one way to ask whether a user holds one.

Any logged-in user is a business user; the other roles add screens and rights.
Later features extend a role by granting permissions to its group in a migration
(see `grant_permissions`).
"""

from django.utils.translation import gettext_lazy as _

BUSINESS_USERS = "business_users"
RELATIONSHIP_MANAGERS = "relationship_managers"
PRODUCT_MANAGERS = "product_managers"
CIO = "cio"
EDITORS = "editors"

ROLE_LABELS = {
    BUSINESS_USERS: _("Business user"),
    RELATIONSHIP_MANAGERS: _("Relationship manager"),
    PRODUCT_MANAGERS: _("Product manager"),
    CIO: _("CIO"),
    EDITORS: _("Catalogue editor"),
}
ALL_ROLES = tuple(ROLE_LABELS)

# Who may open the back office (Wagtail admin).
ADMIN_ROLES = frozenset({RELATIONSHIP_MANAGERS, PRODUCT_MANAGERS, EDITORS})


def roles_of(user) -> frozenset[str]:
    """The roles of a user; cached on the user object for the request. Superusers hold every role."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_portal_roles", None)
    if cached is None:
        if user.is_superuser:
            cached = frozenset(ALL_ROLES)
        else:
            cached = frozenset(user.groups.values_list("name", flat=True)) | {BUSINESS_USERS}
        user._portal_roles = cached
    return cached


def has_role(user, *roles: str) -> bool:
    """True when the user holds at least one of the roles."""
    return bool(roles_of(user) & set(roles))


def ensure_permissions(apps) -> None:
    """Create the permissions of every model known to a migration state (Django does it only at the end)."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def grant_permissions(apps, group_name: str, permissions: list[str]) -> None:
    """Give a group permissions named "app_label.codename"; for use inside data migrations.

    Permissions are normally created after all migrations ran; create them first so
    a migration on a fresh database finds them.
    """
    ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=group_name)
    for dotted in permissions:
        app_label, codename = dotted.split(".", 1)
        group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
