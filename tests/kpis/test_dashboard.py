"""The CIO dashboard: who sees what, periods, targets, exports, charts and the query budget.

World: directorates DCOM (entity DCOM-GC, metier) and DRH (entity DRH-PAIE, fonctionnelle) from the
shared personas; Q3 2026 = [2026-07-01, 2026-10-01); the previous period is Q2 2026.
"""

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader
from wagtail.models import Page

from catalogue.models import CatalogueIndexPage, FamilyPage, ServicePage
from committees.models import Interaction, Project
from directory.models import ClientType, Contact, Directorate, Entity
from kpis import charts, freshness
from kpis.dashboard import INDICATORS, PeriodChoice, default_ref
from kpis.exports import safe_cell
from kpis.indicators import compute_indicators
from kpis.models import IndicatorSnapshot, IndicatorTarget, Subscription, Survey, SurveyAnswer
from kpis.periods import Period
from requests_box.models import Request
from tests.home.report_helpers import fetch_pdf

PARIS = ZoneInfo("Europe/Paris")
D = dt.date
Q3 = Period(D(2026, 7, 1), D(2026, 10, 1))
Q3_PARAMS = {"period": "quarter", "ref": "2026-08-15"}
DASHBOARD = reverse("kpis:dashboard")
CSV = reverse("kpis:export_csv")
PDF = reverse("kpis:export_pdf")
TARGETS = reverse("kpis:targets")


def at(y, m, d, h=9):
    return dt.datetime(y, m, d, h, tzinfo=PARIS)


_counter = {"n": 0}


def make_request(entity, received, kind="simple", service=None, subject="Demande"):
    _counter["n"] += 1
    return Request.objects.create(
        reference=f"REQ-T-{_counter['n']:06d}",
        entity=entity,
        received_at=received,
        kind=kind,
        service=service,
        subject=subject,
        deadline=received,
    )


@pytest.fixture
def world(entity_a, entity_b):
    home = Page.objects.get(depth=2)
    index = CatalogueIndexPage.objects.first() or home.add_child(
        instance=CatalogueIndexPage(title="Catalogue", slug="catalogue")
    )
    family = index.add_child(instance=FamilyPage(title="Famille", slug="famille-dash", code="DASH-FAM"))
    s1 = family.add_child(instance=ServicePage(title="Messagerie", slug="mess", code="S1", maturity="mature"))
    # Q3: DCOM 3 requests (2 on S1), DRH 1; Q2: DCOM 1, DRH 1 -> variation +100 %.
    make_request(entity_a, at(2026, 7, 5), service=s1)
    make_request(entity_a, at(2026, 8, 5), service=s1)
    make_request(entity_a, at(2026, 9, 5), kind="reclamation")
    make_request(entity_b, at(2026, 8, 20))
    make_request(entity_a, at(2026, 5, 5))
    make_request(entity_b, at(2026, 4, 5))
    baro = Survey.objects.create(code="BARO", title="Baromètre", kind="barometre")
    for entity, when, nps, csat in [
        (entity_a, at(2026, 9, 1), 10, 5),
        (entity_a, at(2026, 9, 2), 9, 4),
        (entity_b, at(2026, 9, 3), 2, 2),
        (entity_a, at(2026, 5, 3), 3, 2),
    ]:
        SurveyAnswer.objects.create(
            survey=baro, kind="barometre", entity=entity, answered_at=when, nps=nps, csat=csat
        )
    contact = Contact.objects.create(email="met@x.fr", first_name="M", last_name="Et", entity=entity_a)
    Interaction.objects.create(date=D(2026, 7, 3), kind="visite", contact=contact)
    Project.objects.create(
        code="P1", name="P1", entity=entity_a, created_on=D(2026, 7, 10), signed_on=D(2026, 8, 1)
    )
    Subscription.objects.create(service=s1, entity=entity_a, start=D(2026, 1, 1))
    Subscription.objects.create(service=s1, entity=entity_b, start=D(2026, 8, 1))
    return {"s1": s1}


