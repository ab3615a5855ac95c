"""Dates never crash (issue 15.7 / 18): every page and export of the indicators and the mailbox's
measures answers a clear French message for dates out of 2000–2100, periods in the future, longer
than ten years or reversed, and malformed dates; a directorate newer than the stored figures is
computed on demand."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from directory.models import Directorate
from kpis import freshness
from kpis.models import IndicatorSnapshot
from kpis.periods import Period
from tests.kpis.test_dashboard import Q3, Q3_PARAMS, world  # noqa: F401 - the dashboard's fixture

pytestmark = pytest.mark.usefixtures("world")

DASHBOARD = reverse("kpis:dashboard")
PAGES = [
    DASHBOARD,
    reverse("kpis:directorate", args=["DCOM"]),
    reverse("kpis:export_csv"),
    reverse("kpis:export_pdf"),
]
OUT_OF_RANGE = "Choisissez une date entre le 01/01/2000 et le 31/12/2100"


def in_a_year() -> str:
    return (timezone.localdate() + dt.timedelta(days=400)).isoformat()


BAD = [
    ({"period": "year", "ref": "9999-12-31"}, OUT_OF_RANGE),
    ({"period": "year", "ref": "0001-01-01"}, OUT_OF_RANGE),
    ({"period": "month", "ref": "1999-12-31"}, OUT_OF_RANGE),
    ({"period": "custom", "start": "0001-01-01", "end": "9999-12-31"}, OUT_OF_RANGE),
    ({"period": "custom", "start": "2001-01-01", "end": "2026-06-30"}, "10 ans au plus"),
    ({"period": "custom", "start": "2026-07-20", "end": "2026-07-19"}, "se termine avant de commencer"),
    ({"period": "month", "ref": "31/02/2026"}, "Écrivez la date sous la forme JJ/MM/AAAA"),
    (
        {"period": "custom", "start": "2026-7-1x", "end": "2026-07-19"},
        "Écrivez la date sous la forme JJ/MM/AAAA",
    ),
]


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize(("params", "message"), BAD)
def test_bad_dates_give_a_clear_french_message_on_every_page_and_export(
    client_for, cio, url, params, message
):
    response = client_for(cio).get(url, params)
    assert response.status_code == 400
    assert message in response.content.decode()


@pytest.mark.parametrize("url", PAGES)
def test_a_period_in_the_future_is_refused_with_a_clear_message(client_for, cio, url):
    for params in (
        {"period": "month", "ref": in_a_year()},
        {"period": "custom", "start": in_a_year(), "end": in_a_year()},
    ):
        response = client_for(cio).get(url, params)
        assert response.status_code == 400
        assert "La période commence dans le futur" in response.content.decode()


def test_the_edges_of_the_range_are_accepted(client_for, cio):
    client = client_for(cio)
    assert client.get(DASHBOARD, {"period": "month", "ref": "2000-01-01"}).status_code == 200
    ten_years = {"period": "custom", "start": "2016-07-01", "end": "2026-06-30"}
    assert client.get(DASHBOARD, ten_years).status_code == 200


def test_the_current_period_has_no_link_to_the_next_one(client_for, cio):
    today = timezone.localdate()
    page = client_for(cio).get(DASHBOARD, {"period": "month", "ref": today.isoformat()}).content.decode()
    assert 'rel="next"' not in page and "Dernière période" in page
    past = client_for(cio).get(DASHBOARD, Q3_PARAMS).content.decode()
    assert 'rel="next"' in past


def test_a_period_without_data_says_so(client_for, cio):
    page = client_for(cio).get(DASHBOARD, {"period": "month", "ref": "2005-03-10"}).content.decode()
    assert "Aucune donnée sur cette période" in page
    assert "Aucune donnée sur cette période" not in client_for(cio).get(DASHBOARD, Q3_PARAMS).content.decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start": "0001-01-01", "end": "9999-12-31"}, OUT_OF_RANGE),
        ({"start": "2001-01-01", "end": "2026-06-30"}, "10 ans au plus"),
        ({"start": "2026-07-20", "end": "2026-07-19"}, "se termine avant de commencer"),
        ({"start": "n'importe quoi", "end": "2026-07-19"}, "Écrivez la date sous la forme JJ/MM/AAAA"),
    ],
)
def test_the_mailbox_measures_read_their_dates_through_the_same_rules(
    client_for, relationship_manager, params, message
):
    client = client_for(relationship_manager)
    response = client.get(reverse("requests_box:measures"), params)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert client.get(reverse("requests_box:measures_csv", args=["kind"]), params).status_code == 404
    future = (timezone.localdate() + dt.timedelta(days=40)).isoformat()
    response = client.get(reverse("requests_box:measures"), {"start": future, "end": future})
    assert "La période commence dans le futur" in response.content.decode()


def test_a_directorate_added_by_an_import_is_computed_on_demand(client_for, cio, settings):
    settings.KPIS_CACHE_SECONDS = 3600
    client = client_for(cio)
    assert client.get(DASHBOARD, Q3_PARAMS).status_code == 200
    assert IndicatorSnapshot.objects.filter(key__startswith="indicators:2026-07-01").exists()
    # An import writes in bulk: no signal, the stored figures do not know the new directorate.
    Directorate.objects.bulk_create([Directorate(code="DNEW", name="Nouvelle direction")])
    assert "DNEW" not in freshness.indicators(Q3)["directorates"]
    response = client.get(reverse("kpis:directorate", args=["DNEW"]), Q3_PARAMS)
    assert response.status_code == 200
    assert response.context["cards"][0].value is None
    assert "DNEW" in freshness.indicators(Q3)["directorates"]
    assert "DNEW" in freshness.indicators(Period(Q3.start, Q3.end))["directorates"]
