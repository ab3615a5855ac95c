"""Issue 18: the daily request counts stay exact through every kind of change (kpis/aggregates.py).

After each step, the indicators computed from the aggregates equal those computed on the requests
table alone (`compute_indicators(..., from_requests=True)`, the reference), for standard and custom
periods whose edges fall on summer- and winter-time changes, and the rows kept up to date equal the
rows of a full rebuild. Runs on SQLite and on PostgreSQL alike.
"""

import datetime as dt
import random
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db.models import Count

from catalogue.models import ServicePage
from directory.models import ClientType, Directorate, Entity
from kpis import aggregates, dashboard
from kpis.aggregate_models import RequestDayCount
from kpis.importing import import_workbook
from kpis.indicators import CLIENT_TYPES, UNKNOWN, compute_indicators
from kpis.periods import Period, paris_midnight
from requests_box.models import Request
from tests.kpis.test_import_workbook import GOOD, write_folder

PARIS = ZoneInfo("Europe/Paris")
D = dt.date
pytestmark = pytest.mark.django_db

PERIODS = [
    Period(D(2026, 1, 1), D(2026, 4, 1)),  # Q1, ends after the spring change (29 March)
    Period(D(2026, 3, 29), D(2026, 3, 30)),  # the 23-hour day
    Period(D(2026, 10, 25), D(2026, 10, 26)),  # the 25-hour day
    Period(D(2026, 2, 3), D(2026, 5, 18)),  # custom, any days
    Period(D(2026, 7, 1), D(2026, 10, 1)),  # Q3 (the import's requests)
    Period(D(2026, 10, 1), D(2027, 1, 1)),  # Q4, previous Q3
    Period(D(2025, 12, 31), D(2027, 1, 2)),  # everything
]
HEADER = (
    "reference,received_at,channel,contact,entity,service,kind,urgent,important,requested_deadline,"
    "resolved_at,closed_at,response_type\n"
)
KINDS = ["simple", "complexe", "projet", "reclamation"]
RESPONSES = ["email", "telephone", "rendez_vous", "visite", "livraison", ""]
# Moments near the edges that a wrong time zone would move: midnights, DST changes (UTC 01:00).
EDGES = [
    dt.datetime(2026, 3, 28, 23, 59, tzinfo=dt.UTC),
    dt.datetime(2026, 3, 29, 0, 59, tzinfo=dt.UTC),
    dt.datetime(2026, 3, 29, 1, 0, tzinfo=dt.UTC),
    dt.datetime(2026, 3, 29, 22, 0, tzinfo=dt.UTC),
    dt.datetime(2026, 3, 29, 21, 59, tzinfo=dt.UTC),
    dt.datetime(2026, 10, 24, 22, 0, tzinfo=dt.UTC),
    dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC),
    dt.datetime(2026, 10, 25, 1, 30, tzinfo=dt.UTC),
    dt.datetime(2026, 10, 25, 22, 59, tzinfo=dt.UTC),
    dt.datetime(2026, 10, 25, 23, 0, tzinfo=dt.UTC),
    paris_midnight(D(2026, 4, 1)),
    paris_midnight(D(2026, 5, 18)) - dt.timedelta(seconds=1),
    paris_midnight(D(2026, 2, 3)),
    paris_midnight(D(2027, 1, 1)),
]


def rows() -> list[tuple]:
    return sorted(
        RequestDayCount.objects.filter(n__gt=0).values_list(
            "day", "measure", "directorate_id", "client_type", "kind", "service_id", "response_type", "n"
        ),
        key=str,
    )


