"""What the dashboard page and its PDF show for a scope and a period: cards, charts and their tables."""

import datetime as dt
from pathlib import Path
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from directory.models import Directorate
from home.reports import ReportKind
from kpis import charts, dashboard, freshness, inbound
from kpis.dashboard import PeriodChoice, Scope
from kpis.freshness import indicators_covering
from kpis.models import TargetChange
from kpis.periods import Period


def _month_label(month) -> str:
    return month.strftime("%m/%Y")


def _partial(months) -> tuple[int, str] | None:
    """The index of the month in progress among the chart's months, with its label, if it is there."""
    current = timezone.localdate().replace(day=1)
    return (months.index(current), _("month in progress")) if current in months else None


def _labels(months, partial) -> list[str]:
    labels = [_month_label(m) for m in months]
    if partial is not None:
        labels[partial[0]] = f"{labels[partial[0]]} ({partial[1]})"
    return labels


def _cell(value) -> str:
    return "—" if value is None else floatformat(value, "-2")


def requests_chart(period, code: str | None) -> dict:
    data = freshness.remember("requests-by-month", period, code)
    partial = _partial(data["months"])
    labels = [_month_label(m) for m in data["months"]]
    series = [(dashboard.client_type_label(type_), values) for type_, values in data["series"]]
    title = _("Inbound requests per month by client type")
    return {
        "id": "chart-requests",
        "title": title,
        "svg": charts.line_chart(
            title,
            _("Number of requests received each month over the 12 months ending with the period."),
            labels,
            series,
            partial=partial,
        ),
        "headers": [_("Month"), *[label for label, _values in series]],
        "rows": [
            [label, *[_cell(values[i]) for _name, values in series]]
            for i, label in enumerate(_labels(data["months"], partial))
        ],
    }


def nps_chart(period, code: str | None) -> dict:
    points = freshness.remember("nps-by-month", period, code)["points"]
    months = [month for month, _value, _n in points]
    partial = _partial(months)
    labels = [_month_label(month) for month in months]
    title = _("NPS per month (barometer and after-request surveys)")
    return {
        "id": "chart-nps",
        "title": title,
        "svg": charts.line_chart(
            title,
            _("Net promoter score, from -100 to +100, each month; no point where nobody answered."),
            labels,
            [(_("NPS"), [value for _month, value, _n in points])],
            y_min=-100,
            y_max=100,
            partial=partial,
        ),
        "headers": [_("Month"), _("NPS"), _("answers")],
        "rows": [
            [label, _cell(value), _cell(n)]
            for label, (_m, value, n) in zip(_labels(months, partial), points, strict=True)
        ],
    }


def coverage_chart(services: dict, by_maturity: dict) -> dict:
    """The coverage chart per service; its table also gives usage by maturity (retired excluded)."""
    rows = dashboard.coverage_rows(services)
    title = _("Coverage rate by service")
    start, end = _("at the start of the period"), _("at the end of the period")
    return {
        "titles": {row["code"]: row["title"] for row in rows},
        "id": "chart-coverage",
        "title": title,
        "svg": charts.coverage_chart(
            title,
            _("Share of the company's entities subscribed to each service, in %, at the start and the end."),
            [(row["title"], row["start"], row["end"]) for row in rows],
            (start, end),
        ),
        "headers": [
            _("Service"),
            _("Maturity"),
            _("Start of period (%)"),
            _("End of period (%)"),
            _("Increase (points)"),
        ],
        "rows": [
            [row["title"], row["maturity"], _cell(row["start"]), _cell(row["end"]), _cell(row["increase"])]
            for row in rows
        ]
        + [
            [
                _("All “%(maturity)s” services") % {"maturity": row["label"]},
                row["label"],
                _cell(row["start"]),
                _cell(row["end"]),
                _cell(row["increase"]),
            ]
            for row in dashboard.maturity_rows(by_maturity)
        ],
    }


