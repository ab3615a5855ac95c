"""The barometer by theme: hand-computed year on year on two campaigns, the themed answer form,
comments by theme, the CSV export, permissions per role and the query budget."""

import csv
import datetime as dt
import io

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils import timezone

from directory.models import ClientType, Contact, Directorate, Entity
from kpis.models import (
    InvitationStatus,
    Scale,
    Survey,
    SurveyAnswer,
    SurveyInvitation,
    SurveyKind,
    SurveyQuestion,
    SurveyScore,
    SurveyThemeComment,
    Theme,
)
from kpis.surveys import barometer, services
from tests.kpis.test_survey_results import survey_form_data

pytestmark = pytest.mark.django_db


def make_survey(year: int, *, kind=SurveyKind.BAROMETRE, anonymous=False) -> Survey:
    survey = Survey.objects.create(
        code=f"{kind}-{year}",
        title=f"Baromètre {year}",
        kind=kind,
        anonymous=anonymous,
        opens_on=dt.date(year, 9, 7),
        closes_on=dt.date(year, 9, 30),
    )
    for order, (theme, text, scale) in enumerate(
        (
            (Theme.QUALITY, "Les services répondent à vos besoins", Scale.FIVE),
            (Theme.QUALITY, "Qualité des solutions livrées, sur 10", Scale.TEN),
            (Theme.RELATIONSHIP, "Vos interlocuteurs sont à l'écoute", Scale.FIVE),
        )
    ):
        SurveyQuestion.objects.create(survey=survey, theme=theme, text=text, scale=scale, sort_order=order)
    return survey


def answer(survey: Survey, entity: Entity, nps: int, q1=None, q2=None, q3=None, **extra) -> SurveyAnswer:
    """One answer with the scores of the three questions (None: no opinion)."""
    saved = SurveyAnswer.objects.create(
        survey=survey,
        kind=survey.kind,
        answered_at=timezone.make_aware(dt.datetime.combine(survey.opens_on, dt.time(10))),
        entity=entity,
        nps=nps,
        **extra,
    )
    questions = list(survey.questions.order_by("sort_order"))
    for question, value in zip(questions, (q1, q2, q3), strict=True):
        if value is not None:
            SurveyScore.objects.create(answer=saved, question=question, value=value)
    return saved


@pytest.fixture
def two_barometers(entity_a, entity_b):
    """entity_a is in DCOM, entity_b in DRH. Scores: Q1 quality 1–5, Q2 quality 0–10, Q3 relationship 1–5."""
    before = make_survey(2025)
    answer(before, entity_a, 8, 3, 7, 4)
    answer(before, entity_a, 6, 4, 5, 3)
    answer(before, entity_b, 9, 4, 7, 4)
    current = make_survey(2026)
    answer(current, entity_a, 10, 5, 8, 4)
    answer(current, entity_a, 9, 4, 6, 2)
    answer(current, entity_b, 3, 2, 9, None)
    answer(current, entity_b, 7, 3, None, 5)
    # Neither is the previous campaign of 2026: an older barometer and a catalogue survey in between.
    Survey.objects.create(
        code="barometre-2024", title="2024", kind=SurveyKind.BAROMETRE, opens_on=dt.date(2024, 9, 7)
    )
    Survey.objects.create(
        code="cat-2026", title="Cat", kind=SurveyKind.CATALOGUE, opens_on=dt.date(2026, 3, 1)
    )
    return before, current


def test_the_previous_campaign_is_the_last_one_of_the_same_kind(two_barometers):
    before, current = two_barometers
    assert barometer.previous_campaign(current) == before
    assert barometer.previous_campaign(before).code == "barometre-2024"


