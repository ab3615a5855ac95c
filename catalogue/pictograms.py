"""Family pictograms: the SVG icons shipped with the project, uploaded ones, and their inline rendering.

Both kinds are rendered as inline SVG with `currentColor` replaced by the family's colour, so the same
markup works in the browser and in WeasyPrint PDFs (which need no external file).
"""

import re
import xml.etree.ElementTree as ET  # noqa: S405 - input is size-limited and rebuilt from an allowlist
from functools import lru_cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

PICTOGRAM_DIR = Path(__file__).resolve().parent / "static" / "catalogue" / "pictograms"
MAX_UPLOAD_BYTES = 50_000
COLOUR_RE = re.compile(r"^#[0-9A-Fa-f]{6}$")

SVG_NS = "http://www.w3.org/2000/svg"
_ELEMENTS = {"svg", "g", "path", "circle", "ellipse", "rect", "line", "polyline", "polygon", "title"}
_ATTRIBUTES = {
    "viewBox", "fill", "stroke", "stroke-width", "stroke-linecap", "stroke-linejoin", "fill-rule",
    "clip-rule", "opacity", "fill-opacity", "stroke-opacity", "transform", "d", "cx", "cy", "r", "rx",
    "ry", "x", "y", "x1", "y1", "x2", "y2", "width", "height", "points",
}  # fmt: skip
# Attribute values that could reach outside the SVG (url(#…) references, javascript:, CSS) are refused.
_UNSAFE_VALUE = re.compile(r"url\s*\(|javascript:|expression|[<>]", re.I)


def available_pictograms() -> list[tuple[str, str]]:
    """(name, label) of every shipped pictogram, label taken from the SVG's <title>."""
    return [(name, label) for name, (label, _markup) in sorted(_shipped().items())]


@lru_cache(maxsize=1)
def _shipped() -> dict[str, tuple[str, str]]:
    icons = {}
    for path in PICTOGRAM_DIR.glob("*.svg"):
        markup = sanitise_svg(path.read_text(encoding="utf-8"))
        title = re.search(r"<title>(.*?)</title>", markup, re.S)
        icons[path.stem] = (title.group(1) if title else path.stem, markup)
    return icons


def is_available(name: str) -> bool:
    return name in _shipped()


def sanitise_svg(source: str) -> str:
    """Rebuild an SVG document from an allowlist of shape elements and presentation attributes.

    Raises ValidationError when the text is not an SVG document.
    """
    if len(source.encode("utf-8")) > MAX_UPLOAD_BYTES:
        raise ValidationError(_("The pictogram is too large (50 kB at most)."))
    if "<!ENTITY" in source or "<!DOCTYPE" in source:
        raise ValidationError(_("The pictogram must be a plain SVG file."))
    try:
        root = ET.fromstring(source)  # noqa: S314 - no DTD/entities allowed (checked above)
    except ET.ParseError as exc:
        raise ValidationError(_("The pictogram is not a valid SVG file.")) from exc
    if _local(root.tag) != "svg":
        raise ValidationError(_("The pictogram is not a valid SVG file."))
    clean = _copy(root)
    ET.register_namespace("", SVG_NS)
    return (
        ET.tostring(clean, encoding="unicode")
        .replace(f' xmlns="{SVG_NS}"', "", 1)
        .replace("<svg", f'<svg xmlns="{SVG_NS}"', 1)
    )


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _copy(element: ET.Element) -> ET.Element:
    copy = ET.Element(f"{{{SVG_NS}}}{_local(element.tag)}")
    for name, value in element.attrib.items():
        if name in _ATTRIBUTES and not _UNSAFE_VALUE.search(value):
            copy.set(name, value)
    copy.text = element.text if _local(element.tag) == "title" else None
    for child in element:
        if _local(child.tag) in _ELEMENTS and _local(child.tag) != "svg":
            child_copy = _copy(child)
            child_copy.tail = None
            copy.append(child_copy)
    return copy


def pictogram_markup(family, size: int = 48, label: str = "") -> SafeString:
    """Inline SVG of a family's pictogram in its colour; decorative unless a label is given."""
    source = family.pictogram_svg or _shipped().get(family.pictogram, ("", ""))[1]
    if not source:
        source = _shipped()["applications"][1]
    colour = family.colour if COLOUR_RE.match(family.colour or "") else "#1f4e8c"
    # Shipped titles name the icon, not the family: the accessible name comes from `label` only.
    source = re.sub(r"<title>.*?</title>", "", source, flags=re.S)
    if label:
        accessibility = f'role="img" aria-label="{escape(label)}"'
    else:
        accessibility = 'aria-hidden="true" focusable="false"'
    opening = (
        f'<svg class="pictogram" width="{int(size)}" height="{int(size)}" {accessibility} '
        f'style="color:{colour}"'
    )
    markup = source.replace("<svg", opening, 1).replace("currentColor", colour)
    return mark_safe(markup)  # noqa: S308 - rebuilt from an allowlist, colour validated
