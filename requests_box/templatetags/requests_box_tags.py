"""Template filters of the mailbox: durations and the reasons intake gives, in words."""

import datetime as dt
import re

from django import template
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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


_TOO_LARGE = re.compile(r"^too large: (\d+) bytes > (\d+)$")


@register.filter
def intake_reason(reason: str) -> str:
    """Why intake set a mail aside (quarantine) or ignored it, in the reader's language. Intake stores
    short English codes; a reason it does not know is shown as it is."""
    known = {
        "empty message": _("empty message (no subject, no text, no attachment)"),
        "no sender address": _("no sender address"),
        "auto_reply": _("automatic reply"),
        "auto-reply": _("automatic reply"),
        "bounce": _("delivery failure notice"),
        "mailing-list": _("mailing list traffic"),
        "loop": _("mail loop (sent by the mailbox itself)"),
        "rate-limit": _("too many mails from this sender within an hour"),
    }
    if reason in known:
        return known[reason]
    if match := _TOO_LARGE.match(reason):
        return _("too large: %(size)s, more than %(limit)s") % {
            "size": filesizeformat(int(match.group(1))),
            "limit": filesizeformat(int(match.group(2))),
        }
    if reason.startswith("unparseable: "):
        return _("unreadable mail (%(error)s)") % {"error": reason.removeprefix("unparseable: ")}
    if reason.startswith("intake error: "):
        return _("error while taking it in (%(error)s)") % {"error": reason.removeprefix("intake error: ")}
    return reason


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
