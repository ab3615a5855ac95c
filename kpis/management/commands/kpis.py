"""`python manage.py kpis --start D --end D [--json]`: the indicators of KPIS.md, as a table or as JSON."""

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from kpis.indicators import compute_indicators
from kpis.periods import Period


def iso_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"not an ISO date (YYYY-MM-DD): {value!r}") from exc


class Command(BaseCommand):
    help = "Print the Relations-Clients indicators for [start, end) (dates at 00:00 Europe/Paris)."

    def add_arguments(self, parser):
        parser.add_argument("--start", required=True, type=iso_date, help="first day, inclusive (YYYY-MM-DD)")
        parser.add_argument("--end", required=True, type=iso_date, help="last day, exclusive (YYYY-MM-DD)")
        parser.add_argument("--json", action="store_true", dest="as_json", help="print the JSON of KPIS.md")

    def handle(self, *args, start, end, as_json: bool = False, **options):
        try:
            period = Period(start, end)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        result = compute_indicators(period)
        if as_json:
            self.stdout.write(_dumps(result))
            return
        self._print_table(result)

    def _print_table(self, result: dict) -> None:
        p = result["period"]
        self.stdout.write(f"Period {p['start']} → {p['end']} (previous from {p['previous_start']})\n")
        rows = [("company", result["company"])] + list(result["directorates"].items())
        header = f"{'':<12}{'requests':>10}{'prev':>8}{'var %':>9}{'met/mo':>8}{'new proj':>9}"
        header += f"{'new req':>8}{'signed new':>11}{'held %':>8}{'NPS baro':>9}"
        self.stdout.write(header)
        for name, block in rows:
            met = sum(block["contacts_met_by_month"].values())
            months = max(len(block["contacts_met_by_month"]), 1)
            self.stdout.write(
                f"{name:<12}{block['requests']:>10}{block['requests_previous']:>8}"
                f"{_fmt(block['requests_variation_pct']):>9}{met / months:>8.1f}"
                f"{block['entities_with_new_project']:>9}{block['new_entities_with_request']:>8}"
                f"{block['projects_signed_with_new_clients']:>11}{_fmt(block['mature_services_share_held_pct']):>8}"
                f"{_fmt(block['satisfaction']['barometre']['nps']):>9}"
            )
        self.stdout.write("\nservices: code, requests, coverage start → end (points)")
        for code, block in result["services"].items():
            self.stdout.write(
                f"  {code:<14}{block['requests']:>6}  {_fmt(block['coverage_start_pct'])} → "
                f"{_fmt(block['coverage_end_pct'])} ({_fmt(block['coverage_increase_points'])})"
            )


def _fmt(value) -> str:
    return "—" if value is None else f"{value:.2f}"


def _dumps(result: dict) -> str:
    return json.dumps(result, ensure_ascii=False, indent=2)