def reference_requests_by_month(period: Period, code: str | None) -> dict:
    """The chart series counted on the requests table, one filtered count per month."""
    months = dashboard.chart_months(period)
    types = CLIENT_TYPES + ([UNKNOWN] if code is None else [])
    series = {t: [] for t in types}
    for month in months:
        bounds = Period(month, month.replace(year=month.year + month.month // 12, month=month.month % 12 + 1))
        requests = Request.objects.filter(received_at__gte=bounds.start_at, received_at__lt=bounds.end_at)
        if code is not None:
            requests = requests.filter(entity__directorate__code=code)
        found = dict(requests.values_list("entity__client_type").annotate(n=Count("id")).order_by())
        for t in types:
            series[t].append(found.get(None if t == UNKNOWN else t, 0))
    return {"months": months, "series": [(t, series[t]) for t in types]}


def check() -> None:
    for period in PERIODS:
        assert compute_indicators(period) == compute_indicators(period, from_requests=True), period
    for code in (None, *Directorate.objects.values_list("code", flat=True)):
        period = PERIODS[-2]
        assert dashboard.requests_by_month(period, code) == reference_requests_by_month(period, code)
    kept = rows()
    aggregates.rebuild()
    assert rows() == kept


def moment(rng: random.Random) -> dt.datetime:
    if rng.random() < 0.5:
        return rng.choice(EDGES)
    return dt.datetime(2026, 1, 1, tzinfo=dt.UTC) + dt.timedelta(minutes=rng.randrange(365 * 24 * 60))


def test_the_daily_counts_stay_exact_through_every_change(tmp_path):
    rng = random.Random(18)
    lines = ""
    for i in range(40):
        received = moment(rng)
        resolved = (received + dt.timedelta(hours=rng.randrange(1, 90))).isoformat() if i % 3 else ""
        entity, service = rng.choice(["DCOM-GC", "DRH-PAIE", ""]), rng.choice(["MAIL", ""])
        response = rng.choice(RESPONSES) if resolved else ""
        lines += (
            f"HIST-{i},{received.isoformat()},email,,{entity},{service},{rng.choice(KINDS)},0,0,,"
            f"{resolved},,{response}\n"
        )
    import_workbook(write_folder(tmp_path / "in", {**GOOD, "requests": GOOD["requests"] + lines}))
    assert Request.objects.count() == 42
    check()  # the import's bulk writes

    d3 = Directorate.objects.create(code="D3", name="Direction 3")
    entities = [
        *Entity.objects.all(),
        Entity.objects.create(code="E3", name="E3", directorate=d3, client_type="filiale"),
    ]
    services = list(ServicePage.objects.all())
    created = []
    for n in range(60):
        received = moment(rng)
        resolved = received + dt.timedelta(hours=rng.lognormvariate(2, 1)) if rng.random() < 0.7 else None
        created.append(
            Request.objects.create(
                reference=f"REQ-2026-9{n:05d}",
                received_at=received,
                resolved_at=resolved,
                status="resolved" if resolved else "new",
                response_type=rng.choice(RESPONSES) if resolved else "",
                entity=rng.choice([*entities, None]),
                service=rng.choice([*services, None]),
                kind=rng.choice(KINDS),
                subject="Demande",
                deadline=received + dt.timedelta(days=5),
                deadline_met=rng.choice([True, False, None]) if resolved else None,
            )
        )
    check()  # created one by one

    for request in rng.sample(created, 30):
        change = rng.randrange(6)
        if change == 0:
            request.kind = rng.choice(KINDS)
        elif change == 1:
            request.entity = rng.choice([*entities, None])
        elif change == 2:
            request.received_at = moment(rng)
        elif change == 3:  # resolved, reopened or answered differently, deadline met or not
            request.resolved_at = None if request.resolved_at else moment(rng)
            request.response_type = rng.choice(RESPONSES) if request.resolved_at else ""
            request.deadline_met = rng.choice([True, False, None]) if request.resolved_at else None
        elif change == 4:
            request.service = rng.choice([*services, None])
        elif request.resolved_at:
            request.deadline_met = not request.deadline_met
        request.save()
    check()  # changed

    loaded = Request.objects.only("id", "kind").get(pk=created[0].pk)  # dates deferred
    loaded.received_at = EDGES[5]
    loaded.save()
    fresh = Request.objects.get(pk=created[1].pk)
    fresh.resolved_at = EDGES[7]
    fresh.response_type = "visite"
    fresh.save(update_fields=["resolved_at", "response_type"])
    for request in created[2:12]:
        request.delete()
    Request.objects.filter(pk__in=[r.pk for r in created[12:17]]).delete()
    check()  # deferred fields, update_fields, deletes one by one and in bulk

    moved = Entity.objects.get(code="DCOM-GC")
    moved.directorate = d3
    moved.save()
    retyped = Entity.objects.get(code="DRH-PAIE")
    retyped.client_type = ClientType.EXTERNE
    retyped.save()
    check()  # entities moved to another directorate, another client type

    with aggregates.deferred():
        for request in created[20:30]:
            request.received_at = moment(rng)
            request.save()
        Request.objects.get(pk=created[30].pk).delete()
    check()  # many saves counted once

    services[0].delete()  # its requests lose their service
    check()


def test_the_rebuild_command_is_idempotent(tmp_path):
    import_workbook(write_folder(tmp_path / "in", GOOD))
    kept = rows()
    assert kept  # the import counted its requests
    RequestDayCount.objects.all().delete()
    for _ in range(2):
        out = StringIO()
        call_command("rebuild_kpi_aggregates", stdout=out)
        assert "daily rows" in out.getvalue()
        assert rows() == kept


def test_a_batch_of_mails_is_counted():
    """The mail intake creates a batch's requests in bulk, without signals: it counts their days."""
    from requests_box.intake.intake import Intake
    from tests.requests_box.mails import build_mail

    raws = [build_mail(subject=f"Panne {n}", message_id=f"<agg{n}@x>") for n in range(3)]
    results = [r for _, r in Intake().ingest_many((f"m{n}", raw) for n, raw in enumerate(raws))]
    assert [r.outcome for r in results] == ["created"] * 3
    days = [aggregates.local_day(r.received_at) for r in Request.objects.all()]
    period = Period(min(days), max(days) + dt.timedelta(days=1))
    assert compute_indicators(period)["company"]["requests"] == 3
    assert compute_indicators(period) == compute_indicators(period, from_requests=True)
    kept = rows()
    aggregates.rebuild()
    assert rows() == kept