def grow(world, entity_a, entity_b, n):
    """More rows and one more directorate: the query counts must not change."""
    extra = Directorate.objects.create(code=f"DX{n}", name=f"Direction X{n}")
    entity = Entity.objects.create(
        code=f"EX{n}", name=f"EX{n}", directorate=extra, client_type=ClientType.FILIALE
    )
    for i in range(n):
        make_request(
            [entity_a, entity_b, entity][i % 3], at(2026, 7 + i % 3, 1 + i % 27), service=world["s1"]
        )


# --- who sees what -----------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login_page(client, world):
    for url in (DASHBOARD, CSV, PDF, TARGETS, reverse("kpis:directorate", args=["DCOM"])):
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.parametrize("persona", ["user_a", "product_manager", "editor"])
def test_other_roles_are_refused_everything(request, client_for, world, persona):
    client = client_for(request.getfixturevalue(persona))
    for url in (DASHBOARD, CSV, PDF, TARGETS, reverse("kpis:directorate", args=["DCOM"])):
        assert client.get(url, Q3_PARAMS).status_code == 403, url


@pytest.mark.parametrize("persona", ["cio", "relationship_manager"])
def test_cio_and_relationship_managers_see_the_company_and_every_directorate(
    request, client_for, world, persona
):
    client = client_for(request.getfixturevalue(persona))
    page = client.get(DASHBOARD, Q3_PARAMS).content.decode()
    assert "Direction Commerciale" in page and "Direction des Ressources Humaines" in page
    assert "L’entreprise" in page or "entreprise" in page
    for indicator in INDICATORS:
        assert str(indicator.title) in page
    assert client.get(reverse("kpis:directorate", args=["DRH"]), Q3_PARAMS).status_code == 200
    assert client.get(CSV, Q3_PARAMS).status_code == 200


def test_a_correspondent_sees_only_their_directorate_card(client_for, world, correspondent_a, user_b):
    client = client_for(correspondent_a)
    page = client.get(DASHBOARD, Q3_PARAMS).content.decode()
    assert "Direction Commerciale" in page
    assert "Direction des Ressources Humaines" not in page
    assert 'id="company-title"' not in page
    assert 'id="chart-coverage"' not in page  # company-wide coverage is not theirs to see
    assert client.get(reverse("kpis:directorate", args=["DCOM"]), Q3_PARAMS).status_code == 200
    assert client.get(reverse("kpis:directorate", args=["DRH"]), Q3_PARAMS).status_code == 403
    assert client.get(TARGETS).status_code == 403


def test_a_correspondents_exports_hold_only_their_directorate(client_for, world, correspondent_a):
    client = client_for(correspondent_a)
    rows = list(csv.reader(io.StringIO(client.get(CSV, Q3_PARAMS).content.decode())))
    assert rows[0] == ["indicator", "DCOM"]
    assert all("DRH" not in cell for row in rows for cell in row)
    pdf = fetch_pdf(client, PDF, Q3_PARAMS)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Direction Commerciale" in text and "Ressources Humaines" not in text


def test_a_correspondents_charts_count_only_their_directorate(client_for, world, correspondent_a):
    page = client_for(correspondent_a).get(DASHBOARD, Q3_PARAMS).content.decode()
    # DCOM: 1 metier request in 08/2026; the company had 2 (one from DRH, fonctionnelle, not shown).
    chart_table = page.split('id="chart-requests"')[1].split("</table>")[0]
    row = chart_table.split("08/2026</th>")[1].split("</tr>")[0]
    assert row.startswith("<td>1</td><td>0</td>")


# --- the numbers ---------------------------------------------------------------------------------------


def test_the_company_cards_show_compute_indicators_values_with_trends(client_for, world, cio):
    response = client_for(cio).get(DASHBOARD, Q3_PARAMS)
    cards = {card.indicator.key: card for card in response.context["company_cards"]}
    company = compute_indicators(Q3)["company"]
    assert cards["requests_variation"].value == company["requests_variation_pct"] == 100.0
    assert cards["barometer_nps"].value == company["satisfaction"]["barometre"]["nps"]
    assert cards["barometer_nps"].previous == -100.0 and cards["barometer_nps"].trend == "up"
    assert cards["contacts_met_per_month"].value == round(1 / 3, 2)
    assert cards["catalogue_csat"].value is None and cards["catalogue_csat"].trend is None
    page = response.content.decode()
    assert "non défini (aucune observation)" in page
    assert "▲" in page


