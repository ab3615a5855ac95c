"""Measures of the functional mailbox (DOMAIN.md): origin, volume by type, processing times (median and
90th percentile, never means), answer types, monthly and cumulative tables, complaint tables.

Each table is one GROUP BY (or window) query whatever the data size; Python only reshapes the rows.
A table is a title, a header and rows, shared by the screen and the CSV export.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field, replace
from math import ceil, floor

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Window
from django.db.models.functions import Ceil, Floor, RowNumber, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from directory.models import ClientType
from requests_box.models import Channel, Kind, Request, ResponseType

UNKNOWN = gettext_lazy("Unknown")


@dataclass
class Table:
    key: str
    title: str
    header: list[str]
    rows: list[list] = field(default_factory=list)


@dataclass
class Scope:
    """The period (dates, inclusive) and filters every measure honours."""

    start: dt.date
    end: dt.date
    directorate_id: int | None = None
    client_type: str = ""
    kind: str = ""
    service_id: int | None = None

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        tz = timezone.get_current_timezone()
        start = dt.datetime.combine(self.start, dt.time.min, tzinfo=tz)
        end = dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        return start, end

    def requests(self, moment: str = "received_at"):
        start, end = self.bounds()
        rows = Request.objects.filter(**{f"{moment}__gte": start, f"{moment}__lt": end})
        if self.directorate_id:
            rows = rows.filter(entity__directorate_id=self.directorate_id)
        if self.client_type:
            rows = rows.filter(entity__client_type=self.client_type)
        if self.kind:
            rows = rows.filter(kind=self.kind)
        if self.service_id:
            rows = rows.filter(service_id=self.service_id)
        return rows.order_by()


def _hours(duration) -> float:
    if isinstance(duration, dt.timedelta):
        return duration.total_seconds() / 3600
    return duration / 3_600_000_000  # microseconds, as some backends return raw durations


def _interpolate(known: dict[int, float], size: int, fraction: float) -> float:
    """Percentile with linear interpolation between closest ranks (PostgreSQL's percentile_cont)."""
    position = (size - 1) * fraction
    low, high = floor(position), ceil(position)
    return known[low] + (known[high] - known[low]) * (position - low)


def percentiles_by(rows, key: str, fractions=(0.5, 0.9)) -> dict[str, tuple[int, list[float]]]:
    """Per value of `key`: (count, [percentiles of resolved_at - received_at, in hours]). One query:
    window functions rank the durations in the database; only the rows the interpolation needs return."""
    duration = ExpressionWrapper(F("resolved_at") - F("received_at"), output_field=DurationField())
    ranked = rows.filter(resolved_at__isnull=False, resolved_at__gte=F("received_at")).annotate(
        duration=duration,
        rank=Window(RowNumber(), partition_by=[F(key)], order_by=[duration.asc(), F("id").asc()]),
        size=Window(Count("id"), partition_by=[F(key)]),
    )
    wanted = Q()
    for fraction in fractions:
        position = (F("size") - 1) * fraction
        wanted |= Q(rank=Floor(position) + 1) | Q(rank=Ceil(position) + 1)
    known: dict[str, dict[int, float]] = defaultdict(dict)
    sizes: dict[str, int] = {}
    for row in ranked.filter(wanted).values(key, "rank", "size", "duration"):
        known[row[key]][row["rank"] - 1] = _hours(row["duration"])
        sizes[row[key]] = row["size"]
    return {
        value: (sizes[value], [round(_interpolate(known[value], sizes[value], f), 1) for f in fractions])
        for value in known
    }


def _label(choices, value) -> str:
    return str(dict(choices).get(value, value)) if value else str(UNKNOWN)


def origin_tables(scope: Scope) -> list[Table]:
    """Requests received by service, entity, directorate and client type: one query, four tables."""
    rows = (
        scope.requests()
        .values("service__title", "entity__name", "entity__directorate__name", "entity__client_type")
        .annotate(n=Count("id"))
    )
    groups = {key: defaultdict(int) for key in ("service", "entity", "directorate", "client_type")}
    for row in rows:
        groups["service"][row["service__title"] or str(UNKNOWN)] += row["n"]
        groups["entity"][row["entity__name"] or str(UNKNOWN)] += row["n"]
        groups["directorate"][row["entity__directorate__name"] or str(UNKNOWN)] += row["n"]
        groups["client_type"][_label(ClientType.choices, row["entity__client_type"])] += row["n"]
    titles = {
        "service": (_("Origin by service"), _("Service")),
        "entity": (_("Origin by entity"), _("Entity")),
        "directorate": (_("Origin by directorate"), _("Directorate")),
        "client_type": (_("Origin by client type"), _("Client type")),
    }
    tables = []
    for key, counts in groups.items():
        title, column = titles[key]
        ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        tables.append(
            Table(f"origin_{key}", title, [column, _("Requests")], [list(item) for item in ordered])
        )
    return tables


def volume_table(scope: Scope) -> Table:
    counts = dict(scope.requests().values_list("kind").annotate(n=Count("id")))
    rows = [[Kind(kind).label, counts.get(kind, 0)] for kind in Kind.values]
    return Table("volume", _("Volume by type"), [_("Type"), _("Requests")], [[str(a), b] for a, b in rows])


def processing_table(scope: Scope) -> Table:
    """Requests resolved in the period: median and 90th percentile of the processing time, per type."""
    stats = percentiles_by(scope.requests("resolved_at"), "kind")
    rows = []
    for kind in Kind.values:
        count, (median, p90) = stats.get(kind, (0, [None, None]))
        rows.append([str(Kind(kind).label), count, median, p90])
    return Table(
        "processing",
        _("Processing time by type (hours)"),
        [_("Type"), _("Resolved"), _("Median"), _("90th percentile")],
        rows,
    )


def response_table(scope: Scope) -> Table:
    counts = dict(scope.requests("resolved_at").values_list("response_type").annotate(n=Count("id")))
    rows = [[str(ResponseType(value).label), counts.get(value, 0)] for value in ResponseType.values]
    return Table("responses", _("Types of answer"), [_("Type of answer"), _("Requests")], rows)


def _months(scope: Scope) -> list[dt.date]:
    months, month = [], scope.start.replace(day=1)
    while month <= scope.end:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


def _month_key(value) -> dt.date:
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.date().replace(day=1)
    return value.replace(day=1)


def monthly_table(scope: Scope) -> Table:
    """Requests received per month and type, with the cumulative total since the start of the period."""
    rows = (
        scope.requests()
        .annotate(month=TruncMonth("received_at"))
        .values("month", "kind")
        .annotate(n=Count("id"))
    )
    counts = defaultdict(int)
    for row in rows:
        counts[(_month_key(row["month"]), row["kind"])] += row["n"]
    result, cumulative = [], 0
    for month in _months(scope):
        per_kind = [counts[(month, kind)] for kind in Kind.values]
        cumulative += sum(per_kind)
        result.append([month.strftime("%Y-%m"), *per_kind, sum(per_kind), cumulative])
    header = [_("Month"), *[str(k.label) for k in Kind], _("Total"), _("Cumulative")]
    return Table("monthly", _("Monthly and cumulative requests"), header, result)


def complaint_tables(scope: Scope) -> list[Table]:
    """Complaints by month (count and cumulative), origin (channel), cause, sector (directorate),
    and handling time (median, 90th percentile) by cause."""
    complaints = scope.requests().filter(kind=Kind.RECLAMATION)
    rows = (
        complaints.annotate(month=TruncMonth("received_at"))
        .values("month", "channel", "cause__name", "entity__directorate__name")
        .annotate(n=Count("id"))
    )
    by_month, by_origin, by_cause, by_sector = (
        defaultdict(int),
        defaultdict(int),
        defaultdict(int),
        defaultdict(int),
    )
    # (month, value) → complaints, for the monthly and cumulative tables of each dimension.
    monthly_by = {"cause": defaultdict(int), "origin": defaultdict(int), "sector": defaultdict(int)}
    for row in rows:
        month = _month_key(row["month"])
        origin = _label(Channel.choices, row["channel"])
        cause = row["cause__name"] or str(UNKNOWN)
        sector = row["entity__directorate__name"] or str(UNKNOWN)
        by_month[month] += row["n"]
        by_origin[origin] += row["n"]
        by_cause[cause] += row["n"]
        by_sector[sector] += row["n"]
        monthly_by["origin"][(month, origin)] += row["n"]
        monthly_by["cause"][(month, cause)] += row["n"]
        monthly_by["sector"][(month, sector)] += row["n"]
    monthly, cumulative = [], 0
    for month in _months(scope):
        cumulative += by_month[month]
        monthly.append([month.strftime("%Y-%m"), by_month[month], cumulative])

    def ordered(counts):
        return [list(item) for item in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]

    times = percentiles_by(scope.requests("resolved_at").filter(kind=Kind.RECLAMATION), "cause__name")
    handling = [
        [name or str(UNKNOWN), count, median, p90]
        for name, (count, (median, p90)) in sorted(times.items(), key=lambda item: str(item[0] or ""))
    ]
    return [
        Table(
            "complaints_monthly",
            _("Complaints per month"),
            [_("Month"), _("Complaints"), _("Cumulative")],
            monthly,
        ),
        *complaint_rate_tables(scope),
        Table(
            "complaints_origin",
            _("Complaints by origin"),
            [_("Channel"), _("Complaints")],
            ordered(by_origin),
        ),
        Table("complaints_cause", _("Complaints by cause"), [_("Cause"), _("Complaints")], ordered(by_cause)),
        Table(
            "complaints_sector",
            _("Complaints by sector"),
            [_("Directorate"), _("Complaints")],
            ordered(by_sector),
        ),
        Table(
            "complaints_time",
            _("Complaint handling time by cause (hours)"),
            [_("Cause"), _("Resolved"), _("Median"), _("90th percentile")],
            handling,
        ),
        *_crosstabs(scope, "cause", _("Cause"), monthly_by["cause"]),
        *_crosstabs(scope, "origin", _("Channel"), monthly_by["origin"]),
        *_crosstabs(scope, "sector", _("Directorate"), monthly_by["sector"]),
        complaint_time_monthly_table(scope),
    ]


def _rate(complaints: int, requests: int) -> float | None:
    """Complaints per 100 requests; undefined (None) over no request, never zero."""
    return round(100 * complaints / requests, 1) if requests else None


def complaint_rate_tables(scope: Scope) -> list[Table]:
    """The complaint rate (complaints / requests received, in %) per directorate and per month: one query.
    Every request of the period counts in the denominator, whatever the type filter."""
    rows = (
        replace(scope, kind="")
        .requests()
        .annotate(month=TruncMonth("received_at"))
        .values("month", "entity__directorate__name")
        .annotate(n=Count("id"), complaints=Count("id", filter=Q(kind=Kind.RECLAMATION)))
    )
    by_directorate: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    by_month: dict[dt.date, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        directorate = row["entity__directorate__name"] or str(UNKNOWN)
        for key, counts in ((directorate, by_directorate), (_month_key(row["month"]), by_month)):
            counts[key][0] += row["n"]
            counts[key][1] += row["complaints"]
    unknown = str(UNKNOWN)
    directorates = sorted(by_directorate, key=lambda name: (name == unknown, name))
    header = [_("Requests"), _("Complaints"), _("Complaint rate (%)")]
    return [
        Table(
            "complaints_rate_directorate",
            _("Complaint rate by directorate"),
            [_("Directorate"), *header],
            [
                [name, *by_directorate[name], _rate(by_directorate[name][1], by_directorate[name][0])]
                for name in directorates
            ],
        ),
        Table(
            "complaints_rate_monthly",
            _("Complaint rate per month"),
            [_("Month"), *header],
            [
                [m.strftime("%Y-%m"), *by_month[m], _rate(by_month[m][1], by_month[m][0])]
                for m in _months(scope)
            ],
        ),
    ]


def _crosstabs(scope: Scope, key: str, what: str, counts: dict[tuple[dt.date, str], int]) -> list[Table]:
    """Two tables, month × value of one dimension: the complaints of each month, and the cumulative
    count since the start of the period. Columns: the values seen in the period, "Unknown" last."""
    unknown = str(UNKNOWN)
    values = sorted({value for _month, value in counts}, key=lambda v: (v == unknown, v))
    monthly, cumulative, running = [], [], defaultdict(int)
    for month in _months(scope):
        label = month.strftime("%Y-%m")
        row = [counts.get((month, value), 0) for value in values]
        for value, n in zip(values, row, strict=True):
            running[value] += n
        monthly.append([label, *row, sum(row)])
        totals = [running[value] for value in values]
        cumulative.append([label, *totals, sum(totals)])
    header = [_("Month"), *values, _("Total")]
    titles = {
        "cause": (_("Complaints by cause, per month"), _("Complaints by cause, cumulative")),
        "origin": (_("Complaints by origin, per month"), _("Complaints by origin, cumulative")),
        "sector": (_("Complaints by sector, per month"), _("Complaints by sector, cumulative")),
    }
    per_month_title, cumulative_title = titles[key]
    return [
        Table(f"complaints_{key}_monthly", per_month_title, header, monthly),
        Table(f"complaints_{key}_cumulative", cumulative_title, header, cumulative),
    ]


def _percentiles(durations: list[float], fractions=(0.5, 0.9)) -> list[float | None]:
    if not durations:
        return [None for _f in fractions]
    ordered = sorted(durations)
    known = dict(enumerate(ordered))
    return [round(_interpolate(known, len(ordered), f), 1) for f in fractions]


def complaint_time_monthly_table(scope: Scope) -> Table:
    """Complaints resolved each month: handling time (median, 90th percentile, hours), for the month
    and cumulated since the start of the period. One query; complaints are few, their durations are
    read and ranked here."""
    rows = (
        scope.requests("resolved_at")
        .filter(kind=Kind.RECLAMATION, resolved_at__gte=F("received_at"))
        .values_list("received_at", "resolved_at")
    )
    per_month: dict[dt.date, list[float]] = defaultdict(list)
    for received_at, resolved_at in rows:
        per_month[_month_key(resolved_at)].append(_hours(resolved_at - received_at))
    result, so_far = [], []
    for month in _months(scope):
        durations = per_month.get(month, [])
        so_far.extend(durations)
        result.append(
            [
                month.strftime("%Y-%m"),
                len(durations),
                *_percentiles(durations),
                len(so_far),
                *_percentiles(so_far),
            ]
        )
    header = [
        _("Month of resolution"),
        _("Resolved"),
        _("Median"),
        _("90th percentile"),
        _("Resolved, cumulative"),
        _("Median, cumulative"),
        _("90th percentile, cumulative"),
    ]
    return Table("complaints_time_monthly", _("Complaint handling time per month (hours)"), header, result)


def all_tables(scope: Scope) -> list[Table]:
    return [
        *origin_tables(scope),
        volume_table(scope),
        processing_table(scope),
        response_table(scope),
        monthly_table(scope),
        *complaint_tables(scope),
    ]
