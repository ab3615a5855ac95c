"""The portal's navigation: one list of destinations, each shown to the roles it serves."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from directory.roles import (
    ADMIN_ROLES,
    CIO,
    EDITORS,
    PRODUCT_MANAGERS,
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
    # Dotted path of a `user -> bool` check, for destinations that depend on more than the role.
    when: str = ""


NAV_ITEMS: tuple[NavItem, ...] = (
    NavItem(_("Home"), "home", exact=True),
    NavItem(
        _("My profile"),
        "directory:my_profile",
        description=_("Your entity, your directorate and how the DSI knows you."),
    ),
    NavItem(
        _("My portfolio"),
        "directory:my_portfolio",
        frozenset({RELATIONSHIP_MANAGERS}),
        _("Your directorates and entities: services used, requests, contacts met, committees, projects."),
    ),
    # catalogue: items of the service catalogue go here
    NavItem(
        _("Catalogue"),
        "catalogue:index",
        description=_("Find a DSI service, see what it brings you and ask for it."),
    ),
    NavItem(
        _("Catalogue searches"),
        "catalogue:search_insights",
        frozenset({EDITORS, RELATIONSHIP_MANAGERS}),
        _("What people search, what they do not find, and the keywords to add."),
    ),
    # requests_box: items of the functional mailbox go here
    NavItem(
        _("Make a request"),
        "requests_box:new_request",
        description=_("Ask the DSI for a service, a change, help; or tell us what went wrong."),
    ),
    NavItem(
        _("My requests"),
        "requests_box:my_requests",
        description=_("Your requests, their status, messages and answer deadline."),
        exact=True,
    ),
    NavItem(
        _("Requests to handle"),
        "requests_box:work_queue",
        description=_("The requests given to you or to your teams, their deadlines, your services'."),
        when="requests_box.selectors.has_work_queue",
    ),
    NavItem(
        _("Functional mailbox"),
        "requests_box:mailbox_home",
        frozenset({RELATIONSHIP_MANAGERS}),
        _("Quarantine, unknown senders, ignored messages and manual entry."),
    ),
    NavItem(
        _("Triage"),
        "requests_box:triage",
        frozenset({RELATIONSHIP_MANAGERS}),
        _("Qualify, route and follow the requests and their deadlines."),
    ),
    # committees: items of the client committees go here
    # kpis: the CIO dashboard (directorate correspondents reach their own card from its URL)
    NavItem(
        _("Indicators"),
        "kpis:dashboard",
        frozenset({CIO, RELATIONSHIP_MANAGERS}),
        _("Relations-Clients indicators, trends and targets, by directorate."),
    ),
    NavItem(
        _("Complaints"),
        "requests_box:complaint_tables",
        frozenset({CIO}),
        _("Complaint tables, complaint rate by directorate and the preventive actions decided."),
    ),
    NavItem(
        _("Surveys"),
        "kpis:survey_list",
        frozenset({RELATIONSHIP_MANAGERS}),
        _("Satisfaction surveys: barometer, after each request, catalogue; NPS and CSAT."),
    ),
    NavItem(
        _("Committees"),
        "committees:committee_list",
        None,
        _("Client committees: meetings, minutes, decisions and action plans."),
    ),
    NavItem(
        _("Clients of my services"),
        "catalogue:service_clients_list",
        frozenset({PRODUCT_MANAGERS}),
        _("Who uses your services, coverage by directorate, requests, complaints, opinions, contacts."),
    ),
    NavItem(
        _("My actions"),
        "committees:my_actions",
        frozenset({PRODUCT_MANAGERS}),
        _("The committee actions assigned to you."),
    ),
    NavItem(
        _("Client relationship"),
        "committees:not_met",
        frozenset({RELATIONSHIP_MANAGERS}),
        _("Whom we have not met lately, next contacts due, projects."),
    ),
    NavItem(
        _("Client directory"),
        "directory:entity_list",
        frozenset({RELATIONSHIP_MANAGERS, CIO}),
        _("Directorates, entities and contacts of the DSI's internal clients."),
    ),
    # communications: campaigns, audiences and the plan; the DSI's events for everyone
    NavItem(
        _("Communication"),
        "communications:campaign_list",
        frozenset({RELATIONSHIP_MANAGERS, EDITORS, CIO}),
        _("Campaigns to clients, their measures, and the yearly communication plan."),
    ),
    NavItem(
        _("Events"),
        "communications:event_list",
        None,
        _("Techdays, trainings and open days of the DSI: register for them."),
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
        if item.when and not import_string(item.when)(request.user):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        current = request.path == url if item.exact or url == "/" else request.path.startswith(url)
        items.append({"label": item.label, "url": url, "current": current, "description": item.description})
    return items
