"""Periods of the indicators: [start, end) in days, read as 00:00 Europe/Paris, and the previous period."""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


@dataclass(frozen=True)
class Period:
    start: dt.date  # inclusive
    end: dt.date  # exclusive

    def __post_init__(self):
        if self.end <= self.start:
            raise ValueError(f"a period must end after it starts ({self.start} → {self.end})")

    @property
    def start_at(self) -> dt.datetime:
        return paris_midnight(self.start)

    @property
    def end_at(self) -> dt.datetime:
        return paris_midnight(self.end)

    def previous(self) -> "Period":
        """The period of equal length that ends where this one starts (KPIS.md).

        When both bounds are the 1st of a month it spans the same number of calendar months
        (a quarter gives the quarter before); otherwise the same number of days.
        """
        if self.start.day == 1 and self.end.day == 1:
            months = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month
            return Period(add_months(self.start, -months), self.start)
        return Period(self.start - (self.end - self.start), self.start)

    def month_starts(self) -> list[dt.date]:
        """The 1st day of every month whose 1st day falls in the period."""
        first = self.start if self.start.day == 1 else add_months(self.start.replace(day=1), 1)
        months = []
        while first < self.end:
            months.append(first)
            first = add_months(first, 1)
        return months


def paris_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=PARIS)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (or earlier); only used on 1st days, so it never overflows."""
    index = day.year * 12 + day.month - 1 + months
    return day.replace(year=index // 12, month=index % 12 + 1)
