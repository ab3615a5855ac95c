"""Indicators computed once per period and data generation, for the dashboard and its exports.

`compute_indicators` reads the whole history (a quarter of a million-request table takes seconds);
the dashboard shows it, its previous period and the exports again and again. Results are cached per
period under a *generation* number that every change to the data behind the indicators bumps
(saving or deleting a request, an answer, an interaction, a project, a subscription, an entity or a
directorate; imports bump it once at the end). Changes that bypass model signals (bulk updates) are
bounded by ``KPIS_CACHE_SECONDS``. With a shared cache (``REDIS_URL``) every worker sees a bump at
once; with the default per-process cache, other processes see it within ``KPIS_CACHE_SECONDS``.

The `kpis` command always computes afresh.
"""

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from kpis.indicators import compute_indicators
from kpis.periods import Period

GENERATION_KEY = "kpis:generation"


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        value = cache.get(GENERATION_KEY, 1)
    return value


def bump(**_kwargs) -> None:
    """The data behind the indicators changed: forget every cached computation.

    Bumped at once (this process sees its own change) and again after commit (a computation that
    another request cached in between, from the data before the commit, is dropped too)."""
    _bump()
    transaction.on_commit(_bump)


def _bump() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not set yet (or evicted): a fresh start differs from every cached key
        cache.set(GENERATION_KEY, generation() + 1, timeout=None)


def remember(name: str, period: Period, compute, *args):
    """`compute(period, *args)`, from the cache when the data has not changed since."""
    seconds = settings.KPIS_CACHE_SECONDS
    if not seconds:
        return compute(period, *args)
    parts = [name, str(generation()), period.start.isoformat(), period.end.isoformat(), *map(str, args)]
    key = "kpis:" + ":".join(parts)
    result = cache.get(key)
    if result is None:
        result = compute(period, *args)
        cache.set(key, result, seconds)
    return result


def indicators(period: Period) -> dict:
    """`compute_indicators(period)`, from the cache when the data has not changed since."""
    return remember("indicators", period, compute_indicators)


WATCHED_MODELS = (
    "requests_box.Request",
    "kpis.SurveyAnswer",
    "kpis.Subscription",
    "committees.Interaction",
    "committees.Project",
    "directory.Entity",
    "directory.Directorate",
    "catalogue.ServicePage",
)


def connect() -> None:
    """Called once from KpisConfig.ready()."""
    for label in WATCHED_MODELS:
        post_save.connect(bump, sender=label, dispatch_uid=f"kpis-bump-save-{label}")
        post_delete.connect(bump, sender=label, dispatch_uid=f"kpis-bump-delete-{label}")
