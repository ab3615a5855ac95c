"""Recommended results: Wagtail's search promotions, matched on the query's meaning, not its spelling
("Cybersécurité", "la cybersecurite" and "cybersécurité ?" all meet the promotion for "cybersécurité")."""

from dataclasses import dataclass

from catalogue.search.analytics import log_key


@dataclass
class Promoted:
    title: str
    url: str
    description: str
    service_id: int | None


def promoted_for(query: str) -> list[Promoted]:
    """The promotions of the query, in the editors' order: two queries whatever their number.

    A promoted page that is not published, or a retired service, is left out."""
    from wagtail.contrib.search_promotions.models import SearchPromotion

    from catalogue.models import Maturity, ServicePage

    key = log_key(query)
    promotions = [
        promotion
        for promotion in SearchPromotion.objects.select_related("query", "page").order_by("sort_order", "pk")
        if log_key(promotion.query.query_string) == key
    ]
    page_ids = [p.page_id for p in promotions if p.page_id]
    services = (
        dict(ServicePage.objects.filter(pk__in=page_ids).values_list("pk", "maturity")) if page_ids else {}
    )
    found = []
    for promotion in promotions:
        page = promotion.page
        if page is not None:
            if not page.live or services.get(page.pk) == Maturity.RETIRE:
                continue
            found.append(
                Promoted(
                    page.title,
                    page.get_url() or "",
                    promotion.description,
                    page.pk if page.pk in services else None,
                )
            )
        elif promotion.external_link_url:
            found.append(
                Promoted(
                    promotion.external_link_text or promotion.external_link_url,
                    promotion.external_link_url,
                    promotion.description,
                    None,
                )
            )
    return found
