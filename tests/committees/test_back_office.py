"""The back office: committees, meetings, interactions and projects as Wagtail snippets."""

from datetime import date

import pytest
from django.contrib.auth.models import Group

from committees import services
from committees.models import Interaction
from committees.wagtail_hooks import keep_committees_consistent
from tests.committees.conftest import make_meeting

pytestmark = pytest.mark.django_db

LISTS = [
    "/admin/snippets/committees/committee/",
    "/admin/snippets/committees/meeting/",
    "/admin/snippets/committees/interaction/",
    "/admin/snippets/committees/project/",
]


def test_relationship_managers_hold_the_apps_permissions():
    group = Group.objects.get(name="relationship_managers")
    codenames = set(
        group.permissions.filter(content_type__app_label="committees").values_list("codename", flat=True)
    )
    assert {"add_meeting", "change_action", "delete_interaction", "view_project"} <= codenames
    cio = Group.objects.get(name="cio").permissions.filter(content_type__app_label="committees")
    assert (
        set(cio.values_list("codename", flat=True)) >= {"view_meeting"}
        and not cio.filter(codename__startswith="change").exists()
    )


def test_the_relationship_manager_edits_committees_in_the_back_office(
    client_for, relationship_manager, committee_a
):
    client = client_for(relationship_manager)
    for url in LISTS:
        assert client.get(url).status_code == 200, url
    page = client.get(f"/admin/snippets/committees/committee/edit/{committee_a.pk}/").content.decode()
    assert "Comité tactique DCOM" in page


def test_business_users_have_no_back_office(client_for, user_a):
    for url in LISTS:
        assert client_for(user_a).get(url).status_code in (302, 403)


def test_a_meeting_saved_in_the_back_office_follows_the_same_rules(
    rf, relationship_manager, committee_a, user_a
):
    meeting = make_meeting(committee_a, date(2026, 2, 5))
    meeting.attendances.filter(contact=user_a.contact).update(present=True)
    meeting.status = "held"
    meeting.save()
    request = rf.post("/")
    request.user = relationship_manager
    keep_committees_consistent(request, meeting)
    assert Interaction.objects.filter(kind="comite", contact=user_a.contact, meeting=meeting).count() == 1
    services.cancel_meeting(meeting)
    assert not Interaction.objects.exists()
