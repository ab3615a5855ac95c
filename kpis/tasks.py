"""Background work of the indicators: recompute a stale snapshot (kpis/freshness.py)."""

import datetime as dt

from django_tasks import task

from kpis.periods import Period


@task()
def refresh_snapshot(name: str, start: str, end: str, args: list) -> None:
    from kpis import freshness

    period = Period(dt.date.fromisoformat(start), dt.date.fromisoformat(end))
    freshness.compute_and_store(name, period, *args)


@task()
def refresh_standard_periods(every: int | None = None) -> dict[str, int]:
    """What `refresh_indicators` does; with `every`, enqueue the next run."""
    from kpis import freshness
    from requests_box.tasks import _schedule

    try:
        return freshness.refresh_standard_periods()
    finally:
        if every:
            _schedule(refresh_standard_periods, every)
