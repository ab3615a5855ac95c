"""Reads of the CIO dashboard: periods, who sees what, the ten indicator cards and the chart series.

The numbers come from `kpis.indicators.compute_indicators` (the one computation); the charts and the
drill-down add a few GROUP BY queries. Nothing here loops over requests in Python.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, Sum
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from catalogue.models import Maturity, ServicePage
from directory.models import ClientType, Directorate, Entity
from directory.roles import CIO, RELATIONSHIP_MANAGERS, has_role
from directory.selectors import contact_for_user
from kpis.aggregate_models import Measure, RequestDayCount
from kpis.indicators import CLIENT_TYPES, COMPANY, UNKNOWN, satisfaction_block, satisfaction_counts
from kpis.models import DirectorateTarget, IndicatorTarget, Survey, SurveyAnswer, SurveyKind
from kpis.periods import Period, add_months
from requests_box.models import Request
from requests_box.selectors import requests_visible_to

MONTH, QUARTER, YEAR, CUSTOM = "month", "quarter", "year", "custom"
PERIOD_KINDS = [
    (MONTH, _("Month")),
    (QUARTER, _("Quarter")),
    (YEAR, _("Year")),
    (CUSTOM, _("Custom")),
]
CHART_MONTHS = 12

# --- periods -------------------------------------------------------------------------------------------


def default_ref(today: dt.date) -> dt.date:
    """A day inside the last complete quarter before `today`."""
    quarter_start = dt.date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    return add_months(quarter_start, -3)


def period_of(kind: str, ref: dt.date) -> Period:
    """The month, quarter or year containing `ref`."""
    if kind == MONTH:
        start, months = ref.replace(day=1), 1
    elif kind == YEAR:
        start, months = dt.date(ref.year, 1, 1), 12
    else:
        start, months = dt.date(ref.year, (ref.month - 1) // 3 * 3 + 1, 1), 3
    return Period(start, add_months(start, months))


@dataclass(frozen=True)
class PeriodChoice:
    """What the period picker asked for, and how to link to its neighbours."""

    kind: str
    period: Period

    def params(self) -> dict[str, str]:
        if self.kind == CUSTOM:
            last_day = self.period.end - dt.timedelta(days=1)
            return {"period": CUSTOM, "start": self.period.start.isoformat(), "end": last_day.isoformat()}
        return {"period": self.kind, "ref": self.period.start.isoformat()}

    def previous(self) -> "PeriodChoice":
        if self.kind == CUSTOM:
            return PeriodChoice(CUSTOM, self.period.previous())
        return PeriodChoice(self.kind, period_of(self.kind, self.period.start - dt.timedelta(days=1)))

    def next(self) -> "PeriodChoice":
        if self.kind == CUSTOM:
            length = self.period.end - self.period.start
            return PeriodChoice(CUSTOM, Period(self.period.end, self.period.end + length))
        return PeriodChoice(self.kind, period_of(self.kind, self.period.end))

    @property
    def last_day(self) -> dt.date:
        return self.period.end - dt.timedelta(days=1)

    @property
    def label(self) -> str:
        """What the period is, in words: "T3 2026", "Juillet 2026", "Année 2026" or its dates."""
        start = self.period.start
        if self.kind == MONTH:
            return capfirst(date_format(start, "F Y"))
        if self.kind == QUARTER:
            return _("Q%(number)s %(year)s") % {"number": (start.month - 1) // 3 + 1, "year": start.year}
        if self.kind == YEAR:
            return _("Year %(year)s") % {"year": start.year}
        return _("From %(start)s to %(end)s") % {
            "start": date_format(start, "j F Y"),
            "end": date_format(self.last_day, "j F Y"),
        }


# --- who sees what -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """The company (directorate None) for the CIO and relationship managers, else one directorate."""

    directorate: Directorate | None = None

    @property
    def company(self) -> bool:
        return self.directorate is None

    def allows(self, code: str) -> bool:
        return self.company or self.directorate.code == code


def scope_for(user) -> Scope:
    """The part of the dashboard a user may see; PermissionDenied for everybody else."""
    if has_role(user, CIO, RELATIONSHIP_MANAGERS):
        return Scope()
    contact = contact_for_user(user)
    if contact is not None and contact.is_correspondent and contact.entity_id:
        return Scope(contact.entity.directorate)
    raise PermissionDenied


def can_edit_targets(user) -> bool:
    return has_role(user, CIO)


# --- the ten indicators --------------------------------------------------------------------------------


def _average(values) -> float | None:
    values = [v for v in values if v is not None]
    return None if not values else round(sum(values) / len(values), 2)


@dataclass(frozen=True)
class Indicator:
    number: int
    key: str
    title: str
    unit: str
    company_only: bool = False
    short: str = ""

    def value(self, block: dict, services: dict) -> float | None:
        return INDICATOR_VALUES[self.key](block, services)


INDICATORS = [
    Indicator(
        1, "barometer_nps", _("Satisfaction with the relationship (barometer NPS)"), "", short=_("Barometer")
    ),
    Indicator(
        2, "catalogue_csat", _("Satisfaction with the catalogue and media (CSAT)"), "%", short=_("Catalogue")
    ),
    Indicator(3, "mature_share_held", _("Share held by mature services"), "%", short=_("Mature services")),
    Indicator(4, "contacts_met_per_month", _("Clients met per month (average)"), "", short=_("Clients met")),
    Indicator(5, "entities_with_new_project", _("Clients with a new project"), "", short=_("New projects")),
    Indicator(6, "requests_variation", _("Variation of inbound requests"), "%", short=_("Requests")),
    Indicator(
        7,
        "coverage_increase",
        _("Increase of coverage rate (average over services)"),
        " pts",
        True,
        short=_("Coverage"),
    ),
    Indicator(8, "new_entities_with_request", _("New clients with a request"), "", short=_("New clients")),
    Indicator(
        9,
        "projects_signed_with_new_clients",
        _("Projects signed with new clients"),
        "",
        short=_("Projects signed"),
    ),
    Indicator(
        10,
        "commitments_kept",
        _("Commitments kept (requests resolved by their deadline)"),
        "%",
        short=_("Commitments kept"),
    ),
]
INDICATOR_KEYS = [indicator.key for indicator in INDICATORS]

INDICATOR_VALUES = {
    "barometer_nps": lambda b, s: b["satisfaction"]["barometre"]["nps"],
    "catalogue_csat": lambda b, s: b["satisfaction"]["catalogue"]["csat_pct"],
    "mature_share_held": lambda b, s: b["mature_services_share_held_pct"],
    "contacts_met_per_month": lambda b, s: _average(b["contacts_met_by_month"].values()),
    "entities_with_new_project": lambda b, s: b["entities_with_new_project"],
    "requests_variation": lambda b, s: b["requests_variation_pct"],
    "coverage_increase": lambda b, s: _average(v["coverage_increase_points"] for v in s.values()),
    "new_entities_with_request": lambda b, s: b["new_entities_with_request"],
    "projects_signed_with_new_clients": lambda b, s: b["projects_signed_with_new_clients"],
    "commitments_kept": lambda b, s: b["commitments_kept_pct"],
}


def _details(key: str, block: dict) -> list[tuple[str, object]]:
    """Secondary figures shown under an indicator's value (label, value)."""
    if key == "barometer_nps":
        s = block["satisfaction"]["barometre"]
        return [(_("answers"), s["nps_answers"]), (_("CSAT (%)"), s["csat_pct"])]
    if key == "catalogue_csat":
        s = block["satisfaction"]["catalogue"]
        return [(_("answers"), s["csat_answers"]), (_("NPS"), s["nps"])]
    if key == "contacts_met_per_month":
        # "2026-07" -> "07/2026", as the charts write months
        return [(f"{month[5:]}/{month[:4]}", n) for month, n in block["contacts_met_by_month"].items()]
    if key == "requests_variation":
        return [(_("requests"), block["requests"]), (_("previous period"), block["requests_previous"])]
    if key == "commitments_kept":
        return [(_("requests resolved with a deadline"), block["commitments_counted"])]
    return []


