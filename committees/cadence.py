"""Calendar arithmetic for committees: months added to dates, meeting dates from a cadence."""

import calendar
from collections.abc import Iterator
from datetime import date


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the end of a shorter month (31 Jan + 1 → 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def month_starts(start: date, end: date) -> list[date]:
    """The first days of the months whose 1st day is in [start, end)."""
    first = start if start.day == 1 else add_months(start.replace(day=1), 1)
    months = []
    while first < end:
        months.append(first)
        first = add_months(first, 1)
    return months


def cadence_dates(starts_on: date, cadence_months: int, until: date) -> Iterator[date]:
    """Meeting dates from the first one, every `cadence_months` months, up to `until` included.

    Each date is computed from the first one (not from the previous date) so that a committee started
    on the 31st comes back to the 31st after a short month.
    """
    step = 0
    while (day := add_months(starts_on, step * cadence_months)) <= until:
        yield day
        step += 1
