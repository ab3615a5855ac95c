"""Back office entries of the catalogue: the printed documents (downloads and draft product sheets), the
services listing with its maturity filter (retired services), the search synonyms, and a link to what
people search."""

import django_filters
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.pages.listing import PageFilterSet
from wagtail.admin.viewsets.pages import PageListingViewSet
from wagtail.admin.widgets import Button
from wagtail.snippets.models import register_snippet

from catalogue.models import Maturity, SearchSynonym, ServicePage
from catalogue.printing import admin_views
from catalogue.printing.views import may_preview_draft
from directory import roles
from home.backoffice import GuardedSnippetViewSet


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


# --- Services, by maturity: the retired ones are listed here (hidden from the portal and print) -----


class ServiceFilterSet(PageFilterSet):
    maturity = django_filters.ChoiceFilter(
        label=_("Maturity"), choices=Maturity.choices, empty_label=_("All maturities")
    )

    class Meta:
        model = ServicePage
        fields = ["maturity"]


class ServiceListingViewSet(PageListingViewSet):
    model = ServicePage
    name = "catalogue_services"
    icon = "list-ul"
    menu_label = _("Services")
    menu_order = 240
    add_to_admin_menu = True
    filterset_class = ServiceFilterSet
    columns = [
        *PageListingViewSet.columns,
        Column("code", label=_("Code")),
        Column("maturity", label=_("Maturity"), accessor="get_maturity_display"),
    ]


service_listing = ServiceListingViewSet()


@hooks.register("register_admin_viewset")
def register_service_listing():
    return service_listing


class EditorsMenuItem(MenuItem):
    def __init__(self, *args, roles_allowed=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.roles_allowed = roles_allowed

    def is_shown(self, request):
        return roles.has_role(request.user, *self.roles_allowed)


@hooks.register("register_admin_menu_item")
def retired_services_menu_item():
    return EditorsMenuItem(
        _("Retired services"),
        reverse(service_listing.get_url_name("index")) + f"?maturity={Maturity.RETIRE}",
        icon_name="archive",
        order=241,
        roles_allowed=(roles.EDITORS, roles.PRODUCT_MANAGERS),
    )


@hooks.register("register_admin_menu_item")
def search_insights_menu_item():
    return EditorsMenuItem(
        _("Catalogue searches"),
        reverse("catalogue:search_insights"),
        icon_name="search",
        order=262,
        roles_allowed=(roles.EDITORS, roles.RELATIONSHIP_MANAGERS),
    )


# --- Company-wide search synonyms ---------------------------------------------------------------


class SearchSynonymViewSet(GuardedSnippetViewSet):
    model = SearchSynonym
    icon = "list-ul"
    menu_label = _("Search synonyms")
    menu_order = 261
    add_to_admin_menu = True
    list_display = ["__str__", "note", "updated_at"]
    search_fields = ["terms", "note"]


register_snippet(SearchSynonymViewSet)
