"""Who may do what with the DSI's communication, enforced by every view.

Campaigns are composed and sent by the catalogue editors and the relationship managers; the CIO
reads them and their measures. Audiences list client contacts: the relationship managers only
(editors see an audience's size on the campaign). Events are open to every employee; their
attendance is recorded by the relationship managers.
"""

from django.core.exceptions import PermissionDenied

from directory.roles import CIO, EDITORS, RELATIONSHIP_MANAGERS, has_role


def can_compose(user) -> bool:
    return has_role(user, RELATIONSHIP_MANAGERS, EDITORS)


def can_read(user) -> bool:
    return has_role(user, RELATIONSHIP_MANAGERS, EDITORS, CIO)


def can_manage_audiences(user) -> bool:
    return has_role(user, RELATIONSHIP_MANAGERS)


def require_composer(user) -> None:
    if not can_compose(user):
        raise PermissionDenied


def require_reader(user) -> None:
    if not can_read(user):
        raise PermissionDenied


def require_audience_manager(user) -> None:
    if not can_manage_audiences(user):
        raise PermissionDenied
