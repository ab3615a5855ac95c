"""Give the relationship managers the rights of the committees app, and the CIO read access."""

from django.db import migrations

from directory.roles import grant_permissions

MODELS = ("committee", "committeemember", "meeting", "attendance", "decision", "action", "interaction", "project")


def grant(apps, schema_editor):
    grant_permissions(
        apps,
        "relationship_managers",
        [f"committees.{action}_{model}" for model in MODELS for action in ("add", "change", "delete", "view")],
    )
    grant_permissions(apps, "cio", [f"committees.view_{model}" for model in MODELS])


class Migration(migrations.Migration):
    dependencies = [
        ("committees", "0001_initial"),
        ("directory", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
