from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from directory import selectors, usage
from directory.filters import EntityFilter
from directory.models import Entity
from directory.portfolio import portfolio_of
from directory.roles import CIO, RELATIONSHIP_MANAGERS, has_role


def _require_directory_access(user):
    if not has_role(user, RELATIONSHIP_MANAGERS, CIO):
        raise PermissionDenied


def entity_list(request):
    _require_directory_access(request.user)
    filterset = EntityFilter(request.GET or None, queryset=selectors.entities_for_listing())
    page = Paginator(filterset.qs.order_by("directorate__name", "name"), 50).get_page(request.GET.get("page"))
    return render(request, "directory/entity_list.html", {"filter": filterset, "page": page})


def entity_detail(request, code):
    _require_directory_access(request.user)
    entity = get_object_or_404(Entity.objects.select_related("directorate"), code=code)
    context = {
        "entity": entity,
        "contacts": selectors.contacts_of_entity(entity),
        "subscriptions": usage.subscriptions_of(entity),
        "suggestions": usage.suggestions_for_entity(entity),
        "today": timezone.localdate(),
    }
    return render(request, "directory/entity_detail.html", context)


def my_profile(request):
    return render(request, "directory/my_profile.html", {"contact": selectors.contact_for_user(request.user)})


def my_portfolio(request):
    """A relationship manager's home: the directorates and entities they answer for."""
    if not has_role(request.user, RELATIONSHIP_MANAGERS):
        raise PermissionDenied
    context = {
        "portfolio": portfolio_of(request.user),
        "mailbox_address": settings.MAILBOX_ADDRESS,
        "today": timezone.localdate(),
    }
    return render(request, "directory/portfolio.html", context)
