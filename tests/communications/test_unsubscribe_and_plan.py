"""Unsubscribe links (a form on GET, one-click POST for mail clients) and the yearly plan."""

import datetime as dt

import pytest
from django.urls import reverse

from communications import unsubscribe
from communications.models import Campaign, Channel, PlanItem, Unsubscription

pytestmark = pytest.mark.django_db


def test_opening_the_link_asks_and_only_the_post_unsubscribes(client, people):
    url = reverse("communications:unsubscribe", args=[unsubscribe.make_token(people["alice"].pk, "lettre")])
    page = client.get(url)
    assert page.status_code == 200 and "Ne plus recevoir : Lettre d’information" in page.content.decode()
    assert not Unsubscription.objects.exists()  # link scanners open links: they unsubscribe nobody
    done = client.post(url)
    assert "Vous ne recevrez plus : Lettre d’information" in done.content.decode()
    assert Unsubscription.objects.get().kind == "lettre"
    assert client.post(url).status_code == 200  # twice: still fine
    assert Unsubscription.objects.count() == 1


def test_the_one_click_post_of_a_mail_client_needs_no_csrf_token(people, campaign):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    url = reverse(
        "communications:unsubscribe",
        args=[unsubscribe.make_token(people["denis"].pk, "annonce", campaign.pk)],
    )
    response = csrf_client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    unsub = Unsubscription.objects.get()
    assert (unsub.contact, unsub.kind, unsub.campaign) == (people["denis"], "annonce", campaign)


def test_a_forged_link_unsubscribes_nobody(client, people):
    token = unsubscribe.make_token(people["alice"].pk, "lettre")
    response = client.post(reverse("communications:unsubscribe", args=[token[:-3] + "abc"]))
    assert response.status_code == 404 and "pas valide" in response.content.decode()
    assert not Unsubscription.objects.exists()


def test_the_plan_shows_each_month_with_its_linked_campaigns(client, cio, relationship_manager, audience_a):
    campaign = Campaign.objects.create(title="Lancement visio", subject="Visio", audience=audience_a)
    PlanItem.objects.create(
        date=dt.date(2026, 3, 10),
        subject="Annonce visio",
        channel=Channel.EMAIL,
        audience=audience_a,
        owner=relationship_manager,
        campaign=campaign,
    )
    PlanItem.objects.create(date=dt.date(2027, 1, 5), subject="Vœux", channel=Channel.INTRANET)
    client.force_login(cio)
    page = client.get(reverse("communications:plan"), {"annee": "2026"}).content.decode()
    assert "Plan de communication 2026" in page and "Mars 2026" in page
    assert "Annonce visio" in page and "Lancement visio" in page and "Vœux" not in page
    assert "Rien de prévu." in page


def test_lists_keep_their_query_count(client, editor, audience_a, django_assert_max_num_queries):
    for i in range(30):
        Campaign.objects.create(title=f"Campagne {i}", subject="Objet", audience=audience_a)
        PlanItem.objects.create(
            date=dt.date(2026, 1 + i % 12, 1), subject=f"Action {i}", channel=Channel.EMAIL
        )
    client.force_login(editor)
    with django_assert_max_num_queries(16):
        assert client.get(reverse("communications:campaign_list")).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("communications:plan"), {"annee": "2026"}).status_code == 200


def test_the_cio_dashboard_has_a_communication_section(client, cio, campaign, event, people, settings):
    from communications import events, services

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}
    }
    services.queue_campaign(campaign)
    services.send_next_batch(campaign.pk)
    events.register(event=event, contact=people["alice"])
    client.force_login(cio)
    from django.utils import timezone

    today = timezone.localdate().isoformat()
    page = client.get(reverse("kpis:dashboard"), {"period": "month", "ref": today}).content.decode()
    assert "1 campagne envoyée sur la période" in page
    assert "3 destinataires, 3 remis, 0 rejetés, 0 clics, 0 désabonnements." in page
    assert "Lancement visio" in page
