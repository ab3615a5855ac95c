"""What the dashboard page and its PDF show for a scope and a period: cards, charts and their tables."""

from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.translation import gettext as _

from kpis import charts, dashboard, freshness, inbound
from kpis.dashboard import PeriodChoice, Scope
from kpis.freshness import indicators_covering


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
    if scope.company:
        names = dashboard.directorate_names()
        codes = list(result["directorates"])
        company_cards = dashboard.cards(result, previous, targets, campaigns=campaigns)
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
                result, previous, dashboard.targets_for(targets, own_targets, code), code, campaigns
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