@dataclass
class Card:
    indicator: Indicator
    value: float | None
    previous: float | None
    details: list = field(default_factory=list)
    target: IndicatorTarget | None = None
    applicable: bool = True
    source: Survey | None = None  # the earlier campaign the value comes from, when the period has none
    # The campaign the trend compares with, when the previous period has no answer of its kind.
    previous_source: Survey | None = None

    @property
    def trend(self) -> str | None:
        """ "up", "down", "same", or None when either value is undefined."""
        if self.value is None or self.previous is None:
            return None
        return "up" if self.value > self.previous else "down" if self.value < self.previous else "same"

    @property
    def reached(self) -> bool | None:
        return None if self.target is None else self.target.is_reached(self.value)


def _as_in_campaign(block: dict, campaign: tuple, code: str | None) -> dict:
    """The group's block with the satisfaction of a campaign (from `latest_campaigns`) instead."""
    return {**block, "satisfaction": campaign[1].get(code or COMPANY, EMPTY_SATISFACTION)}


def cards(
    result: dict,
    previous: dict,
    targets: dict,
    code: str | None = None,
    campaigns: dict | None = None,
    previous_campaigns: dict | None = None,
) -> list[Card]:
    """The ten indicator cards of the company (code None) or of one directorate.

    `campaigns` (from `latest_campaigns`): the survey indicators of a period without answers of their
    kind read the latest completed campaign instead, and say so. `previous_campaigns` (the same for the
    previous period): a survey indicator of a period with its own answers compares with the campaign
    before them when the previous period has none (a yearly barometer against last year's)."""
    block = result["company"] if code is None else result["directorates"][code]
    previous_block = previous["company"] if code is None else previous["directorates"].get(code)
    built = []
    for indicator in INDICATORS:
        if indicator.company_only and code is not None:
            built.append(Card(indicator, None, None, applicable=False))
            continue
        campaign = (campaigns or {}).get(indicator.key)
        if campaign is not None:
            survey, shown = campaign[0], _as_in_campaign(block, campaign, code)
            card = Card(indicator, indicator.value(shown, {}), None, _details(indicator.key, shown))
            card.target, card.source = targets.get(indicator.key), survey
            built.append(card)
            continue
        value = indicator.value(block, result["services"])
        before = indicator.value(previous_block, previous["services"]) if previous_block else None
        card = Card(indicator, value, before, _details(indicator.key, block), targets.get(indicator.key))
        earlier = (previous_campaigns or {}).get(indicator.key)
        if before is None and value is not None and earlier is not None:
            card.previous = indicator.value(_as_in_campaign(block, earlier, code), {})
            card.previous_source = earlier[0] if card.previous is not None else None
        built.append(card)
    return built


