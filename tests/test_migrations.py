"""Migrations are complete and every one of them was applied to build the test database from zero."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader


@pytest.mark.django_db
def test_every_migration_on_disk_is_applied():
    loader = MigrationLoader(connection)
    on_disk = set(loader.disk_migrations)
    applied = set(loader.applied_migrations)
    assert on_disk - applied == set()


@pytest.mark.django_db
def test_models_have_no_pending_migration():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


@pytest.mark.django_db
def test_roles_exist_as_groups_after_migrating():
    from django.contrib.auth.models import Group

    names = set(Group.objects.values_list("name", flat=True))
    assert {"business_users", "relationship_managers", "product_managers", "cio", "editors"} <= names
    rrc = Group.objects.get(name="relationship_managers")
    assert rrc.permissions.filter(codename="change_contact").exists()
    assert not Group.objects.get(name="business_users").permissions.exists()
