"""The dashboard at a glance (issue 18): default period and its labels, the directorate × indicator
heatmap against per-directorate targets, the month in progress, survey indicators read from the
latest campaign, per-directorate targets with their history, and the query budget.

World (tests/kpis/test_dashboard.py): Q3 2026, DCOM 3 requests (Q2: 1) -> +200 %, barometer NPS 100
(10 and 9); DRH 1 request (Q2: 1) -> 0 %, barometer NPS -100 (a 2).
"""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from directory.models import ClientType, Directorate, Entity
from kpis import targets
from kpis.dashboard import INDICATORS, default_ref, period_of
from kpis.models import DirectorateTarget, IndicatorSnapshot, Survey, SurveyAnswer, TargetChange
from kpis.periods import add_months
from tests.kpis.test_dashboard import DASHBOARD, Q3_PARAMS, at, make_request, world  # noqa: F401

pytestmark = pytest.mark.usefixtures("world")
TARGETS = reverse("kpis:targets")


def heat_row(page: str, name: str) -> list[str]:
    """The classes of the heatmap cells of one directorate's row."""
    heatmap = page.split('class="kpi-heatmap"')[1].split("</table>")[0]
    row = heatmap.split(f">{name}</a></th>")[1].split("</tr>")[0]
    return re.findall(r'<td class="heat ([a-z-]+)"', row)


def test_heatmap_cells_are_coloured_against_each_directorates_own_target(client_for, cio, directorate_b):
    targets.set_target(key="requests_variation", value=Decimal(50), direction="higher", user=cio)
    targets.set_target(key="barometer_nps", value=Decimal(0), direction="higher", user=cio)
    page = client_for(cio).get(DASHBOARD, Q3_PARAMS).content.decode()
    dcom, drh = heat_row(page, "Direction Commerciale"), heat_row(page, "Direction des Ressources Humaines")
    assert len(dcom) == len(drh) == 10
    # indicator 1 (NPS 100 vs -100 against >= 0) and 6 (+200 % vs 0 % against >= 50 %)
    assert (dcom[0], dcom[5]) == ("heat-reached", "heat-reached")
    assert (drh[0], drh[5]) == ("heat-missed", "heat-missed")
    assert dcom[6] == drh[6] == "heat-none"  # coverage: company-wide only
    assert dcom[1] == "heat-no-target"  # catalogue CSAT: no target
    # DRH's own targets replace the company's for DRH alone.
    targets.set_target(
        key="requests_variation", value=Decimal(0), direction="higher", user=cio, directorate=directorate_b
    )
    targets.set_target(
        key="barometer_nps", value=Decimal(-100), direction="lower", user=cio, directorate=directorate_b
    )
    page = client_for(cio).get(DASHBOARD, Q3_PARAMS).content.decode()
    drh = heat_row(page, "Direction des Ressources Humaines")
    assert (drh[0], drh[5]) == ("heat-reached", "heat-reached")
    assert heat_row(page, "Direction Commerciale")[5] == "heat-reached"
    assert (
        f'href="{reverse("kpis:directorate", args=["DRH"])}?period=quarter&amp;ref=2026-07-01#indicators"'
        in page
    )


def test_without_parameters_the_dashboard_shows_the_last_complete_quarter_and_says_so(client_for, cio):
    today = timezone.localdate()
    response = client_for(cio).get(DASHBOARD)
    expected = period_of("quarter", default_ref(today))
    assert response.context["period"] == expected
    assert expected.end <= today and add_months(expected.end, 3) > today  # complete, and the last one
    page = response.content.decode()
    number = (expected.start.month - 1) // 3 + 1
    assert f"<strong>T{number} {expected.start.year}</strong>" in page
    # The picker shows what is shown: a quarter, starting on the quarter's first day.
    assert '<option value="quarter" selected>' in page
    assert f'value="{expected.start.isoformat()}"' in page


@pytest.mark.parametrize(
    ("params", "label"),
    [
        ({"period": "month", "ref": "2026-08-15"}, "Août 2026"),
        ({"period": "year", "ref": "2026-08-15"}, "Année 2026"),
        (
            {"period": "custom", "start": "2026-07-10", "end": "2026-07-19"},
            "Du 10 juillet 2026 au 19 juillet 2026",
        ),
    ],
)
def test_the_period_label_matches_the_period_shown(client_for, cio, params, label):
    page = client_for(cio).get(DASHBOARD, params).content.decode()
    assert f"<strong>{label}</strong>" in page


def test_the_month_in_progress_is_drawn_as_partial_not_as_a_drop(client_for, cio):
    today = timezone.localdate()
    page = client_for(cio).get(DASHBOARD, {"period": "month", "ref": today.isoformat()}).content.decode()
    chart = page.split('id="chart-requests"')[1].split("</figure>")[0]
    assert 'class="partial-month"' in chart and "mois en cours</text>" in chart
    assert f"{today:%m/%Y} (mois en cours)</th>" in chart
    assert "en cours</span>" in page  # the period itself is flagged as in progress
    past = client_for(cio).get(DASHBOARD, Q3_PARAMS).content.decode()
    assert "partial-month" not in past and "mois en cours" not in past


