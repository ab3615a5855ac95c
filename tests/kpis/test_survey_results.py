"""Survey results: NPS/CSAT on hand-computed fixtures, rates by group, pages, exports, admin, demo."""

import csv
import datetime as dt
import io

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from directory.models import ClientType, Contact, Directorate, Entity
from kpis.models import InvitationStatus, Survey, SurveyAnswer, SurveyInvitation, SurveyKind
from kpis.surveys import selectors, services
from kpis.surveys.scoring import scores_from_distributions

pytestmark = pytest.mark.django_db
WHEN = timezone.make_aware(dt.datetime(2026, 10, 5, 10, 0))
# 10 NPS answers: promoters 10,10,10,9 (4), passives 8,8,7 (3), detractors 6,3,3 (3) -> NPS (4-3)/10 = +10.0
NPS_SCORES = [10, 10, 10, 9, 8, 8, 7, 6, 3, 3]
# 8 CSAT answers: 5,5,4,4,4 satisfied (5 of 8) -> 62.5 %; 3,2,1 not
CSAT_SCORES = [5, 5, 4, 4, 4, 3, 2, 1]


def test_nps_and_csat_from_hand_computed_distributions():
    scores = scores_from_distributions({10: 3, 9: 1, 8: 2, 7: 1, 6: 1, 3: 2}, {5: 2, 4: 3, 3: 1, 2: 1, 1: 1})
    assert (scores.promoters, scores.passives, scores.detractors) == (4, 3, 3)
    assert scores.nps == 10.0
    assert scores.csat_pct == 62.5


def test_all_detractors_give_minus_100_and_all_promoters_plus_100():
    assert scores_from_distributions({0: 2, 6: 1}, {}).nps == -100.0
    assert scores_from_distributions({9: 1, 10: 4}, {}).nps == 100.0


def test_zero_answers_are_undefined_not_zero():
    scores = scores_from_distributions({}, {})
    assert scores.nps is None and scores.csat_pct is None and scores.share(0) is None


@pytest.fixture
def barometer(db):
    return Survey.objects.create(
        code="barometre-2026", title="Baromètre 2026", kind=SurveyKind.BAROMETRE, anonymous=True
    )


def fill(survey, entity_a, entity_b):
    """The NPS and CSAT fixtures above: the first six answers from entity A, the rest from entity B."""
    for index in range(10):
        SurveyAnswer.objects.create(
            survey=survey,
            kind=survey.kind,
            answered_at=WHEN,
            entity=entity_a if index < 6 else entity_b,
            nps=NPS_SCORES[index],
            csat=CSAT_SCORES[index] if index < len(CSAT_SCORES) else None,
            comment="Très bien" if index == 0 else "",
        )


def test_results_on_the_hand_computed_fixture(barometer, entity_a, entity_b):
    fill(barometer, entity_a, entity_b)
    results = selectors.survey_results(barometer)
    assert results.answers == 10
    assert results.scores.nps == 10.0
    assert results.scores.csat_pct == 62.5
    assert (results.promoters_pct, results.passives_pct, results.detractors_pct) == (40.0, 30.0, 30.0)
    assert results.nps_distribution == {0: 0, 1: 0, 2: 0, 3: 2, 4: 0, 5: 0, 6: 1, 7: 1, 8: 2, 9: 1, 10: 3}
    assert results.csat_distribution == {1: 1, 2: 1, 3: 1, 4: 3, 5: 2}
    assert results.response_rate is None  # imported answers: no link was sent
    by_directorate = {group.key: group for group in results.by_directorate}
    # A: 10,10,10,9,8,8 -> 4 promoters of 6 = +66.7; CSAT 5,5,4,4,4,3 -> 5 of 6 = 83.3 %
    assert by_directorate["DCOM"].scores.nps == 66.7
    assert by_directorate["DCOM"].scores.csat_pct == 83.3
    # B: 7,6,3,3 -> 3 detractors of 4 = -75; CSAT 2,1 -> 0 %
    assert by_directorate["DRH"].scores.nps == -75.0
    assert by_directorate["DRH"].scores.csat_pct == 0.0
    by_type = {group.key: group for group in results.by_client_type}
    assert by_type[ClientType.METIER].scores.nps == 66.7
    assert [answer.comment for answer in results.comments] == ["Très bien"]


def test_results_filtered_by_directorate(barometer, entity_a, entity_b):
    fill(barometer, entity_a, entity_b)
    results = selectors.survey_results(barometer, directorate="DRH")
    assert results.answers == 4 and results.scores.nps == -75.0


def test_results_of_a_survey_without_answers_are_undefined(barometer):
    results = selectors.survey_results(barometer)
    assert results.answers == 0
    assert results.scores.nps is None and results.scores.csat_pct is None and results.response_rate is None


