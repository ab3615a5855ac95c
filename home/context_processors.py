from django.conf import settings

from directory.roles import ROLE_LABELS, roles_of
from home.navigation import navigation_for


def portal(request):
    roles = roles_of(request.user)
    return {
        "portal_navigation": navigation_for(request),
        "portal_role_labels": [ROLE_LABELS[r] for r in ROLE_LABELS if r in roles and r != "business_users"],
        "mailbox_address": settings.MAILBOX_ADDRESS,
    }
