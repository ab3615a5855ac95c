"""The one computation of the Relations-Clients indicators (KPIS.md), for the command, dashboard and exports.

Every measure is a handful of GROUP BY queries over the whole company, split by directorate in the same
query; the number of queries does not depend on the data size nor on the number of directorates.
"""

import datetime as dt
from collections import defaultdict
from math import ceil, floor

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import TruncMonth

from catalogue.models import Maturity, ServicePage
from committees.models import Interaction, Project
from directory.models import ClientType, Directorate, Entity
from kpis import coverage
from kpis.aggregate_models import Measure, RequestDayCount
from kpis.models import SurveyAnswer, SurveyKind
from kpis.periods import Period
from requests_box.models import Kind, Request, ResponseType

KINDS = [k.value for k in Kind]
CLIENT_TYPES = [c.value for c in ClientType]
RESPONSE_TYPES = [r.value for r in ResponseType]
SURVEY_KINDS = [s.value for s in SurveyKind]
# Usage by maturity: every label but retired services.
MATURITIES = [m.value for m in Maturity if m != Maturity.RETIRE]
MET_KINDS = ("comite", "rendez_vous", "visite")
UNKNOWN = "inconnu"
COMPANY = "__company__"
DIRECTORATE = "entity__directorate__code"


def compute_indicators(period: Period, *, from_requests: bool = False) -> dict:
    """Every indicator of KPIS.md for the company, each directorate and each service, as the JSON object.

    The request counts read the daily aggregates (kpis/aggregates.py); `from_requests` counts them on
    the requests table instead, the reference that the tests compare the aggregates with."""
    previous = period.previous()
    directorates = dict(Directorate.objects.order_by("code").values_list("id", "code"))
    directorate_codes = list(directorates.values())  # in the database's order, as before
    groups = [COMPANY, *directorate_codes]

    if from_requests:
        counts_of, responses_of = _request_counts_from_requests, _response_types_from_requests
        by_service, hours_of = _requests_by_service_from_requests, _processing_hours_ranked
        kept_of = _commitments_kept_from_requests
    else:
        counts_of, responses_of, by_service = _request_counts, _response_types, _requests_by_service
        hours_of, kept_of = _processing_hours, _commitments_kept
    counts = counts_of(period, directorates)
    counts_previous = counts_of(previous, directorates)
    hours = hours_of(period, directorates)
    responses = responses_of(period, directorates)
    satisfaction = _satisfaction(period)
    met = _contacts_met_by_month(period)
    new_projects = _entities_with_new_project(period)
    new_requesters = _new_entities_with_request(period)
    signed_new = _projects_signed_with_new_clients(period)
    kept = kept_of(period, directorates)
    subscribed_start = coverage.subscribed_entities_by_service(period.start)
    held = coverage.mature_share_held_by_directorate(period.start, period.end, subscribed_start)

    services = _service_blocks(period, previous, subscribed_start, kept["service"], by_service)
    blocks = {}
    for group in groups:
        requests = counts["total"].get(group, 0)
        requests_previous = counts_previous["total"].get(group, 0)
        client_types = CLIENT_TYPES + ([UNKNOWN] if group == COMPANY else [])
        blocks[group] = {
            "requests": requests,
            "requests_previous": requests_previous,
            "requests_variation_pct": variation_pct(requests, requests_previous),
            "requests_by_kind": {k: counts["kind"].get((group, k), 0) for k in KINDS},
            "requests_by_client_type": {c: counts["client_type"].get((group, c), 0) for c in client_types},
            "processing_hours_median_by_kind": {k: hours.get((group, k), (None, None))[0] for k in KINDS},
            "processing_hours_p90_by_kind": {k: hours.get((group, k), (None, None))[1] for k in KINDS},
            "response_types": {r: responses.get((group, r), 0) for r in RESPONSE_TYPES},
            "satisfaction": {s: satisfaction_block(satisfaction.get((group, s))) for s in SURVEY_KINDS},
            "contacts_met_by_month": {
                month.strftime("%Y-%m"): met.get((group, month), 0) for month in period.month_starts()
            },
            "entities_with_new_project": new_projects.get(group, 0),
            "new_entities_with_request": new_requesters.get(group, 0),
            "projects_signed_with_new_clients": signed_new.get(group, 0),
            "mature_services_share_held_pct": round2(held.get(group)),
            "commitments_counted": kept["total"].get(group, (0, 0))[0],
            "commitments_kept_pct": kept_pct(kept["total"].get(group)),
            "commitments_kept_pct_by_kind": {k: kept_pct(kept["kind"].get((group, k))) for k in KINDS},
        }

    return {
        "period": {
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "previous_start": previous.start.isoformat(),
        },
        "company": blocks[COMPANY],
        "directorates": {code: blocks[code] for code in directorate_codes},
        "services": services,
        "coverage_by_maturity": _coverage_by_maturity(period, services),
    }


