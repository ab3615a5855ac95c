"""Back office (Wagtail): the role mapping, the company accounts, the directory sync runs.

Model permissions guard them: by default only superusers (the technical administrator) see them,
since a role mapping hands out roles such as CIO."""

from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.views.generic.models import InspectView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy

from accounts.models import DirectorySyncRun, ExternalIdentity, RoleMapping
from accounts.sync.report import describe, summary


class RoleMappingViewSet(ModelViewSet):
    model = RoleMapping
    icon = "key"
    menu_label = _("Role mapping")
    list_display = ["group", "role"]
    list_filter = ["role"]
    search_fields = ["group"]
    search_backend_name = None
    panels = [FieldPanel("group"), FieldPanel("role")]
    add_to_admin_menu = False


class ExternalIdentityViewSet(ModelViewSet):
    model = ExternalIdentity
    icon = "user"
    menu_label = _("Company accounts")
    list_display = ["user", "source", "subject", "last_sign_in_at"]
    list_filter = ["source"]
    search_fields = ["user__username", "user__email", "subject"]
    search_backend_name = None
    inspect_view_enabled = True
    form_fields = ["source", "subject"]

    def get_queryset(self, request):
        return ExternalIdentity.objects.select_related("user")


class WrittenBySyncOnly(ModelPermissionPolicy):
    """Sync runs are records: they may be read and deleted, never added or edited by hand."""

    def user_has_permission(self, user, action):
        return action not in ("add", "change") and super().user_has_permission(user, action)


class SyncRunInspectView(InspectView):
    def get_dry_run_display_value(self):
        return _("Yes") if self.object.dry_run else _("No")

    def get_finished_at_display_value(self):
        return (
            date_format(localtime(self.object.finished_at), "DATETIME_FORMAT")
            if self.object.finished_at
            else "—"
        )

    def get_error_display_value(self):
        return self.object.error or "—"

    def get_counts_display_value(self):
        return summary(self.object.counts)

    def get_changes_display_value(self):
        items = format_html_join("", "<li>{}</li>", ((describe(change),) for change in self.object.changes))
        more = self.object.changes_total - len(self.object.changes)
        tail = format_html("<li>{}</li>", _("… and %(n)d more") % {"n": more}) if more > 0 else ""
        return format_html("<ul>{}{}</ul>", items, tail) if items else "-"


class DirectorySyncRunViewSet(ModelViewSet):
    model = DirectorySyncRun
    icon = "list-ul"
    menu_label = _("Directory sync runs")
    list_display = [
        "__str__",
        "status",
        BooleanColumn("dry_run", label=_("Dry run")),
        Column("changes_total", label=_("Changes")),
        "finished_at",
    ]
    list_filter = ["status", "source", "dry_run"]
    inspect_view_enabled = True
    inspect_view_class = SyncRunInspectView
    inspect_view_fields = [
        "source",
        "dry_run",
        "status",
        "started_at",
        "finished_at",
        "counts",
        "error",
        "changes",
    ]
    form_fields = ["source"]  # runs are written by the sync only: no add or edit permission is given


class CompanySignInViewSetGroup(ViewSetGroup):
    items = (RoleMappingViewSet, ExternalIdentityViewSet, DirectorySyncRunViewSet)
    menu_icon = "key"
    menu_label = _("Company sign-in")
    menu_name = "company-sign-in"
    menu_order = 900
