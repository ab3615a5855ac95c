"""The portal's navigation: one list of destinations, each shown to the roles it serves."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from directory.roles import (
    ADMIN_ROLES,
    CIO,
    RELATIONSHIP_MANAGERS,
    roles_of,
)


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[str] | None = None  # None: every logged-in user
    description: str = ""
    # Views that live under the item's URL keep it highlighted.
    exact: bool = False


NAV_ITEMS: tuple[NavItem, ...] = (
    NavItem(_("Home"), "home", exact=True),
    NavItem(
        _("My profile"),
        "directory:my_profile",
        description=_("Your entity, your directorate and how the DSI knows you."),
    ),
    # catalogue: items of the service catalogue go here
    # requests_box: items of the functional mailbox go here
    # committees: items of the client committees go here
    NavItem(
        _("Client directory"),
        "directory:entity_list",
        frozenset({RELATIONSHIP_MANAGERS, CIO}),
        _("Directorates, entities and contacts of the DSI's internal clients."),
    ),
    NavItem(
        _("Back office"),
        "wagtailadmin_home",
        ADMIN_ROLES,
        _("Edit the catalogue, the client directory and the portal's settings."),
    ),
)


def navigation_for(request) -> list[dict]:
    """The destinations the request's user may reach, with the current one marked."""
    roles = roles_of(request.user)
    if not roles:
        return []
    items = []
    for item in NAV_ITEMS:
        if item.roles is not None and not (roles & item.roles):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        current = request.path == url if item.exact or url == "/" else request.path.startswith(url)
        items.append({"label": item.label, "url": url, "current": current, "description": item.description})
    return items
