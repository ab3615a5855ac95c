"""The demo requests: about 80, through the intake code, deterministic and idempotent."""

import pytest

from directory import demo as directory_demo
from home import demo as home_demo
from requests_box import demo
from requests_box.models import Request

pytestmark = pytest.mark.django_db


def test_seed_is_idempotent_and_covers_every_channel_and_outcome(mailoutbox):
    directory_demo.seed()
    home_demo.seed()
    first = demo.seed()
    second = demo.seed()
    assert first == second
    assert 75 + demo.YEAR_COUNT <= first["requests"] <= 90 + demo.YEAR_COUNT
    assert first["requests from unknown senders"] >= 3
    assert first["quarantined messages"] == 1 and first["ignored messages"] == 1
    channels = set(Request.objects.values_list("channel", flat=True))
    assert {"email", "web", "telephone", "rendez_vous", "courrier", "intranet"} <= channels
    assert Request.objects.filter(contact__user__username="camille.martin").exists()
    assert mailoutbox == []  # the demo acknowledges nobody
