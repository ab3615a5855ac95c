"""Daily request counts (`RequestDayCount`) kept exact beside the requests table, read by the indicators.

A period is a run of whole Europe/Paris days (kpis/periods.py), so the counts of any period, custom ones
included, are the sum of its days' rows: a quarter reads a few tens of thousands of small rows instead of
joining a hundred thousand requests to their entities.

Kept exact by recomputing whole days from the requests table: every day's rows are deleted and counted
again (one INSERT … SELECT … GROUP BY per measure, over a calendar of the days joined on the indexed
date-times). Which days:
- saving or deleting a request: the days of its received and resolved date-times, before and after;
- an entity moving to another directorate or client type: the days of its requests;
- deleting a service: its rows go (its requests lose their service);
- a request's deadline being met or not (`deadline_met`) is counted with its resolved day;
- bulk writes that send no signal (the history import, the mail intake batch): they call `refresh_days`
  or `rebuild` at the end; `deferred()` gathers the days of many saves and recomputes them once.
`rebuild()` (command `rebuild_kpi_aggregates`) recomputes everything from the requests table: a few
statements, idempotent.
"""

import datetime as dt
import threading
from contextlib import contextmanager

from django.db import connection, transaction
from django.db.models.signals import post_delete, post_init, post_save, pre_save

from kpis.aggregate_models import Measure, RequestDayCount
from kpis.periods import PARIS, paris_midnight

CHUNK = 1000  # calendar days per statement (3 parameters each)


def local_day(moment: dt.datetime | None) -> dt.date | None:
    return None if moment is None else moment.astimezone(PARIS).date()


def _db_datetime(moment: dt.datetime):
    """As the ORM compares a date-time (UTC text on SQLite, the aware value on PostgreSQL)."""
    return connection.ops.adapt_datetimefield_value(moment.astimezone(dt.UTC))


def _tables() -> dict[str, str]:
    from directory.models import Entity
    from requests_box.models import Request

    return {
        "agg": RequestDayCount._meta.db_table,
        "request": Request._meta.db_table,
        "entity": Entity._meta.db_table,
    }


# Per measure: the selected dimensions, the date-time the day is of, the grouping and the filter.
_MEASURE_SQL = {
    Measure.RECEIVED: (
        "e.directorate_id, COALESCE(e.client_type, ''), r.kind, NULL, ''",
        "received_at",
        "e.directorate_id, e.client_type, r.kind",
        "",
    ),
    Measure.SERVICE: (
        "NULL, '', '', r.service_id, ''",
        "received_at",
        "r.service_id",
        "r.service_id IS NOT NULL",
    ),
    Measure.RESOLVED: (
        "e.directorate_id, '', '', NULL, r.response_type",
        "resolved_at",
        "e.directorate_id, r.response_type",
        "r.response_type <> ''",
    ),
    Measure.KEPT: (
        "e.directorate_id, '', r.kind, NULL, ''",
        "resolved_at",
        "e.directorate_id, r.kind",
        "r.deadline_met IS NOT NULL",
    ),
    Measure.KEPT_SERVICE: (
        "NULL, '', '', r.service_id, ''",
        "resolved_at",
        "r.service_id",
        "r.deadline_met IS NOT NULL AND r.service_id IS NOT NULL",
    ),
}
MET = "SUM(CASE WHEN r.deadline_met THEN 1 ELSE 0 END)"


def _insert_sql(measure: str, days: int) -> str:
    """Count one measure over a calendar of `days` (day, start, end) rows given as parameters.

    The calendar is joined on the request's indexed date-time, a range scan per day; the same SQL on
    SQLite and PostgreSQL (the VALUES columns are column1..column3 on both)."""
    t = _tables()
    dimensions, moment, group_by, where = _MEASURE_SQL[measure]
    met = MET if measure in (Measure.KEPT, Measure.KEPT_SERVICE) else "0"
    values = ", ".join(["(%s, %s, %s)"] * days)
    entity = f"LEFT JOIN {t['entity']} e ON e.id = r.entity_id" if "e." in dimensions else ""
    columns = "day, measure, directorate_id, client_type, kind, service_id, response_type, n, met"
    # Only table names and fixed SQL are interpolated; the days are parameters.
    return (
        f"INSERT INTO {t['agg']} ({columns}) "  # noqa: S608
        f"SELECT cal.column1, '{measure}', {dimensions}, COUNT(*), {met} "
        f"FROM (VALUES {values}) cal JOIN {t['request']} r "
        f"ON r.{moment} >= cal.column2 AND r.{moment} < cal.column3 {entity} "
        f"{'WHERE ' + where if where else ''} "
        f"GROUP BY cal.column1, {group_by}"
    )


