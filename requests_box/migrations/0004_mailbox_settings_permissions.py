"""Relationship managers edit the routing rules, complaint causes and preventive actions in the back office."""

from django.db import migrations

from directory.roles import grant_permissions


def grant(apps, schema_editor):
    grant_permissions(
        apps,
        "relationship_managers",
        [
            f"requests_box.{action}_{model}"
            for model in ("routingrule", "complaintcause", "preventiveaction")
            for action in ("add", "change", "delete", "view")
        ],
    )


class Migration(migrations.Migration):
    dependencies = [("requests_box", "0003_triage_routing_complaints"), ("directory", "0002_roles")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