def build_report(scope: Scope, choice: PeriodChoice) -> dict:
    """Every number of the dashboard for the scope, from compute_indicators and a few GROUP BY queries."""
    period = choice.period
    result = indicators_covering(period, None if scope.company else scope.directorate.code)
    previous = indicators_covering(period.previous())
    targets = dashboard.targets_by_key()
    own_targets = dashboard.directorate_targets(None if scope.company else [scope.directorate.code])
    campaigns = dashboard.latest_campaigns(result, period, timezone.localdate())
    earlier = dashboard.latest_campaigns(previous, period.previous(), timezone.localdate())
    if scope.company:
        names = dashboard.directorate_names()
        codes = list(result["directorates"])
        company_cards = dashboard.cards(
            result, previous, targets, campaigns=campaigns, previous_campaigns=earlier
        )
        chart_code = None
    else:
        names = {scope.directorate.code: scope.directorate.name}
        codes = [scope.directorate.code]
        company_cards = None
        chart_code = scope.directorate.code
    directorates = [
        {
            "code": code,
            "name": names.get(code, code),
            "cards": dashboard.cards(
                result, previous, dashboard.targets_for(targets, own_targets, code), code, campaigns, earlier
            ),
        }
        for code in codes
    ]
    chart_list = [requests_chart(period, chart_code), nps_chart(period, chart_code)]
    service_titles = {}
    if scope.company:
        coverage = coverage_chart(result["services"], result["coverage_by_maturity"])
        service_titles = coverage.pop("titles")
        chart_list.append(coverage)
    return {
        "choice": choice,
        "period": period,
        "result": result,
        "company_cards": company_cards,
        "directorates": directorates,
        "charts": chart_list,
        "scope": scope,
        "service_titles": service_titles,
        "inbound": inbound.inbound(period, result, previous, scope, names, service_titles),
        "as_of": freshness.as_of(period),
        "has_data": dashboard.has_data(
            result["company"] if scope.company else result["directorates"][codes[0]]
        ),
    }


# --- the dashboard's PDF, built in the background (home/reports.py) ----------------------------------


def pdf_parameters(scope: Scope, choice: PeriodChoice) -> dict:
    return {
        "scope": "" if scope.company else scope.directorate.code,
        "period": choice.kind,
        "start": choice.period.start.isoformat(),
        "end": choice.period.end.isoformat(),
    }


def _choice(params: dict) -> PeriodChoice:
    start, end = (dt.date.fromisoformat(params[name]) for name in ("start", "end"))
    return PeriodChoice(params["period"], Period(start, end))


def _check(user, params: dict) -> None:
    """Who reads the dashboard reads its PDF: the CIO and relationship managers the company's, a
    correspondent their directorate's; the scope is the reader's own, never another."""
    scope = dashboard.scope_for(user)  # PermissionDenied for everybody else
    if ("" if scope.company else scope.directorate.code) != params["scope"]:
        raise PermissionDenied


def _version(params: dict) -> str:
    """The indicators' data (any change to it is a DataChange), the targets, and the day (the month in
    progress and the printing date move with it)."""
    targets = TargetChange.objects.aggregate(last=Max("changed_at"))["last"]
    changed = freshness.last_change().isoformat()
    return "|".join([changed, targets.isoformat() if targets else "-", str(timezone.localdate())])


def _gather(params: dict) -> dict:
    code = params["scope"]
    scope = Scope(Directorate.objects.get(code=code)) if code else Scope()
    return build_report(scope, _choice(params))


def _file_name(params: dict) -> str:
    choice = _choice(params)
    who = params["scope"] or "entreprise"
    return f"indicateurs-{who}-{choice.period.start:%Y%m%d}-{choice.period.end:%Y%m%d}.pdf"


def _title(params: dict) -> str:
    return _("Relations-Clients indicators (PDF) · %(period)s") % {"period": _choice(params).label}


def _back_url(params: dict) -> str:
    return f"{reverse('kpis:dashboard')}?{urlencode(_choice(params).params())}"


def _html(report: dict) -> str:
    from kpis.exports import report_html

    return report_html(report)


DASHBOARD_PDF = ReportKind(
    name="kpis_dashboard",
    title=_title,
    check=_check,
    key=lambda params: ":".join([params["scope"] or "*", params["period"], params["start"], params["end"]]),
    version=_version,
    gather=_gather,
    html=_html,
    stylesheet=Path(__file__).resolve().parent / "print" / "dashboard.css",
    file_name=_file_name,
    back_url=_back_url,
)
