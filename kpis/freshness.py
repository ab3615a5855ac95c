"""Indicators computed once per period until their data changes, for the dashboard and its exports.

`compute_indicators` reads the whole history (a quarter of a million-request table takes seconds), and
the dashboard shows a period, its previous period and two 12-month charts. Each computation is kept
in the database (`IndicatorSnapshot`, one row per computation and period) with the time it started.
Every change to the data behind the indicators (saving or deleting a request, an answer, an
interaction, a project, a subscription, an entity, a directorate or a service; imports once at the
end) inserts a `DataChange` row, inside the transaction and again after the commit.

A snapshot newer than the last change is current and served as is. An older one is *stale*: the
dashboard still shows it at once, says when it was computed, and asks the background worker to
compute it again (`kpis.tasks.refresh_snapshot`, once per change); a period nobody has looked at yet
is computed while the page waits. ``KPIS_CACHE_SECONDS`` also bounds the age of a snapshot (changes
that bypass model signals, such as bulk updates); 0 turns snapshots off (always computed afresh).

Kept in the database rather than in the cache so that every web worker and the background worker
agree, with or without Redis. The `kpis` command always computes afresh.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from kpis import dashboard
from kpis.indicators import compute_indicators
from kpis.models import DataChange, IndicatorSnapshot
from kpis.periods import Period

NEVER = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Computation:
    compute: object  # compute(period, *args) -> JSON-serialisable data
    decode: object = None  # data read back from JSON -> what compute returned


def _decode_months(data: dict) -> dict:
    if "months" in data:
        data["months"] = [dt.date.fromisoformat(m) for m in data["months"]]
    if "points" in data:
        data["points"] = [(dt.date.fromisoformat(m), value, n) for m, value, n in data["points"]]
    if "series" in data:
        data["series"] = [(label, values) for label, values in data["series"]]
    return data


COMPUTATIONS = {
    "indicators": Computation(compute_indicators),
    "requests-by-month": Computation(dashboard.requests_by_month, _decode_months),
    "nps-by-month": Computation(dashboard.nps_by_month, _decode_months),
}


# --- changes -------------------------------------------------------------------------------------------


def bump(**_kwargs) -> None:
    """The data behind the indicators changed: every snapshot computed before now is stale.

    Costs no query inside a transaction: the change is noted on the connection (what this
    transaction itself computes next sees it) and written once, after the commit (a computation that
    started in between read the data from before the commit). A save outside any transaction is
    committed at once: one insert."""
    connection = transaction.get_connection()
    connection.kpis_changed_at = timezone.now()
    if not connection.in_atomic_block:
        _mark()
    elif not any(entry[1] is _mark for entry in connection.run_on_commit):
        transaction.on_commit(_mark, robust=True)


def _mark() -> None:
    DataChange.objects.create(changed_at=timezone.now())


def last_change() -> dt.datetime:
    stored = DataChange.objects.aggregate(last=Max("changed_at"))["last"] or NEVER
    noted = getattr(transaction.get_connection(), "kpis_changed_at", None)
    return max(stored, noted) if noted else stored


def _prune() -> None:
    """Only the newest change counts: drop the older rows (when a computation is stored)."""
    newest = DataChange.objects.order_by("-changed_at").values_list("changed_at", flat=True).first()
    if newest is not None:
        DataChange.objects.filter(changed_at__lt=newest).delete()


# --- snapshots -----------------------------------------------------------------------------------------


def _key(name: str, period: Period, args) -> str:
    return ":".join([name, period.start.isoformat(), period.end.isoformat(), *map(str, args)])


def _is_current(snapshot: IndicatorSnapshot, changed: dt.datetime) -> bool:
    age = (timezone.now() - snapshot.computed_at).total_seconds()
    return snapshot.computed_at >= changed and age < settings.KPIS_CACHE_SECONDS


def compute_and_store(name: str, period: Period, *args):
    """Compute afresh and keep the result (what the background task and a first view do)."""
    started = timezone.now()
    _prune()
    data = COMPUTATIONS[name].compute(period, *args)
    IndicatorSnapshot.objects.update_or_create(
        key=_key(name, period, args),
        defaults={"computed_at": started, "data": data, "refresh_requested_at": None},
    )
    return data


def _read(snapshot: IndicatorSnapshot):
    decode = COMPUTATIONS[snapshot.key.split(":", 1)[0]].decode
    return decode(snapshot.data) if decode else snapshot.data


def remember(name: str, period: Period, *args):
    """The computation `name` for the period: the stored one when there is one, else computed now."""
    if not settings.KPIS_CACHE_SECONDS:
        return COMPUTATIONS[name].compute(period, *args)
    key = _key(name, period, args)
    snapshot = IndicatorSnapshot.objects.filter(key=key).first()
    if snapshot is None:
        return compute_and_store(name, period, *args)
    changed = last_change()
    if _is_current(snapshot, changed):
        return _read(snapshot)
    _request_refresh(snapshot, changed, name, period, args)
    snapshot.refresh_from_db()  # an immediate task backend has already refreshed it
    return _read(snapshot)


def _request_refresh(snapshot: IndicatorSnapshot, changed: dt.datetime, name, period, args) -> None:
    """Ask the background worker for a new computation, once per change."""
    from kpis.tasks import refresh_snapshot

    requested = snapshot.refresh_requested_at
    if requested is not None and requested >= changed and _is_recent(requested):
        return
    # Only one caller wins the request (the row is updated only if nobody else did it meanwhile).
    won = IndicatorSnapshot.objects.filter(pk=snapshot.pk, refresh_requested_at=requested).update(
        refresh_requested_at=timezone.now()
    )
    if won:
        refresh_snapshot.enqueue(name, period.start.isoformat(), period.end.isoformat(), list(args))


def _is_recent(moment: dt.datetime) -> bool:
    """A refresh asked for more than ten minutes ago is asked again (its worker may have died)."""
    return (timezone.now() - moment).total_seconds() < 600


def indicators(period: Period) -> dict:
    """`compute_indicators(period)`, stored until the data changes."""
    return remember("indicators", period)


def indicators_covering(period: Period, code: str | None = None) -> dict:
    """`indicators(period)`, computed now when the stored figures predate the directorate `code`
    (one added by an import whose figures the background worker has not recomputed yet)."""
    result = indicators(period)
    if code is not None and code not in result["directorates"]:
        result = compute_and_store("indicators", period)
    return result


@dataclass(frozen=True)
class AsOf:
    computed_at: dt.datetime | None
    stale: bool


def as_of(period: Period) -> AsOf:
    """When the period's indicators shown were computed, and whether newer data is being computed."""
    snapshot = IndicatorSnapshot.objects.filter(key=_key("indicators", period, ())).first()
    if snapshot is None:
        return AsOf(None, False)
    return AsOf(snapshot.computed_at, not _is_current(snapshot, last_change()))


