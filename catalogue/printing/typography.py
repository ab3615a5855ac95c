"""French typography for print: non-breaking spaces before « : ; ! ? » and inside guillemets."""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

NBSP = "\u00a0"  # before ":" and inside guillemets
NNBSP = "\u202f"  # narrow no-break space, before ";", "!" and "?"

_QUOTED = re.compile(r'"([^"\n]+)"')
_BEFORE_COLON = re.compile(r"[ \u00a0\u202f]*:(?=\s|$)")
_BEFORE_HIGH = re.compile(r"(?<=\w)[ \u00a0\u202f]*([;!?])(?=\s|$|[»)])|[ \u00a0\u202f]+([;!?])")
_OPEN_GUILLEMET = re.compile(r"«[ \u00a0\u202f]*")
_CLOSE_GUILLEMET = re.compile(r"[ \u00a0\u202f]*»")


def french(text: str) -> str:
    """Plain text with French spacing and guillemets (URLs and times such as 8:30 are left alone)."""
    if not text:
        return ""
    text = _QUOTED.sub(lambda m: f"«{m.group(1).strip()}»", str(text))
    text = text.replace("'", "’")
    text = _BEFORE_COLON.sub(NBSP + ":", text)
    text = _BEFORE_HIGH.sub(lambda m: NNBSP + (m.group(1) or m.group(2)), text)
    text = _OPEN_GUILLEMET.sub("«" + NBSP, text)
    return _CLOSE_GUILLEMET.sub(NBSP + "»", text)


def french_html(value) -> SafeString:
    """Escape then typeset a plain value; markup (already safe) only gets its text nodes typeset."""
    if isinstance(value, SafeString):
        parts = re.split(r"(<[^>]*>)", str(value))
        return mark_safe("".join(part if part.startswith("<") else _typeset_escaped(part) for part in parts))  # noqa: S308
    return mark_safe(escape(french(value)))  # noqa: S308 - escaped just above


def _typeset_escaped(fragment: str) -> str:
    # Text between tags is already escaped: typeset the entities-free parts only.
    fragment = fragment.replace("&quot;", '"').replace("&#x27;", "'").replace("&#39;", "'")
    return french(fragment).replace('"', "&quot;")
