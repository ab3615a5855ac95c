"""The share of everyday queries (tests/catalogue/search_queries.py) whose expected service is in the
first three results, on the database of the settings (seed it first: `manage.py seed_demo`).

    DJANGO_SETTINGS_MODULE=portal.settings python bench/search_quality.py [--held-out] [--misses] [--all]
"""

import os
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from catalogue.models import ServicePage  # noqa: E402
from catalogue.search import search  # noqa: E402
from tests.catalogue.search_queries import HELD_OUT, QUERIES  # noqa: E402


def evaluate(queries, verbose_misses: bool = False, show_all: bool = False) -> float:
    codes = dict(ServicePage.objects.values_list("pk", "code"))
    found, by_category, totals = 0, Counter(), Counter()
    for query, category, expected in queries:
        result = search(query)
        top = [codes[pk] for pk in result.service_ids[:3]]
        hit = any(code in expected for code in top)
        found += hit
        totals[category] += 1
        by_category[category] += hit
        if show_all or (verbose_misses and not hit):
            mark = "ok  " if hit else "MISS"
            extra = f" (did you mean: {result.did_you_mean})" if result.did_you_mean else ""
            print(f"{mark} {query!r}: {top} expected {list(expected)}{extra}")
    share = found / len(queries)
    print(f"{connection.vendor}: {found}/{len(queries)} = {share:.1%} in the first three results")
    for category in totals:
        print(f"  {category}: {by_category[category]}/{totals[category]}")
    return share


if __name__ == "__main__":
    queries = HELD_OUT if "--held-out" in sys.argv else QUERIES
    evaluate(queries, "--misses" in sys.argv, "--all" in sys.argv)
