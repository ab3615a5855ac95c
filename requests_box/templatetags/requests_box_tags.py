"""Template filters of the mailbox: durations and the reasons intake gives, in words."""

import datetime as dt

from django import template
from django.utils.translation import ngettext

from requests_box import labels

register = template.Library()


@register.filter
def duration(value: dt.timedelta | None) -> str:
    """A delay in the largest unit that says it: "3 days", "5 hours", "20 minutes"."""
    if not value:
        return ""
    seconds = int(value.total_seconds())
    days, hours, minutes = seconds // 86400, seconds // 3600, max(seconds // 60, 1)
    if days:
        return ngettext("%(n)s day", "%(n)s days", days) % {"n": days}
    if hours:
        return ngettext("%(n)s hour", "%(n)s hours", hours) % {"n": hours}
    return ngettext("%(n)s minute", "%(n)s minutes", minutes) % {"n": minutes}


@register.filter
def intake_reason(reason: str) -> str:
    return labels.intake_reason(reason)


@register.filter
def event_detail(event) -> str:
    """The detail of a history event as a reader should see it: the channel a request came through
    is stored as a code ("web", "email imap:INBOX/12"), shown by its name."""
    from requests_box.models import Channel, EventKind

    detail = event.detail
    if event.kind == EventKind.CREATED:
        code = detail.split(" ", 1)[0]
        if code in Channel.values:
            return str(Channel(code).label)
    return detail


@register.filter
def client_event_detail(event) -> str:
    """What the client reads of a status change: the change itself ("Assigned → In progress"), not the
    comment the DSI added to it."""
    return event.detail.split(". ", 1)[0]