# --- small pure helpers -------------------------------------------------------------------------------


def round2(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def variation_pct(current: int, previous: int) -> float | None:
    return None if previous == 0 else round2((current - previous) * 100 / previous)


def kept_pct(counts: tuple[int, int] | None) -> float | None:
    """% of (counted, met) requests that met their deadline; None when none counted."""
    return None if not counts or counts[0] == 0 else round2(counts[1] * 100 / counts[0])


def nps(promoters: int, detractors: int, answers: int) -> float | None:
    return None if answers == 0 else round2((promoters - detractors) * 100 / answers)


def satisfaction_block(row: dict | None) -> dict:
    row = row or {}
    nps_answers, csat_answers = row.get("nps_answers", 0), row.get("csat_answers", 0)
    return {
        "answers": row.get("answers", 0),
        "nps": nps(row.get("promoters", 0), row.get("detractors", 0), nps_answers),
        "nps_answers": nps_answers,
        "csat_pct": None if csat_answers == 0 else round2(row.get("satisfied", 0) * 100 / csat_answers),
        "csat_answers": csat_answers,
    }


def _in(period: Period, field: str) -> Q:
    return Q(**{f"{field}__gte": period.start_at, f"{field}__lt": period.end_at})


def _add(target: dict, key, value) -> None:
    target[key] = target.get(key, 0) + value


# --- measures: each returns values keyed by COMPANY or a directorate code --------------------------------


def _days(period: Period, measure: str):
    """The daily aggregate rows of a measure over the period (its days are whole Paris days)."""
    return RequestDayCount.objects.filter(measure=measure, day__gte=period.start, day__lt=period.end)


def _request_counts(period: Period, directorates: dict[int, str]) -> dict[str, dict]:
    rows = (
        _days(period, Measure.RECEIVED)
        .values("directorate_id", "kind", "client_type")
        .annotate(n=Sum("n"))
        .order_by()
    )
    return _counts_by_group(
        (directorates.get(row["directorate_id"]), row["kind"], row["client_type"], row["n"]) for row in rows
    )


def _counts_by_group(rows) -> dict[str, dict]:
    """(directorate code or None, kind, client type or ''/None, n) rows → totals per group."""
    result: dict[str, dict] = {"total": {}, "kind": {}, "client_type": {}}
    for directorate, kind, client_type, n in rows:
        client_type = client_type or UNKNOWN
        for group in (COMPANY, directorate) if directorate else (COMPANY,):
            _add(result["total"], group, n)
            _add(result["kind"], (group, kind), n)
            _add(result["client_type"], (group, client_type), n)
    return result


def _request_counts_from_requests(period: Period, directorates: dict[int, str]) -> dict[str, dict]:
    """The reference for `_request_counts`, on the requests table."""
    rows = (
        Request.objects.filter(_in(period, "received_at"))
        .values(DIRECTORATE, "kind", "entity__client_type")
        .annotate(n=Count("id"))
        .order_by()
    )
    return _counts_by_group(
        (row[DIRECTORATE], row["kind"], row["entity__client_type"], row["n"]) for row in rows
    )


def _processing_hours(
    period: Period, directorates: dict[int, str]
) -> dict[tuple[str, str], tuple[float | None, float | None]]:
    """Median and 90th percentile of (resolved_at - received_at) in hours, per kind, for the company and
    per directorate. The database computes each duration (a read of the covering index on the resolved
    date-time, and the entity's directorate); they are sorted and interpolated here, several times
    faster than ranking them in the database (window functions), with the same values. PostgreSQL
    interpolates them itself (`percentile_cont`, the same arithmetic), sparing the transfer."""
    if connection.vendor == "postgresql":
        return _processing_hours_postgres(period, directorates)
    durations: dict[tuple[str, str], list[float]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(_durations_sql(connection), [db_datetime(period.start_at), db_datetime(period.end_at)])
        for kind, directorate_id, seconds in cursor.fetchall():
            hours = _hours(seconds)
            durations[(COMPANY, kind)].append(hours)
            directorate = directorates.get(directorate_id)
            if directorate is not None:
                durations[(directorate, kind)].append(hours)
    result = {}
    for key, values in durations.items():
        values.sort()
        known = dict(enumerate(values))
        result[key] = tuple(round2(_interpolate(known, len(values), fraction)) for fraction in (0.5, 0.9))
    return result


def _processing_hours_postgres(
    period: Period, directorates: dict[int, str]
) -> dict[tuple[str, str], tuple[float | None, float | None]]:
    """`percentile_cont` interpolates as `_interpolate` does (position (n - 1) x f, low + (high - low)
    x fraction, in double precision), on the durations in hours (seconds / 3600 as `_hours` does)."""
    hours = f"{_duration_sql(connection)} / CAST(3600 AS DOUBLE PRECISION)"
    request, entity = Request._meta.db_table, Entity._meta.db_table
    # Only table names and fixed SQL are interpolated; the dates are parameters.
    sql = f"""
        SELECT GROUPING(directorate_id), directorate_id, kind,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY hours),
            percentile_cont(0.9) WITHIN GROUP (ORDER BY hours)
        FROM (
            SELECT r.kind AS kind, e.directorate_id AS directorate_id, {hours} AS hours
            FROM {request} r LEFT JOIN {entity} e ON e.id = r.entity_id
            WHERE r.resolved_at >= %s AND r.resolved_at < %s AND r.resolved_at >= r.received_at
        ) durations
        GROUP BY GROUPING SETS ((kind), (directorate_id, kind))
    """  # noqa: S608
    result = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [db_datetime(period.start_at), db_datetime(period.end_at)])
        for company, directorate_id, kind, median, p90 in cursor.fetchall():
            group = COMPANY if company else directorates.get(directorate_id)
            if group is not None:
                result[(group, kind)] = (round2(median), round2(p90))
    return result


def _durations_sql(connection) -> str:
    request, entity = Request._meta.db_table, Entity._meta.db_table
    # Only table names and fixed SQL are interpolated; the dates are parameters.
    return f"""
        SELECT r.kind, e.directorate_id, {_duration_sql(connection)}
        FROM {request} r LEFT JOIN {entity} e ON e.id = r.entity_id
        WHERE r.resolved_at >= %s AND r.resolved_at < %s AND r.resolved_at >= r.received_at
    """  # noqa: S608


def _duration_sql(connection) -> str:
    if connection.vendor == "sqlite":
        return "(julianday(r.resolved_at) - julianday(r.received_at)) * 86400.0"
    # A float from the database, as `float()` of the exact numeric would give, not a Decimal per row.
    return "CAST(EXTRACT(EPOCH FROM (r.resolved_at - r.received_at)) AS DOUBLE PRECISION)"


def _processing_hours_ranked(
    period: Period, directorates: dict[int, str]
) -> dict[tuple[str, str], tuple[float | None, float | None]]:
    """The reference for `_processing_hours`, ranked in the database: one query ranks the durations
    twice (window functions partitioned by kind, and by directorate and kind); only the rows that the
    interpolation needs (at most 4 per partition) come back."""
    values: dict[tuple[str, str], dict[int, float]] = defaultdict(dict)
    sizes: dict[tuple[str, str], int] = {}
    with connection.cursor() as cursor:
        cursor.execute(_hours_sql(connection), [db_datetime(period.start_at), db_datetime(period.end_at)])
        for directorate, kind, duration, *ranks in cursor.fetchall():
            company_rank, company_size, directorate_rank, directorate_size = ranks
            for group, rank, size in (
                (COMPANY, company_rank, company_size),
                (directorate, directorate_rank, directorate_size),
            ):
                if group is None or not _needed(rank - 1, size):
                    continue
                values[(group, kind)][rank - 1] = _hours(duration)
                sizes[(group, kind)] = size
    result = {}
    for key, known in values.items():
        result[key] = tuple(round2(_interpolate(known, sizes[key], fraction)) for fraction in (0.5, 0.9))
    return result


def db_datetime(moment: dt.datetime):
    """An aware date-time as a raw SQL parameter, compared like the ORM compares it.

    SQLite stores date-times as UTC text and would compare an aware parameter as text with its offset
    (`2026-07-01 00:00:00+02:00`), moving the period's edges by one or two hours: convert to UTC and
    let the backend adapt it (plain UTC text on SQLite, the aware value on PostgreSQL)."""
    return connection.ops.adapt_datetimefield_value(moment.astimezone(dt.UTC))


def _wanted_ranks(size: str) -> str:
    """The 1-based ranks that the median's and the p90's interpolation read, in integer arithmetic
    (floor and ceiling of (size - 1) x 0.5 and x 0.9, plus one), the same on SQLite and PostgreSQL."""
    return f"({size} - 1) / 2 + 1, {size} / 2 + 1, ({size} - 1) * 9 / 10 + 1, (({size} - 1) * 9 + 9) / 10 + 1"


def _hours_sql(connection) -> str:
    """Written in SQL rather than with the ORM so that each duration is computed once per request
    (in the inner query) instead of once per window that sorts on it."""
    duration = _duration_sql(connection)
    request, entity, directorate = (m._meta.db_table for m in (Request, Entity, Directorate))
    # Only table names and fixed SQL are interpolated; the dates are parameters.
    return f"""
        SELECT directorate, kind, duration, company_rank, company_size, directorate_rank, directorate_size
        FROM (
            SELECT directorate, kind, duration,
                ROW_NUMBER() OVER (PARTITION BY kind ORDER BY duration, id) AS company_rank,
                COUNT(*) OVER (PARTITION BY kind) AS company_size,
                ROW_NUMBER() OVER (PARTITION BY directorate, kind ORDER BY duration, id) AS directorate_rank,
                COUNT(*) OVER (PARTITION BY directorate, kind) AS directorate_size
            FROM (
                SELECT r.id AS id, r.kind AS kind, d.code AS directorate, {duration} AS duration
                FROM {request} r
                LEFT JOIN {entity} e ON e.id = r.entity_id
                LEFT JOIN {directorate} d ON d.id = e.directorate_id
                WHERE r.resolved_at >= %s AND r.resolved_at < %s AND r.resolved_at >= r.received_at
            ) durations
        ) ranked
        WHERE company_rank IN ({_wanted_ranks("company_size")})
           OR directorate_rank IN ({_wanted_ranks("directorate_size")})
    """  # noqa: S608


def _needed(index: int, size: int) -> bool:
    """Whether the index-th smallest of `size` values enters the median's or the p90's interpolation."""
    return any(index in (floor((size - 1) * f), ceil((size - 1) * f)) for f in (0.5, 0.9))


def _hours(seconds: float) -> float:
    return float(seconds) / 3600


def _interpolate(known: dict[int, float], size: int, fraction: float) -> float:
    position = (size - 1) * fraction
    low, high = floor(position), ceil(position)
    return known[low] + (known[high] - known[low]) * (position - low)


def _commitments_kept(period: Period, directorates: dict[int, str]) -> dict[str, dict]:
    """Requests resolved in the period with a deadline (`deadline_met` set), and those that met it:
    (counted, met) per group, per (group, kind) and per service id, from the daily aggregates."""
    rows = (
        RequestDayCount.objects.filter(
            measure__in=[Measure.KEPT, Measure.KEPT_SERVICE], day__gte=period.start, day__lt=period.end
        )
        .values("measure", "directorate_id", "kind", "service_id")
        .annotate(n=Sum("n"), met=Sum("met"))
        .order_by()
    )
    return _kept_by_group(
        (
            directorates.get(r["directorate_id"]),
            r["kind"] if r["measure"] == Measure.KEPT else None,
            r["service_id"],
            r["n"],
            r["met"],
        )
        for r in rows
    )


def _kept_by_group(rows) -> dict[str, dict]:
    """(directorate code or None, kind or None, service id or None, counted, met) rows → (counted, met)
    per group, (group, kind) and service id; rows without a kind only count for their service."""
    result: dict[str, dict] = {"total": {}, "kind": {}, "service": {}}

    def add(target: dict, key, n: int, met: int) -> None:
        counted, kept = target.get(key, (0, 0))
        target[key] = (counted + n, kept + met)

    for directorate, kind, service_id, n, met in rows:
        if kind is not None:
            for group in (COMPANY, directorate) if directorate else (COMPANY,):
                add(result["total"], group, n, met)
                add(result["kind"], (group, kind), n, met)
        if service_id is not None:
            add(result["service"], service_id, n, met)
    return result


def _commitments_kept_from_requests(period: Period, directorates: dict[int, str]) -> dict[str, dict]:
    """The reference for `_commitments_kept`, on the requests table."""
    rows = (
        Request.objects.filter(_in(period, "resolved_at"), deadline_met__isnull=False)
        .values(DIRECTORATE, "kind", "service_id")
        .annotate(n=Count("id"), met=Count("id", filter=Q(deadline_met=True)))
        .order_by()
    )
    return _kept_by_group((r[DIRECTORATE], r["kind"], r["service_id"], r["n"], r["met"]) for r in rows)


def _response_types(period: Period, directorates: dict[int, str]) -> dict[tuple[str, str], int]:
    rows = (
        _days(period, Measure.RESOLVED)
        .filter(response_type__in=RESPONSE_TYPES)
        .values("directorate_id", "response_type")
        .annotate(n=Sum("n"))
        .order_by()
    )
    return _responses_by_group(
        (directorates.get(row["directorate_id"]), row["response_type"], row["n"]) for row in rows
    )


def _responses_by_group(rows) -> dict[tuple[str, str], int]:
    result: dict = {}
    for directorate, response_type, n in rows:
        for group in (COMPANY, directorate) if directorate else (COMPANY,):
            _add(result, (group, response_type), n)
    return result


def _response_types_from_requests(period: Period, directorates: dict[int, str]) -> dict[tuple[str, str], int]:
    """The reference for `_response_types`, on the requests table."""
    rows = (
        Request.objects.filter(_in(period, "resolved_at"), response_type__in=RESPONSE_TYPES)
        .values(DIRECTORATE, "response_type")
        .annotate(n=Count("id"))
        .order_by()
    )
    return _responses_by_group((row[DIRECTORATE], row["response_type"], row["n"]) for row in rows)


def _satisfaction(period: Period) -> dict[tuple[str, str], dict[str, int]]:
    return satisfaction_counts(SurveyAnswer.objects.filter(_in(period, "answered_at")))


def satisfaction_counts(answers) -> dict[tuple[str, str], dict[str, int]]:
    """Answer, promoter, detractor and satisfied counts of the answers, per (COMPANY or directorate,
    survey kind), in one query: what `satisfaction_block` turns into NPS and CSAT."""
    rows = (
        answers.values(DIRECTORATE, "kind")
        .annotate(
            answers=Count("id"),
            nps_answers=Count("nps"),
            promoters=Count("id", filter=Q(nps__gte=9)),
            detractors=Count("id", filter=Q(nps__lte=6)),
            csat_answers=Count("csat"),
            satisfied=Count("id", filter=Q(csat__gte=4)),
        )
        .order_by()
    )
    result: dict = {}
    for row in rows:
        for group in (COMPANY, row[DIRECTORATE]) if row[DIRECTORATE] else (COMPANY,):
            block = result.setdefault((group, row["kind"]), {})
            for key in ("answers", "nps_answers", "promoters", "detractors", "csat_answers", "satisfied"):
                _add(block, key, row[key])
    return result


def _contacts_met_by_month(period: Period) -> dict[tuple[str, dt.date], int]:
    """Distinct contacts met (comite, rendez_vous, visite) in every whole month starting in the period."""
    months = period.month_starts()
    if not months:
        return {}
    last = months[-1]
    after_last = last.replace(year=last.year + (last.month == 12), month=last.month % 12 + 1)
    met = Interaction.objects.filter(kind__in=MET_KINDS, date__gte=months[0], date__lt=after_last)
    result = {}
    company = (
        met.annotate(month=TruncMonth("date")).values("month").annotate(n=Count("contact", distinct=True))
    )
    for row in company.order_by():
        result[(COMPANY, _as_date(row["month"]))] = row["n"]
    by_directorate = (
        met.annotate(month=TruncMonth("date"))
        .values("month", "contact__entity__directorate__code")
        .annotate(n=Count("contact", distinct=True))
        .order_by()
    )
    for row in by_directorate:
        result[(row["contact__entity__directorate__code"], _as_date(row["month"]))] = row["n"]
    return result


def _as_date(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _entities_with_new_project(period: Period) -> dict[str, int]:
    rows = (
        Project.objects.filter(created_on__gte=period.start, created_on__lt=period.end)
        .values(DIRECTORATE)
        .annotate(n=Count("entity", distinct=True))
        .order_by()
    )
    result: dict = {}
    for row in rows:  # an entity belongs to one directorate: distinct counts add up
        _add(result, COMPANY, row["n"])
        _add(result, row[DIRECTORATE], row["n"])
    return result


def _new_entities_with_request(period: Period) -> dict[str, int]:
    """Entities whose first request ever was received in the period: one with a request in the period
    and none before it (two index look-ups per entity, instead of the minimum over every request)."""
    requests_of = Request.objects.filter(entity=OuterRef("pk"))
    rows = (
        Entity.objects.filter(Exists(requests_of.filter(_in(period, "received_at"))))
        .filter(~Exists(requests_of.filter(received_at__lt=period.start_at)))
        .values("directorate__code")
        .annotate(n=Count("id"))
        .order_by()
    )
    result: dict = {}
    for row in rows:  # an entity belongs to one directorate
        _add(result, COMPANY, row["n"])
        _add(result, row["directorate__code"], row["n"])
    return result


def _projects_signed_with_new_clients(period: Period) -> dict[str, int]:
    signed_before = Project.objects.filter(entity=OuterRef("entity"), signed_on__lt=period.start)
    rows = (
        Project.objects.filter(signed_on__gte=period.start, signed_on__lt=period.end)
        .filter(~Exists(signed_before))
        .values(DIRECTORATE)
        .annotate(n=Count("id"))
        .order_by()
    )
    result: dict = {}
    for row in rows:
        _add(result, COMPANY, row["n"])
        _add(result, row[DIRECTORATE], row["n"])
    return result


def _service_blocks(
    period: Period,
    previous: Period,
    subscribed_start: dict[int, int],
    kept: dict[int, tuple[int, int]],
    by_service=None,
) -> dict[str, dict]:
    by_service = by_service or _requests_by_service
    services = list(ServicePage.objects.order_by("code").values("id", "code", "maturity"))
    ids = [s["id"] for s in services]
    current = by_service(period)
    before = by_service(previous)
    start = coverage.coverage_pct_by_service(period.start, ids, subscribed_start)
    subscribed_end = coverage.subscribed_entities_by_service(period.end)
    end = coverage.coverage_pct_by_service(period.end, ids, subscribed_end)
    blocks = {}
    for service in services:
        sid = service["id"]
        n, n_previous = current.get(sid, 0), before.get(sid, 0)
        increase = None if start[sid] is None or end[sid] is None else end[sid] - start[sid]
        blocks[service["code"]] = {
            "requests": n,
            "requests_previous": n_previous,
            "requests_variation_pct": variation_pct(n, n_previous),
            "coverage_start_pct": round2(start[sid]),
            "coverage_end_pct": round2(end[sid]),
            "coverage_increase_points": round2(increase),
            "maturity": service["maturity"],
            "commitments_counted": kept.get(sid, (0, 0))[0],
            "commitments_kept_pct": kept_pct(kept.get(sid)),
        }
    return blocks


def _coverage_by_maturity(period: Period, services: dict[str, dict]) -> dict[str, dict]:
    """Per maturity label (retired excluded): its services, and the share of the company's entities that
    use at least one of them at the start and the end of the period (None for a label without services)."""
    pct = coverage.coverage_pct_by_maturity((period.start, period.end), MATURITIES)
    result = {}
    for maturity in MATURITIES:
        count = sum(1 for block in services.values() if block["maturity"] == maturity)
        first, last = (pct[(period.start, maturity)], pct[(period.end, maturity)]) if count else (None, None)
        result[maturity] = {
            "services": count,
            "coverage_start_pct": round2(first),
            "coverage_end_pct": round2(last),
            "coverage_increase_points": None if first is None or last is None else round2(last - first),
        }
    return result


def _requests_by_service(period: Period) -> dict[int, int]:
    rows = _days(period, Measure.SERVICE).values("service_id").annotate(n=Sum("n")).order_by()
    return {row["service_id"]: row["n"] for row in rows}


def _requests_by_service_from_requests(period: Period) -> dict[int, int]:
    """The reference for `_requests_by_service`, on the requests table."""
    rows = (
        Request.objects.filter(_in(period, "received_at"), service__isnull=False)
        .values("service_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["service_id"]: row["n"] for row in rows}
