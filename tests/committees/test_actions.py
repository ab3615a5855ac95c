"""The action plan is followed from one meeting to the next: carry-over and overdue detection."""

from datetime import date

import pytest

from committees import selectors, services
from committees.models import ActionCarryOver, ActionStatus, MeetingStatus
from tests.committees.conftest import make_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_meetings(committee_a):
    return (
        make_meeting(committee_a, date(2026, 1, 15)),
        make_meeting(committee_a, date(2026, 4, 15)),
        make_meeting(committee_a, date(2026, 7, 15)),
    )


def carried(meeting):
    return {row.action.title: row.was_overdue for row in ActionCarryOver.objects.filter(meeting=meeting)}


def test_open_actions_go_on_the_next_meeting_agenda_when_a_meeting_is_held(three_meetings, product_manager):
    first, second, third = three_meetings
    services.add_action(first, title="Late one", owner=product_manager, due_on=date(2026, 3, 1))
    services.add_action(first, title="On time", owner=product_manager, due_on=date(2026, 5, 1))
    assert carried(second) == {}  # the meeting has not been held yet

    services.record_meeting(first, present_attendance_ids=set())

    assert carried(second) == {"Late one": True, "On time": False}
    assert carried(third) == {}


def test_an_action_closed_before_the_next_meeting_leaves_its_agenda(three_meetings, product_manager):
    first, second, third = three_meetings
    done = services.add_action(first, title="Done in time", owner=product_manager, due_on=date(2026, 3, 1))
    services.add_action(first, title="Still open", owner=product_manager, due_on=date(2026, 3, 1))
    services.record_meeting(first, present_attendance_ids=set())

    services.set_action_status(done, status=ActionStatus.DONE, on=date(2026, 2, 20))
    done.refresh_from_db()
    assert done.closed_on == date(2026, 2, 20)
    assert carried(second) == {"Still open": True}

    services.record_meeting(second, present_attendance_ids=set())
    assert carried(third) == {"Still open": True}
    # The history stays: the open action was on both agendas.
    listing = selectors.actions_for_listing().get(title="Still open")
    assert listing.carry_over_count == 2


def test_an_action_added_at_a_held_meeting_goes_straight_to_the_next_agenda(three_meetings, product_manager):
    first, second, _third = three_meetings
    services.record_meeting(first, present_attendance_ids=set())
    services.add_action(first, title="Decided late", owner=product_manager, due_on=date(2026, 6, 1))
    assert carried(second) == {"Decided late": False}


def test_reopening_an_action_puts_it_back_on_the_next_agenda(three_meetings, product_manager):
    first, second, _third = three_meetings
    action = services.add_action(first, title="Reopened", owner=product_manager, due_on=date(2026, 2, 1))
    services.record_meeting(first, present_attendance_ids=set())
    services.set_action_status(action, status=ActionStatus.CANCELLED)
    assert carried(second) == {}
    services.set_action_status(action, status=ActionStatus.OPEN)
    action.refresh_from_db()
    assert action.closed_on is None
    assert carried(second) == {"Reopened": True}


def test_carry_over_is_idempotent_and_skips_actions_of_later_meetings(three_meetings, product_manager):
    first, second, third = three_meetings
    services.add_action(first, title="Early", owner=product_manager, due_on=date(2026, 2, 1))
    services.add_action(third, title="From the future", owner=product_manager, due_on=date(2026, 8, 1))
    assert services.carry_over_open_actions(second) == 1
    assert services.carry_over_open_actions(second) == 0
    assert carried(second) == {"Early": True}


def test_a_cancelled_meeting_hands_its_agenda_to_the_next_one(three_meetings, product_manager):
    first, second, third = three_meetings
    services.add_action(first, title="Moved", owner=product_manager, due_on=date(2026, 5, 1))
    services.record_meeting(first, present_attendance_ids=set())
    services.cancel_meeting(second)
    second.refresh_from_db()
    assert second.status == MeetingStatus.CANCELLED
    assert carried(second) == {}
    assert carried(third) == {"Moved": True}


def test_overdue_actions_are_the_open_ones_past_their_due_date(three_meetings, product_manager):
    first = three_meetings[0]
    late = services.add_action(first, title="Late", owner=product_manager, due_on=date(2026, 3, 1))
    due_today = services.add_action(first, title="Due today", owner=product_manager, due_on=date(2026, 3, 10))
    closed = services.add_action(first, title="Closed late", owner=product_manager, due_on=date(2026, 2, 1))
    services.set_action_status(closed, status=ActionStatus.DONE)

    overdue = set(selectors.overdue_actions(on=date(2026, 3, 10)))
    assert overdue == {late}
    assert late.is_overdue(on=date(2026, 3, 10)) and not due_today.is_overdue(on=date(2026, 3, 10))
    assert not closed.is_overdue(on=date(2026, 3, 10))


def test_an_action_needs_a_title_and_a_due_date(three_meetings, product_manager):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.add_action(three_meetings[0], title="  ", owner=product_manager, due_on=date(2026, 3, 1))