def _calendar_params(days: list[dt.date]) -> list:
    params = []
    for day in days:
        params += [
            connection.ops.adapt_datefield_value(day),
            _db_datetime(paris_midnight(day)),
            _db_datetime(paris_midnight(day + dt.timedelta(days=1))),
        ]
    return params


LOCK = 18_0018  # PostgreSQL advisory lock of the daily counts


def _lock(cursor) -> None:
    """One recount at a time until the transaction ends (PostgreSQL): under READ COMMITTED, two
    transactions recounting the same day would each keep their own rows (the other's inserts are
    invisible to its DELETE) and count the day twice. SQLite has one writer at a time anyway."""
    if connection.vendor == "postgresql":
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK])


def _recount(measures: tuple[str, ...], days: set[dt.date], delete: bool = True) -> None:
    if not days:
        return
    ordered = sorted(days)
    with transaction.atomic(), connection.cursor() as cursor:
        _lock(cursor)
        for start in range(0, len(ordered), CHUNK):
            chunk = ordered[start : start + CHUNK]
            if delete:
                RequestDayCount.objects.filter(measure__in=measures, day__in=chunk).delete()
            params = _calendar_params(chunk)
            for measure in measures:
                cursor.execute(_insert_sql(measure, len(chunk)), params)


RECEIVED_MEASURES = (Measure.RECEIVED, Measure.SERVICE)
SERVICE_MEASURES = (Measure.SERVICE, Measure.KEPT_SERVICE)
RESOLVED_MEASURES = (Measure.RESOLVED, Measure.KEPT, Measure.KEPT_SERVICE)


def refresh_days(received: set[dt.date], resolved: set[dt.date]) -> None:
    """Count again the received-based measures of the `received` days and the resolved-based ones of
    the `resolved` days (or note them for later inside `deferred()`)."""
    received, resolved = {d for d in received if d}, {d for d in resolved if d}
    pending = _pending()
    if pending is not None:
        pending[0].update(received)
        pending[1].update(resolved)
        return
    _recount(RECEIVED_MEASURES, received)
    _recount(RESOLVED_MEASURES, resolved)


def refresh_requests(requests) -> None:
    """Count again the days of these requests (after a bulk write of them)."""
    requests = list(requests)
    refresh_days({local_day(r.received_at) for r in requests}, {local_day(r.resolved_at) for r in requests})


def rebuild() -> int:
    """Every row again from the requests table; returns the number of rows."""
    from django.db.models import Max, Min

    from requests_box.models import Request

    with transaction.atomic():
        with connection.cursor() as cursor:
            _lock(cursor)
            if connection.vendor == "postgresql":  # no dead rows left behind for VACUUM
                cursor.execute(f"TRUNCATE {RequestDayCount._meta.db_table}")
            else:
                RequestDayCount.objects.all().delete()
        bounds = Request.objects.aggregate(
            first=Min("received_at"),
            last=Max("received_at"),
            first_r=Min("resolved_at"),
            last_r=Max("resolved_at"),
        )
        for measures, first, last in (
            (RECEIVED_MEASURES, bounds["first"], bounds["last"]),
            (RESOLVED_MEASURES, bounds["first_r"], bounds["last_r"]),
        ):
            if first is None:
                continue
            first, last = local_day(first), local_day(last)
            days = {first + dt.timedelta(days=i) for i in range((last - first).days + 1)}
            _recount(measures, days, delete=False)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {RequestDayCount._meta.db_table}")
        return RequestDayCount.objects.count()


