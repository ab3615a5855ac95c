"""Daily request counts for the indicators (kpis/aggregates.py), filled from the existing requests.

Also the covering indexes the indicators' range scans read (0008): on SQLite, every later migration
that rebuilt the requests table (requests_box 0005-0010) dropped them, so they are created again if
missing; the resolved-date one now also covers the commitments kept (deadline_met, service)."""

from django.db import migrations, models


RECEIVED_COVER = "CREATE INDEX IF NOT EXISTS kpis_req_received_cover ON requests_box_request "
RECEIVED_COVER += "(received_at, entity_id, kind, service_id)"
RESOLVED_COVER = "CREATE INDEX IF NOT EXISTS kpis_req_resolved_cover ON requests_box_request "
RESOLVED_COVER += "(resolved_at, kind, entity_id, received_at, response_type)"
RESOLVED_KEPT_COVER = "CREATE INDEX IF NOT EXISTS kpis_req_resolved_kept_cover ON requests_box_request "
RESOLVED_KEPT_COVER += "(resolved_at, kind, entity_id, received_at, response_type, deadline_met, service_id)"


def fill(apps, schema_editor):
    # Raw SQL over the tables as they are now (table names only): the same code as the command.
    from kpis.aggregates import rebuild

    rebuild()


class Migration(migrations.Migration):
    dependencies = [
        ("kpis", "0012_barometer_themes"),
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
                            ("c", "resolved with a deadline, by directorate and kind"),
                            ("m", "resolved with a deadline, by service"),
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
                ("met", models.PositiveIntegerField(default=0)),
            ],
            options={
                "indexes": [models.Index(fields=["measure", "day"], name="kpis_daycount_measure_day")],
            },
        ),
        migrations.RunSQL(RECEIVED_COVER, migrations.RunSQL.noop),
        migrations.RunSQL(
            [RESOLVED_KEPT_COVER, "DROP INDEX IF EXISTS kpis_req_resolved_cover"],
            ["DROP INDEX IF EXISTS kpis_req_resolved_kept_cover", RESOLVED_COVER],
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
