"""Create the portal's roles as groups, with the rights this app gives them."""

from django.db import migrations

from directory.roles import grant_permissions

DIRECTORY_PERMS = [
    f"directory.{action}_{model}"
    for model in ("directorate", "entity", "contact")
    for action in ("add", "change", "delete", "view")
]


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ("business_users", "relationship_managers", "product_managers", "cio", "editors"):
        Group.objects.get_or_create(name=name)
    grant_permissions(apps, "relationship_managers", ["wagtailadmin.access_admin", *DIRECTORY_PERMS])
    grant_permissions(apps, "product_managers", ["wagtailadmin.access_admin"])
    grant_permissions(apps, "editors", ["wagtailadmin.access_admin"])
    grant_permissions(apps, "cio", ["directory.view_directorate", "directory.view_entity", "directory.view_contact"])


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(
        name__in=["business_users", "relationship_managers", "product_managers", "cio", "editors"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0001_initial"),
        ("wagtailadmin", "0006_formstate"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
