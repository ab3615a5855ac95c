"""The back office (Wagtail) lists a model's rows only to whoever may see them in the portal.

Wagtail guards a snippet's listing, edit, history and usage screens with the model's permissions,
but its chooser (the modal that lists rows to pick one: `/admin/snippets/choose/<app>/<model>/`, its
`results/`, `chosen/<pk>/` and `create/` endpoints) only asks for access to the back office: the
catalogue editor and the product managers could list every contact, interaction, project,
subscription or meeting there, while the portal's `/annuaire/` and `/relation/` refuse them.

Every snippet of the portal is registered through `GuardedSnippetViewSet`, whose chooser asks for the
same thing as the listing: one of the add / change / delete / view permissions on the model. The roles
get those permissions in migrations exactly as the portal's pages allow (relationship managers: all;
the CIO: view, without access to the back office; editors and product managers: none).
"""

from django.core.exceptions import PermissionDenied
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.snippets.views import chooser
from wagtail.snippets.views.snippets import SnippetViewSet

ANY_PERMISSION = ["add", "change", "delete", "view"]


def may_see_in_back_office(user, model) -> bool:
    """The rule of Wagtail's snippet listing, applied to choosers too."""
    return ModelPermissionPolicy(model).user_has_any_permission(user, ANY_PERMISSION)


class PermissionCheckedChooserMixin:
    """Refuses (403) a chooser view to whoever may not list the model in the back office."""

    def dispatch(self, request, *args, **kwargs):
        if not may_see_in_back_office(request.user, self.model_class):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ChooseView(PermissionCheckedChooserMixin, chooser.ChooseView):
    pass


class ChooseResultsView(PermissionCheckedChooserMixin, chooser.ChooseResultsView):
    pass


class ChosenView(PermissionCheckedChooserMixin, chooser.SnippetChosenView):
    pass


class ChosenMultipleView(PermissionCheckedChooserMixin, chooser.SnippetChosenMultipleView):
    pass


class CreateView(PermissionCheckedChooserMixin, chooser.SnippetCreateView):
    pass


class GuardedSnippetChooserViewSet(chooser.SnippetChooserViewSet):
    choose_view_class = ChooseView
    choose_results_view_class = ChooseResultsView
    chosen_view_class = ChosenView
    chosen_multiple_view_class = ChosenMultipleView
    create_view_class = CreateView


class GuardedSnippetViewSet(SnippetViewSet):
    """The portal's base for every snippet viewset: its chooser is permission-checked like its listing."""

    chooser_viewset_class = GuardedSnippetChooserViewSet