def test_undefined_values_show_a_dash_and_a_text_for_screen_readers(client_for, world, cio):
    page = client_for(cio).get(DASHBOARD, {"period": "month", "ref": "2010-01-10"}).content.decode()
    assert (
        '<span aria-hidden="true">—</span>'
        '<span class="visually-hidden">non défini (aucune observation)</span>' in page
    )


def test_targets_show_reached_and_not_reached(client_for, world, cio):
    IndicatorTarget.objects.create(key="requests_variation", value=50, direction="higher")
    IndicatorTarget.objects.create(key="barometer_nps", value=90, direction="higher")
    IndicatorTarget.objects.create(key="entities_with_new_project", value=0, direction="lower")
    response = client_for(cio).get(DASHBOARD, Q3_PARAMS)
    cards = {card.indicator.key: card for card in response.context["company_cards"]}
    assert cards["requests_variation"].reached is True
    assert cards["barometer_nps"].reached is False  # NPS 33.33 < 90
    assert cards["entities_with_new_project"].reached is False  # 1 project, at most 0 wanted
    page = response.content.decode()
    assert "Objectif : au moins 50 · <strong>atteint</strong>" in page
    assert "<strong>non atteint</strong>" in page


def test_the_cio_edits_targets_and_a_bad_value_keeps_what_was_typed(client_for, world, cio):
    client = client_for(cio)
    data = {f"{i.key}-direction": "higher" for i in INDICATORS}
    data |= {
        "barometer_nps-value": "30",
        "requests_variation-value": "douze",
        "requests_variation-direction": "lower",
    }
    response = client.post(TARGETS, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="douze"' in page and 'value="30"' in page and 'class="error-summary"' in page
    # Only the default target of "engagements tenus" (migration), untouched by the refused form.
    assert list(IndicatorTarget.objects.values_list("key", "value")) == [("commitments_kept", 90)]
    data["requests_variation-value"] = "-5"
    assert client.post(TARGETS, data).status_code == 302
    targets = {t.key: (t.value, t.direction) for t in IndicatorTarget.objects.all()}
    assert targets == {"barometer_nps": (30, "higher"), "requests_variation": (-5, "lower")}
    assert client.get(TARGETS).status_code == 200


def test_relationship_managers_may_not_edit_targets(client_for, relationship_manager):
    assert client_for(relationship_manager).get(TARGETS).status_code == 403


# --- periods -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "start", "end"),
    [
        ({"period": "month", "ref": "2026-08-15"}, D(2026, 8, 1), D(2026, 9, 1)),
        ({"period": "quarter", "ref": "2026-08-15"}, D(2026, 7, 1), D(2026, 10, 1)),
        ({"period": "year", "ref": "2026-08-15"}, D(2026, 1, 1), D(2027, 1, 1)),
        ({"period": "custom", "start": "2026-07-10", "end": "2026-07-19"}, D(2026, 7, 10), D(2026, 7, 20)),
    ],
)
def test_the_period_picker(client_for, world, cio, params, start, end):
    response = client_for(cio).get(DASHBOARD, params)
    assert response.context["period"] == Period(start, end)
    assert response.context["result"]["period"]["start"] == start.isoformat()


def test_the_default_period_is_the_last_complete_quarter():
    assert default_ref(D(2026, 11, 23)) == D(2026, 7, 1)
    assert default_ref(D(2026, 2, 1)) == D(2025, 10, 1)


def test_previous_and_next_links_move_by_one_period():
    choice = PeriodChoice("quarter", Q3)
    assert choice.previous().period == Period(D(2026, 4, 1), D(2026, 7, 1))
    assert choice.next().params() == {"period": "quarter", "ref": "2026-10-01"}
    custom = PeriodChoice("custom", Period(D(2026, 7, 10), D(2026, 7, 20)))
    assert custom.previous().params() == {"period": "custom", "start": "2026-06-30", "end": "2026-07-09"}


