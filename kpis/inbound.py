"""Indicator 6 in full: the variation of inbound requests by client origin and by service (seed 003).

The company's and the directorates' blocks of `compute_indicators` already hold each group's requests
for the period and the previous one, and per client type for both; its services block holds each
service's. A directorate's own view needs its requests per service, which the services block (company-
wide) does not split: one GROUP BY with two filtered counts gives them.
"""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from kpis.dashboard import client_type_label
from kpis.indicators import CLIENT_TYPES, UNKNOWN, variation_pct
from kpis.periods import Period
from requests_box.models import Request


@dataclass(frozen=True)
class Row:
    code: str
    label: str
    requests: int
    previous: int

    @property
    def variation(self) -> float | None:
        """% change from the previous period; None when it had none (a variation from 0 is undefined)."""
        return variation_pct(self.requests, self.previous)

    @property
    def variation_shown(self) -> float | None:
        """The variation to one decimal, as printed ("-7" rather than "-7,0" for -6.95)."""
        return None if self.variation is None else round(self.variation, 1)

    @property
    def trend(self) -> str | None:
        if self.variation is None:
            return "new" if self.requests else None
        return "up" if self.variation > 0 else "down" if self.variation < 0 else "same"


def by_directorate(result: dict, names: dict[str, str]) -> list[Row]:
    """One row per directorate of the result, in the order of the result (by code)."""
    return [
        Row(code, names.get(code, code), block["requests"], block["requests_previous"])
        for code, block in result["directorates"].items()
    ]


def by_client_type(block: dict, previous_block: dict | None) -> list[Row]:
    """One row per client type (and "unknown" for the company when it has any) of one block."""
    before = (previous_block or {}).get("requests_by_client_type", {})
    rows = []
    for code, n in block["requests_by_client_type"].items():
        n_previous = before.get(code, 0)
        if code == UNKNOWN and not (n or n_previous):
            continue
        rows.append(Row(code, client_type_label(code), n, n_previous))
    order = {code: i for i, code in enumerate([*CLIENT_TYPES, UNKNOWN])}
    return sorted(rows, key=lambda row: order.get(row.code, len(order)))


def _by_count(rows: list[Row]) -> list[Row]:
    """Busiest first; services without a request in either period are left out."""
    kept = [row for row in rows if row.requests or row.previous]
    return sorted(kept, key=lambda row: (-row.requests, -row.previous, row.label.lower()))


def by_service_company(block: dict, services: dict, titles: dict[str, str]) -> list[Row]:
    """One row per service of the company-wide services block, and one for the requests without a
    service (the services block counts every service page, so the rest of the total is exactly those)."""
    rows = [
        Row(code, titles.get(code, code), service["requests"], service["requests_previous"])
        for code, service in services.items()
    ]
    rows.append(
        Row(
            "",
            _("No service"),
            block["requests"] - sum(row.requests for row in rows),
            block["requests_previous"] - sum(row.previous for row in rows),
        )
    )
    return _by_count(rows)


def by_service_directorate(period: Period, code: str) -> list[Row]:
    """One row per service that the directorate's entities asked for in the period or the previous one
    (one query); requests without a service are counted under "no service"."""
    previous = period.previous()
    current_q = Q(received_at__gte=period.start_at, received_at__lt=period.end_at)
    previous_q = Q(received_at__gte=previous.start_at, received_at__lt=previous.end_at)
    rows = (
        Request.objects.filter(
            entity__directorate__code=code, received_at__gte=previous.start_at, received_at__lt=period.end_at
        )
        .values("service__code", "service__title")
        .annotate(n=Count("id", filter=current_q), n_previous=Count("id", filter=previous_q))
        .order_by()
    )
    return _by_count(
        [
            Row(
                row["service__code"] or "",
                row["service__title"] or _("No service"),
                row["n"],
                row["n_previous"],
            )
            for row in rows
        ]
    )


def inbound(
    period: Period, result: dict, previous: dict, scope, names: dict[str, str], titles: dict[str, str]
) -> dict:
    """The tables of indicator 6 for the dashboard, its CSV and its PDF: by directorate (company only),
    by client type and by service."""
    if scope.company:
        block, previous_block = result["company"], previous["company"]
        services = by_service_company(block, result["services"], titles)
    else:
        code = scope.directorate.code
        block, previous_block = result["directorates"][code], previous["directorates"].get(code)
        services = by_service_directorate(period, code)
    return {
        "total": Row("", "", block["requests"], block["requests_previous"]),
        "by_directorate": by_directorate(result, names) if scope.company else [],
        "by_client_type": by_client_type(block, previous_block),
        "by_service": services,
    }