def test_year_on_year_on_two_barometers_hand_computed(two_barometers):
    before, current = two_barometers
    results = barometer.barometer_results(current)
    assert results.previous == before
    assert results.themes == [
        (Theme.QUALITY, "Qualité de service"),
        (Theme.RELATIONSHIP, "Relation et écoute"),
    ]
    company = results.company
    quality = company.cells[Theme.QUALITY]
    # 2026 quality: Q1 5,4,2,3 (satisfied >= 4: two) and Q2 8,6,9 (satisfied >= 7: two) -> 4 of 7 = 57.1 %
    assert (quality.current.scores, quality.current.satisfied, quality.current.satisfied_pct) == (7, 4, 57.1)
    # mean on 0-10: Q1 -> 10 + 7.5 + 2.5 + 5 = 25, Q2 -> 23; 48 / 7 = 6.86
    assert quality.current.mean == 6.9
    # 2025 quality: Q1 3,4,4 (two) and Q2 7,5,7 (two) -> 4 of 6 = 66.7 %; mean (5+7.5+7.5+19) / 6 = 6.5
    assert (quality.previous.satisfied_pct, quality.previous.mean) == (66.7, 6.5)
    # 57.142857 - 66.666667 = -9.52 points; 6.857 - 6.5 = +0.36
    assert quality.satisfied_change == -9.5
    assert quality.mean_change == 0.4
    relationship = company.cells[Theme.RELATIONSHIP]
    # 2026: 4,2,5 -> 2 of 3; 2025: 4,3,4 -> 2 of 3: no change
    assert (relationship.current.satisfied_pct, relationship.previous.satisfied_pct) == (66.7, 66.7)
    assert relationship.satisfied_change == 0.0
    assert relationship.current.mean == 6.7  # (7.5 + 2.5 + 10) / 3
    # NPS 2026: 10, 9 promoters, 7 passive, 3 detractor -> (2 - 1) / 4 = +25; 2025: 8, 6, 9 -> 0
    assert (company.nps, company.previous_nps, company.nps_change) == (25.0, 0.0, 25.0)
    assert company.answers == 4

    rows = {row.key: row for row in results.directorates}
    assert list(rows) == ["DCOM", "DRH"]  # by name: Direction Commerciale, Direction des Ressources…
    dcom, drh = rows["DCOM"], rows["DRH"]
    # DCOM quality 2026: 5,4 | 8,6 -> 3 of 4 = 75 %; 2025: 3,4 | 7,5 -> 2 of 4 = 50 %: +25 points
    assert dcom.cells[Theme.QUALITY].current.satisfied_pct == 75.0
    assert dcom.cells[Theme.QUALITY].satisfied_change == 25.0
    # DCOM relationship: 4,2 (50 %) against 4,3 (50 %)
    assert dcom.cells[Theme.RELATIONSHIP].satisfied_change == 0.0
    # DCOM NPS: 10, 9 -> +100 against 8, 6 -> -50: +150
    assert (dcom.nps, dcom.previous_nps, dcom.nps_change) == (100.0, -50.0, 150.0)
    # DRH quality 2026: 2,3 | 9 -> 1 of 3 = 33.3 %; 2025: 4 | 7 -> 100 %: -66.7 points
    assert drh.cells[Theme.QUALITY].current.satisfied_pct == 33.3
    assert drh.cells[Theme.QUALITY].satisfied_change == -66.7
    assert (drh.nps, drh.previous_nps, drh.nps_change) == (-50.0, 100.0, -150.0)


def test_questions_show_their_mean_on_their_own_scale(two_barometers):
    _before, current = two_barometers
    results = barometer.barometer_results(current)
    quality = results.blocks[0]
    means = [(item.question.scale, item.native_mean, item.score.satisfied_pct) for item in quality.questions]
    # Q1: (5+4+2+3)/4 = 3.5 of 5, 2 of 4 satisfied; Q2: (8+6+9)/3 = 7.67 of 10, 2 of 3
    assert means == [(5, 3.5, 50.0), (10, 7.7, 66.7)]
    assert quality.questions[0].distribution == {1: 0, 2: 1, 3: 1, 4: 1, 5: 1}


def test_a_first_campaign_has_no_comparison(entity_a):
    survey = make_survey(2026)
    answer(survey, entity_a, 9, 4, 8, 5)
    results = barometer.barometer_results(survey)
    assert results.previous is None
    assert results.company.cells[Theme.QUALITY].satisfied_change is None
    assert results.company.nps_change is None


def test_a_theme_without_scores_is_undefined_not_zero(entity_a):
    survey = make_survey(2026)
    answer(survey, entity_a, 9, 4, 8, None)
    relationship = barometer.barometer_results(survey).company.cells[Theme.RELATIONSHIP]
    assert relationship.current.scores == 0
    assert relationship.current.satisfied_pct is None and relationship.current.mean is None


