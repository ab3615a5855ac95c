"""Covering indexes for the indicators' range scans over the requests table (kpis/indicators.py).

They belong to the indicators, not to the mailbox, so they are created here; plain SQL that both
SQLite and PostgreSQL accept. With them a quarter's counts and processing times read the index only,
never the table rows."""

from django.db import migrations

INDEXES = {
    "kpis_req_received_cover": "received_at, entity_id, kind, service_id",
    "kpis_req_resolved_cover": "resolved_at, kind, entity_id, received_at, response_type",
}


class Migration(migrations.Migration):
    dependencies = [
        ("kpis", "0007_indicator_snapshots"),
        ("requests_box", "0004_mailbox_settings_permissions"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {name} ON requests_box_request ({columns})",
            f"DROP INDEX IF EXISTS {name}",
        )
        for name, columns in INDEXES.items()
    ]
