"""Back office entries of the catalogue: the printed documents (downloads and draft product sheets)."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import Button

from catalogue.models import ServicePage
from catalogue.printing import admin_views
from catalogue.printing.views import may_preview_draft
from directory import roles


class PrintMenuItem(MenuItem):
    def is_shown(self, request):
        return roles.has_role(request.user, *roles.ADMIN_ROLES)


@hooks.register("register_admin_urls")
def print_admin_urls():
    return [path("catalogue/imprimer/", admin_views.printed_documents, name="catalogue_print_admin")]


@hooks.register("register_admin_menu_item")
def print_menu_item():
    return PrintMenuItem(
        _("Printed catalogue"), reverse("catalogue_print_admin"), icon_name="doc-full", order=260
    )


@hooks.register("register_page_listing_more_buttons")
def product_sheet_buttons(page, user, next_url=None):
    if not isinstance(page.specific_deferred, ServicePage):
        return
    service = page.specific_deferred
    if page.live:
        yield Button(
            _("Product sheet (PDF)"), reverse("catalogue:print_sheet", args=[service.code]),
            icon_name="doc-full", priority=90,
        )  # fmt: skip
    if may_preview_draft(user, service):
        yield Button(
            _("Draft product sheet (PDF)"), reverse("catalogue:print_draft_sheet", args=[service.code]),
            icon_name="doc-full", priority=91,
        )  # fmt: skip
