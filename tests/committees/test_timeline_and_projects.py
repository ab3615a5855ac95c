"""Relationship timelines, follow-up lists, and projects opened here or from a request of kind projet."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from committees import selectors, services
from committees.models import Interaction, Project
from requests_box.models import Request
from tests.committees.conftest import make_contact, make_meeting

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def make_request(reference, *, contact, kind="projet", received=datetime(2026, 3, 2, 23, 30, tzinfo=PARIS)):
    return Request.objects.create(
        reference=reference,
        subject="Besoin d'un portail fournisseurs",
        kind=kind,
        contact=contact,
        entity=contact.entity if contact else None,
        received_at=received,
        deadline=received + timedelta(days=7),
    )


def test_a_project_request_opens_its_project_once(user_a):
    request = make_request("REQ-2026-000001", contact=user_a.contact)
    project = services.create_project_from_request(request)
    assert services.create_project_from_request(request) == project
    assert (project.entity, project.created_on, project.source_request) == (
        user_a.contact.entity,
        date(2026, 3, 2),  # Paris date of reception
        request,
    )
    assert project.code == "PRJ-2026-001" and project.name == request.subject
    assert services.create_project(
        name="Autre", entity=user_a.contact.entity, created_on=date(2026, 5, 1)
    ).code == ("PRJ-2026-002")


def test_only_a_request_of_kind_projet_becomes_a_project(user_a):
    with pytest.raises(ValueError):
        services.create_project_from_request(
            make_request("REQ-2026-000002", contact=user_a.contact, kind="simple")
        )
    assert not Project.objects.exists()


def test_only_the_relationship_manager_opens_a_project_from_a_request(
    client_for, user_a, relationship_manager
):
    make_request("REQ-2026-000003", contact=user_a.contact)
    url = reverse("committees:project_from_request", args=["REQ-2026-000003"])
    assert client_for(user_a).post(url).status_code == 403
    response = client_for(relationship_manager).post(url)
    assert response.status_code == 302
    assert Project.objects.get().source_request.reference == "REQ-2026-000003"


def test_a_project_cannot_be_signed_before_it_was_created(entity_a):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.create_project(
            name="X", entity=entity_a, created_on=date(2026, 5, 1), signed_on=date(2026, 4, 1)
        )
    project = services.create_project(name="X", entity=entity_a, created_on=date(2026, 5, 1))
    services.sign_project(project, on=date(2026, 6, 1))
    project.refresh_from_db()
    assert (project.status, project.signed_on) == ("signe", date(2026, 6, 1))


def test_an_action_is_linked_to_a_request_by_its_reference(
    client_for, relationship_manager, committee_a, user_a
):
    request = make_request("REQ-2026-000004", contact=user_a.contact)
    meeting = make_meeting(committee_a, date(2026, 3, 10))
    client = client_for(relationship_manager)
    url = reverse("committees:meeting_add_action", args=[meeting.pk])
    data = {"title": "Chiffrer", "owner": relationship_manager.pk, "due_on": "2026-04-01"}
    response = client.post(url, {**data, "request_reference": "REQ-2026-999999"})
    assert response.status_code == 400 and 'value="REQ-2026-999999"' in response.content.decode()
    assert client.post(url, {**data, "request_reference": "REQ-2026-000004"}).status_code == 302
    assert meeting.actions.get().request == request


def test_the_contact_timeline_gathers_meetings_interactions_requests_and_projects(
    client_for, relationship_manager, committee_a, user_a
):
    contact = user_a.contact
    meeting = make_meeting(committee_a, date(2026, 2, 5))
    services.record_meeting(
        meeting, present_attendance_ids=set(meeting.attendances.values_list("id", flat=True))
    )
    services.record_interaction(
        contact=contact, kind="telephone", on=date(2026, 2, 20), note="Appel de suivi"
    )
    make_request("REQ-2026-000005", contact=contact)
    services.create_project(
        name="Portail fournisseurs",
        entity=contact.entity,
        created_on=date(2026, 3, 4),
        signed_on=date(2026, 4, 1),
    )

    events = selectors.contact_timeline(contact)
    assert [(e.day, e.kind) for e in events] == [
        (date(2026, 4, 1), "project"),
        (date(2026, 3, 4), "project"),
        (date(2026, 3, 2), "request"),
        (date(2026, 2, 20), "interaction"),
        (date(2026, 2, 5), "meeting"),  # the committee interaction shows once, as the meeting
    ]
    page = (
        client_for(relationship_manager)
        .get(reverse("committees:contact_timeline", args=[contact.pk]))
        .content.decode()
    )
    assert "REQ-2026-000005" in page and "Appel de suivi" in page and "Comité tactique DCOM" in page
    page = (
        client_for(relationship_manager)
        .get(reverse("committees:entity_timeline", args=[contact.entity.code]))
        .content.decode()
    )
    assert "REQ-2026-000005" in page and "Portail fournisseurs" in page and "Alice Martin" in page


def test_not_met_for_n_months_lists_never_met_first_and_ignores_phone_calls(
    entity_a, user_a, client_for, relationship_manager
):
    today = timezone.localdate()
    recent, old, phoned = (
        make_contact(entity_a, "Recent"),
        make_contact(entity_a, "Old"),
        make_contact(entity_a, "Phoned"),
    )
    services.record_interaction(contact=recent, kind="visite", on=today - timedelta(days=10))
    services.record_interaction(contact=old, kind="rendez_vous", on=today - timedelta(days=250))
    services.record_interaction(contact=phoned, kind="telephone", on=today - timedelta(days=5))

    departed = make_contact(entity_a, "Departed")
    departed.is_active = False  # has left the company: no longer followed up
    departed.save()

    rows = list(selectors.not_met_since(selectors.contacts_with_follow_up(), months=6, today=today))
    assert departed.pk not in {c.pk for c in rows}
    assert rows[0].pk in {user_a.contact.pk, phoned.pk} and rows[1].pk in {user_a.contact.pk, phoned.pk}
    assert [c.pk for c in rows][2:] == [old.pk]
    page = (
        client_for(relationship_manager).get(reverse("committees:not_met"), {"months": "12"}).content.decode()
    )
    assert "Old Test" not in page and "Phoned Test" in page and "Recent Test" not in page


def test_next_contact_due_follows_the_segment_frequency(
    entity_a, entity_b, user_a, user_b, client_for, relationship_manager
):
    today = date(2026, 6, 15)
    # entity_a is a core target (every 2 months), entity_b a sensitive target (every month).
    services.record_interaction(contact=user_a.contact, kind="visite", on=date(2026, 5, 1))  # due 1 July
    services.record_interaction(contact=user_b.contact, kind="visite", on=date(2026, 5, 20))  # due 20 June
    never = make_contact(entity_a, "Never")  # never met: due today

    rows = selectors.next_contacts_due(
        selectors.contacts_with_follow_up(), horizon=date(2026, 7, 1), today=today
    )
    assert [(r.contact.pk, r.due_on) for r in rows] == [
        (never.pk, today),
        (user_b.contact.pk, date(2026, 6, 20)),
        (user_a.contact.pk, date(2026, 7, 1)),
    ]
    rows = selectors.next_contacts_due(
        selectors.contacts_with_follow_up(), horizon=date(2026, 6, 30), today=today
    )
    assert [r.contact.pk for r in rows] == [never.pk, user_b.contact.pk]
    page = (
        client_for(relationship_manager)
        .get(reverse("committees:next_due"), {"within_days": "0"})
        .content.decode()
    )
    assert "Never Test" in page


def test_interactions_are_unique_per_date_kind_and_contact(user_a):
    from django.db import IntegrityError, transaction

    Interaction.objects.create(date=date(2026, 1, 1), kind="visite", contact=user_a.contact)
    with pytest.raises(IntegrityError), transaction.atomic():
        Interaction.objects.create(date=date(2026, 1, 1), kind="visite", contact=user_a.contact)


@pytest.mark.django_db
def test_timelines_show_named_survey_answers_and_never_anonymous_ones(client, relationship_manager, user_a):
    from kpis.models import Survey, SurveyAnswer

    contact = user_a.contact
    survey = Survey.objects.create(code="BARO-2026", title="Baromètre 2026", kind="barometre")
    answered = datetime(2026, 9, 1, 10, tzinfo=PARIS)
    SurveyAnswer.objects.create(
        survey=survey,
        kind="barometre",
        contact=contact,
        entity=contact.entity,
        answered_at=answered,
        nps=9,
        csat=4,
        comment="Très réactifs",
    )
    SurveyAnswer.objects.create(
        survey=survey,
        kind="barometre",
        entity=contact.entity,
        answered_at=answered,
        nps=2,
        comment="Anonyme",
    )
    events = [e for e in selectors.contact_timeline(contact) if e.kind == "survey"]
    assert [(e.day, e.label, e.detail) for e in events] == [
        (date(2026, 9, 1), "Baromètre 2026 · Alice Martin · NPS 9 · CSAT 4/5", "Très réactifs")
    ]
    entity_events = [e for e in selectors.entity_timeline(contact.entity) if e.kind == "survey"]
    assert len(entity_events) == 1
    client.force_login(relationship_manager)
    html = client.get(reverse("committees:contact_timeline", args=[contact.pk])).content.decode()
    assert "Réponse à une enquête" in html and "Très réactifs" in html and "Anonyme" not in html
