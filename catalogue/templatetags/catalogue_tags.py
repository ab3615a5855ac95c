from django import template

from catalogue import pictograms, richtext

register = template.Library()


@register.simple_tag
def family_pictogram(family, size=48, label=""):
    """Inline SVG of the family's pictogram in its colour: `{% family_pictogram family 64 %}`.

    Works in WeasyPrint too (no external file); pass a label when the icon is not next to the family's name.
    """
    if family is None:
        return ""
    return pictograms.pictogram_markup(family, size=size, label=label)


@register.filter
def catalogue_richtext(value):
    """Stored rich text, expanded and sanitised."""
    return richtext.render(value or "")
