from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from openpyxl import load_workbook

from directory import roles
from directory.models import ClientType, Contact, Directorate, Entity
from home.demo import DEMO_LOGINS, DEMO_PASSWORD


def database_counts() -> dict[str, int]:
    from django.apps import apps

    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label
        in {"directory", "auth", "catalogue", "requests_box", "committees", "kpis", "communications"}
    }


@pytest.mark.django_db
@pytest.mark.slow
def test_seed_demo_builds_the_company_lets_each_login_in_and_is_idempotent(client, tmp_path):
    """One test, because the whole demo takes a minute or two to build: it is built twice, not five times."""
    out = StringIO()
    call_command("seed_demo", stdout=out)

    # A realistic company, and the logins printed for the newcomer.
    assert 8 <= Directorate.objects.count() <= 12
    assert 55 <= Entity.objects.count() <= 70
    assert 250 <= Contact.objects.count() <= 350
    assert set(Entity.objects.values_list("client_type", flat=True)) == set(ClientType.values)
    printed = out.getvalue()
    for login in DEMO_LOGINS:
        assert login.username in printed
    assert DEMO_PASSWORD in printed

    # Each demo login works and carries its role.
    for login in DEMO_LOGINS:
        assert client.login(username=login.username, password=DEMO_PASSWORD), login.username
        user = User.objects.get(username=login.username)
        for group in login.groups:
            assert roles.has_role(user, group)
        client.logout()
    camille = User.objects.get(username="camille.martin")
    assert camille.contact.entity.code == "DCOM-GC"
    assert Contact.objects.get(email="nadia.lefebvre@groupe-aurelia.fr").is_correspondent

    # Communication has a history in the dashboard's default period and events ahead with a waiting list.
    from django.utils import timezone

    from communications.models import Event, Registration
    from communications.selectors import communication_summary
    from kpis.dashboard import default_ref, period_of

    quarter = period_of("quarter", default_ref(timezone.localdate()))
    summary = communication_summary(quarter.start_at, quarter.end_at)
    assert len(summary["campaigns"]) == 2 and summary["totals"]["delivered"] > 100
    assert summary["totals"]["clicks"] > 0 and summary["events"][0][1]["attended"] > 0
    upcoming = Event.objects.filter(starts_at__gt=timezone.now())
    assert upcoming.count() == 2
    assert Registration.objects.filter(event__in=upcoming, status="waiting").exists()

    # Run again (writing the data as a workbook this time): nothing is added or lost.
    first = database_counts()
    out = StringIO()
    call_command("seed_demo", "--export-workbook", str(tmp_path / "demo.xlsx"), stdout=out)
    assert database_counts() == first

    # The workbook shows users the import format, with the demo's own data.
    assert "workbook written to" in out.getvalue()
    workbook = load_workbook(tmp_path / "demo.xlsx", read_only=True)
    assert workbook.sheetnames[:3] == ["directorates", "entities", "contacts"]
    rows = list(workbook["entities"].iter_rows(values_only=True))
    assert rows[0] == ("code", "name", "directorate", "client_type", "segment")
    assert len(rows) - 1 == Entity.objects.count()
