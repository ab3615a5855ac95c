"""The `french_unaccent` text search configuration that settings.WAGTAILSEARCH_BACKENDS uses on PostgreSQL.

French stemming ("imprimantes" finds "imprimante") and accent-insensitive matching. Idempotent; does nothing
on other databases (SQLite's FTS5 has no stemming: see catalogue/search.py).
"""

from django.db import migrations

CREATE_CONFIG = """
CREATE EXTENSION IF NOT EXISTS unaccent;
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'french_unaccent') THEN
        CREATE TEXT SEARCH CONFIGURATION french_unaccent (COPY = french);
        ALTER TEXT SEARCH CONFIGURATION french_unaccent
            ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
    END IF;
END
$$;
"""


def create_config(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_CONFIG)


def drop_config(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS french_unaccent;")


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0002_service_structure")]

    operations = [migrations.RunPython(create_config, drop_config)]
