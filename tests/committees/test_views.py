"""Who sees and does what, through the web pages: a test per role."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from committees import services
from committees.models import Action, ActionStatus, Interaction
from tests.committees.conftest import make_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def meetings(committee_a, committee_b, product_manager, relationship_manager):
    """For each committee, one held meeting with published minutes and one held but unpublished."""
    result = {}
    for committee in (committee_a, committee_b):
        published = make_meeting(committee, date(2026, 3, 10))
        draft = make_meeting(committee, date(2026, 6, 10))
        for meeting, text in ((published, "Compte rendu publié"), (draft, "Brouillon confidentiel")):
            services.record_meeting(
                meeting,
                present_attendance_ids=set(meeting.attendances.values_list("id", flat=True)),
                minutes=f"<p>{text} {committee.directorate.code}</p>",
            )
        services.publish_minutes(published)
        services.add_action(
            published,
            title=f"Action {committee.directorate.code}",
            owner=product_manager,
            due_on=date(2026, 4, 1),
        )
        services.add_action(
            published,
            title=f"RRC {committee.directorate.code}",
            owner=relationship_manager,
            due_on=date(2026, 4, 1),
        )
        result[committee.directorate.code] = (published, draft)
    return result


def test_business_users_see_only_their_own_directorates_committees(client_for, user_a, user_b, meetings):
    page = client_for(user_a).get(reverse("committees:committee_list")).content.decode()
    assert "Comité tactique DCOM" in page and "Comité stratégique DRH" not in page
    page = client_for(user_b).get(reverse("committees:committee_list")).content.decode()
    assert "Comité stratégique DRH" in page and "Comité tactique DCOM" not in page


def test_a_business_user_cannot_open_another_directorates_committee_or_meeting(
    client_for, user_a, committee_b, meetings
):
    client = client_for(user_a)
    published_b = meetings["DRH"][0]
    assert client.get(reverse("committees:committee_detail", args=[committee_b.pk])).status_code == 404
    assert client.get(reverse("committees:meeting_detail", args=[published_b.pk])).status_code == 404
    assert client.get(reverse("committees:meeting_pdf", args=[published_b.pk])).status_code == 404


def test_a_business_user_sees_published_minutes_only(client_for, user_a, committee_a, meetings):
    client = client_for(user_a)
    published, draft = meetings["DCOM"]
    page = client.get(reverse("committees:committee_detail", args=[committee_a.pk])).content.decode()
    assert reverse("committees:meeting_detail", args=[published.pk]) in page
    assert reverse("committees:meeting_detail", args=[draft.pk]) not in page
    assert "Action DCOM" not in page  # the open actions list is for the DSI
    page = client.get(reverse("committees:meeting_detail", args=[published.pk])).content.decode()
    assert "Compte rendu publié DCOM" in page
    assert "Enregistrer la réunion" not in page and "Ajouter l’action" not in page
    assert client.get(reverse("committees:meeting_detail", args=[draft.pk])).status_code == 404
    assert client.get(reverse("committees:meeting_pdf", args=[draft.pk])).status_code == 404


def test_a_business_user_cannot_change_a_meeting(client_for, user_a, meetings):
    client = client_for(user_a)
    published = meetings["DCOM"][0]
    for name in (
        "meeting_record",
        "meeting_add_decision",
        "meeting_add_action",
        "meeting_publish",
        "meeting_invite",
    ):
        assert (
            client.post(reverse(f"committees:{name}", args=[published.pk]), {"text": "x"}).status_code == 403
        )
    assert client.get(reverse("committees:meeting_ics", args=[published.pk])).status_code == 403


def test_the_cio_reads_every_committee_and_draft_but_changes_nothing(client_for, cio, meetings):
    client = client_for(cio)
    page = client.get(reverse("committees:committee_list")).content.decode()
    assert "Comité tactique DCOM" in page and "Comité stratégique DRH" in page
    draft = meetings["DRH"][1]
    page = client.get(reverse("committees:meeting_detail", args=[draft.pk])).content.decode()
    assert "Brouillon confidentiel DRH" in page and "Ajouter la décision" not in page
    assert (
        client.post(reverse("committees:meeting_add_decision", args=[draft.pk]), {"text": "x"}).status_code
        == 403
    )
    assert client.get(reverse("committees:not_met")).status_code == 200


def test_the_relationship_manager_records_a_meeting_with_its_attendance(
    client_for, relationship_manager, committee_a, user_a
):
    meeting = make_meeting(committee_a, date(2026, 9, 1))
    attendance = meeting.attendances.get(contact=user_a.contact)
    client = client_for(relationship_manager)
    response = client.post(
        reverse("committees:meeting_record", args=[meeting.pk]), {"present": [attendance.pk]}
    )
    assert response.status_code == 302
    assert Interaction.objects.filter(kind="comite", contact=user_a.contact, date=date(2026, 9, 1)).exists()
    response = client.post(
        reverse("committees:meeting_add_action", args=[meeting.pk]),
        {"title": "Chiffrer le besoin", "owner": relationship_manager.pk, "due_on": "2026-10-01"},
    )
    assert response.status_code == 302 and meeting.actions.get().title == "Chiffrer le besoin"
    client.post(reverse("committees:meeting_publish", args=[meeting.pk]))
    meeting.refresh_from_db()
    assert meeting.minutes_published


def test_a_rejected_action_form_keeps_what_was_typed(client_for, relationship_manager, committee_a):
    meeting = make_meeting(committee_a, date(2026, 9, 1))
    response = client_for(relationship_manager).post(
        reverse("committees:meeting_add_action", args=[meeting.pk]),
        {"title": "Relancer le fournisseur", "owner": relationship_manager.pk, "due_on": "pas une date"},
    )
    assert response.status_code == 400
    assert 'value="Relancer le fournisseur"' in response.content.decode()
    assert not Action.objects.exists()


def test_product_managers_see_and_close_the_actions_assigned_to_them(client_for, product_manager, meetings):
    client = client_for(product_manager)
    page = client.get(reverse("committees:my_actions")).content.decode()
    assert "Action DCOM" in page and "Action DRH" in page and "RRC DCOM" not in page
    assert (
        client.get(reverse("committees:committee_list")).content.decode().count("Comité tactique DCOM") == 0
    )
    mine = Action.objects.get(title="Action DCOM")
    other = Action.objects.get(title="RRC DCOM")
    assert (
        client.post(reverse("committees:action_status", args=[mine.pk]), {"status": "done"}).status_code
        == 302
    )
    assert (
        client.post(reverse("committees:action_status", args=[other.pk]), {"status": "done"}).status_code
        == 404
    )
    mine.refresh_from_db()
    other.refresh_from_db()
    assert (mine.status, other.status) == (ActionStatus.DONE, ActionStatus.OPEN)
    assert client.get(reverse("committees:not_met")).status_code == 403


def test_recording_an_interaction_from_a_contact_page(client_for, relationship_manager, user_a):
    client = client_for(relationship_manager)
    url = reverse("committees:contact_timeline", args=[user_a.contact.pk])
    page = client.get(url).content.decode()
    assert f'value="{timezone.localdate():%Y-%m-%d}"' in page  # the date defaults to today
    response = client.post(
        reverse("committees:record_interaction", args=[user_a.contact.pk]),
        {"kind": "visite", "date": "2026-03-03", "note": "Visite de l'agence de Lyon"},
    )
    assert response.status_code == 302
    interaction = Interaction.objects.get()
    assert (interaction.kind, interaction.author) == ("visite", relationship_manager)
    assert "Visite de l&#x27;agence de Lyon" in client.get(url).content.decode()


def test_an_interaction_in_the_future_is_refused_and_the_note_kept(client_for, relationship_manager, user_a):
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client_for(relationship_manager).post(
        reverse("committees:record_interaction", args=[user_a.contact.pk]),
        {"kind": "rendez_vous", "date": f"{tomorrow:%Y-%m-%d}", "note": "Déjeuner prévu"},
    )
    assert response.status_code == 400
    assert "Déjeuner prévu" in response.content.decode()
    assert not Interaction.objects.exists()


@pytest.mark.parametrize("persona", ["user_a", "correspondent_a", "product_manager", "editor"])
def test_only_the_dsi_management_reaches_the_relationship_pages(
    client_for, request, persona, user_b, entity_b
):
    client = client_for(request.getfixturevalue(persona))
    for url in (
        reverse("committees:not_met"),
        reverse("committees:next_due"),
        reverse("committees:project_list"),
        reverse("committees:contact_timeline", args=[user_b.contact.pk]),
        reverse("committees:entity_timeline", args=[entity_b.code]),
    ):
        assert client.get(url).status_code == 403, url
    assert (
        client.post(
            reverse("committees:record_interaction", args=[user_b.contact.pk]),
            {"kind": "visite", "date": "2026-03-03"},
        ).status_code
        == 403
    )


def test_navigation_shows_each_role_its_committee_items(
    client_for, user_a, product_manager, relationship_manager
):
    from home.navigation import navigation_for

    def labels(user):
        from django.test import RequestFactory

        request = RequestFactory().get("/")
        request.user = user
        return {str(item["label"]) for item in navigation_for(request)}

    assert {"Comités"} <= labels(user_a) and "Mes actions" not in labels(user_a)
    assert "Relation clients" not in labels(user_a)
    assert "Mes actions" in labels(product_manager)
    assert "Relation clients" in labels(relationship_manager)
