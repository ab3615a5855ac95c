"""Back office entry of the operations page (superusers only)."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from operations import admin_views


class OperationsMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_superuser


@hooks.register("register_admin_urls")
def operations_admin_urls():
    return [
        path("exploitation/", admin_views.operations_page, name="operations_admin"),
        path("exploitation/relancer/<uuid:task_id>/", admin_views.retry_task, name="operations_retry_task"),
    ]


@hooks.register("register_admin_menu_item")
def operations_menu_item():
    return OperationsMenuItem(_("Operations"), reverse("operations_admin"), icon_name="cogs", order=900)
