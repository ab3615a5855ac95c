"""Every list page runs a constant number of queries, whatever the amount of data."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from committees import services
from committees.models import Committee, CommitteeMember, Level
from tests.committees.conftest import make_contact, make_meeting

pytestmark = pytest.mark.django_db


def grow(size, directorate, entity, product_manager):
    """`size` committees, each with a held meeting, contacts, actions, interactions and projects."""
    for n in range(size):
        committee = Committee.objects.create(
            name=f"Comité {size}-{n}",
            directorate=directorate,
            level=Level.OPERATIONNEL,
            starts_on=date(2026, 1, 1),
        )
        contact = make_contact(entity, f"Contact{size}x{n}")
        CommitteeMember.objects.create(committee=committee, contact=contact)
        CommitteeMember.objects.create(committee=committee, user=product_manager)
        meeting = make_meeting(committee, date(2026, 2, 1) + timedelta(days=n))
        services.record_meeting(
            meeting, present_attendance_ids=set(meeting.attendances.values_list("id", flat=True))
        )
        services.add_decision(meeting, text=f"Décision {n}")
        services.add_action(
            meeting, title=f"Action {size}-{n}", owner=product_manager, due_on=date(2026, 3, 1)
        )
        make_meeting(committee, date(2026, 12, 1) + timedelta(days=n))
        services.record_interaction(contact=contact, kind="visite", on=date(2026, 1, 1) + timedelta(days=n))
        services.record_interaction(
            contact=contact, kind="telephone", on=date(2026, 1, 2) + timedelta(days=n)
        )
        services.create_project(name=f"Projet {n}", entity=entity, created_on=date(2026, 1, 1))


PAGES = [
    ("committees:committee_list", None),
    ("committees:my_actions", None),
    ("committees:not_met", None),
    ("committees:next_due", None),
    ("committees:project_list", None),
    ("committees:entity_timeline", "entity"),
    ("committees:contact_timeline", "contact"),
]


@pytest.mark.parametrize(("name", "arg"), PAGES)
def test_list_pages_run_the_same_queries_at_two_sizes(
    client_for,
    relationship_manager,
    product_manager,
    directorate_a,
    entity_a,
    user_a,
    name,
    arg,
    django_assert_max_num_queries,
):
    relationship_manager.groups.add(*product_manager.groups.all())  # so "my actions" has rows
    client = client_for(relationship_manager)

    def url():
        if arg == "entity":
            return reverse(name, args=[entity_a.code])
        if arg == "contact":
            return reverse(name, args=[user_a.contact.pk])
        return reverse(name)

    grow(2, directorate_a, entity_a, relationship_manager)
    with django_assert_max_num_queries(20) as small:
        assert client.get(url()).status_code == 200
    grow(6, directorate_a, entity_a, relationship_manager)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url()).status_code == 200


def test_the_meeting_page_runs_the_same_queries_with_more_attendees_and_actions(
    client_for, relationship_manager, product_manager, directorate_a, entity_a, django_assert_max_num_queries
):
    committee = Committee.objects.create(
        name="C", directorate=directorate_a, level=Level.TACTIQUE, starts_on=date(2026, 1, 1)
    )
    first = make_meeting(committee, date(2026, 1, 10))
    meeting = make_meeting(committee, date(2026, 2, 10))
    client = client_for(relationship_manager)

    def add(n):
        for i in range(n):
            contact = make_contact(entity_a, f"P{n}x{i}")
            CommitteeMember.objects.create(committee=committee, contact=contact)
            services.add_action(first, title=f"Old {n}-{i}", owner=product_manager, due_on=date(2026, 1, 20))
            services.add_action(meeting, title=f"New {n}-{i}", owner=product_manager, due_on=date(2026, 3, 1))
            services.add_decision(meeting, text=f"D {n}-{i}")
        services.invite_members(meeting)
        services.carry_over_open_actions(meeting)

    add(2)
    url = reverse("committees:meeting_detail", args=[meeting.pk])
    with django_assert_max_num_queries(20) as small:
        page = client.get(url).content.decode()
    assert "Old 2-1" in page
    add(10)
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get(url).content.decode()
    assert "Old 10-9" in page and "P10x9" in page
