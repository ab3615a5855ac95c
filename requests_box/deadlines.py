"""Answer deadlines: the urgency × importance matrix of the complaint method, on French business days.

| | important | less important |
|---|---|---|
| urgent | 24 hours | the deadline the client asked for |
| not urgent | the deadline the client asked for | one week |

Decisions where the method is silent:
- "24 hours" counts elapsed hours (a production outage does not wait for Monday);
- "one week" is 5 business days, counted from the next business moment, same time of day;
- where the client asked for no deadline, one week;
- a deadline asked as a date means the end of business hours that day;
- a service with a response commitment of N business days (the catalogue's "Engagements") gives its
  requests the sooner of the matrix's deadline and N business days after reception.
Business hours (default Mon–Fri 08:30–18:00 Europe/Paris), French public holidays (computed) and
extra closed days come from settings BUSINESS_HOURS and EXTRA_CLOSED_DAYS.
"""

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.conf import settings

DEFAULT_BUSINESS_HOURS = {
    "days": [0, 1, 2, 3, 4],
    "start": "08:30",
    "end": "18:00",
    "timezone": "Europe/Paris",
}
ONE_WEEK_BUSINESS_DAYS = 5


def easter_sunday(year: int) -> dt.date:
    """Gregorian Easter (anonymous Gregorian algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


@lru_cache(maxsize=64)
def french_public_holidays(year: int) -> frozenset[dt.date]:
    easter = easter_sunday(year)
    fixed = [(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)]
    moving = [easter + dt.timedelta(days=n) for n in (1, 39, 50)]  # Easter Monday, Ascension, Whit Monday
    return frozenset([dt.date(year, m, d) for m, d in fixed] + moving)


def _hours() -> dict:
    return {**DEFAULT_BUSINESS_HOURS, **getattr(settings, "BUSINESS_HOURS", {})}


def _clock(value: str) -> dt.time:
    hour, minute = value.split(":")
    return dt.time(int(hour), int(minute))


def _extra_closed_days() -> frozenset[dt.date]:
    return frozenset(
        day if isinstance(day, dt.date) else dt.date.fromisoformat(day)
        for day in getattr(settings, "EXTRA_CLOSED_DAYS", [])
    )


def is_business_day(day: dt.date) -> bool:
    return (
        day.weekday() in _hours()["days"]
        and day not in french_public_holidays(day.year)
        and day not in _extra_closed_days()
    )


def _next_business_day(day: dt.date) -> dt.date:
    day += dt.timedelta(days=1)
    while not is_business_day(day):
        day += dt.timedelta(days=1)
    return day


def next_business_moment(moment: dt.datetime) -> dt.datetime:
    """The moment itself when the DSI is open, else the next opening."""
    hours = _hours()
    tz = ZoneInfo(hours["timezone"])
    start, end = _clock(hours["start"]), _clock(hours["end"])
    local = moment.astimezone(tz)
    if is_business_day(local.date()) and start <= local.time() < end:
        return local
    day = (
        local.date()
        if is_business_day(local.date()) and local.time() < start
        else _next_business_day(local.date())
    )
    return dt.datetime.combine(day, start, tzinfo=tz)


def add_business_days(moment: dt.datetime, days: int) -> dt.datetime:
    local = next_business_moment(moment)
    day = local.date()
    for _ in range(days):
        day = _next_business_day(day)
    return dt.datetime.combine(day, local.timetz().replace(tzinfo=None), tzinfo=local.tzinfo)


def end_of_business_day(day: dt.date) -> dt.datetime:
    hours = _hours()
    return dt.datetime.combine(day, _clock(hours["end"]), tzinfo=ZoneInfo(hours["timezone"]))


def commitment_deadline(received_at: dt.datetime, days: int) -> dt.datetime:
    """A service's response commitment: `days` business days after reception, same time of day."""
    return add_business_days(received_at, days)


def _sooner(deadline: dt.datetime, received_at: dt.datetime, commitment_days: int | None) -> dt.datetime:
    if not commitment_days:
        return deadline
    return min(deadline, commitment_deadline(received_at, commitment_days))


def compute_deadline(
    *,
    urgent: bool,
    important: bool,
    requested: dt.date | None,
    received_at: dt.datetime,
    commitment_days: int | None = None,
) -> dt.datetime:
    """The promised answer deadline, per the urgency × importance matrix, or sooner when the service's
    response commitment (`commitment_days` business days) gives a sooner one."""
    if received_at.tzinfo is None:
        raise ValueError("received_at must be timezone-aware")
    if urgent and important:
        deadline = received_at + dt.timedelta(hours=24)
    elif urgent != important and requested is not None:
        deadline = end_of_business_day(requested)
    else:
        deadline = add_business_days(received_at, ONE_WEEK_BUSINESS_DAYS)
    return _sooner(deadline, received_at, commitment_days)


def initial_deadline(
    *, requested: dt.date | None, received_at: dt.datetime, commitment_days: int | None = None
) -> dt.datetime:
    """Deadline of a request not yet qualified: the date the client asked for, else one week (or the
    service's commitment when sooner)."""
    if requested is not None:
        return _sooner(end_of_business_day(requested), received_at, commitment_days)
    return compute_deadline(
        urgent=False,
        important=False,
        requested=None,
        received_at=received_at,
        commitment_days=commitment_days,
    )