def test_response_rate_counts_links_sent_and_answered(barometer, user_a, user_b, correspondent_a):
    for contact in (user_a.contact, user_b.contact, correspondent_a.contact):
        SurveyInvitation.objects.create(
            survey=barometer,
            contact=contact,
            entity=contact.entity,
            token=services.new_token(),
            status=InvitationStatus.SENT,
            due_at=WHEN,
            sent_at=WHEN,
            expires_at=timezone.now() + dt.timedelta(days=5),
        )
    token = SurveyInvitation.objects.get(contact=user_a.contact).token
    services.submit_answer(token=token, nps=9, csat=5)
    results = selectors.survey_results(barometer)
    assert (results.answered, results.invited, results.response_rate) == (1, 3, 33.3)
    rates = {group.key: group.response_rate for group in results.by_directorate}
    assert rates == {"DCOM": 50.0, "DRH": 0.0}


# --- Pages and exports ------------------------------------------------------------------------------


def test_the_results_page_shows_the_scores_to_the_relationship_manager(
    client_for, relationship_manager, barometer, entity_a, entity_b
):
    fill(barometer, entity_a, entity_b)
    content = client_for(relationship_manager).get(reverse("kpis:survey_results", args=[barometer.code]))
    text = content.content.decode()
    assert "Baromètre 2026" in text
    assert "62.5 %" in text or "62,5 %" in text
    assert "Direction Commerciale" in text and "Très bien" in text


def test_the_cio_reads_results_and_business_users_cannot(client_for, cio, user_a, barometer):
    assert client_for(cio).get(reverse("kpis:survey_results", args=[barometer.code])).status_code == 200
    client = client_for(user_a)
    for name in ("survey_results", "survey_export_csv", "survey_export_pdf"):
        assert client.get(reverse(f"kpis:{name}", args=[barometer.code])).status_code == 403
    assert client.get(reverse("kpis:survey_list")).status_code == 403


def test_the_survey_list_is_not_for_anonymous_visitors(client, barometer):
    response = client.get(reverse("kpis:survey_list"))
    assert response.status_code == 302 and response["Location"].startswith(resolve_url(settings.LOGIN_URL))


def test_csv_export_of_an_anonymous_survey_names_nobody(client_for, relationship_manager, barometer, user_a):
    SurveyAnswer.objects.create(
        survey=barometer,
        kind=barometer.kind,
        answered_at=WHEN,
        entity=user_a.contact.entity,
        nps=9,
        comment='=HYPERLINK("x")',
    )
    response = client_for(relationship_manager).get(reverse("kpis:survey_export_csv", args=[barometer.code]))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert len(rows) == 2
    assert "Alice" not in response.content.decode()
    assert rows[1][1:4] == ["Direction Commerciale", "", ""]  # one answer: the entity is not named
    assert rows[1][4] == "9" and rows[1][7].startswith("'=")  # no formula runs in a spreadsheet


def test_csv_export_of_a_named_survey_names_the_contact(client_for, relationship_manager, user_a):
    survey = Survey.objects.create(code="post", title="Après demande", kind=SurveyKind.POST_DEMANDE)
    SurveyAnswer.objects.create(
        survey=survey,
        kind=survey.kind,
        answered_at=WHEN,
        contact=user_a.contact,
        entity=user_a.contact.entity,
        csat=4,
    )
    response = client_for(relationship_manager).get(reverse("kpis:survey_export_csv", args=[survey.code]))
    assert "Alice Martin" in response.content.decode()


def test_pdf_export_holds_the_scores(client_for, relationship_manager, barometer, entity_a, entity_b):
    fill(barometer, entity_a, entity_b)
    response = client_for(relationship_manager).get(reverse("kpis:survey_export_pdf", args=[barometer.code]))
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Baromètre 2026" in text
    assert "62.5" in text or "62,5" in text
    assert "Direction des Ressources Humaines" in text


def _many(count: int, survey, entity_a, entity_b):
    directorate = Directorate.objects.create(code=f"D{count}", name=f"Direction {count}")
    entity = Entity.objects.create(
        code=f"E{count}", name=f"Entité {count}", directorate=directorate, client_type=ClientType.FILIALE
    )
    for index in range(count):
        contact = Contact.objects.create(
            email=f"c{count}-{index}@example.org", first_name="C", last_name=str(index), entity=entity
        )
        SurveyInvitation.objects.create(
            survey=survey,
            contact=contact,
            entity=entity,
            token=services.new_token(),
            status=InvitationStatus.SENT,
            due_at=WHEN,
            sent_at=WHEN,
        )
        SurveyAnswer.objects.create(
            survey=survey,
            kind=survey.kind,
            answered_at=WHEN,
            entity=(entity_a, entity_b, entity)[index % 3],
            nps=index % 11,
            csat=1 + index % 5,
            comment=f"Commentaire {index}",
        )


