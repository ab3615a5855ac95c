"""The rights of the communications app: relationship managers all of it; editors compose campaigns,
events and the plan and choose audiences (without their members); the CIO reads."""

from django.db import migrations

from directory.roles import grant_permissions

ACTIONS = ("add", "change", "delete", "view")
MODELS = ("audience", "campaign", "event", "planitem")
EDITOR_MODELS = ("campaign", "event", "planitem")


def grant(apps, schema_editor):
    grant_permissions(
        apps, "relationship_managers", [f"communications.{a}_{m}" for m in MODELS for a in ACTIONS]
    )
    grant_permissions(
        apps,
        "editors",
        [f"communications.{a}_{m}" for m in EDITOR_MODELS for a in ACTIONS] + ["communications.view_audience"],
    )
    grant_permissions(apps, "cio", [f"communications.view_{m}" for m in MODELS])


class Migration(migrations.Migration):
    dependencies = [
        ("communications", "0001_initial"),
        ("directory", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
