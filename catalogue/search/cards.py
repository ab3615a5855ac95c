"""Service cards of search results, rendered once per catalogue version and language.

A card shows only published content (title, family, promise, maturity, needs), the same for every
user: each process keeps the cards it rendered with the search index of the catalogue version they
belong to, so a search renders strings instead of reading and rendering up to 24 pages.
"""

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from catalogue.search.index import CatalogueIndex


def cards_for(index: CatalogueIndex, service_ids: list[int]) -> list[SafeString]:
    """The cards of these services, in this order (two or three queries for those not rendered yet)."""
    from catalogue import selectors

    rendered = index.cards.setdefault(get_language() or "", {})
    missing = [pk for pk in service_ids if pk not in rendered]
    if missing:
        services = selectors.attach_families(
            selectors.services_for_listing(selectors.offered_services().filter(pk__in=missing))
        )
        for service in services:
            html = render_to_string(
                "catalogue/includes/service_card.html", {"service": service, "show_family": True}
            )
            rendered[service.pk] = mark_safe(html)  # noqa: S308 - rendered by our own template
    return [rendered[pk] for pk in service_ids if pk in rendered]
