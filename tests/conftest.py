"""Shared fixtures: named personas of each role, and the client directory they belong to."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache

from directory import roles
from directory.models import ClientType, Contact, Directorate, Entity, Segment

ROOT = Path(__file__).resolve().parent.parent


def pytest_configure(config):
    """The interface is French first: make sure the compiled catalogues match the .po files.

    pytest-django has already set Django up (in `pytest_load_initial_conftests`, before this hook), and
    setting up loads the French catalogue: when a .mo was stale or missing, this process would keep the
    old texts (English for the new ones) for the whole run. So whatever changed is dropped from
    Django's and gettext's caches and read again. The files are written atomically and only when they
    change (`compile_all`), so that xdist workers and servers started by the tests never read a
    half-written catalogue."""
    from django.utils.translation.reloader import translation_file_changed

    from home.management.commands.compile_translations import compile_all

    changed = compile_all(ROOT)
    if changed:
        translation_file_changed(sender=None, file_path=changed[0].with_suffix(".mo"))


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (the local-memory cache outlives a test's database)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def directorate_a(db):
    return Directorate.objects.create(code="DCOM", name="Direction Commerciale")


@pytest.fixture
def directorate_b(db):
    return Directorate.objects.create(code="DRH", name="Direction des Ressources Humaines")


@pytest.fixture
def entity_a(directorate_a):
    return Entity.objects.create(
        code="DCOM-GC",
        name="Ventes Grands Comptes",
        directorate=directorate_a,
        client_type=ClientType.METIER,
        segment=Segment.COEUR_DE_CIBLE,
    )


@pytest.fixture
def entity_b(directorate_b):
    return Entity.objects.create(
        code="DRH-PAIE",
        name="Paie",
        directorate=directorate_b,
        client_type=ClientType.FONCTIONNELLE,
        segment=Segment.CIBLE_SENSIBLE,
    )


def make_user(username: str, *role_names: str, email: str | None = None, **extra) -> User:
    user = User.objects.create_user(
        username=username, email=email or f"{username}@groupe-aurelia.fr", password="pw", **extra
    )
    if role_names:
        user.groups.set(Group.objects.filter(name__in=role_names))
    return user


@pytest.fixture
def user_a(entity_a):
    """A business user of directorate A, known as a contact of entity A."""
    user = make_user("alice", roles.BUSINESS_USERS)
    Contact.objects.create(
        email=user.email, first_name="Alice", last_name="Martin", entity=entity_a, user=user
    )
    return user


@pytest.fixture
def user_b(entity_b):
    """A business user of directorate B."""
    user = make_user("bruno", roles.BUSINESS_USERS)
    Contact.objects.create(
        email=user.email, first_name="Bruno", last_name="Petit", entity=entity_b, user=user
    )
    return user


@pytest.fixture
def correspondent_a(entity_a):
    user = make_user("corinne", roles.BUSINESS_USERS)
    Contact.objects.create(
        email=user.email,
        first_name="Corinne",
        last_name="Roux",
        entity=entity_a,
        user=user,
        is_correspondent=True,
    )
    return user


@pytest.fixture
def relationship_manager(db):
    return make_user("sophie", roles.RELATIONSHIP_MANAGERS, first_name="Sophie", last_name="Durand")


@pytest.fixture
def product_manager(db):
    return make_user("thomas", roles.PRODUCT_MANAGERS, first_name="Thomas", last_name="Moreau")


@pytest.fixture
def support_team(db):
    """A team of the DSI (the workstation support desk), with no address of its own."""
    from requests_box.models import Team

    return Team.objects.create(name="Support poste de travail")


@pytest.fixture
def team_member(support_team):
    """A DSI technician: no portal role, a member of the support team, so requests can be given to him."""
    user = make_user("karim", first_name="Karim", last_name="Benali")
    support_team.members.add(user)
    return user


@pytest.fixture
def cio(db):
    return make_user("isabelle", roles.CIO, first_name="Isabelle", last_name="Roux")


@pytest.fixture
def editor(db):
    return make_user("julien", roles.EDITORS, first_name="Julien", last_name="Faure")


@pytest.fixture
def client_for(client):
    """Log the test client in as a persona: `client_for(user)`."""

    def login(user):
        client.force_login(user)
        return client

    return login
