"""The urgency × importance matrix on French business days."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from requests_box.deadlines import (
    add_business_days,
    compute_deadline,
    easter_sunday,
    french_public_holidays,
    initial_deadline,
    is_business_day,
)

PARIS = ZoneInfo("Europe/Paris")


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=PARIS)


def test_easter_and_the_moving_holidays():
    assert easter_sunday(2026) == dt.date(2026, 4, 5)
    assert easter_sunday(2027) == dt.date(2027, 3, 28)
    holidays = french_public_holidays(2026)
    assert {
        dt.date(2026, 4, 6),
        dt.date(2026, 5, 14),
        dt.date(2026, 5, 25),
    } <= holidays  # Easter Mon, Ascension, Whit Mon
    assert {dt.date(2026, 1, 1), dt.date(2026, 5, 1), dt.date(2026, 5, 8), dt.date(2026, 7, 14)} <= holidays
    assert {
        dt.date(2026, 8, 15),
        dt.date(2026, 11, 1),
        dt.date(2026, 11, 11),
        dt.date(2026, 12, 25),
    } <= holidays
    assert len(holidays) == 11


def test_urgent_and_important_is_24_elapsed_hours_even_over_a_weekend():
    friday = at(2026, 3, 6, 17, 0)
    assert compute_deadline(urgent=True, important=True, requested=None, received_at=friday) == at(
        2026, 3, 7, 17, 0
    )


@pytest.mark.parametrize("urgent, important", [(True, False), (False, True)])
def test_one_of_the_two_takes_the_deadline_the_client_asked_for(urgent, important):
    received = at(2026, 3, 2, 10, 0)
    deadline = compute_deadline(
        urgent=urgent, important=important, requested=dt.date(2026, 3, 4), received_at=received
    )
    assert deadline == at(2026, 3, 4, 18, 0)


@pytest.mark.parametrize("urgent, important", [(True, False), (False, True), (False, False)])
def test_without_a_requested_deadline_it_is_one_week(urgent, important):
    monday = at(2026, 3, 2, 10, 0)
    deadline = compute_deadline(urgent=urgent, important=important, requested=None, received_at=monday)
    assert deadline == at(2026, 3, 9, 10, 0)


def test_neither_urgent_nor_important_is_one_week_even_if_a_date_was_asked():
    monday = at(2026, 3, 2, 10, 0)
    deadline = compute_deadline(
        urgent=False, important=False, requested=dt.date(2026, 3, 3), received_at=monday
    )
    assert deadline == at(2026, 3, 9, 10, 0)


def test_a_new_request_takes_the_clients_date_else_one_week():
    monday = at(2026, 3, 2, 10, 0)
    assert initial_deadline(requested=dt.date(2026, 3, 20), received_at=monday) == at(2026, 3, 20, 18, 0)
    assert initial_deadline(requested=None, received_at=monday) == at(2026, 3, 9, 10, 0)


def test_one_week_skips_holidays_and_starts_at_the_next_opening():
    # Thursday before Easter 2026, in the evening: counting starts Friday 08:30; Easter Monday is closed,
    # so the 5 business days are Tue 7, Wed 8, Thu 9, Fri 10 and Mon 13.
    deadline = add_business_days(at(2026, 4, 2, 19, 0), 5)
    assert deadline == at(2026, 4, 13, 8, 30)
    # Saturday: counting starts Monday 08:30.
    assert add_business_days(at(2026, 3, 7, 11, 0), 5) == at(2026, 3, 16, 8, 30)


def test_business_hours_and_extra_closed_days_are_settings(settings):
    settings.EXTRA_CLOSED_DAYS = ["2026-03-03"]
    settings.BUSINESS_HOURS = {
        "days": [0, 1, 2, 3, 4, 5],
        "start": "09:00",
        "end": "17:00",
        "timezone": "Europe/Paris",
    }
    assert not is_business_day(dt.date(2026, 3, 3))
    assert is_business_day(dt.date(2026, 3, 7))  # Saturday is open here
    # Monday 08:00 opens at 09:00; Tuesday 3 is closed: Wed 4, Thu 5, Fri 6, Sat 7, Mon 9.
    assert add_business_days(at(2026, 3, 2, 8, 0), 5) == at(2026, 3, 9, 9, 0)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        compute_deadline(urgent=False, important=False, requested=None, received_at=dt.datetime(2026, 1, 5))
