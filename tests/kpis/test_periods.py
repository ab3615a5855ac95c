import datetime as dt

import pytest

from kpis.periods import Period

D = dt.date


@pytest.mark.parametrize(
    "start,end,previous_start",
    [
        (D(2026, 7, 1), D(2026, 10, 1), D(2026, 4, 1)),  # a quarter: the quarter before
        (D(2026, 3, 1), D(2026, 4, 1), D(2026, 2, 1)),  # a month: the month before (28 days)
        (D(2026, 1, 1), D(2027, 1, 1), D(2025, 1, 1)),  # a year: the year before
        (D(2026, 1, 1), D(2026, 3, 1), D(2025, 11, 1)),  # two months across a year boundary
        (D(2026, 3, 10), D(2026, 3, 20), D(2026, 2, 28)),  # not on 1st days: the same number of days
        (D(2026, 3, 1), D(2026, 3, 15), D(2026, 2, 15)),  # only one bound on a 1st: days
    ],
)
def test_previous_period_follows_the_kpis_contract(start, end, previous_start):
    previous = Period(start, end).previous()
    assert previous == Period(previous_start, start)


def test_bounds_are_paris_midnight_whatever_the_season():
    winter, summer = (
        Period(D(2026, 1, 1), D(2026, 7, 1)).start_at,
        Period(D(2026, 1, 1), D(2026, 7, 1)).end_at,
    )
    assert winter.isoformat() == "2026-01-01T00:00:00+01:00"
    assert summer.isoformat() == "2026-07-01T00:00:00+02:00"


def test_months_are_those_whose_first_day_is_in_the_period():
    assert Period(D(2026, 1, 15), D(2026, 4, 1)).month_starts() == [D(2026, 2, 1), D(2026, 3, 1)]
    assert Period(D(2026, 11, 1), D(2027, 1, 2)).month_starts() == [
        D(2026, 11, 1),
        D(2026, 12, 1),
        D(2027, 1, 1),
    ]
    assert Period(D(2026, 3, 2), D(2026, 3, 30)).month_starts() == []


def test_an_empty_or_reversed_period_is_refused():
    with pytest.raises(ValueError):
        Period(D(2026, 3, 1), D(2026, 3, 1))