SURVEY_INDICATORS = {"barometer_nps": SurveyKind.BAROMETRE, "catalogue_csat": SurveyKind.CATALOGUE}
EMPTY_SATISFACTION = {kind.value: satisfaction_block(None) for kind in SurveyKind}


def latest_campaigns(result: dict, period: Period, today: dt.date) -> dict[str, tuple[Survey, dict]]:
    """For the barometer and catalogue indicators whose kind has no answer in the period: the latest
    survey of that kind closed before the period's end (and before today), with its satisfaction
    blocks for the company and each directorate (three queries at most)."""
    missing = {
        key: kind
        for key, kind in SURVEY_INDICATORS.items()
        if result["company"]["satisfaction"][kind]["answers"] == 0
    }
    if not missing:
        return {}
    last_day = min(period.end - dt.timedelta(days=1), today - dt.timedelta(days=1))
    closed = Survey.objects.filter(kind__in=list(missing.values()), closes_on__lte=last_day)
    latest: dict[str, Survey] = {}
    for survey in closed.order_by("-closes_on", "-pk"):
        latest.setdefault(survey.kind, survey)
        if len(latest) == len(missing):
            break
    if not latest:
        return {}
    counts = satisfaction_counts(SurveyAnswer.objects.filter(survey__in=list(latest.values())))
    found = {}
    for key, kind in missing.items():
        survey = latest.get(kind)
        if survey is None:
            continue
        groups = {group for group, k in counts if k == kind}
        blocks = {
            group: {**EMPTY_SATISFACTION, kind: satisfaction_block(counts.get((group, kind)))}
            for group in groups
        }
        found[key] = (survey, blocks)
    return found


