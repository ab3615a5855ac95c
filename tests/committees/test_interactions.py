"""The contact log: committee attendance counts as met, and the clients-met indicator by month."""

from datetime import date

import pytest

from committees import selectors, services
from committees.models import Interaction, InteractionKind, MeetingStatus
from tests.committees.conftest import make_contact, make_meeting

pytestmark = pytest.mark.django_db


def test_a_present_contact_at_a_held_meeting_gets_one_comite_interaction(
    committee_a, user_a, relationship_manager
):
    meeting = make_meeting(committee_a, date(2026, 2, 5))
    present = set(meeting.attendances.values_list("id", flat=True))
    services.record_meeting(meeting, present_attendance_ids=present, author=relationship_manager)
    services.record_meeting(meeting, present_attendance_ids=present, author=relationship_manager)

    interaction = Interaction.objects.get()
    assert (interaction.kind, interaction.date, interaction.contact) == (
        "comite",
        date(2026, 2, 5),
        user_a.contact,
    )
    assert interaction.meeting == meeting and interaction.author == relationship_manager
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD


def test_an_absent_contact_is_not_met_and_unmarking_removes_the_interaction(committee_a, user_a):
    meeting = make_meeting(committee_a, date(2026, 2, 5))
    attendance = meeting.attendances.get(contact=user_a.contact)
    services.record_meeting(meeting, present_attendance_ids=set())
    assert not Interaction.objects.exists()

    services.mark_attendance(attendance, present=True)
    assert Interaction.objects.filter(kind="comite", contact=user_a.contact).count() == 1
    services.mark_attendance(attendance, present=False)
    assert not Interaction.objects.exists()


def test_attendance_at_a_meeting_not_yet_held_records_no_interaction(committee_a, user_a):
    meeting = make_meeting(committee_a, date(2026, 2, 5))
    services.mark_attendance(meeting.attendances.get(contact=user_a.contact), present=True)
    assert not Interaction.objects.exists()


def test_cancelling_a_held_meeting_removes_its_committee_interactions(committee_a, user_a):
    meeting = make_meeting(committee_a, date(2026, 2, 5))
    services.record_meeting(
        meeting, present_attendance_ids=set(meeting.attendances.values_list("id", flat=True))
    )
    services.cancel_meeting(meeting)
    assert not Interaction.objects.exists()


def test_recording_the_same_interaction_twice_keeps_one_row_and_both_notes(user_a):
    contact = user_a.contact
    services.record_interaction(contact=contact, kind="visite", on=date(2026, 3, 3), note="Visite du site")
    services.record_interaction(contact=contact, kind="visite", on=date(2026, 3, 3), note="Démo du service")
    services.record_interaction(contact=contact, kind="visite", on=date(2026, 3, 3), note="Démo du service")
    interaction = Interaction.objects.get()
    assert interaction.note == "Visite du site\nDémo du service"


def test_an_unknown_kind_is_refused(user_a):
    with pytest.raises(ValueError):
        services.record_interaction(contact=user_a.contact, kind="courrier", on=date(2026, 3, 3))


@pytest.fixture
def met_log(user_a, user_b, entity_a):
    """A hand-made log; the expected counts below are worked out by hand from it."""
    a1, b1 = user_a.contact, user_b.contact
    a2 = make_contact(entity_a, "Agathe")
    rows = [
        (a1, "rendez_vous", date(2026, 1, 5)),
        (a1, "visite", date(2026, 1, 20)),  # same contact, same month: counted once
        (a1, "telephone", date(2026, 2, 10)),  # a call is not a meeting
        (a2, "comite", date(2026, 1, 31)),
        (a2, "rendez_vous", date(2026, 3, 1)),
        (b1, "visite", date(2026, 2, 28)),
        (b1, "telephone", date(2026, 3, 31)),
        (b1, "rendez_vous", date(2026, 4, 1)),  # after the period
        (b1, "rendez_vous", date(2025, 12, 31)),  # before the period
    ]
    for contact, kind, day in rows:
        services.record_interaction(contact=contact, kind=kind, on=day)
    return a1, a2, b1


def test_contacts_met_per_month_for_the_company(met_log):
    assert selectors.contacts_met_by_month(date(2026, 1, 1), date(2026, 4, 1)) == {
        "2026-01": 2,
        "2026-02": 1,
        "2026-03": 1,
    }


def test_contacts_met_per_month_for_one_directorate(met_log, directorate_a, directorate_b):
    start, end = date(2026, 1, 1), date(2026, 4, 1)
    assert selectors.contacts_met_by_month(start, end, directorate_a) == {
        "2026-01": 2,
        "2026-02": 0,
        "2026-03": 1,
    }
    assert selectors.contacts_met_by_month(start, end, "DRH") == {"2026-01": 0, "2026-02": 1, "2026-03": 0}
    assert selectors.contacts_met_by_month_by_directorate(start, end) == {
        "DCOM": {"2026-01": 2, "2026-02": 0, "2026-03": 1},
        "DRH": {"2026-01": 0, "2026-02": 1, "2026-03": 0},
    }


def test_only_months_whose_first_day_is_in_the_period_count_and_in_full(met_log):
    # 15 January to 2 March: February and March, each counted over the whole month.
    assert selectors.contacts_met_by_month(date(2026, 1, 15), date(2026, 3, 2)) == {
        "2026-02": 1,
        "2026-03": 1,
    }
    assert selectors.contacts_met_by_month(date(2026, 1, 2), date(2026, 2, 1)) == {}


def test_committee_attendance_counts_as_met(met_log, committee_a, user_a):
    meeting = make_meeting(committee_a, date(2026, 2, 5))
    services.record_meeting(
        meeting, present_attendance_ids=set(meeting.attendances.values_list("id", flat=True))
    )
    assert selectors.contacts_met_by_month(date(2026, 2, 1), date(2026, 3, 1)) == {"2026-02": 2}
    assert Interaction.objects.filter(kind=InteractionKind.COMITE, date=date(2026, 2, 5)).count() == 1


def test_the_count_is_one_grouped_query(met_log, django_assert_num_queries):
    with django_assert_num_queries(1):
        selectors.contacts_met_by_month(date(2026, 1, 1), date(2027, 1, 1), "DCOM")
