"""The demo year of committees, meetings, interactions and projects."""

from datetime import timedelta

import pytest
from django.utils import timezone

from committees import demo, selectors
from committees.cadence import add_months
from committees.models import Action, Interaction, Meeting, MeetingStatus, Project
from directory import demo as directory_demo
from home import demo as home_demo


@pytest.mark.django_db
def test_seed_makes_a_year_of_relationship_and_is_idempotent():
    directory_demo.seed()
    home_demo.seed()
    first = demo.seed()
    assert demo.seed() == first

    today = timezone.localdate()
    year_ago = add_months(today, -12)
    assert first["committees"] >= 8 and first["projects"] == 40
    assert Meeting.objects.filter(status=MeetingStatus.HELD, minutes_published=True).exists()
    assert Meeting.objects.filter(status=MeetingStatus.PLANNED, scheduled_at__gt=timezone.now()).exists()
    assert selectors.overdue_actions().exists()
    assert Action.objects.filter(status="done").exists()
    assert Project.objects.filter(signed_on__isnull=False).count() >= 10
    dates = Interaction.objects.values_list("date", flat=True)
    assert min(dates) >= year_ago - timedelta(days=1) and max(dates) <= today
    assert set(Interaction.objects.values_list("kind", flat=True)) == {
        "comite",
        "rendez_vous",
        "visite",
        "telephone",
    }
    met = selectors.contacts_met_by_month(year_ago.replace(day=1), today)
    assert sum(1 for n in met.values() if n > 0) >= 10
