"""The demo requests: intake mails, web and manual requests and a year of handled ones, through the
same code paths, deterministic and idempotent."""

import pytest

from directory import demo as directory_demo
from home import demo as home_demo
from requests_box import demo
from requests_box.models import PreventiveAction, Request, RequestEvent, Team

pytestmark = pytest.mark.django_db


def test_seed_is_idempotent_and_covers_every_channel_and_outcome(mailoutbox, monkeypatch):
    # A smaller year than the real demo's: this test is about the paths, not the volume.
    monkeypatch.setattr(demo, "YEAR_COUNT", 300)
    directory_demo.seed()
    home_demo.seed()
    first = demo.seed()
    events = RequestEvent.objects.count()
    second = demo.seed()
    assert first == second and RequestEvent.objects.count() == events
    assert 75 + demo.YEAR_COUNT <= first["requests"] <= 90 + demo.YEAR_COUNT
    assert first["requests from unknown senders"] >= 3
    assert first["quarantined messages"] == 1 and first["ignored messages"] == 1
    channels = set(Request.objects.values_list("channel", flat=True))
    assert {"email", "web", "telephone", "rendez_vous", "courrier", "intranet"} <= channels
    assert Request.objects.filter(contact__user__username="camille.martin").exists()
    assert mailoutbox == []  # the demo acknowledges nobody and tells no team
    # Teams with members and requests; preventive actions with the complaints behind them.
    assert Team.objects.count() == len(demo.TEAMS)
    assert all(team.members.exists() and team.requests.exists() for team in Team.objects.all())
    actions = PreventiveAction.objects.all()
    assert actions.count() == len(demo.PREVENTIVE_ACTIONS)
    assert all(action.complaints.exists() for action in actions)
    # The history was written in bulk, yet every handled request has its whole story, in order.
    closed = Request.objects.filter(status="closed").first()
    kinds = list(closed.events.values_list("kind", flat=True))
    assert kinds[0] == "created" and kinds.count("status") >= 3 and "assigned" in kinds
