"""Measures of the mailbox against hand-computed expectations on a small fixture."""

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import translation

from directory.selectors import contact_for_user
from requests_box import measures, services, workflow
from requests_box.models import ComplaintCause, Kind, Status

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
MEASURES = reverse("requests_box:measures")
PERIOD = {"start": "2026-01-01", "end": "2026-02-28"}


def at(month, day, hour=10):
    return dt.datetime(2026, month, day, hour, 0, tzinfo=PARIS)


@pytest.fixture
def english():
    with translation.override("en"):
        yield


def make(rm, user, received, kind=Kind.SIMPLE, hours=None, answer="", cause=None, channel="email"):
    request = services.create_request(
        channel=channel,
        subject="x",
        text="x",
        contact=contact_for_user(user) if user else None,
        sender_email="" if user else "inconnu@ailleurs.example",
        received_at=received,
        acknowledge=False,
    )
    request = workflow.qualify(request, actor=rm, kind=kind, cause=cause)
    if hours is not None:
        workflow.change_status(
            request,
            Status.RESOLVED,
            actor=rm,
            response_type=answer,
            now=received + dt.timedelta(hours=hours),
        )
    return request


@pytest.fixture
def fixture(user_a, user_b, relationship_manager):
    """Seven requests; six in January-February 2026 (hand-computed figures in the tests)."""
    rm = relationship_manager
    late, quality = ComplaintCause.objects.create(name="Délai"), ComplaintCause.objects.create(name="Qualité")
    make(rm, user_a, at(1, 5), hours=2, answer="email")
    make(rm, user_a, at(1, 6), hours=4, answer="telephone")
    make(rm, user_b, at(1, 7), hours=10, answer="email")
    make(rm, user_b, at(2, 2), Kind.COMPLEXE, hours=48, answer="livraison")
    make(rm, None, at(2, 3), Kind.RECLAMATION, hours=24, answer="telephone", cause=late)
    make(rm, user_a, at(2, 4), Kind.RECLAMATION, cause=quality, channel="telephone")
    make(rm, user_a, dt.datetime(2025, 12, 20, 10, tzinfo=PARIS))  # outside the period


@pytest.fixture
def more_complaints(fixture, user_a, user_b, relationship_manager):
    """Two January complaints on top of the fixture: four complaints in all.

    | received | cause   | channel   | directorate | handling time (resolved)  |
    | 10 Jan   | Qualité | web form  | DRH         | 6 h (January)             |
    | 20 Jan   | Délai   | e-mail    | DCOM        | 30 h (21 January)         |
    | 3 Feb    | Délai   | e-mail    | unknown     | 24 h (February)           |
    | 4 Feb    | Qualité | telephone | DCOM        | not resolved              |
    """
    late, quality = ComplaintCause.objects.get(name="Délai"), ComplaintCause.objects.get(name="Qualité")
    rm = relationship_manager
    make(rm, user_b, at(1, 10), Kind.RECLAMATION, hours=6, answer="email", cause=quality, channel="web")
    make(rm, user_a, at(1, 20), Kind.RECLAMATION, hours=30, answer="telephone", cause=late)


def tables(scope) -> dict[str, measures.Table]:
    return {table.key: table for table in measures.all_tables(scope)}


SCOPE = measures.Scope(start=dt.date(2026, 1, 1), end=dt.date(2026, 2, 28))


def test_measures_match_hand_computed_figures(fixture, english):
    got = tables(SCOPE)
    assert got["volume"].rows == [["Simple", 3], ["Complex", 1], ["Project", 0], ["Complaint", 2]]
    # Simple: 2, 4, 10 h → median 4; p90 at rank 1.8 → 4 + 0.8 × (10 − 4) = 8.8.
    assert got["processing"].rows == [
        ["Simple", 3, 4.0, 8.8],
        ["Complex", 1, 48.0, 48.0],
        ["Project", 0, None, None],
        ["Complaint", 1, 24.0, 24.0],
    ]
    assert got["responses"].rows == [
        ["E-mail", 2],
        ["Meeting", 0],
        ["Telephone", 2],
        ["Visit", 0],
        ["Delivered change", 1],
    ]
    assert got["origin_directorate"].rows == [
        ["Direction Commerciale", 3],
        ["Direction des Ressources Humaines", 2],
        ["Unknown", 1],
    ]
    assert got["origin_client_type"].rows == [["Business line", 3], ["Support function", 2], ["Unknown", 1]]
    assert got["origin_entity"].rows == [["Ventes Grands Comptes", 3], ["Paie", 2], ["Unknown", 1]]
    assert got["monthly"].rows == [["2026-01", 3, 0, 0, 0, 3, 3], ["2026-02", 0, 1, 0, 2, 3, 6]]
    assert got["complaints_monthly"].rows == [["2026-01", 0, 0], ["2026-02", 2, 2]]
    assert got["complaints_cause"].rows == [["Délai", 1], ["Qualité", 1]]
    assert got["complaints_origin"].rows == [["E-mail", 1], ["Telephone", 1]]
    assert got["complaints_sector"].rows == [["Direction Commerciale", 1], ["Unknown", 1]]
    assert got["complaints_time"].rows == [["Délai", 1, 24.0, 24.0]]


