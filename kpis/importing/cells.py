"""Typed reading of one row's cells, collecting every problem instead of stopping at the first."""

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

PARIS = ZoneInfo("Europe/Paris")
COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")


@dataclass(frozen=True)
class RowError:
    file: str
    line: int
    column: str
    reason: str

    def __str__(self):
        return f"{self.file}:{self.line}: {self.column}: {self.reason}"


class Row:
    """One input row: `row.text("name")`, `row.date("start", required=False)`… record errors on the way."""

    def __init__(self, file: str, line: int, cells: dict[str, str], errors: list[RowError]):
        self.file, self.line, self.cells, self.errors = file, line, cells, errors
        self.failed = False

    def error(self, column: str, reason: str) -> None:
        self.failed = True
        self.errors.append(RowError(self.file, self.line, column, reason))

    def raw(self, column: str, required: bool) -> str:
        value = self.cells.get(column, "")
        if required and not value:
            self.error(column, "required value is empty")
        return value

    def text(self, column: str, *, required: bool = True, max_length: int = 255) -> str:
        value = self.raw(column, required)
        if len(value) > max_length:
            self.error(column, f"longer than {max_length} characters")
        return value

    def email(self, column: str, *, required: bool = True) -> str:
        value = self.raw(column, required).lower()
        if value:
            try:
                validate_email(value)
            except ValidationError:
                self.error(column, f"not an e-mail address: {value!r}")
        return value

    def choice(self, column: str, choices: list[str], *, required: bool = True) -> str:
        value = self.raw(column, required)
        if value and value not in choices:
            self.error(column, f"{value!r} is not one of {', '.join(choices)}")
        return value

    def date(self, column: str, *, required: bool = True) -> dt.date | None:
        value = self.raw(column, required)
        if not value:
            return None
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                raise ValueError
            return dt.date.fromisoformat(value)
        except ValueError:
            self.error(column, f"not a date YYYY-MM-DD: {value!r}")
            return None

    def datetime(self, column: str, *, required: bool = True) -> dt.datetime | None:
        value = self.raw(column, required)
        if not value:
            return None
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            self.error(column, f"not an ISO 8601 date-time: {value!r}")
            return None
        # Without an offset, a date-time is Paris wall-clock time.
        return moment.replace(tzinfo=PARIS) if moment.tzinfo is None else moment

    def flag(self, column: str) -> bool:
        value = self.raw(column, False)
        if value not in ("", "0", "1"):
            self.error(column, f"expected 0 or 1, got {value!r}")
        return value == "1"

    def integer(self, column: str, low: int, high: int, *, required: bool = False) -> int | None:
        value = self.raw(column, required)
        if not value:
            return None
        if not re.fullmatch(r"-?\d+", value) or not low <= int(value) <= high:
            self.error(column, f"expected a whole number from {low} to {high}, got {value!r}")
            return None
        return int(value)

    def colour(self, column: str) -> str:
        value = self.raw(column, True)
        if value and not COLOUR.match(value):
            self.error(column, f"expected a colour #RRGGBB, got {value!r}")
        return value

    def ref(self, column: str, known: dict, what: str, *, required: bool = True, key=None):
        value = self.raw(column, required)
        if not value:
            return None
        found = known.get(key(value) if key else value)
        if found is None:
            self.error(column, f"unknown {what} {value!r}")
        return found