def test_comments_are_grouped_by_theme_and_an_anonymous_survey_hides_small_entities(entity_a, entity_b):
    survey = make_survey(2026, anonymous=True)
    for index in range(5):
        saved = answer(survey, entity_a, 9, 4, 8, 4, comment="Bravo" if index == 0 else "")
        if index == 0:
            SurveyThemeComment.objects.create(answer=saved, theme=Theme.QUALITY, text="Livraisons fiables")
    small = answer(survey, entity_b, 5, 2, 3, 2)
    SurveyThemeComment.objects.create(answer=small, theme=Theme.RELATIONSHIP, text="Peu d'écoute")
    results = barometer.barometer_results(survey)
    by_theme = {block.key: block.comments for block in results.blocks}
    assert [c.text for c in by_theme[Theme.QUALITY]] == ["Livraisons fiables"]
    assert [c.text for c in by_theme[Theme.RELATIONSHIP]] == ["Peu d'écoute"]
    assert [c.text for c in results.general_comments] == ["Bravo"]
    # entity_a has 5 answers: named; entity_b has 1: only its directorate
    assert by_theme[Theme.QUALITY][0].entity == entity_a.name
    assert by_theme[Theme.RELATIONSHIP][0].entity == ""
    assert by_theme[Theme.RELATIONSHIP][0].directorate == entity_b.directorate.name


# --- Pages, export and permissions --------------------------------------------------------------------


def test_the_relationship_manager_reads_the_results_by_theme(
    client_for, relationship_manager, two_barometers
):
    _before, current = two_barometers
    response = client_for(relationship_manager).get(reverse("kpis:survey_themes", args=[current.code]))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Qualité de service" in text and "Relation et écoute" in text
    assert "57,1 %" in text and "-9,5 pts" in text
    assert "Direction des Ressources Humaines" in text and "-66,7 pts" in text
    assert "Baromètre 2025" in text  # the campaign it is compared with


def test_the_cio_reads_the_results_by_theme(client_for, cio, two_barometers):
    _before, current = two_barometers
    client = client_for(cio)
    assert client.get(reverse("kpis:survey_themes", args=[current.code])).status_code == 200
    assert client.get(reverse("kpis:survey_themes_csv", args=[current.code])).status_code == 200


def test_business_users_cannot_see_the_results_by_theme(client_for, user_a, two_barometers):
    _before, current = two_barometers
    client = client_for(user_a)
    assert client.get(reverse("kpis:survey_themes", args=[current.code])).status_code == 403
    assert client.get(reverse("kpis:survey_themes_csv", args=[current.code])).status_code == 403


def test_anonymous_visitors_are_sent_to_the_login_page(client, two_barometers):
    _before, current = two_barometers
    for name in ("kpis:survey_themes", "kpis:survey_themes_csv"):
        response = client.get(reverse(name, args=[current.code]))
        assert response.status_code == 302
        assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))


def test_the_csv_export_holds_each_theme_and_the_nps_year_on_year(
    client_for, relationship_manager, two_barometers
):
    _before, current = two_barometers
    response = client_for(relationship_manager).get(reverse("kpis:survey_themes_csv", args=[current.code]))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    header, body = rows[0], rows[1:]
    assert header[:5] == ["direction", "thème", "notes", "moyenne (0–10)", "satisfaits (%)"]
    company = [row for row in body if row[0] == "Ensemble de l'entreprise"]
    assert company[0][1:6] == ["Qualité de service", "7", "6.9", "57.1", ""]
    assert company[0][6:] == ["barometre-2025", "6", "6.5", "66.7", "", "-9.5"]
    assert company[-1][1] == "NPS" and company[-1][5] == "25.0" and company[-1][-1] == "25.0"
    drh = [row for row in body if row[0] == "Direction des Ressources Humaines"]
    assert drh[0][4] == "33.3" and drh[0][-1] == "-66.7"
    assert len(body) == 3 * 3  # company and two directorates, two themes and the NPS each


def _directorates(count: int, survey: Survey, previous: Survey) -> None:
    for index in range(count):
        directorate = Directorate.objects.create(code=f"D{index:02}", name=f"Direction {index:02}")
        entity = Entity.objects.create(
            code=f"E{index:02}",
            name=f"Entité {index:02}",
            directorate=directorate,
            client_type=ClientType.METIER,
        )
        for campaign in (survey, previous):
            saved = answer(campaign, entity, 8, 4, 7, 3, comment="Un mot")
            SurveyThemeComment.objects.create(answer=saved, theme=Theme.QUALITY, text="Sur la qualité")


