"""PostgreSQL: the pg_trgm extension and a GiST trigram index on the catalogue's vocabulary, so that a
misspelt word finds its nearest catalogue words (`ORDER BY word <-> %s`) without reading them all.
Does nothing on other databases (SQLite matches misspelt words in memory: catalogue/search/fuzzy.py).
"""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX IF NOT EXISTS catalogue_vocabulary_word_trgm
    ON catalogue_searchvocabularyword USING gist (word gist_trgm_ops);
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS catalogue_vocabulary_word_trgm;")


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0007_search_keywords_synonyms_and_log")]

    operations = [migrations.RunPython(create, drop)]
