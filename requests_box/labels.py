"""Words for the short codes the mailbox stores: why intake set a mail aside or ignored it."""

import re

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

_TOO_LARGE = re.compile(r"^too large: (\d+) bytes > (\d+)$")


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