def has_data(block: dict) -> bool:
    """Whether anything happened in the period for this block (else the page says so)."""
    satisfaction = sum(s["answers"] for s in block["satisfaction"].values())
    return bool(
        block["requests"]
        or sum(block["response_types"].values())
        or satisfaction
        or sum(block["contacts_met_by_month"].values())
        or block["entities_with_new_project"]
        or block["projects_signed_with_new_clients"]
    )


def targets_by_key() -> dict[str, IndicatorTarget]:
    return {target.key: target for target in IndicatorTarget.objects.all()}


def directorate_targets(codes=None) -> dict[str, dict[str, DirectorateTarget]]:
    """Each directorate's own targets by indicator key (one query)."""
    rows = DirectorateTarget.objects.select_related("directorate")
    if codes is not None:
        rows = rows.filter(directorate__code__in=list(codes))
    found: dict[str, dict] = {}
    for target in rows:
        found.setdefault(target.directorate.code, {})[target.key] = target
    return found


def targets_for(company: dict, own: dict, code: str | None) -> dict:
    """The targets that apply to a directorate: its own, else the company's."""
    return company if code is None else {**company, **own.get(code, {})}


def directorate_names(codes=None) -> dict[str, str]:
    rows = Directorate.objects.order_by("code")
    if codes is not None:
        rows = rows.filter(code__in=list(codes))
    return dict(rows.values_list("code", "name"))


# --- chart series --------------------------------------------------------------------------------------


def chart_months(period: Period) -> list[dt.date]:
    """The 12 months ending with the month of the period's last day."""
    last = (period.end - dt.timedelta(days=1)).replace(day=1)
    return [add_months(last, offset) for offset in range(-CHART_MONTHS + 1, 1)]


def _chart_bounds(period: Period) -> tuple[list[dt.date], Period]:
    months = chart_months(period)
    return months, Period(months[0], add_months(months[-1], 1))


def _in_month(month: dt.date, field: str) -> Q:
    bounds = Period(month, add_months(month, 1))
    return Q(**{f"{field}__gte": bounds.start_at, f"{field}__lt": bounds.end_at})


def requests_by_month(period: Period, directorate_code: str | None = None) -> dict:
    """Inbound requests per month and client type over the 12 months ending with the period: the daily
    aggregates (kpis/aggregates.py) summed per day and client type (one query), added up per month."""
    months, span = _chart_bounds(period)
    rows = RequestDayCount.objects.filter(measure=Measure.RECEIVED, day__gte=span.start, day__lt=span.end)
    if directorate_code is not None:
        rows = rows.filter(directorate_id__in=Directorate.objects.filter(code=directorate_code).values("id"))
    rows = rows.values("day", "client_type").annotate(n=Sum("n")).order_by()
    types = CLIENT_TYPES + ([UNKNOWN] if directorate_code is None else [])
    series = {t: [0] * len(months) for t in types}
    position = {month: i for i, month in enumerate(months)}
    for row in rows:
        client_type = row["client_type"] or UNKNOWN
        if client_type in series:
            series[client_type][position[row["day"].replace(day=1)]] += row["n"]
    return {"months": months, "series": [(t, series[t]) for t in types]}


def client_type_label(code: str) -> str:
    return str((dict(ClientType.choices) | {UNKNOWN: _("unknown")})[code])


