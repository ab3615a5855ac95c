from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from directory import roles
from directory.models import ClientType, Contact, Directorate, Entity
from home.demo import DEMO_LOGINS, DEMO_PASSWORD


def database_counts() -> dict[str, int]:
    from django.apps import apps

    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in {"directory", "auth", "catalogue", "requests_box", "committees", "kpis"}
    }


@pytest.mark.django_db(transaction=False)
@pytest.mark.slow
def test_seed_demo_twice_leaves_the_same_counts():
    call_command("seed_demo", stdout=StringIO())
    first = database_counts()
    call_command("seed_demo", stdout=StringIO())
    assert database_counts() == first


@pytest.mark.django_db
def test_seed_demo_builds_a_realistic_company_and_prints_the_logins():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert 8 <= Directorate.objects.count() <= 12
    assert 55 <= Entity.objects.count() <= 70
    assert 250 <= Contact.objects.count() <= 350
    assert set(Entity.objects.values_list("client_type", flat=True)) == set(ClientType.values)
    printed = out.getvalue()
    for login in DEMO_LOGINS:
        assert login.username in printed
    assert DEMO_PASSWORD in printed


@pytest.mark.django_db
def test_each_demo_login_can_log_in_with_its_role(client):
    call_command("seed_demo", stdout=StringIO())
    for login in DEMO_LOGINS:
        assert client.login(username=login.username, password=DEMO_PASSWORD), login.username
        user = User.objects.get(username=login.username)
        for group in login.groups:
            assert roles.has_role(user, group)
        client.logout()
    camille = User.objects.get(username="camille.martin")
    assert camille.contact.entity.code == "DCOM-GC"
    assert Contact.objects.get(email="nadia.lefebvre@groupe-aurelia.fr").is_correspondent
