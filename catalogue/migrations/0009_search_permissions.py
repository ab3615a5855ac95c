"""Catalogue editors keep the company-wide search synonyms and the recommended results."""

from django.db import migrations

from directory.roles import grant_permissions


def grant(apps, schema_editor):
    grant_permissions(
        apps,
        "editors",
        [
            "catalogue.add_searchsynonym",
            "catalogue.change_searchsynonym",
            "catalogue.delete_searchsynonym",
            "catalogue.view_searchsynonym",
            "wagtailsearchpromotions.add_searchpromotion",
            "wagtailsearchpromotions.change_searchpromotion",
            "wagtailsearchpromotions.delete_searchpromotion",
        ],
    )


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0008_vocabulary_trigram_index"),
        ("wagtailsearchpromotions", "0008_query_verbose_name"),
        ("directory", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