@pytest.mark.parametrize("count", [5, 50])
def test_the_results_by_theme_take_a_constant_number_of_queries(
    client_for, relationship_manager, django_assert_max_num_queries, count
):
    previous, survey = make_survey(2025, anonymous=True), make_survey(2026, anonymous=True)
    _directorates(count, survey, previous)
    client = client_for(relationship_manager)
    client.get("/")  # the session and the user's groups are loaded once
    with django_assert_max_num_queries(18):
        response = client.get(reverse("kpis:survey_themes", args=[survey.code]))
    assert response.status_code == 200
    assert response.content.decode().count("Sur la qualité") == count
    with django_assert_max_num_queries(16):
        assert client.get(reverse("kpis:survey_themes_csv", args=[survey.code])).status_code == 200


# --- The answer form ---------------------------------------------------------------------------------


@pytest.fixture
def open_link(user_a):
    survey = make_survey(2026)
    survey.closes_on = timezone.localdate() + dt.timedelta(days=10)
    survey.save()
    invitation = SurveyInvitation.objects.create(
        survey=survey,
        contact=user_a.contact,
        entity=user_a.contact.entity,
        token=services.new_token(),
        status=InvitationStatus.SENT,
        due_at=timezone.now(),
        sent_at=timezone.now(),
        expires_at=timezone.now() + dt.timedelta(days=10),
    )
    return survey, invitation


def field_names(survey: Survey) -> tuple[str, str, str]:
    return tuple(
        f"question_{pk}" for pk in survey.questions.order_by("sort_order").values_list("pk", flat=True)
    )


def test_the_answer_form_groups_the_questions_by_theme(client, open_link):
    survey, invitation = open_link
    text = client.get(reverse("kpis:survey_answer", args=[invitation.token])).content.decode()
    quality, relationship = text.index("Qualité de service"), text.index("Relation et écoute")
    q1, q2, q3 = (text.index(name) for name in field_names(survey))
    assert quality < q1 < q2 < relationship < q3
    assert text.index("Relation et écoute") < text.index('name="nps"')  # NPS and comment come after
    assert "1 – Très insatisfait" in text and "0 = très mauvais, 10 = excellent" in text
    assert 'name="comment_qualite"' in text and 'name="comment_relation"' in text


def test_a_rejected_form_keeps_what_was_typed(client, open_link):
    survey, invitation = open_link
    q1, q2, _q3 = field_names(survey)
    data = {q1: "4", q2: "8", "comment_qualite": "Livraisons fiables", "comment": "Merci"}  # NPS missing
    response = client.post(reverse("kpis:survey_answer", args=[invitation.token]), data)
    assert response.status_code == 400
    text = response.content.decode()
    assert f'name="{q1}" value="4"' in text and f'name="{q1}" value="4" class="" required' not in text
    assert f'type="radio" name="{q1}" value="4" id="id_{q1}_3" checked' in text
    assert f'type="radio" name="{q2}" value="8" id="id_{q2}_8" checked' in text
    assert "Livraisons fiables" in text and "Merci" in text
    assert not SurveyAnswer.objects.exists()


def test_scores_outside_the_scale_are_refused(client, open_link):
    survey, invitation = open_link
    q1, q2, _q3 = field_names(survey)
    url = reverse("kpis:survey_answer", args=[invitation.token])
    for field, value in ((q1, "0"), (q1, "6"), (q2, "11"), (q2, "-1")):
        response = client.post(url, {"nps": "9", "csat": "4", field: value})
        assert response.status_code == 400, (field, value)
    assert not SurveyAnswer.objects.exists()


def test_an_answer_keeps_its_scores_and_theme_comments(client, open_link):
    survey, invitation = open_link
    q1, q2, q3 = field_names(survey)
    data = {"nps": "9", "csat": "4", q1: "5", q3: "2", "comment_relation": "Peu d'écoute", "comment": "Merci"}
    response = client.post(reverse("kpis:survey_answer", args=[invitation.token]), data)
    assert response.status_code == 200
    saved = SurveyAnswer.objects.get()
    assert sorted(saved.scores.values_list("question__sort_order", "value")) == [
        (0, 5),
        (2, 2),
    ]  # Q2: no opinion
    assert list(saved.theme_comments.values_list("theme", "text")) == [(Theme.RELATIONSHIP, "Peu d'écoute")]
    assert (saved.nps, saved.csat, saved.comment) == (9, 4, "Merci")