def test_survey_indicators_read_the_latest_campaign_when_the_period_has_none(client_for, cio, entity_a):
    campaign = Survey.objects.create(
        code="BARO-2025", title="Baromètre 2025", kind="barometre", closes_on=dt.date(2026, 6, 30)
    )
    for nps in (10, 10, 3, 8):  # 2 promoters, 1 detractor of 4 -> 25
        SurveyAnswer.objects.create(
            survey=campaign, kind="barometre", entity=entity_a, answered_at=at(2026, 6, 10), nps=nps
        )
    response = client_for(cio).get(DASHBOARD, {"period": "month", "ref": "2026-10-15"})
    card = response.context["company_cards"][0]
    assert card.value == 25.0 and card.source == campaign
    page = response.content.decode()
    assert "campagne « Baromètre 2025 » (clôturée le 30 juin 2026)" in page
    # A period with its own barometer answers keeps them.
    q3 = client_for(cio).get(DASHBOARD, Q3_PARAMS).context["company_cards"][0]
    assert q3.source is None and q3.value == 33.33


def test_months_read_as_the_charts_write_them(client_for, cio):
    card = client_for(cio).get(DASHBOARD, Q3_PARAMS).context["company_cards"][3]
    assert card.details == [("07/2026", 1), ("08/2026", 0), ("09/2026", 0)]


def test_the_drill_down_speaks_french(client_for, cio):
    page = client_for(cio).get(reverse("kpis:directorate", args=["DCOM"]), Q3_PARAMS).content.decode()
    assert "<td>Métier</td>" in page and "<td>metier</td>" not in page


def targets_form(**values) -> dict:
    """Every indicator's fields (no value: no own target), with the given values."""
    data = {f"{indicator.key}-direction": "higher" for indicator in INDICATORS}
    data |= {f"{key}-value": value for key, value in values.items()}
    return data


def test_the_cio_sets_a_directorates_targets_and_their_history_is_kept(client_for, cio, directorate_b):
    client = client_for(cio)
    url = reverse("kpis:directorate_targets", args=["DRH"])
    targets.set_target(key="barometer_nps", value=Decimal(20), direction="higher", user=cio)
    page = client.get(url).content.decode()
    assert "l’objectif de l’entreprise s’applique (au moins 20)" in page
    response = client.post(url, targets_form(barometer_nps="10"))
    assert response.status_code == 302
    own = DirectorateTarget.objects.get(directorate=directorate_b, key="barometer_nps")
    assert own.value == Decimal(10) and own.updated_by == cio
    assert TargetChange.objects.filter(directorate=directorate_b).count() == 1
    client.post(url, targets_form())
    assert not DirectorateTarget.objects.exists()
    assert TargetChange.objects.filter(directorate=directorate_b, value=None).count() == 1
    history = client.get(url).content.decode().split('id="history-title"')[1]
    assert "retiré" in history and "au moins 10" in history and "Satisfaction sur la relation" in history


@pytest.mark.parametrize("persona", ["relationship_manager", "correspondent_a", "user_a"])
def test_only_the_cio_edits_a_directorates_targets(request, client_for, persona):
    client = client_for(request.getfixturevalue(persona))
    url = reverse("kpis:directorate_targets", args=["DRH"])
    assert client.get(url).status_code == 403
    assert (
        client.post(url, {"barometer_nps-value": "10", "barometer_nps-direction": "higher"}).status_code
        == 403
    )
    assert not DirectorateTarget.objects.exists()


def add_directorates(count: int, start: int) -> None:
    for i in range(start, start + count):
        directorate = Directorate.objects.create(code=f"DZ{i:03d}", name=f"Direction Z{i:03d}")
        entity = Entity.objects.create(
            code=f"EZ{i:03d}", name=f"EZ{i:03d}", directorate=directorate, client_type=ClientType.FILIALE
        )
        make_request(entity, at(2026, 8, 1 + i % 28))
        DirectorateTarget.objects.create(directorate=directorate, key="requests_variation", value=Decimal(1))


def test_the_dashboard_runs_the_same_queries_with_5_and_50_directorates(
    client_for, cio, django_assert_max_num_queries
):
    client = client_for(cio)
    client.get(DASHBOARD, Q3_PARAMS)  # warm the session
    add_directorates(5, 0)
    IndicatorSnapshot.objects.all().delete()
    with django_assert_max_num_queries(100) as five:
        assert client.get(DASHBOARD, Q3_PARAMS).status_code == 200
    add_directorates(45, 5)
    IndicatorSnapshot.objects.all().delete()
    with django_assert_max_num_queries(len(five.captured_queries)):
        page = client.get(DASHBOARD, Q3_PARAMS).content.decode()
    heatmap = page.split('class="kpi-heatmap"')[1].split("</table>")[0]
    assert len(re.findall(r'<th scope="row"><a href="/indicateurs/direction/', heatmap)) == 52
    inbound = page.split('id="inbound"')[1].split("</details>")[0]
    assert len(re.findall(r'<th scope="row"><a href="/indicateurs/direction/', inbound)) == 52


