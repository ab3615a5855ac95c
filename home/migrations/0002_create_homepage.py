"""Replace Wagtail's welcome page with the intranet home, and let editors manage pages and media."""

from django.db import migrations

from directory.roles import ensure_permissions


def create_homepage(apps, schema_editor):
    ensure_permissions(apps)
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    HomePage = apps.get_model("home.HomePage")
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    GroupPagePermission = apps.get_model("wagtailcore.GroupPagePermission")
    Collection = apps.get_model("wagtailcore.Collection")
    GroupCollectionPermission = apps.get_model("wagtailcore.GroupCollectionPermission")

    # Wagtail's initial migration creates a "Welcome" page at /home/; replace it.
    Page.objects.filter(depth=2, slug="home", content_type__app_label="wagtailcore").delete()
    homepage_ct, _ = ContentType.objects.get_or_create(model="homepage", app_label="home")
    homepage = HomePage.objects.create(
        title="Relais DSI",
        draft_title="Relais DSI",
        slug="accueil",
        content_type=homepage_ct,
        path="00010001",
        depth=2,
        numchild=0,
        url_path="/accueil/",
        headline="Le portail de la DSI pour ses clients internes",
        intro=(
            "<p>Trouvez un service dans le catalogue, faites une demande, suivez-la et dites-nous "
            "ce que vous en pensez. La DSI s'engage sur ses délais et vous rend compte.</p>"
        ),
        locale_id=Page.objects.get(depth=1).locale_id,
    )
    root = Page.objects.get(depth=1)
    root.numchild = Page.objects.filter(depth=2).count()
    root.save(update_fields=["numchild"])
    Site.objects.all().delete()
    Site.objects.create(hostname="localhost", root_page=homepage, is_default_site=True, site_name="Relais DSI")

    editors = Group.objects.get(name="editors")
    for codename in ("add_page", "change_page", "publish_page", "lock_page", "unlock_page"):
        GroupPagePermission.objects.get_or_create(
            group=editors, page=homepage, permission=Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
        )
    root_collection = Collection.objects.get(depth=1)
    for app_label, model in (("wagtailimages", "image"), ("wagtaildocs", "document")):
        for action in ("add", "change", "choose"):
            perm = Permission.objects.filter(content_type__app_label=app_label, codename=f"{action}_{model}").first()
            if perm:
                GroupCollectionPermission.objects.get_or_create(
                    group=editors, collection=root_collection, permission=perm
                )


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0001_initial"),
        ("directory", "0002_roles"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [migrations.RunPython(create_homepage, migrations.RunPython.noop)]
