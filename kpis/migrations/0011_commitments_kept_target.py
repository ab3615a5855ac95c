"""The company's default target for "engagements tenus" (issue 19): 90 % of the requests resolved
by their deadline. The CIO changes or removes it like the others."""

from decimal import Decimal

from django.db import migrations


def add_target(apps, schema_editor):
    IndicatorTarget = apps.get_model("kpis", "IndicatorTarget")
    IndicatorTarget.objects.get_or_create(
        key="commitments_kept", defaults={"value": Decimal(90), "direction": "higher"}
    )


def remove_target(apps, schema_editor):
    apps.get_model("kpis", "IndicatorTarget").objects.filter(key="commitments_kept").delete()


class Migration(migrations.Migration):
    dependencies = [("kpis", "0010_directorate_targets")]

    operations = [migrations.RunPython(add_target, remove_target)]