# --- batching ------------------------------------------------------------------------------------------

_local = threading.local()


def _pending():
    stack = getattr(_local, "stack", None)
    return stack[-1] if stack else None


@contextmanager
def deferred():
    """Gather the days that saves inside the block touch and count them once at its end (imports,
    seeding): one recount instead of one per save."""
    stack = _local.__dict__.setdefault("stack", [])
    stack.append((set(), set()))
    try:
        yield
    finally:
        received, resolved = stack.pop()
        if not connection.needs_rollback:  # a failed transaction changed nothing to count
            refresh_days(received, resolved)


# --- signals ------------------------------------------------------------------------------------------

REQUEST_FIELDS = ("received_at", "resolved_at")
ENTITY_FIELDS = ("directorate_id", "client_type")
MISSING = object()  # a deferred field: its loaded value is read from the database before a save


def _fields(sender) -> tuple[str, ...]:
    return REQUEST_FIELDS if sender._meta.label == "requests_box.Request" else ENTITY_FIELDS


def _remember(sender, instance, **_kwargs) -> None:
    """The values as loaded, to know which days a later save leaves (deferred fields are not read)."""
    instance._kpis_loaded = tuple(instance.__dict__.get(f, MISSING) for f in _fields(sender))


def _before_save(sender, instance, raw=False, **_kwargs) -> None:
    """What the database holds, when the loaded values do not tell (deferred fields, a new instance
    given the key of a stored row)."""
    if raw:
        return
    fields = _fields(sender)
    if instance.pk is None:
        instance._kpis_loaded = (None,) * len(fields)
    elif instance._state.adding or MISSING in getattr(instance, "_kpis_loaded", (MISSING,)):
        stored = sender._default_manager.filter(pk=instance.pk).values_list(*fields).first()
        instance._kpis_loaded = stored or (None,) * len(fields)


def _request_days(instance) -> tuple[set, set]:
    loaded = getattr(instance, "_kpis_loaded", (None, None))
    loaded = tuple(None if v is MISSING else v for v in loaded)
    return (
        {local_day(instance.received_at), local_day(loaded[0])},
        {local_day(instance.resolved_at), local_day(loaded[1])},
    )


def _request_saved(sender, instance, raw=False, **_kwargs) -> None:
    if raw:
        return
    refresh_days(*_request_days(instance))
    instance._kpis_loaded = (instance.received_at, instance.resolved_at)


def _request_deleted(sender, instance, **_kwargs) -> None:
    refresh_days(*_request_days(instance))


def _entity_saved(sender, instance, created, raw=False, **_kwargs) -> None:
    loaded = getattr(instance, "_kpis_loaded", None)
    now = (instance.directorate_id, instance.client_type)
    instance._kpis_loaded = now
    if raw or created or loaded == now:
        return
    from requests_box.models import Request

    dates = Request.objects.filter(entity_id=instance.pk).values_list("received_at", "resolved_at")
    received, resolved = set(), set()
    for received_at, resolved_at in dates:
        received.add(local_day(received_at))
        resolved.add(local_day(resolved_at))
    refresh_days(received, resolved)


def _service_deleted(sender, instance, **_kwargs) -> None:
    RequestDayCount.objects.filter(measure__in=SERVICE_MEASURES, service_id=instance.pk).delete()


def connect() -> None:
    """Called once from KpisConfig.ready()."""
    request, entity = "requests_box.Request", "directory.Entity"
    for label in (request, entity):
        post_init.connect(_remember, sender=label, dispatch_uid=f"kpis-aggregates-init-{label}")
        pre_save.connect(_before_save, sender=label, dispatch_uid=f"kpis-aggregates-pre-{label}")
    post_save.connect(_request_saved, sender=request, dispatch_uid="kpis-aggregates-request-save")
    post_delete.connect(_request_deleted, sender=request, dispatch_uid="kpis-aggregates-request-delete")
    post_save.connect(_entity_saved, sender=entity, dispatch_uid="kpis-aggregates-entity-save")
    post_delete.connect(
        _service_deleted, sender="catalogue.ServicePage", dispatch_uid="kpis-aggregates-service"
    )
