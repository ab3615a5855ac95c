"""Events: seats and a waiting list, the confirmation with its .ics through a real SMTP server, the
reminder once, attendance recorded as a contact met in the relationship timeline."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from communications import events
from communications.models import Registration, RegistrationStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    def run(function, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(**kwargs)

    return run


def test_registration_confirms_with_an_ics_invitation(event, people, on_commit, smtp_server):  # noqa: F811
    registration = on_commit(events.register, event=event, contact=people["alice"])
    assert registration.status == RegistrationStatus.REGISTERED
    [received] = smtp_server.wait_for(1)
    message = received["message"]
    assert received["to"] == ["alice@groupe-aurelia.fr"]
    assert str(message["Subject"]).strip() == "Votre inscription : Techday"
    assert "Votre place est réservée" in message.get_body(("plain",)).get_content()
    [ics] = [part for part in message.iter_attachments() if part.get_content_type() == "text/calendar"]
    calendar = Calendar.from_ical(ics.get_content())
    [vevent] = calendar.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Techday" and str(vevent["LOCATION"]) == "Auditorium"
    assert vevent.decoded("DTSTART") == event.starts_at.replace(microsecond=0)


def test_beyond_the_seats_people_wait_and_a_cancellation_promotes_the_first(
    event,
    people,
    on_commit,
    smtp_server,  # noqa: F811
):
    alice = on_commit(events.register, event=event, contact=people["alice"])
    on_commit(events.register, event=event, contact=people["bruno"])
    denis = on_commit(events.register, event=event, contact=people["denis"])
    corinne = on_commit(events.register, event=event, contact=people["corinne"])
    assert (denis.status, corinne.status) == (RegistrationStatus.WAITING, RegistrationStatus.WAITING)
    assert "Liste d’attente" in str(smtp_server.wait_for(4)[2]["message"]["Subject"])
    promoted = on_commit(events.cancel, registration=alice)
    assert promoted.pk == denis.pk
    assert Registration.objects.get(pk=denis.pk).status == RegistrationStatus.REGISTERED
    assert Registration.objects.get(pk=corinne.pk).status == RegistrationStatus.WAITING
    last = smtp_server.wait_for(5)[4]
    assert last["to"] == ["denis.leroy@groupe-aurelia.fr"] and "Votre inscription" in str(
        last["message"]["Subject"]
    )
    # Registering twice changes nothing.
    assert (
        on_commit(events.register, event=event, contact=people["bruno"]).status
        == RegistrationStatus.REGISTERED
    )
    assert events.taken_seats(event) == 2


def test_the_reminder_is_sent_once_two_days_before(event, people, on_commit, smtp_server):  # noqa: F811
    on_commit(events.register, event=event, contact=people["alice"])
    smtp_server.wait_for(1)
    assert events.send_due_reminders() == 0  # ten days ahead: not yet
    later = event.starts_at - dt.timedelta(days=1)
    assert events.send_due_reminders(now=later) == 1
    assert events.send_due_reminders(now=later) == 0
    reminder = smtp_server.wait_for(2)[1]["message"]
    assert str(reminder["Subject"]).strip() == "Rappel : Techday"
    assert any(p.get_content_type() == "text/calendar" for p in reminder.iter_attachments())


def test_closed_or_past_events_refuse_registration(event, people):
    event.registration_open = False
    event.save()
    with pytest.raises(events.RegistrationError):
        events.register(event=event, contact=people["alice"])


def test_attendance_counts_as_a_contact_met_in_the_entity_timeline(
    client, event, people, relationship_manager, entity_a, on_commit
):
    from committees.models import Interaction

    alice = on_commit(events.register, event=event, contact=people["alice"])
    on_commit(events.register, event=event, contact=people["denis"])
    client.force_login(relationship_manager)
    response = client.post(
        reverse("communications:event_attendance", args=[event.pk]), {"attended": [alice.pk]}
    )
    assert response.status_code == 302
    assert Registration.objects.get(pk=alice.pk).attended is True
    [met] = Interaction.objects.all()
    assert met.contact == people["alice"] and met.date == timezone.localdate(event.starts_at)
    assert events.event_measures([event.pk])[event.pk] == {"registered": 2, "waiting": 0, "attended": 1}
    timeline = client.get(reverse("committees:entity_timeline", args=[entity_a.code])).content.decode()
    assert "Présent à l’événement « Techday »" in timeline


def test_a_business_user_registers_from_the_portal_and_downloads_the_invitation(
    client, event, user_a, django_capture_on_commit_callbacks
):
    client.force_login(user_a)
    assert "Techday" in client.get(reverse("communications:event_list")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("communications:event_register", args=[event.pk]), follow=True)
    assert "Vous êtes inscrit" in response.content.decode()
    ics = client.get(reverse("communications:event_ics", args=[event.pk]))
    assert ics["Content-Type"].startswith("text/calendar") and b"SUMMARY:Techday" in ics.content
    response = client.post(reverse("communications:event_unregister", args=[event.pk]), follow=True)
    assert "Votre inscription est annulée" in response.content.decode()
    assert client.get(reverse("communications:event_ics", args=[event.pk])).status_code == 404


def test_a_user_without_a_contact_is_told_why_they_cannot_register(client, event, editor):
    client.force_login(editor)
    response = client.post(reverse("communications:event_register", args=[event.pk]), follow=True)
    assert "n’est lié à aucun interlocuteur" in response.content.decode()
    assert not Registration.objects.exists()


def test_the_entity_timeline_shows_the_campaigns_its_contacts_received(
    client, campaign, people, relationship_manager, entity_a, settings
):
    from communications import services

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}
    }
    services.queue_campaign(campaign)
    services.send_next_batch(campaign.pk)
    client.force_login(relationship_manager)
    timeline = client.get(reverse("committees:entity_timeline", args=[entity_a.code])).content.decode()
    assert "Campagne reçue" in timeline and "Lancement visio" in timeline and "Denis Leroy" in timeline
    contact_page = client.get(
        reverse("committees:contact_timeline", args=[people["alice"].pk])
    ).content.decode()
    assert "Lancement visio" in contact_page


def test_the_scheduler_runs_the_event_reminders(event, people, on_commit, smtp_server):  # noqa: F811
    from operations import scheduler

    on_commit(events.register, event=event, contact=people["alice"])
    smtp_server.wait_for(1)
    event.starts_at = timezone.now() + dt.timedelta(hours=20)
    event.ends_at = event.starts_at + dt.timedelta(hours=2)
    event.save()
    job = next(job for job in scheduler.jobs() if job.name == "event_reminders")
    scheduler.ensure_rows([job])
    assert scheduler.run_due([job]) == ["event_reminders"]
    assert str(smtp_server.wait_for(2)[1]["message"]["Subject"]).strip() == "Rappel : Techday"