def test_the_results_page_and_the_list_take_a_constant_number_of_queries(
    client_for, relationship_manager, barometer, entity_a, entity_b, django_assert_max_num_queries
):
    client = client_for(relationship_manager)
    for count in (3, 40):
        _many(count, barometer, entity_a, entity_b)
        Survey.objects.create(code=f"s{count}", title=f"Survey {count}", kind=SurveyKind.CATALOGUE)
        with django_assert_max_num_queries(22):
            assert client.get(reverse("kpis:survey_results", args=[barometer.code])).status_code == 200
        with django_assert_max_num_queries(12):
            assert client.get(reverse("kpis:survey_list")).status_code == 200


def test_the_survey_list_shows_counts_and_the_follow_ups_link(
    client_for, relationship_manager, barometer, entity_a, entity_b
):
    fill(barometer, entity_a, entity_b)
    text = client_for(relationship_manager).get(reverse("kpis:survey_list")).content.decode()
    assert "Baromètre 2026" in text and ">10<" in text
    assert reverse("kpis:survey_follow_ups") in text


# --- Back office and navigation ---------------------------------------------------------------------


def test_the_relationship_manager_edits_surveys_in_the_back_office(
    client_for, relationship_manager, barometer, directorate_a
):
    client = client_for(relationship_manager)
    add = client.get(reverse("wagtailsnippets_kpis_survey:add"))
    assert add.status_code == 200
    for name in (
        "nps_question",
        "csat_question",
        "choice_options",
        "client_types",
        "segments",
        "roles",
        "reminder_days",
        "send_delay_hours",
        "contact_cap_days",
        "anonymous",
        "directorates",
    ):
        assert f'name="{name}"' in add.content.decode()
    edit = client.get(reverse("wagtailsnippets_kpis_survey:edit", args=[barometer.pk]))
    assert edit.status_code == 200


def survey_form_data(**fields) -> dict:
    """What the back office's survey form posts, with no themed question (shared with test_barometer)."""
    return {
        "title": "Catalogue 2026",
        "code": "catalogue-2026",
        "kind": SurveyKind.CATALOGUE,
        "nps_question": "Recommanderiez-vous ?",
        "csat_question": "Satisfait ?",
        "ask_nps": "on",
        "ask_csat": "on",
        "comment_question": "",
        "choice_question": "",
        "choice_options": "",
        "client_types": [],
        "segments": [],
        "roles": [],
        "reminder_days": "7,14",
        "send_delay_hours": "24",
        "contact_cap_days": "30",
        "link_valid_days": "30",
        # the themed questions' inline formset
        "questions-TOTAL_FORMS": "0",
        "questions-INITIAL_FORMS": "0",
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "1000",
        **fields,
    }


def test_the_survey_form_saves_the_audience_lists(relationship_manager, directorate_a):
    from kpis.viewsets import SurveyViewSet

    form_class = SurveyViewSet().get_edit_handler().get_form_class()
    data = survey_form_data(
        client_types=[ClientType.METIER],
        directorates=[directorate_a.pk],
        opens_on="2026-11-01",
        closes_on="2026-10-01",
    )
    form = form_class(data=data, instance=Survey(), for_user=relationship_manager)
    assert not form.is_valid() and "closes_on" in form.errors
    data["closes_on"] = "2026-11-30"
    form = form_class(data=data, instance=Survey(), for_user=relationship_manager)
    assert form.is_valid(), form.errors
    survey = form.save()
    assert survey.client_types == [ClientType.METIER]
    assert list(survey.directorates.all()) == [directorate_a]


def test_business_users_cannot_open_the_survey_back_office(client_for, user_a):
    response = client_for(user_a).get(reverse("wagtailsnippets_kpis_survey:list"))
    assert response.status_code in (302, 403)


def test_the_navigation_shows_surveys_to_relationship_managers_only(client_for, relationship_manager, user_a):
    url = reverse("kpis:survey_list")
    assert url in client_for(relationship_manager).get("/").content.decode()
    assert url not in client_for(user_a).get("/").content.decode()


# --- Demo data --------------------------------------------------------------------------------------


def test_the_demo_seed_is_idempotent_and_gives_barometers_and_a_year_of_answers(
    user_a, user_b, correspondent_a
):
    from kpis import demo

    first = demo.seed()
    assert demo.seed() == first
    barometers = Survey.objects.filter(kind=SurveyKind.BAROMETRE)
    assert barometers.count() == 3
    assert all(survey.answers.exists() for survey in barometers)
    assert all(survey.questions.count() == 11 for survey in barometers)
    post = SurveyAnswer.objects.filter(kind=SurveyKind.POST_DEMANDE)
    days = {timezone.localdate(answered_at) for answered_at in post.values_list("answered_at", flat=True)}
    assert max(days) - min(days) > dt.timedelta(days=300)
    assert first["indicator targets"] == 10
    for anonymous in barometers.filter(anonymous=True):
        assert not anonymous.answers.filter(contact__isnull=False).exists()