@pytest.mark.parametrize(
    "params",
    [
        {"period": "custom", "start": "2026-13-45", "end": "2026-07-19"},
        {"period": "custom", "start": "2026-07-20", "end": "2026-07-19"},
        {"period": "month", "ref": "pas une date"},
        {"period": "decade"},
    ],
)
def test_an_invalid_period_gives_a_clear_error_and_keeps_the_typed_values(client_for, world, cio, params):
    response = client_for(cio).get(DASHBOARD, params)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'class="error-summary"' in page
    for name, value in params.items():
        if name != "period":
            assert f'value="{value}"' in page
    assert client_for(cio).get(CSV, params).status_code == 400


# --- exports -------------------------------------------------------------------------------------------


def test_the_csv_holds_compute_indicators_values_per_directorate(client_for, world, cio):
    response = client_for(cio).get(CSV, Q3_PARAMS)
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["indicator", "company", "DCOM", "DRH"]
    by_key = {row[0]: row[1:] for row in rows[1 : rows.index([])]}
    result = compute_indicators(Q3)
    assert by_key["requests"] == [str(result["company"]["requests"]), "3", "1"] == ["4", "3", "1"]
    assert by_key["satisfaction.barometre.nps"] == [
        str(result["company"]["satisfaction"]["barometre"]["nps"]),
        str(result["directorates"]["DCOM"]["satisfaction"]["barometre"]["nps"]),
        str(result["directorates"]["DRH"]["satisfaction"]["barometre"]["nps"]),
    ]
    assert by_key["requests_by_kind.reclamation"] == ["1", "1", "0"]
    assert by_key["requests_by_client_type.inconnu"] == ["0", "", ""]
    assert by_key["satisfaction.catalogue.nps"] == ["", "", ""]  # undefined: empty, not 0
    assert by_key["dashboard.6.requests_variation"] == ["100.0", "200.0", "0.0"]


def test_csv_cells_that_look_like_formulas_are_neutralised(client_for, world, cio):
    Directorate.objects.create(code="=HYPERLINK", name="@SUM(A1:A9)")
    rows = list(csv.reader(io.StringIO(client_for(cio).get(CSV, Q3_PARAMS).content.decode())))
    assert "'=HYPERLINK" in rows[0]
    assert "'@SUM(A1:A9)" in rows[1]
    assert safe_cell("-2+3") == "'-2+3" and safe_cell("+1") == "'+1"
    assert safe_cell(-25.0) == -25.0 and safe_cell(None) == ""


def test_the_pdf_opens_and_holds_the_indicators(client_for, world, relationship_manager):
    reader = PdfReader(io.BytesIO(fetch_pdf(client_for(relationship_manager), PDF, Q3_PARAMS)))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    for title in ("Satisfaction", "Part conservée", "Variation des demandes", "Direction Commerciale"):
        assert title in text
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert width > height  # A4 landscape
    assert f"Page 1 / {len(reader.pages)}" in text


# --- charts --------------------------------------------------------------------------------------------


def test_chart_texts_are_escaped(client_for, world, cio):
    Directorate.objects.create(code="EVIL", name="<script>alert(1)</script>")
    page = client_for(cio).get(DASHBOARD, Q3_PARAMS).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    svg = charts.line_chart("<b>t</b>", 'd"', ["<m>"], [("<script>x</script>", [1])])
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "<b>" not in svg
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg


def test_every_chart_has_its_numbers_as_a_table(client_for, world, cio):
    response = client_for(cio).get(DASHBOARD, Q3_PARAMS)
    charts_ = {chart["id"]: chart for chart in response.context["charts"]}
    assert set(charts_) == {"chart-requests", "chart-nps", "chart-coverage"}
    nps_rows = {row[0]: row[1:] for row in charts_["chart-nps"]["rows"]}
    assert nps_rows["09/2026"] == ["33,33", "3"]  # 2 promoters, 1 detractor of 3
    assert nps_rows["06/2026"] == ["—", "0"]
    assert len(charts_["chart-requests"]["rows"]) == 12
    coverage = charts_["chart-coverage"]["rows"]
    # each service with its maturity, then usage by maturity (labels with services only)
    assert coverage == [
        ["Messagerie", "Mature", "50", "100", "50"],
        ["Tous les services « Mature »", "Mature", "50", "100", "50"],
    ]
    assert 'role="img"' in response.content.decode()


