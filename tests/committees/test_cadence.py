"""Meetings are planned from a committee's cadence."""

from datetime import date, time
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from committees import services
from committees.cadence import add_months, cadence_dates, month_starts
from committees.models import MeetingStatus


def test_add_months_clamps_to_the_end_of_a_shorter_month():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert add_months(date(2026, 11, 15), 3) == date(2027, 2, 15)
    assert add_months(date(2026, 3, 31), -1) == date(2026, 2, 28)


def test_cadence_dates_come_back_to_the_first_day_after_a_short_month():
    days = list(cadence_dates(date(2026, 1, 31), 1, date(2026, 5, 31)))
    assert days == [
        date(2026, 1, 31),
        date(2026, 2, 28),
        date(2026, 3, 31),
        date(2026, 4, 30),
        date(2026, 5, 31),
    ]


def test_month_starts_counts_only_months_whose_first_day_is_in_the_period():
    assert month_starts(date(2026, 1, 1), date(2026, 4, 1)) == [
        date(2026, 1, 1),
        date(2026, 2, 1),
        date(2026, 3, 1),
    ]
    assert month_starts(date(2026, 1, 15), date(2026, 3, 2)) == [date(2026, 2, 1), date(2026, 3, 1)]
    assert month_starts(date(2026, 1, 2), date(2026, 2, 1)) == []


@pytest.mark.django_db
def test_plan_meetings_follows_the_quarterly_cadence_at_the_usual_paris_time(committee_a):
    created = services.plan_meetings(committee_a, until=date(2026, 12, 31))
    paris = ZoneInfo("Europe/Paris")
    assert [m.scheduled_at.astimezone(paris).date() for m in created] == [
        date(2026, 1, 15),
        date(2026, 4, 15),
        date(2026, 7, 15),
        date(2026, 10, 15),
    ]
    assert all(m.scheduled_at.astimezone(paris).time() == time(10, 0) for m in created)
    # 10:00 in Paris is 09:00 UTC in winter and 08:00 UTC in summer.
    assert created[0].scheduled_at.astimezone(ZoneInfo("UTC")).hour == 9
    assert created[2].scheduled_at.astimezone(ZoneInfo("UTC")).hour == 8
    assert all(timezone.is_aware(m.scheduled_at) and m.status == MeetingStatus.PLANNED for m in created)


@pytest.mark.django_db
def test_plan_meetings_invites_members_and_is_idempotent(committee_a, user_a, relationship_manager):
    first = services.plan_meetings(committee_a, until=date(2026, 7, 31))
    again = services.plan_meetings(committee_a, until=date(2026, 7, 31))
    assert len(first) == 3 and again == []
    meeting = first[0]
    invited = {(a.contact_id, a.user_id) for a in meeting.attendances.all()}
    assert invited == {(user_a.contact.pk, None), (None, relationship_manager.pk)}
    assert not meeting.attendances.filter(present=True).exists()


@pytest.mark.django_db
def test_plan_meetings_skips_a_day_already_taken_and_inactive_committees(committee_a):
    services.plan_meetings(committee_a, until=date(2026, 1, 31))
    services.cancel_meeting(committee_a.meetings.get())
    assert services.plan_meetings(committee_a, until=date(2026, 4, 30))[0].local_date == date(2026, 4, 15)
    assert committee_a.meetings.count() == 2
    committee_a.is_active = False
    committee_a.save()
    assert services.plan_meetings(committee_a, until=date(2027, 12, 31)) == []