def test_complaint_tables_per_month_and_cumulative_by_cause_origin_sector_and_time(more_complaints, english):
    got = tables(SCOPE)
    assert got["complaints_cause_monthly"].header == ["Month", "Délai", "Qualité", "Total"]
    assert got["complaints_cause_monthly"].rows == [["2026-01", 1, 1, 2], ["2026-02", 1, 1, 2]]
    assert got["complaints_cause_cumulative"].rows == [["2026-01", 1, 1, 2], ["2026-02", 2, 2, 4]]
    assert got["complaints_origin_monthly"].header == ["Month", "E-mail", "Telephone", "Web form", "Total"]
    assert got["complaints_origin_monthly"].rows == [["2026-01", 1, 0, 1, 2], ["2026-02", 1, 1, 0, 2]]
    assert got["complaints_origin_cumulative"].rows == [["2026-01", 1, 0, 1, 2], ["2026-02", 2, 1, 1, 4]]
    # "Unknown" comes last whatever its name sorts as.
    assert got["complaints_sector_monthly"].header == [
        "Month",
        "Direction Commerciale",
        "Direction des Ressources Humaines",
        "Unknown",
        "Total",
    ]
    assert got["complaints_sector_monthly"].rows == [["2026-01", 1, 1, 0, 2], ["2026-02", 1, 0, 1, 2]]
    assert got["complaints_sector_cumulative"].rows == [["2026-01", 1, 1, 0, 2], ["2026-02", 2, 1, 1, 4]]
    # January: 6 and 30 h → median 18; p90 at rank 0.9 → 6 + 0.9 × 24 = 27.6.
    # February: 24 h alone; cumulative 6, 24, 30 → median 24; p90 at rank 1.8 → 24 + 0.8 × 6 = 28.8.
    assert got["complaints_time_monthly"].rows == [
        ["2026-01", 2, 18.0, 27.6, 2, 18.0, 27.6],
        ["2026-02", 1, 24.0, 24.0, 3, 24.0, 28.8],
    ]
    # By cause over the period: Délai 24 and 30 h → median 27, p90 24 + 0.9 × 6 = 29.4; Qualité 6 h.
    assert got["complaints_time"].rows == [["Délai", 2, 27.0, 29.4], ["Qualité", 1, 6.0, 6.0]]
    assert got["complaints_monthly"].rows == [["2026-01", 2, 2], ["2026-02", 2, 4]]


def test_complaint_tables_are_exported_as_csv(more_complaints, client_for, relationship_manager):
    client = client_for(relationship_manager)
    for key, last in (
        ("complaints_cause_cumulative", ["2026-02", "2", "2", "4"]),
        ("complaints_time_monthly", ["2026-02", "1", "24.0", "24.0", "3", "24.0", "28.8"]),
    ):
        response = client.get(reverse("requests_box:measures_csv", args=[key]), PERIOD)
        assert response.status_code == 200
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
        assert rows[-1] == last and len(rows) == 3
    page = client.get(MEASURES, PERIOD).content.decode()
    assert 'id="table-complaints_cause_monthly"' in page and 'id="table-complaints_time_monthly"' in page


def test_filters_narrow_every_measure(fixture, directorate_a, english):
    got = tables(measures.Scope(start=SCOPE.start, end=SCOPE.end, directorate_id=directorate_a.pk))
    assert got["volume"].rows == [["Simple", 2], ["Complex", 0], ["Project", 0], ["Complaint", 1]]
    assert got["processing"].rows[0] == ["Simple", 2, 3.0, 3.8]
    got = tables(measures.Scope(start=dt.date(2026, 2, 1), end=dt.date(2026, 2, 28), kind=Kind.RECLAMATION))
    assert got["volume"].rows[3] == ["Complaint", 2] and got["volume"].rows[0] == ["Simple", 0]


@pytest.mark.parametrize("persona", ["user_a", "product_manager", "cio", "correspondent_a"])
def test_only_relationship_managers_see_the_measures(request, client_for, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(MEASURES).status_code == 403
    assert client.get(reverse("requests_box:measures_csv", args=["volume"])).status_code == 403


def test_screen_and_csv_show_the_same_figures(fixture, client_for, relationship_manager):
    client = client_for(relationship_manager)
    page = client.get(MEASURES, PERIOD)
    shown = {t.key: t.rows for t in page.context["tables"]}
    assert shown["processing"][0][1:] == [3, 4.0, 8.8]
    response = client.get(reverse("requests_box:measures_csv", args=["processing"]), PERIOD)
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][1:] == ["3", "4.0", "8.8"]
    assert len(rows) == 5
    assert client.get(reverse("requests_box:measures_csv", args=["nope"]), PERIOD).status_code == 404


def test_measures_run_a_constant_number_of_queries(
    fixture, client_for, relationship_manager, user_a, django_assert_num_queries
):
    client = client_for(relationship_manager)
    client.get(MEASURES, PERIOD)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(MEASURES, PERIOD)
    for day in range(1, 28):
        services.create_request(
            channel="web", subject="y", text="y", contact=contact_for_user(user_a), received_at=at(1, day, 11)
        )
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(MEASURES, PERIOD)
