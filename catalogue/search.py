"""French full-text search over published services.

PostgreSQL: the `french_unaccent` configuration (migration 0003) stems and ignores accents, so the query
is passed as typed. SQLite (FTS5) has no stemming: services index the singular forms of their words
(`ServicePage.search_text`) and the query is reduced to singular forms by the same small rule set, so
"imprimantes" finds "imprimante" and "réseaux" finds "réseau".
"""

import re

from django.db import connection

_WORD = re.compile(r"\w+", re.UNICODE)
# Words whose final s/x is not a plural mark.
_INVARIABLE = {
    "accès", "acces", "après", "apres", "avis", "bus", "cas", "corps", "dans", "dos", "fois", "gaz",
    "jus", "lors", "mois", "os", "pas", "plus", "prix", "processus", "puis", "sans", "sous", "temps",
    "tous", "très", "tres", "vers", "virus", "voix", "campus", "express", "windows", "teams", "ios",
}  # fmt: skip


def singular(word: str) -> str:
    """A light French singular: enough to match plurals in a catalogue, not a linguist's stemmer."""
    lower = word.lower()
    if len(lower) <= 3 or lower in _INVARIABLE:
        return lower
    if lower.endswith("eaux") or lower.endswith("eux"):
        return lower[:-1]
    if lower.endswith("aux") and len(lower) > 4:
        return lower[:-3] + "al"
    if lower.endswith("s") or lower.endswith("x"):
        return lower[:-1]
    return lower


def singular_forms(text: str) -> str:
    """The words of a text whose singular differs from them, in singular form."""
    forms = []
    for word in _WORD.findall(text or ""):
        form = singular(word)
        if form != word.lower():
            forms.append(form)
    return " ".join(dict.fromkeys(forms))


def normalise_query(query: str) -> str:
    query = " ".join(query.split())
    if connection.vendor == "postgresql":
        return query
    return " ".join(singular(word) for word in _WORD.findall(query))


def matching_service_ids(query: str) -> list[int]:
    """Ids of published services matching the query, most relevant first (one query)."""
    from catalogue.models import ServicePage

    normalised = normalise_query(query)
    if not normalised:
        return []
    results = ServicePage.objects.live().search(normalised, operator="and", order_by_relevance=True)
    return [page.pk for page in results]