def test_a_logged_in_user_answers_through_the_same_form(client_for, user_a, open_link):
    survey, invitation = open_link
    q1, _q2, _q3 = field_names(survey)
    client = client_for(user_a)
    url = reverse("kpis:survey_answer", args=[invitation.token])
    assert "Qualité de service" in client.get(url).content.decode()
    assert client.post(url, {"nps": "8", "csat": "4", q1: "3"}).status_code == 200
    assert SurveyScore.objects.get().value == 3


def test_the_service_refuses_a_score_of_another_survey_and_stores_nothing(open_link, entity_a):
    survey, invitation = open_link
    other = make_survey(2020)
    foreign = other.questions.first()
    with pytest.raises(ValueError):
        services.submit_answer(token=invitation.token, nps=9, csat=4, scores={foreign.pk: 4})
    assert not SurveyAnswer.objects.exists()
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.SENT


def test_themed_questions_are_edited_inline_in_the_back_office(
    client_for, relationship_manager, two_barometers
):
    _before, current = two_barometers
    response = client_for(relationship_manager).get(
        reverse("wagtailsnippets_kpis_survey:edit", args=[current.pk])
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert 'name="questions-TOTAL_FORMS"' in text and 'name="questions-0-theme"' in text
    assert "Les services répondent à vos besoins" in text


def test_the_survey_form_saves_themed_questions(relationship_manager):
    from kpis.viewsets import SurveyViewSet

    form_class = SurveyViewSet().get_edit_handler().get_form_class()
    data = survey_form_data(
        title="Baromètre 2027",
        code="barometre-2027",
        kind=SurveyKind.BAROMETRE,
        **{
            "questions-TOTAL_FORMS": "2",
            "questions-0-theme": Theme.COMMUNICATION,
            "questions-0-text": "Vous êtes informé à temps",
            "questions-0-scale": "5",
            "questions-0-ORDER": "1",
            "questions-1-theme": Theme.CATALOGUE,
            "questions-1-text": "Facilité de demande, sur 10",
            "questions-1-scale": "10",
            "questions-1-ORDER": "2",
        },
    )
    form = form_class(data=data, instance=Survey(), for_user=relationship_manager)
    assert form.is_valid(), (form.errors, form.formsets["questions"].errors)
    survey = form.save()
    saved = list(survey.questions.values_list("theme", "text", "scale"))
    assert saved == [
        (Theme.COMMUNICATION, "Vous êtes informé à temps", 5),
        (Theme.CATALOGUE, "Facilité de demande, sur 10", 10),
    ]


def test_the_demo_holds_three_barometers_and_a_catalogue_survey_with_data(entity_a, entity_b):
    from kpis import demo
    from kpis.dashboard import default_ref, period_of

    for index in range(30):
        Contact.objects.create(
            email=f"contact{index}@groupe-aurelia.fr",
            first_name="Prénom",
            last_name=f"Nom {index}",
            entity=entity_a if index % 2 else entity_b,
        )
    demo.seed()
    today = timezone.localdate()
    last = demo.barometer_year(today)
    codes = set(Survey.objects.filter(kind=SurveyKind.BAROMETRE).values_list("code", flat=True))
    assert codes == {f"barometre-{year}" for year in (last - 2, last - 1, last)}
    assert SurveyScore.objects.filter(answer__survey__code=f"barometre-{last}").exists()
    catalogue = Survey.objects.get(kind=SurveyKind.CATALOGUE)
    period = period_of("quarter", default_ref(today))
    assert period.start <= catalogue.opens_on and catalogue.closes_on < period.end
    assert catalogue.answers.exclude(csat=None).exists()
    assert SurveyThemeComment.objects.exists()


def test_a_directorate_named_like_a_formula_is_quoted_in_the_theme_export(client_for, relationship_manager):
    directorate = Directorate.objects.create(code="HOST", name='=HYPERLINK("http://evil.example")')
    entity = Entity.objects.create(code="HOST-1", name="Hostile", directorate=directorate)
    survey = make_survey(2026)
    answer(survey, entity, 9, 4, 8, 5)
    response = client_for(relationship_manager).get(reverse("kpis:survey_themes_csv", args=[survey.code]))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert any(row[0] == "'" + directorate.name for row in rows)
    assert not any(row[0].startswith("=") for row in rows)