# --- drill-down ----------------------------------------------------------------------------------------


def test_the_drill_down_lists_entities_services_and_requests(client_for, world, cio):
    client = client_for(cio)
    url = reverse("kpis:directorate", args=["DCOM"])
    response = client.get(url, Q3_PARAMS)
    assert [(r["code"], r["n"]) for r in response.context["by_entity"]] == [("DCOM-GC", 3)]
    assert [(r["service__code"], r["n"]) for r in response.context["by_service"]] == [("S1", 2), (None, 1)]
    assert response.context["page"].paginator.count == 3
    filtered = client.get(url, {**Q3_PARAMS, "service": "S1"})
    assert filtered.context["page"].paginator.count == 2


def test_the_drill_down_paginates_50_per_page(client_for, world, entity_a, cio):
    for i in range(52):
        make_request(entity_a, at(2026, 7, 1 + i % 28))
    response = client_for(cio).get(reverse("kpis:directorate", args=["DCOM"]), {**Q3_PARAMS, "page": 2})
    assert len(response.context["page"].object_list) == 5


def forget_computations() -> None:
    cache.clear()
    IndicatorSnapshot.objects.all().delete()


# --- query budget --------------------------------------------------------------------------------------


def test_dashboard_and_drill_down_run_a_constant_number_of_queries(
    client_for, world, entity_a, entity_b, cio, django_assert_max_num_queries
):
    client = client_for(cio)
    drill = reverse("kpis:directorate", args=["DCOM"])
    client.get(DASHBOARD, Q3_PARAMS)  # warm the session
    forget_computations()  # measure the computation itself, not the stored indicators
    # 96: "engagements tenus" and usage by maturity add 3 queries to each of the two computations.
    with django_assert_max_num_queries(96) as small:
        client.get(DASHBOARD, Q3_PARAMS)
    forget_computations()
    with django_assert_max_num_queries(75) as small_drill:
        client.get(drill, Q3_PARAMS)
    grow(world, entity_a, entity_b, 30)
    forget_computations()
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(DASHBOARD, Q3_PARAMS)
    forget_computations()
    with django_assert_max_num_queries(len(small_drill.captured_queries)):
        client.get(drill, Q3_PARAMS)


def test_indicators_are_computed_once_until_their_data_changes(client_for, world, entity_a, cio):
    client = client_for(cio)
    client.get(DASHBOARD, {"period": "month", "ref": "2026-08-15"})  # warm the session
    with CaptureQueriesContext(connection) as cold:
        assert client.get(DASHBOARD, Q3_PARAMS).status_code == 200
    with CaptureQueriesContext(connection) as warm:
        assert client.get(DASHBOARD, Q3_PARAMS).status_code == 200
    # Both periods' indicators (about twenty queries each) are read back the second time.
    assert len(warm.captured_queries) <= len(cold.captured_queries) - 20
    # A new request in the period is counted at once: saving it invalidates the cached computation.
    before = freshness.indicators(Q3)["company"]["requests"]
    assert before == compute_indicators(Q3)["company"]["requests"]
    make_request(entity_a, at(2026, 8, 3))
    assert freshness.indicators(Q3)["company"]["requests"] == before + 1


DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}


