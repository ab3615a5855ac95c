"""Who may see and change what in the committees app, enforced by every view and export.

Relationship managers manage everything; the CIO reads everything; a business user sees the
committees of their own directorate and only the meetings whose minutes are published; anyone
sees the actions assigned to them.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from committees.models import Action, Committee, Meeting, MeetingStatus
from directory.roles import CIO, RELATIONSHIP_MANAGERS, has_role
from directory.selectors import contact_for_user


def can_manage(user) -> bool:
    return has_role(user, RELATIONSHIP_MANAGERS)


def can_read_all(user) -> bool:
    return has_role(user, RELATIONSHIP_MANAGERS, CIO)


def directorate_id_of(user) -> int | None:
    contact = contact_for_user(user)
    return contact.entity.directorate_id if contact else None


def require_manager(user) -> None:
    if not can_manage(user):
        raise PermissionDenied


def require_reader(user) -> None:
    if not can_read_all(user):
        raise PermissionDenied


def committees_for(user) -> QuerySet[Committee]:
    queryset = Committee.objects.select_related("directorate")
    if can_read_all(user):
        return queryset
    directorate_id = directorate_id_of(user)
    if directorate_id is None:
        return queryset.none()
    return queryset.filter(directorate_id=directorate_id)


def meetings_for(user) -> QuerySet[Meeting]:
    queryset = Meeting.objects.select_related("committee__directorate")
    if can_read_all(user):
        return queryset
    directorate_id = directorate_id_of(user)
    if directorate_id is None:
        return queryset.none()
    return queryset.filter(
        committee__directorate_id=directorate_id, status=MeetingStatus.HELD, minutes_published=True
    )


def access_committee(user, pk: int) -> Committee:
    return get_object_or_404(committees_for(user), pk=pk)


def access_meeting(user, pk: int) -> Meeting:
    return get_object_or_404(meetings_for(user), pk=pk)


def access_action_to_update(user, pk: int) -> Action:
    """The relationship managers update any action; anyone else only the actions they own."""
    queryset = Action.objects.select_related("meeting__committee")
    if not can_manage(user):
        queryset = queryset.filter(owner=user)
    return get_object_or_404(queryset, pk=pk)
