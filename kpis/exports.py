"""The dashboard's exports: CSV (one row per indicator key) and PDF (WeasyPrint, same SVG charts)."""

from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone

from home.exports import csv_response, safe_cell
from kpis.dashboard import INDICATORS, Scope

STYLESHEET = Path(__file__).resolve().parent / "print" / "dashboard.css"


def flatten(block: dict, prefix: str = "") -> dict[str, object]:
    """{"satisfaction": {"barometre": {"nps": 25.0}}} -> {"satisfaction.barometre.nps": 25.0}."""
    flat = {}
    for key, value in block.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def csv_rows(report: dict) -> list[list]:
    """Header, the directorates' names, the ten dashboard indicators, then every key of KPIS.md's block."""
    scope: Scope = report["scope"]
    result = report["result"]
    directorates = report["directorates"]
    columns = [d["code"] for d in directorates]
    blocks = [flatten(result["directorates"][code]) for code in columns]
    header = ["indicator", *(["company"] if scope.company else []), *columns]
    rows = [
        header,
        ["directorate_name", *([""] if scope.company else []), *[d["name"] for d in directorates]],
    ]

    company_cards = {card.indicator.key: card for card in report["company_cards"] or []}
    for index, indicator in enumerate(INDICATORS):
        row = [f"dashboard.{indicator.number}.{indicator.key}"]
        if scope.company:
            row.append(company_cards[indicator.key].value)
        row.extend(d["cards"][index].value for d in directorates)
        rows.append(row)

    company = flatten(result["company"])
    keys = list(company) if scope.company else list(blocks[0]) if blocks else []
    for key in keys:
        row = [key, *([company[key]] if scope.company else [])]
        row.extend(block.get(key) for block in blocks)
        rows.append(row)
    if scope.company:
        rows += [[], *service_rows(report), [], *maturity_rows(report)]
    rows += [[], *inbound_rows(report)]
    return [[safe_cell(cell) for cell in row] for row in rows]


SERVICE_KEYS = [
    "requests",
    "requests_previous",
    "requests_variation_pct",
    "coverage_start_pct",
    "coverage_end_pct",
    "coverage_increase_points",
    "maturity",
    "commitments_counted",
    "commitments_kept_pct",
]


def service_rows(report: dict) -> list[list]:
    """After a blank line: one row per service (its block of KPIS.md), with its title."""
    titles = report.get("service_titles", {})
    services = report["result"]["services"]
    rows = [["service", "service_title", *SERVICE_KEYS]]
    for code, block in services.items():
        rows.append([code, titles.get(code, code), *(block[key] for key in SERVICE_KEYS)])
    return rows


MATURITY_KEYS = ["services", "coverage_start_pct", "coverage_end_pct", "coverage_increase_points"]


def maturity_rows(report: dict) -> list[list]:
    """After a blank line: usage by maturity (`coverage_by_maturity` of KPIS.md), one row per label."""
    by_maturity = report["result"]["coverage_by_maturity"]
    return [["maturity", *MATURITY_KEYS]] + [
        [maturity, *(block[key] for key in MATURITY_KEYS)] for maturity, block in by_maturity.items()
    ]


INBOUND_TABLES = [
    ("directorate", "by_directorate"),
    ("client_type", "by_client_type"),
    ("service", "by_service"),
]


def inbound_rows(report: dict) -> list[list]:
    """After a blank line: indicator 6 in full, one row per directorate, client type and service."""
    inbound = report["inbound"]
    rows = [["inbound_by", "code", "label", "requests", "requests_previous", "requests_variation_pct"]]
    for dimension, key in INBOUND_TABLES:
        rows.extend(
            [dimension, row.code, row.label, row.requests, row.previous, row.variation]
            for row in inbound[key]
        )
    return rows


def report_csv_response(report: dict, filename: str):
    """The download, written by the portal's one CSV writer (formula cells neutralised there)."""
    return csv_response(csv_rows(report), filename)


def report_html(report: dict) -> str:
    return render_to_string("kpis/print/dashboard.html", {**report, "printed_on": timezone.localdate()})


def report_pdf(report: dict) -> bytes:
    from weasyprint import CSS, HTML

    return HTML(string=report_html(report), base_url=str(STYLESHEET.parent)).write_pdf(
        stylesheets=[CSS(filename=str(STYLESHEET))]
    )
