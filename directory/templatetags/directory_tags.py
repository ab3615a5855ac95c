"""Template tags of the client directory: whom the client deals with at the DSI."""

from django import template
from django.conf import settings

from directory.selectors import relationship_manager_for

register = template.Library()


@register.inclusion_tag("directory/includes/relationship_manager.html")
def dsi_contact_of(entity):
    """The directorate's relationship manager (or backup); without one, the client relations team."""
    return {"manager": relationship_manager_for(entity), "mailbox_address": settings.MAILBOX_ADDRESS}
