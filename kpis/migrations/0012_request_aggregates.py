"""Daily request counts for the indicators (kpis/aggregates.py), filled from the existing requests."""

from django.db import migrations, models


def fill(apps, schema_editor):
    # Raw SQL over the tables as they are now (table names only): the same code as the command.
    from kpis.aggregates import rebuild

    rebuild()


class Migration(migrations.Migration):
    dependencies = [
        ("kpis", "0011_commitments_kept_target"),
        ("requests_box", "0010_request_deadline_met"),
        ("directory", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="RequestDayCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("day", models.DateField()),
                (
                    "measure",
                    models.CharField(
                        choices=[
                            ("k", "received by directorate, client type and kind"),
                            ("s", "received by service"),
                            ("r", "resolved by directorate and response type"),
                        ],
                        max_length=1,
                    ),
                ),
                ("directorate_id", models.IntegerField(null=True)),
                ("client_type", models.CharField(blank=True, default="", max_length=20)),
                ("kind", models.CharField(blank=True, default="", max_length=20)),
                ("service_id", models.IntegerField(null=True)),
                ("response_type", models.CharField(blank=True, default="", max_length=20)),
                ("n", models.PositiveIntegerField()),
            ],
            options={
                "indexes": [models.Index(fields=["measure", "day"], name="kpis_daycount_measure_day")],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
