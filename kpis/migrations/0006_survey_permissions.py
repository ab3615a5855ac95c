"""The relationship manager edits surveys in the back office; the CIO reads them."""

from django.db import migrations

from directory.roles import grant_permissions


def grant(apps, schema_editor):
    grant_permissions(
        apps,
        "relationship_managers",
        [f"kpis.{action}_survey" for action in ("add", "change", "delete", "view")],
    )
    grant_permissions(apps, "cio", ["kpis.view_survey"])


class Migration(migrations.Migration):
    dependencies = [("kpis", "0005_survey_engine"), ("directory", "0002_roles")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
