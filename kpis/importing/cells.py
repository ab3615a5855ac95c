"""Typed reading of one row's cells, collecting every problem (in French) instead of stopping at the first."""

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

PARIS = ZoneInfo("Europe/Paris")
COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")
# Dates outside these bounds are typing mistakes (0001-01-01, 9999-12-31) that would break every period.
EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(2100, 12, 31)
# Excel serial numbers are read as dates only from 1970-01-01 to 2100-12-31, so that a year or a
# count typed in a date column ("2025") is refused instead of becoming 17 July 1905.
EXCEL_EPOCH = dt.datetime(1899, 12, 30)  # noqa: DTZ001 - a wall-clock origin, localised by the caller
SERIAL_MIN, SERIAL_MAX = 25569, 73415
SERIAL = re.compile(r"^\d{5}(\.\d+)?$")
FRENCH = re.compile(
    r"^(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})(?:[ T](?P<H>\d{1,2})[:h](?P<M>\d{2})(?::(?P<S>\d{2}))?)?$"
)
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# What may not appear in a name or a code: control characters (line breaks and tabs included), line
# and paragraph separators, and the bidirectional overrides that make a name read differently.
BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
MULTILINE_ALLOWED = set("\n\r\t")
# A spreadsheet export neutralises formulas with a leading quote (home/exports.py): undone on import.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def forbidden_character(value: str, *, multiline: bool = False) -> str | None:
    """The first character a text may not hold, or None."""
    for char in value:
        if multiline and char in MULTILINE_ALLOWED:
            continue
        if char in BIDI or unicodedata.category(char) in ("Cc", "Zl", "Zp"):
            return char
    return None


def unquote_formula(value: str) -> str:
    """'=x → =x: the quote the portal's exports put before what a spreadsheet would run."""
    if value.startswith("'") and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value


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
        value = unquote_formula(self.cells.get(column, ""))
        if required and not value:
            self.error(column, _("required value is empty"))
        return value

    def text(
        self, column: str, *, required: bool = True, max_length: int = 255, multiline: bool = False
    ) -> str:
        value = self.raw(column, required)
        if len(value) > max_length:
            self.error(column, _("longer than %(max)s characters") % {"max": max_length})
        bad = forbidden_character(value, multiline=multiline)
        if bad is not None:
            self.error(
                column,
                _("control character %(char)s not allowed (line breaks, tabulations…)")
                % {"char": f"U+{ord(bad):04X}"},
            )
        return value

    def email(self, column: str, *, required: bool = True) -> str:
        value = self.raw(column, required).lower()
        if value:
            try:
                validate_email(value)
            except ValidationError:
                self.error(column, _("not an e-mail address: %(value)r") % {"value": value})
        return value

    def choice(self, column: str, choices: list[str], *, required: bool = True) -> str:
        value = self.raw(column, required)
        if value and value not in choices:
            self.error(
                column,
                _("%(value)r is not one of %(choices)s") % {"value": value, "choices": ", ".join(choices)},
            )
        return value

    def date(self, column: str, *, required: bool = True) -> dt.date | None:
        value = self.raw(column, required)
        if not value:
            return None
        moment = _parse(value)
        if moment is None or moment.time() != dt.time(0):
            self.error(
                column,
                _("not a date: %(value)r (expected 31/12/2025, 2025-12-31 or an Excel date)")
                % {"value": value},
            )
            return None
        return self._in_range(column, value, moment.date())

    def datetime(self, column: str, *, required: bool = True) -> dt.datetime | None:
        value = self.raw(column, required)
        if not value:
            return None
        moment = _parse(value)
        if moment is None:
            self.error(
                column,
                _(
                    "not a date-time: %(value)r (expected 31/12/2025 14:05, 2025-12-31T14:05:00+01:00 "
                    "or an Excel date)"
                )
                % {"value": value},
            )
            return None
        if self._in_range(column, value, moment.date()) is None:
            return None
        # Without an offset, a date-time is Paris wall-clock time. Kept in UTC: an instant of the
        # autumn's repeated hour compares unequal to itself across time zones (PEP 495).
        moment = moment.replace(tzinfo=PARIS) if moment.tzinfo is None else moment
        return moment.astimezone(dt.UTC)

    def date_or_datetime(self, column: str) -> dt.date | None:
        """A date, or the (Paris) date of a date-time: for deadlines that are kept as days."""
        value = self.raw(column, False)
        if not value:
            return None
        moment = self.datetime(column, required=False)
        return moment.astimezone(PARIS).date() if moment else None

    def deadline(self, column: str) -> dt.datetime | None:
        """A deadline: a date-time, or a date alone meaning the end of business hours that day (as a date
        the client asks for, requests_box.deadlines)."""
        from requests_box.deadlines import end_of_business_day

        value = self.raw(column, False)
        moment = self.datetime(column, required=False) if value else None
        if moment is None:
            return None
        local = moment.astimezone(PARIS)
        if ":" not in value and "T" not in value and local.time() == dt.time(0):
            return end_of_business_day(local.date())
        return moment

    def _in_range(self, column: str, value: str, day: dt.date) -> dt.date | None:
        if not EARLIEST <= day <= LATEST:
            self.error(
                column,
                _("date out of range: %(value)r (from %(first)s to %(last)s)")
                % {"value": value, "first": EARLIEST.year, "last": LATEST.year},
            )
            return None
        return day

    def flag(self, column: str) -> bool:
        value = self.raw(column, False)
        if value not in ("", "0", "1"):
            self.error(column, _("expected 0 or 1, got %(value)r") % {"value": value})
        return value == "1"

    def integer(self, column: str, low: int, high: int, *, required: bool = False) -> int | None:
        value = self.raw(column, required)
        if not value:
            return None
        if not re.fullmatch(r"-?\d{1,9}", value) or not low <= int(value) <= high:
            self.error(
                column,
                _("expected a whole number from %(low)s to %(high)s, got %(value)r")
                % {"low": low, "high": high, "value": value},
            )
            return None
        return int(value)

    def colour(self, column: str) -> str:
        value = self.raw(column, True)
        if value and not COLOUR.match(value):
            self.error(column, _("expected a colour #RRGGBB, got %(value)r") % {"value": value})
        return value

    def ref(self, column: str, known, unknown_message: str, *, required: bool = True, key=None) -> str | None:
        """A reference to another file's key (or a row in the database): returns the key, or None."""
        value = self.raw(column, required)
        if not value:
            return None
        value = key(value) if key else value
        if value not in known:
            self.error(column, str(unknown_message) % {"value": value})
            return None
        return value


def _parse(value: str) -> dt.datetime | None:
    """ISO 8601, French day-first (31/12/2025 [14:05[:30]]) or an Excel serial number; None if none fits."""
    if ISO_DATE.match(value):
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError:
            return None
    match = FRENCH.match(value)
    if match:
        parts = {k: int(v) for k, v in match.groupdict(default="0").items()}
        try:
            return dt.datetime(parts["y"], parts["m"], parts["d"], parts["H"], parts["M"], parts["S"])  # noqa: DTZ001
        except ValueError:
            return None
    if SERIAL.match(value):
        serial = float(value)
        if not SERIAL_MIN <= serial < SERIAL_MAX + 1:
            return None
        # Excel counts days (and fractions of a day) from 1899-12-30; round to the second.
        return EXCEL_EPOCH + dt.timedelta(seconds=round(serial * 86400))
    if len(value) >= 16 and value[4:5] == "-" and value[10:11] in ("T", " "):
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError:
            return None
    return None