def standard_periods(today: dt.date) -> list[Period]:
    """The periods the dashboard opens on: the month, quarter and year containing `today`, the last
    complete one of each (the default view is the last complete quarter), and their previous periods
    (each view compares with its previous period)."""
    from kpis.dashboard import MONTH, QUARTER, YEAR, period_of

    shown = []
    for kind in (MONTH, QUARTER, YEAR):
        current = period_of(kind, today)
        shown += [current, period_of(kind, current.start - dt.timedelta(days=1))]
    periods = []
    for period in shown + [p.previous() for p in shown]:
        if period not in periods:
            periods.append(period)
    return periods


def refresh_standard_periods(today: dt.date | None = None) -> dict[str, int]:
    """Compute what the dashboard's usual views need and is missing or stale, so that their first view
    after a change or a new month reads stored figures (run by `refresh_indicators`)."""
    today = today or timezone.localdate()
    changed = last_change()
    stored = {s.key: s for s in IndicatorSnapshot.objects.filter(computed_at__gte=changed)}
    done = kept = 0
    periods = standard_periods(today)
    wanted = [("indicators", period, ()) for period in periods]
    charts = ("requests-by-month", "nps-by-month")  # the company's; periods[:6] are the ones shown
    wanted += [(name, period, (None,)) for period in periods[:6] for name in charts]
    for name, period, args in wanted:
        snapshot = stored.get(_key(name, period, args))
        if snapshot is not None and _is_current(snapshot, changed):
            kept += 1
            continue
        compute_and_store(name, period, *args)
        done += 1
    return {"computed": done, "current": kept}


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
