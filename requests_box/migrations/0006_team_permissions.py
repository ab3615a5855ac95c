"""Relationship managers edit the teams in the back office, like the other mailbox settings."""

from django.db import migrations

from directory.roles import grant_permissions


def grant(apps, schema_editor):
    grant_permissions(
        apps,
        "relationship_managers",
        [f"requests_box.{action}_team" for action in ("add", "change", "delete", "view")],
    )


class Migration(migrations.Migration):
    dependencies = [("requests_box", "0005_teams"), ("directory", "0002_roles")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
