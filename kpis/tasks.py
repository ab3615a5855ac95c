"""Background work of the indicators: recompute a stale snapshot (kpis/freshness.py)."""

import datetime as dt

from django_tasks import task

from kpis.periods import Period


@task()
def refresh_snapshot(name: str, start: str, end: str, args: list) -> None:
    from kpis import freshness

    period = Period(dt.date.fromisoformat(start), dt.date.fromisoformat(end))
    freshness.compute_and_store(name, period, *args)