def nps_by_month(period: Period, directorate_code: str | None = None) -> dict:
    """NPS per month (barometer and post-request answers together) over the same 12 months (one query)."""
    months, span = _chart_bounds(period)
    rows = SurveyAnswer.objects.filter(
        answered_at__gte=span.start_at,
        answered_at__lt=span.end_at,
        kind__in=[SurveyKind.BAROMETRE, SurveyKind.POST_DEMANDE],
        nps__isnull=False,
    )
    if directorate_code is not None:
        rows = rows.filter(entity__directorate__code=directorate_code)
    measures = {}
    for i, month in enumerate(months):
        in_month = _in_month(month, "answered_at")
        measures[f"answers{i}"] = Count("id", filter=in_month)
        measures[f"promoters{i}"] = Count("id", filter=in_month & Q(nps__gte=9))
        measures[f"detractors{i}"] = Count("id", filter=in_month & Q(nps__lte=6))
    totals = rows.aggregate(**measures)
    points = []
    for i, month in enumerate(months):
        answers = totals[f"answers{i}"] or 0
        promoters, detractors = totals[f"promoters{i}"] or 0, totals[f"detractors{i}"] or 0
        value = None if not answers else round((promoters - detractors) * 100 / answers, 2)
        points.append((month, value, answers))
    return {"points": points}


def coverage_rows(services: dict) -> list[dict]:
    """Coverage at start and end of the period per service, with titles (one query)."""
    titles = dict(ServicePage.objects.filter(code__in=list(services)).values_list("code", "title"))
    return [
        {
            "code": code,
            "title": titles.get(code, code),
            "start": block["coverage_start_pct"],
            "end": block["coverage_end_pct"],
            "increase": block["coverage_increase_points"],
            "maturity": Maturity(block["maturity"]).label,
        }
        for code, block in services.items()
    ]


def maturity_rows(by_maturity: dict) -> list[dict]:
    """Usage by maturity (KPIS.md `coverage_by_maturity`): the entities using at least one service of
    each maturity label, at the start and the end of the period; labels without services are left out."""
    return [
        {
            "maturity": maturity,
            "label": Maturity(maturity).label,
            "services": block["services"],
            "start": block["coverage_start_pct"],
            "end": block["coverage_end_pct"],
            "increase": block["coverage_increase_points"],
        }
        for maturity, block in by_maturity.items()
        if block["services"]
    ]


# --- drill-down ----------------------------------------------------------------------------------------


def _received_in(period: Period, prefix: str = "") -> Q:
    return Q(**{f"{prefix}received_at__gte": period.start_at, f"{prefix}received_at__lt": period.end_at})


def requests_by_entity(period: Period, directorate: Directorate) -> list[dict]:
    """Every entity of the directorate with its requests received in the period (one query)."""
    rows = list(
        Entity.objects.filter(directorate=directorate)
        .annotate(n=Count("requests", filter=_received_in(period, "requests__")))
        .order_by("name")
        .values("code", "name", "client_type", "n")
    )
    for row in rows:
        row["client_type_label"] = client_type_label(row["client_type"])
    return rows


def requests_by_service(period: Period, directorate: Directorate) -> list[dict]:
    """Requests of the directorate's entities received in the period, per service (one query)."""
    return list(
        Request.objects.filter(_received_in(period), entity__directorate=directorate)
        .values("service__code", "service__title")
        .annotate(n=Count("id"))
        .order_by("-n", "service__title")
    )


def requests_of_directorate(
    user, period: Period, directorate: Directorate, entity: str = "", service: str = ""
):
    """The underlying requests of the drill-down, newest first, optionally for one entity or service.

    Only those the user may open in the mailbox (`requests_visible_to`): every request for the CIO
    (read-only) and the relationship managers, their directorate's for a correspondent."""
    rows = requests_visible_to(user).filter(_received_in(period), entity__directorate=directorate)
    if entity:
        rows = rows.filter(entity__code=entity)
    if service:
        rows = rows.filter(service__code=service)
    return rows.select_related("entity", "service").order_by("-received_at", "-id")


# The navigation item (home/navigation.py) uses this text; declared here so kpis' catalogue translates it.
NAV_DESCRIPTION = _("Relations-Clients indicators, trends and targets, by directorate.")
