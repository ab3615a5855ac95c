"""The survey engine: post-request scheduling rules, one-time links, anonymity, follow-ups, campaigns."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from directory.models import ContactRole
from kpis.models import (
    InvitationStatus,
    Survey,
    SurveyAnswer,
    SurveyFollowUp,
    SurveyInvitation,
    SurveyKind,
)
from kpis.surveys import services
from requests_box.models import Request
from requests_box.signals import request_status_changed
from tests.requests_box.conftest import smtp_server  # noqa: F401 - the real aiosmtpd fixture

pytestmark = pytest.mark.django_db
NOW = timezone.make_aware(dt.datetime(2026, 3, 2, 10, 0))


@pytest.fixture
def post_survey(db):
    return Survey.objects.create(code="apres-demande", title="Votre avis", kind=SurveyKind.POST_DEMANDE)


def make_request(contact, number=1, status="closed") -> Request:
    return Request.objects.create(
        reference=f"REQ-2026-{number:06d}",
        subject=f"Demande {number}",
        contact=contact,
        entity=contact.entity,
        sender_email=contact.email,
        deadline=NOW,
        status=status,
    )


def change_status(request: Request, new_status: str, old_status: str = "resolved") -> None:
    """What requests_box does after a transition: save the status, then send the signal."""
    request.status = new_status
    request.save(update_fields=["status"])
    request_status_changed.send(
        sender=Request, request=request, old_status=old_status, new_status=new_status, actor=None
    )


def sent_invitation(survey, contact, **extra) -> SurveyInvitation:
    return SurveyInvitation.objects.create(
        survey=survey,
        contact=contact,
        entity=contact.entity,
        token=services.new_token(),
        status=InvitationStatus.SENT,
        due_at=NOW,
        sent_at=NOW,
        expires_at=timezone.now() + dt.timedelta(days=30),
        **extra,
    )


# --- Post-request scheduling ----------------------------------------------------------------------


def test_closing_a_request_schedules_a_survey_due_one_day_later(post_survey, user_a):
    request = make_request(user_a.contact, status="resolved")
    before = timezone.now()
    change_status(request, "closed")
    invitation = SurveyInvitation.objects.get(request=request)
    assert invitation.status == InvitationStatus.PENDING
    assert invitation.contact == user_a.contact
    assert before + dt.timedelta(hours=24) <= invitation.due_at <= timezone.now() + dt.timedelta(hours=24)


def test_the_survey_is_sent_only_once_its_delay_has_passed(post_survey, user_a, smtp_server):  # noqa: F811
    request = make_request(user_a.contact)
    invitation = services.schedule_post_request_survey(request=request, now=NOW)
    assert services.send_due_invitations(now=NOW + dt.timedelta(hours=23)) == 0
    assert services.send_due_invitations(now=NOW + dt.timedelta(hours=25)) == 1
    [received] = smtp_server.wait_for(1)
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.SENT
    assert received["to"] == [user_a.contact.email]
    message = received["message"]
    assert "REQ-2026-000001" in message["Subject"]
    body = message.get_body(("plain",)).get_content()
    assert reverse("kpis:survey_answer", args=[invitation.token]) in body
    assert services.send_due_invitations(now=NOW + dt.timedelta(hours=48)) == 0  # never twice


def test_the_delay_is_configurable_on_the_survey(post_survey, user_a):
    post_survey.send_delay_hours = 72
    post_survey.save()
    invitation = services.schedule_post_request_survey(request=make_request(user_a.contact), now=NOW)
    assert invitation.due_at == NOW + dt.timedelta(hours=72)


def test_reopening_a_request_cancels_its_pending_survey(post_survey, user_a, smtp_server):  # noqa: F811
    request = make_request(user_a.contact, status="resolved")
    change_status(request, "closed")
    change_status(request, "reopened", old_status="closed")
    invitation = SurveyInvitation.objects.get(request=request)
    assert invitation.status == InvitationStatus.CANCELLED
    assert services.send_due_invitations(now=timezone.now() + dt.timedelta(days=2)) == 0
    assert smtp_server.wait_for(1, timeout=0.3) == []


def test_a_request_no_longer_closed_at_send_time_gets_no_survey(post_survey, user_a, smtp_server):  # noqa: F811
    request = make_request(user_a.contact)
    invitation = services.schedule_post_request_survey(request=request, now=NOW)
    Request.objects.filter(pk=request.pk).update(status="in_progress")  # changed without the signal
    assert services.send_due_invitations(now=NOW + dt.timedelta(days=2)) == 0
    invitation.refresh_from_db()
    assert (invitation.status, invitation.status_reason) == (InvitationStatus.SKIPPED, "not_closed")
    assert smtp_server.wait_for(1, timeout=0.3) == []


def test_a_contact_gets_at_most_one_post_request_survey_per_30_days(post_survey, user_a, smtp_server):  # noqa: F811
    first = services.schedule_post_request_survey(request=make_request(user_a.contact, 1), now=NOW)
    services.send_due_invitations(now=NOW + dt.timedelta(days=1))
    second = services.schedule_post_request_survey(
        request=make_request(user_a.contact, 2), now=NOW + dt.timedelta(days=20)
    )
    assert (second.status, second.status_reason) == (InvitationStatus.SKIPPED, "contact_cap")
    third = services.schedule_post_request_survey(
        request=make_request(user_a.contact, 3), now=NOW + dt.timedelta(days=31)
    )
    assert third.status == InvitationStatus.PENDING
    first.refresh_from_db()
    assert first.status == InvitationStatus.SENT
    assert len(smtp_server.wait_for(1)) == 1


def test_two_requests_closed_the_same_day_give_one_survey(post_survey, user_a):
    first = services.schedule_post_request_survey(request=make_request(user_a.contact, 1), now=NOW)
    second = services.schedule_post_request_survey(request=make_request(user_a.contact, 2), now=NOW)
    assert first.status == InvitationStatus.PENDING
    assert second.status == InvitationStatus.SKIPPED


def test_the_cap_is_configurable(post_survey, user_a):
    post_survey.contact_cap_days = 10
    post_survey.save()
    services.schedule_post_request_survey(request=make_request(user_a.contact, 1), now=NOW)
    services.send_due_invitations(now=NOW + dt.timedelta(days=1))
    later = services.schedule_post_request_survey(
        request=make_request(user_a.contact, 2), now=NOW + dt.timedelta(days=12)
    )
    assert later.status == InvitationStatus.PENDING


def test_no_post_request_survey_defined_means_nothing_is_scheduled(user_a):
    change_status(make_request(user_a.contact, status="resolved"), "closed")
    assert not SurveyInvitation.objects.exists()


# --- One-time links ---------------------------------------------------------------------------------


def test_tokens_are_long_random_and_unique():
    tokens = {services.new_token() for _ in range(200)}
    assert len(tokens) == 200
    assert all(len(token) >= 43 for token in tokens)  # 256 bits in URL-safe base64


def test_the_answer_page_works_without_logging_in(client, post_survey, user_a):
    invitation = sent_invitation(post_survey, user_a.contact)
    response = client.get(reverse("kpis:survey_answer", args=[invitation.token]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "recommanderiez-vous la dsi" in content.lower() or "would you recommend the dsi" in content.lower()
    assert 'name="nps"' in content and 'name="csat"' in content
    assert "checked" not in content  # no pre-filled score


def test_a_second_submit_says_already_answered_and_changes_nothing(client, post_survey, user_a):
    invitation = sent_invitation(post_survey, user_a.contact)
    url = reverse("kpis:survey_answer", args=[invitation.token])
    assert client.post(url, {"nps": "9", "csat": "5", "comment": "Parfait"}).status_code == 200
    second = client.post(url, {"nps": "0", "csat": "1", "comment": "Changé d'avis", "comment_prompted": "1"})
    assert second.status_code == 200
    assert "already been answered" in second.content.decode() or "déjà" in second.content.decode()
    answer = SurveyAnswer.objects.get()
    assert (answer.nps, answer.csat, answer.comment) == (9, 5, "Parfait")
    assert not SurveyFollowUp.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_simultaneous_submits_store_one_answer(post_survey, user_a):
    invitation = sent_invitation(post_survey, user_a.contact)
    barrier = threading.Barrier(2)
    outcomes = []

    def submit(score):
        try:
            barrier.wait(timeout=5)
            outcomes.append(services.submit_answer(token=invitation.token, nps=score, csat=4)[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(score,)) for score in (8, 10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["answered", "saved"]
    assert SurveyAnswer.objects.count() == 1
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ANSWERED


def test_an_expired_link_shows_a_clear_page_and_stores_nothing(client, post_survey, user_a):
    invitation = sent_invitation(post_survey, user_a.contact)
    SurveyInvitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    url = reverse("kpis:survey_answer", args=[invitation.token])
    response = client.get(url)
    assert response.status_code == 410
    assert "expired" in response.content.decode() or "expiré" in response.content.decode()
    assert client.post(url, {"nps": "9", "csat": "5"}).status_code == 410
    assert services.submit_answer(token=invitation.token, nps=9, csat=5)[0] == "expired"
    assert not SurveyAnswer.objects.exists()


def test_a_closed_survey_expires_its_links(client, post_survey, user_a):
    invitation = sent_invitation(post_survey, user_a.contact)
    post_survey.closes_on = timezone.localdate() - dt.timedelta(days=1)
    post_survey.save()
    assert client.get(reverse("kpis:survey_answer", args=[invitation.token])).status_code == 410


def test_an_unknown_or_pending_token_is_not_found(client, post_survey, user_a):
    assert client.get(reverse("kpis:survey_answer", args=["x" * 43])).status_code == 404
    pending = SurveyInvitation.objects.create(
        survey=post_survey, contact=user_a.contact, token=services.new_token(), due_at=NOW
    )
    assert client.get(reverse("kpis:survey_answer", args=[pending.token])).status_code == 404


# --- Anonymity --------------------------------------------------------------------------------------


def test_an_anonymous_answer_keeps_the_entity_and_no_path_to_the_person(post_survey, user_a):
    post_survey.anonymous = True
    post_survey.save()
    request = make_request(user_a.contact)
    invitation = sent_invitation(post_survey, user_a.contact, request=request)
    outcome, answer = services.submit_answer(token=invitation.token, nps=3, csat=2, comment="Trop lent")
    assert outcome == "saved"
    answer = SurveyAnswer.objects.get(pk=answer.pk)
    assert answer.entity == user_a.contact.entity
    assert answer.contact_id is None and answer.request_id is None
    # No column of the answer points at a contact, a request, a user or an invitation...
    for field in SurveyAnswer._meta.concrete_fields:
        if field.is_relation:
            assert field.related_model.__name__ in {"Survey", "Entity", "Contact", "Request"}
            if field.related_model.__name__ in {"Contact", "Request"}:
                assert getattr(answer, field.attname) is None
    # ...no invitation points at an answer, and the time kept is the day only.
    assert not any(f.is_relation and f.related_model is SurveyAnswer for f in SurveyInvitation._meta.fields)
    assert timezone.localtime(answer.answered_at).time() == dt.time(0, 0)
    # The follow-up of the low score knows the entity only.
    follow_up = SurveyFollowUp.objects.get()
    assert (follow_up.contact_id, follow_up.request_id, follow_up.entity_id) == (None, None, answer.entity_id)


def test_a_named_answer_keeps_the_contact_and_the_request(post_survey, user_a):
    request = make_request(user_a.contact)
    invitation = sent_invitation(post_survey, user_a.contact, request=request)
    _outcome, answer = services.submit_answer(token=invitation.token, nps=10, csat=5)
    assert (answer.contact, answer.request, answer.kind) == (user_a.contact, request, SurveyKind.POST_DEMANDE)


# --- Low scores -------------------------------------------------------------------------------------


def test_a_low_score_after_a_request_creates_a_follow_up_for_the_relationship_manager(post_survey, user_a):
    request = make_request(user_a.contact)
    invitation = sent_invitation(post_survey, user_a.contact, request=request)
    _outcome, answer = services.submit_answer(
        token=invitation.token, nps=4, csat=3, comment="Pas rappelé", now=NOW
    )
    follow_up = SurveyFollowUp.objects.get()
    assert (follow_up.answer, follow_up.contact, follow_up.request) == (answer, user_a.contact, request)
    assert follow_up.due_on == NOW.date() + dt.timedelta(days=15)
    assert "REQ-2026-000001" in follow_up.reason and "NPS 4" in follow_up.reason


def test_a_good_score_creates_no_follow_up(post_survey, user_a):
    invitation = sent_invitation(post_survey, user_a.contact)
    services.submit_answer(token=invitation.token, nps=7, csat=3)
    assert not SurveyFollowUp.objects.exists()


def test_a_low_score_without_comment_asks_for_one_once(client, post_survey, user_a):
    invitation = sent_invitation(post_survey, user_a.contact)
    url = reverse("kpis:survey_answer", args=[invitation.token])
    first = client.post(url, {"nps": "2", "csat": "1"})
    assert first.status_code == 400
    assert (
        'name="comment_prompted" value="True"' in first.content.decode()
        or "comment_prompted" in first.content.decode()
    )
    assert not SurveyAnswer.objects.exists()
    second = client.post(url, {"nps": "2", "csat": "1", "comment_prompted": "1"})
    assert second.status_code == 200
    assert SurveyAnswer.objects.get().comment == ""


def test_the_follow_up_is_marked_done_by_the_relationship_manager(
    client_for, relationship_manager, post_survey, user_a
):
    invitation = sent_invitation(post_survey, user_a.contact)
    services.submit_answer(token=invitation.token, nps=1, csat=1, comment="Mauvais")
    follow_up = SurveyFollowUp.objects.get()
    client = client_for(relationship_manager)
    listing = client.get(reverse("kpis:survey_follow_ups")).content.decode()
    assert "Alice Martin" in listing and "Mauvais" in listing
    client.post(reverse("kpis:survey_follow_up_done", args=[follow_up.pk]), {"note": "Rappelée"})
    follow_up.refresh_from_db()
    assert follow_up.done_by == relationship_manager and follow_up.note == "Rappelée"


def test_business_users_cannot_see_follow_ups(client_for, user_b):
    assert client_for(user_b).get(reverse("kpis:survey_follow_ups")).status_code == 403


def around_now(survey: Survey) -> Survey:
    survey.opens_on, survey.closes_on = NOW.date(), NOW.date() + dt.timedelta(days=40)
    survey.save()
    return survey


# --- Campaigns --------------------------------------------------------------------------------------


@pytest.fixture
def barometer(db):
    today = timezone.localdate()
    return Survey.objects.create(
        code="barometre-2026-live",
        title="Baromètre 2026",
        kind=SurveyKind.BAROMETRE,
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=40),
    )


def test_the_audience_is_filtered_by_directorate_client_type_and_role(
    barometer, user_a, user_b, correspondent_a
):
    assert set(services.audience(barometer)) == {user_a.contact, user_b.contact, correspondent_a.contact}
    barometer.directorates.add(user_a.contact.entity.directorate)
    assert set(services.audience(barometer)) == {user_a.contact, correspondent_a.contact}
    correspondent_a.contact.role = ContactRole.DECIDEUR
    correspondent_a.contact.save()
    barometer.roles = [ContactRole.DECIDEUR]
    barometer.save()
    assert list(services.audience(barometer)) == [correspondent_a.contact]
    barometer.client_types = ["filiale"]
    barometer.save()
    assert list(services.audience(barometer)) == []


def test_a_contact_who_has_left_is_not_invited(barometer, user_a, user_b, correspondent_a):
    user_b.contact.is_active = False  # left the company: deactivated by hand or by the directory sync
    user_b.contact.save()
    assert set(services.audience(barometer)) == {user_a.contact, correspondent_a.contact}


def test_launching_a_campaign_mails_its_audience_once(
    client_for,
    relationship_manager,
    barometer,
    user_a,
    user_b,
    smtp_server,  # noqa: F811
):
    client = client_for(relationship_manager)
    client.post(reverse("kpis:survey_launch", args=[barometer.code]))
    received = smtp_server.wait_for(2)
    assert sorted(r["to"][0] for r in received) == [user_a.contact.email, user_b.contact.email]
    client.post(reverse("kpis:survey_launch", args=[barometer.code]))  # again: nobody is invited twice
    assert len(smtp_server.wait_for(3, timeout=0.5)) == 2
    assert SurveyInvitation.objects.filter(status=InvitationStatus.SENT).count() == 2


def test_only_relationship_managers_launch_campaigns(client_for, cio, barometer, user_a):
    assert client_for(cio).post(reverse("kpis:survey_launch", args=[barometer.code])).status_code == 403
    assert not SurveyInvitation.objects.exists()


def test_reminders_go_after_7_and_14_days_to_those_who_have_not_answered(
    barometer,
    user_a,
    user_b,
    smtp_server,  # noqa: F811
):
    around_now(barometer)
    services.invite_audience(barometer, now=NOW)
    services.send_due_invitations(now=NOW)
    smtp_server.wait_for(2)
    answered = SurveyInvitation.objects.get(contact=user_a.contact)
    services.submit_answer(token=answered.token, nps=9, csat=5, now=NOW + dt.timedelta(days=2))
    assert services.send_reminders(now=NOW + dt.timedelta(days=6)) == 0
    assert services.send_reminders(now=NOW + dt.timedelta(days=7, hours=1)) == 1
    assert services.send_reminders(now=NOW + dt.timedelta(days=8)) == 0
    assert services.send_reminders(now=NOW + dt.timedelta(days=14, hours=1)) == 1
    assert services.send_reminders(now=NOW + dt.timedelta(days=30)) == 0  # two reminders, no more
    received = smtp_server.wait_for(4)
    reminders = [r for r in received if r["message"]["Subject"].startswith(("Reminder", "Relance", "Rappel"))]
    assert [r["to"] for r in reminders] == [[user_b.contact.email]] * 2


def test_reminder_days_are_configurable(barometer, user_a, smtp_server):  # noqa: F811
    barometer.reminder_days = "3"
    around_now(barometer)
    services.invite_audience(barometer, now=NOW)
    services.send_due_invitations(now=NOW)
    assert services.send_reminders(now=NOW + dt.timedelta(days=3, hours=1)) == 1
    assert services.send_reminders(now=NOW + dt.timedelta(days=14, hours=1)) == 0


def test_post_request_surveys_are_not_sent_to_an_audience(post_survey):
    with pytest.raises(ValueError):
        services.invite_audience(post_survey)


def test_send_surveys_command_sends_due_invitations(post_survey, user_a, smtp_server):  # noqa: F811
    from django.core.management import call_command

    services.schedule_post_request_survey(
        request=make_request(user_a.contact), now=timezone.now() - dt.timedelta(days=2)
    )
    call_command("send_surveys")
    assert len(smtp_server.wait_for(1)) == 1
