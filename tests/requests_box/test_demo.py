"""The demo requests: intake mails, web and manual requests, a year of handled ones and those being
worked on today, through the same code paths, deterministic, idempotent, and looking like a real mailbox."""

from collections import Counter

import pytest
from django.utils import timezone

from directory import demo as directory_demo
from directory.models import Directorate
from home import demo as home_demo
from requests_box import demo
from requests_box.models import PreventiveAction, Request, RequestEvent, Team

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(monkeypatch):
    # A smaller year than the real demo's: the paths, the mix and the timing, not the volume.
    monkeypatch.setattr(demo, "YEAR_COUNT", 300)
    directory_demo.seed()
    home_demo.seed()
    return demo.seed()


def test_seed_is_idempotent_and_covers_every_channel_and_outcome(seeded, mailoutbox):
    first = seeded
    events = RequestEvent.objects.count()
    second = demo.seed()
    assert first == second and RequestEvent.objects.count() == events
    fresh = demo.MAIL_COUNT + demo.WEB_COUNT + demo.MANUAL_COUNT
    assert fresh + demo.YEAR_COUNT + demo.OPEN_COUNT - 5 <= first["requests"] <= fresh + demo.YEAR_COUNT + 170
    assert first["requests from unknown senders"] >= 3
    assert first["quarantined messages"] == 1 and first["ignored messages"] == 1
    channels = set(Request.objects.values_list("channel", flat=True))
    assert {"email", "web", "telephone", "rendez_vous", "courrier", "intranet"} <= channels
    assert Request.objects.filter(contact__user__username="camille.martin").exists()
    assert mailoutbox == []  # the demo acknowledges nobody and tells no team
    # Teams with members and requests; preventive actions with the complaints behind them.
    assert Team.objects.count() == len(demo.TEAMS)
    assert all(team.members.exists() and team.requests.exists() for team in Team.objects.all())
    assert Team.objects.filter(members__username="karim.benali").exists()
    actions = PreventiveAction.objects.all()
    assert actions.count() == len(demo.PREVENTIVE_ACTIONS)
    assert all(action.complaints.exists() for action in actions)
    # The history was written in bulk, yet every handled request has its whole story, in order.
    closed = Request.objects.filter(status="closed").first()
    kinds = list(closed.events.values_list("kind", flat=True))
    assert kinds[0] == "created" and kinds.count("status") >= 3 and "assigned" in kinds


def test_every_directorate_has_a_relationship_manager_and_a_backup(seeded):
    for directorate in Directorate.objects.select_related(
        "relationship_manager", "backup_relationship_manager"
    ):
        assert directorate.relationship_manager is not None
        assert directorate.backup_relationship_manager not in (None, directorate.relationship_manager)


def test_requests_arrive_in_working_hours_on_weekdays(seeded):
    moments = [timezone.localtime(at) for at in Request.objects.values_list("received_at", flat=True)]
    working = [m for m in moments if m.weekday() < 5 and 8 <= m.hour < 19]
    assert len(working) / len(moments) >= 0.85
    night = [m for m in moments if m.hour < 7 or m.hour >= 22]
    assert len(night) / len(moments) <= 0.03


def test_subjects_match_the_type_of_request(seeded):
    complaints = Request.objects.filter(kind="reclamation").exclude(channel="email", status="new")
    assert complaints.exists()
    assert all(
        s.lower().startswith(("réclamation", "projet")) or "réclamation" in s.lower()
        for s in complaints.values_list("subject", flat=True)
    )
    projects = Request.objects.filter(kind="projet").values_list("subject", flat=True)
    assert projects and all(s.startswith(("Projet", "Étude")) for s in projects)


def test_open_requests_are_a_realistic_mix_of_on_time_soon_and_late(seeded):
    now = timezone.now()
    open_ = list(Request.objects.exclude(status__in=["resolved", "closed", "cancelled"]))
    states = Counter(r.deadline_state(now) or "on_time" for r in open_)
    total = sum(states.values())
    assert total >= demo.OPEN_COUNT
    assert states["on_time"] / total >= 0.6
    assert 0.08 <= states["warning"] / total <= 0.3
    assert 0.03 <= states["breach"] / total <= 0.15
    # Everyone who works requests has some to handle: the product manager, the technician, both RMs.
    holders = set(
        Request.objects.exclude(status__in=["resolved", "closed"]).values_list(
            "assignee__username", flat=True
        )
    )
    assert {"thomas.moreau", "karim.benali", "sophie.durand", "marc.girard"} <= holders


def test_some_complaint_clients_are_to_be_called_back(seeded):
    from requests_box.selectors import callbacks

    due = list(callbacks())
    today = timezone.localdate()
    assert any(c.callback_due < today for c in due) and any(c.callback_due >= today for c in due)
    codified = Request.objects.filter(kind="reclamation", cause__isnull=False)
    assert codified.exclude(founded=None).exists() and codified.exclude(grievance="").exists()