# --- indicator 6 in full ------------------------------------------------------------------------------
# Q3 against Q2: DCOM 3 (2 on S1, 1 without service) against 1; DRH 1 against 1. DCOM-GC is "metier",
# DRH-PAIE "fonctionnelle"; every Q2 request has no service.


def _rows(rows) -> list[tuple]:
    return [(row.label, row.requests, row.previous, row.variation, row.trend) for row in rows]


def test_indicator_6_by_directorate_client_type_and_service_on_the_dashboard(client_for, cio):
    response = client_for(cio).get(DASHBOARD, Q3_PARAMS)
    inbound = response.context["inbound"]
    assert _rows(inbound["by_directorate"]) == [
        ("Direction Commerciale", 3, 1, 200.0, "up"),
        ("Direction des Ressources Humaines", 1, 1, 0.0, "same"),
    ]
    assert _rows(inbound["by_client_type"]) == [
        ("Métier", 3, 1, 200.0, "up"),
        ("Fonctionnelle", 1, 1, 0.0, "same"),
        ("Filiale", 0, 0, None, None),
        ("Externe", 0, 0, None, None),
    ]
    assert _rows(inbound["by_service"]) == [
        ("Sans service", 2, 2, 0.0, "same"),
        ("Messagerie", 2, 0, None, "new"),
    ]
    page = response.content.decode()
    section = page.split('id="inbound"')[1].split("</details>")[0]
    assert "4 demandes reçues sur la période, contre 2 sur la période précédente" in section
    assert "+200 %" in section and "nouveau (aucune avant)" in section
    assert '<a href="#inbound-title">' in page


def test_indicator_6_for_a_correspondent_is_their_directorate_by_service(client_for, correspondent_a):
    inbound = client_for(correspondent_a).get(DASHBOARD, Q3_PARAMS).context["inbound"]
    assert inbound["by_directorate"] == []
    assert _rows(inbound["by_client_type"]) == [
        ("Métier", 3, 1, 200.0, "up"),
        ("Fonctionnelle", 0, 0, None, None),
        ("Filiale", 0, 0, None, None),
        ("Externe", 0, 0, None, None),
    ]
    assert _rows(inbound["by_service"]) == [
        ("Messagerie", 2, 0, None, "new"),
        ("Sans service", 1, 1, 0.0, "same"),
    ]


def test_indicator_6_in_the_csv_and_the_pdf(client_for, cio):
    import csv
    import io

    from tests.home.report_helpers import fetch_pdf, pdf_text
    from tests.kpis.test_dashboard import CSV, PDF

    rows = list(csv.reader(io.StringIO(client_for(cio).get(CSV, Q3_PARAMS).content.decode())))
    start = rows.index(
        ["inbound_by", "code", "label", "requests", "requests_previous", "requests_variation_pct"]
    )
    table = {(r[0], r[1]): r[2:] for r in rows[start + 1 :] if r}
    assert table[("directorate", "DCOM")] == ["Direction Commerciale", "3", "1", "200.0"]
    assert table[("client_type", "metier")][1:] == ["3", "1", "200.0"]
    assert table[("service", "S1")] == ["Messagerie", "2", "0", ""]
    text = pdf_text(fetch_pdf(client_for(cio), PDF, Q3_PARAMS))
    assert "Demandes entrantes" in text and "Par type de client" in text and "Messagerie" in text


def test_a_barometer_compares_with_the_previous_campaign_when_the_previous_period_has_none(
    client_for, cio, entity_a
):
    SurveyAnswer.objects.filter(answered_at__lt=at(2026, 7, 1)).delete()  # Q2 2026 without any answer
    last_year = Survey.objects.create(
        code="BARO-2025", title="Baromètre 2025", kind="barometre", closes_on=dt.date(2025, 9, 30)
    )
    for nps in (10, 6):  # one promoter, one detractor of 2 -> 0
        SurveyAnswer.objects.create(
            survey=last_year, kind="barometre", entity=entity_a, answered_at=at(2025, 9, 10), nps=nps
        )
    response = client_for(cio).get(DASHBOARD, Q3_PARAMS)
    card = response.context["company_cards"][0]
    assert (card.value, card.previous, card.trend) == (33.33, 0.0, "up")
    assert card.source is None and card.previous_source == last_year
    assert "Évolution par rapport à la campagne « Baromètre 2025 »" in response.content.decode()
    # A directorate without answers in that campaign has no comparison.
    drh = next(d for d in response.context["directorates"] if d["code"] == "DRH")["cards"][0]
    assert drh.previous is None and drh.previous_source is None
