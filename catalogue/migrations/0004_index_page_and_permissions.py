"""Client type and segment options, the catalogue index at /catalogue/, and who may edit the catalogue.

- editors already hold add/change/publish/lock/unlock on the home page (home 0002), inherited by the
  catalogue; they also get bulk delete here and approve in Wagtail's default moderation workflow;
- product managers may add pages under the catalogue index, which in Wagtail means they edit the
  pages they own: a service is owned by its product manager (ServicePage.save), so they edit their own
  services and submit them for moderation; editors publish.
"""

from django.db import migrations
from django.utils import timezone

from directory.models import ClientType, Segment
from directory.roles import ensure_permissions

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
STEPLEN = 4


def _next_child_path(Page, parent) -> str:
    last = Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1).order_by("-path").first()
    if last is None:
        return parent.path + "0001"
    number = 0
    for char in last.path[-STEPLEN:]:
        number = number * 36 + ALPHABET.index(char)
    number += 1
    digits = ""
    for _i in range(STEPLEN):
        number, rest = divmod(number, 36)
        digits = ALPHABET[rest] + digits
    return last.path[:-STEPLEN] + digits


def forwards(apps, schema_editor):
    ClientTypeOption = apps.get_model("catalogue", "ClientTypeOption")
    SegmentOption = apps.get_model("catalogue", "SegmentOption")
    for code in ClientType.values:
        ClientTypeOption.objects.get_or_create(code=code)
    for code in Segment.values:
        SegmentOption.objects.get_or_create(code=code)

    ensure_permissions(apps)
    Page = apps.get_model("wagtailcore", "Page")
    HomePage = apps.get_model("home", "HomePage")
    CatalogueIndexPage = apps.get_model("catalogue", "CatalogueIndexPage")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")

    index = CatalogueIndexPage.objects.first()
    home = HomePage.objects.order_by("path").first()
    if index is None and home is not None:
        content_type, _created = ContentType.objects.get_or_create(app_label="catalogue", model="catalogueindexpage")
        now = timezone.now()
        index = CatalogueIndexPage.objects.create(
            title="Catalogue des services",
            draft_title="Catalogue des services",
            slug="catalogue",
            content_type=content_type,
            path=_next_child_path(Page, home),
            depth=home.depth + 1,
            numchild=0,
            url_path=f"{home.url_path}catalogue/",
            live=True,
            has_unpublished_changes=False,
            first_published_at=now,
            last_published_at=now,
            locale_id=home.locale_id,
            intro=(
                "<p>Tous les services de la DSI, présentés par ce qu'ils vous apportent : "
                "trouvez le bon service et demandez-le en un clic.</p>"
            ),
        )
        home_page = Page.objects.get(pk=home.pk)
        home_page.numchild = Page.objects.filter(path__startswith=home.path, depth=home.depth + 1).count()
        home_page.save(update_fields=["numchild"])
    if index is None:
        return

    def grant(group_name, codenames):
        group, _created = Group.objects.get_or_create(name=group_name)
        for codename in codenames:
            permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
            GroupPagePermission.objects.get_or_create(group=group, page_id=index.pk, permission=permission)
        return group

    editors = grant("editors", ["add_page", "change_page", "publish_page", "bulk_delete_page"])
    grant("product_managers", ["add_page"])

    # Editors review what product managers submit in Wagtail's default workflow.
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    for task in GroupApprovalTask.objects.filter(active=True):
        task.groups.add(editors)


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0003_french_search_config"),
        ("home", "0002_create_homepage"),
        ("directory", "0002_roles"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
