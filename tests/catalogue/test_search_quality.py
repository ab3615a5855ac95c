"""The everyday queries of tests/catalogue/search_queries.py against the demo catalogue.

Thresholds. The issue aims at 95 % in the first three results. QUERIES (132 queries, written before
the search was built) scores 100 % on both databases today; 95 % leaves room for six of them to move
when the demo catalogue or the ranking changes for good reasons, and fails on a real regression (the
search of issue 17 scored about 25 %). HELD_OUT (65 queries, never used to tune the keywords)
scores 95–97 %; 90 % asks that the search keep working on words nobody wrote down for it.
"""

import pytest

from catalogue import demo
from catalogue.models import ServicePage
from catalogue.search import search
from tests.catalogue.search_queries import HELD_OUT, QUERIES

pytestmark = pytest.mark.slow


def share_found(queries) -> tuple[float, list[str]]:
    codes = dict(ServicePage.objects.values_list("pk", "code"))
    missed = []
    for query, _category, expected in queries:
        top = [codes[pk] for pk in search(query).service_ids[:3]]
        if not set(top) & set(expected):
            missed.append(f"{query!r}: {top}, expected {list(expected)}")
    return 1 - len(missed) / len(queries), missed


@pytest.mark.django_db
def test_everyday_queries_find_their_service_in_the_first_three():
    demo.seed()
    share, missed = share_found(QUERIES)
    assert share >= 0.95, f"QUERIES: {share:.1%} found:\n" + "\n".join(missed)
    share, missed = share_found(HELD_OUT)
    assert share >= 0.90, f"HELD_OUT: {share:.1%} found:\n" + "\n".join(missed)


def test_the_query_set_is_large_and_varied():
    categories = {category for _q, category, _e in QUERIES}
    assert len(QUERIES) >= 80 and categories == {"sentence", "typo", "english", "jargon", "synonym"}
    assert len({query.lower() for query, _c, _e in QUERIES + HELD_OUT}) == len(QUERIES) + len(HELD_OUT)