def test_after_a_change_the_dashboard_shows_the_last_figures_at_once_and_has_them_recomputed(
    client_for, world, entity_a, cio, settings
):
    """With a real background worker, a change never makes the CIO wait for a whole recomputation:
    the page shows the figures computed before (saying so) and asks the worker, once, for new ones."""
    from django_tasks import default_task_backend

    from kpis.tasks import refresh_snapshot

    client = client_for(cio)
    first = client.get(DASHBOARD, Q3_PARAMS)
    before = first.context["result"]["company"]["requests"]
    assert first.context["as_of"].stale is False
    assert "Chiffres calculés le" in first.content.decode()

    settings.TASKS = DUMMY_TASKS  # a queue that nobody works off, as when the worker is busy
    make_request(entity_a, at(2026, 8, 3))
    stale = client.get(DASHBOARD, Q3_PARAMS)
    assert stale.context["result"]["company"]["requests"] == before
    assert stale.context["as_of"].stale is True
    assert "en cours de mise à jour" in stale.content.decode()
    client.get(DASHBOARD, Q3_PARAMS)  # asked once per change, not once per view
    queued = [r for r in default_task_backend.results if r.task.name == refresh_snapshot.name]
    keys = sorted(r.args[0] for r in queued)
    # The period's indicators, the previous period's and both 12-month charts: each asked for once.
    assert keys == ["indicators", "indicators", "nps-by-month", "requests-by-month"]

    for result in queued:  # what the worker does
        refresh_snapshot.call(*result.args, **result.kwargs)
    fresh = client.get(DASHBOARD, Q3_PARAMS)
    assert fresh.context["result"]["company"]["requests"] == before + 1
    assert fresh.context["as_of"].stale is False


def test_snapshots_are_shared_by_every_process_through_the_database(world, entity_a):
    """What the background worker stores is what every web worker reads (no per-process cache)."""
    freshness.indicators(Q3)
    snapshot = IndicatorSnapshot.objects.get(key="indicators:2026-07-01:2026-10-01")
    assert snapshot.data["company"]["requests"] == compute_indicators(Q3)["company"]["requests"]
    expected = compute_indicators(Q3)
    cache.clear()
    with CaptureQueriesContext(connection) as read:
        assert freshness.indicators(Q3) == expected
    assert len(read.captured_queries) == 2  # the snapshot and the last change


def test_the_usual_periods_are_computed_ahead_and_only_again_after_a_change(client_for, world, entity_a, cio):
    today = D(2026, 11, 23)
    periods = freshness.standard_periods(today)
    # Month, quarter and year containing today, the last complete ones, and each one's previous period.
    assert Period(D(2026, 11, 1), D(2026, 12, 1)) in periods
    assert Period(D(2026, 7, 1), D(2026, 10, 1)) in periods  # the default view: last complete quarter
    assert Period(D(2026, 4, 1), D(2026, 7, 1)) in periods  # what it is compared with
    assert Period(D(2025, 1, 1), D(2026, 1, 1)) in periods
    assert len(periods) == len(set(periods))

    first = freshness.refresh_standard_periods(today)
    assert first["computed"] > 0 and first["current"] == 0
    assert freshness.refresh_standard_periods(today) == {"computed": 0, "current": first["computed"]}

    # The CIO's default view now reads stored figures only: not one query over the requests.
    with CaptureQueriesContext(connection) as queries:
        response = client_for(cio).get(DASHBOARD, Q3_PARAMS)
    assert not [q["sql"] for q in queries.captured_queries if "requests_box_request" in q["sql"]]
    assert response.context["as_of"].stale is False
    before = response.context["result"]["company"]["requests"]

    make_request(entity_a, at(2026, 8, 3))
    after = freshness.refresh_standard_periods(today)
    assert after["computed"] == first["computed"]  # everything depended on the requests
    assert freshness.indicators(Q3)["company"]["requests"] == before + 1


def test_refresh_indicators_command_and_its_background_task(world, settings):
    from io import StringIO

    from django.core.management import call_command
    from django_tasks import default_task_backend

    out = StringIO()
    call_command("refresh_indicators", stdout=out)
    assert out.getvalue().startswith("computed: ")
    assert IndicatorSnapshot.objects.filter(key__startswith="indicators:").exists()

    settings.TASKS = DUMMY_TASKS
    call_command("refresh_indicators", "--background", "--every", "3600", stdout=StringIO())
    [queued] = default_task_backend.results
    assert queued.task.name == "refresh_standard_periods" and queued.kwargs == {"every": 3600}
