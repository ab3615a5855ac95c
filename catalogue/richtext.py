"""Rich text of the catalogue: the features editors get, and the sanitiser applied on save and on render."""

import nh3
from django.utils.safestring import SafeString, mark_safe
from wagtail.rich_text import expand_db_html

# Enough for client-facing prose; no headings above h3, no embeds, no raw HTML.
FEATURES = ["bold", "italic", "link", "ol", "ul", "h3", "h4"]

_TAGS = {"p", "br", "b", "strong", "i", "em", "ul", "ol", "li", "a", "h3", "h4"}
# Wagtail's stored format keeps internal links as <a linktype="page" id="…">.
_ATTRIBUTES = {"a": {"href", "linktype", "id"}}
_SCHEMES = {"http", "https", "mailto", "tel"}


def sanitise(html: str) -> str:
    """Keep only the tags and attributes the editor can produce; drop scripts, styles and handlers."""
    if not html:
        return ""
    return nh3.clean(html, tags=_TAGS, attributes=_ATTRIBUTES, url_schemes=_SCHEMES, link_rel=None)


def render(html: str) -> SafeString:
    """Stored rich text to safe HTML: Wagtail's link expansion, then the sanitiser again."""
    if not html:
        return mark_safe("")  # noqa: S308 - empty string
    expanded = expand_db_html(html)
    return mark_safe(  # noqa: S308 - sanitised just above
        nh3.clean(expanded, tags=_TAGS, attributes={"a": {"href"}}, url_schemes=_SCHEMES, link_rel=None)
    )
