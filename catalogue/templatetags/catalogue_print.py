"""Filters of the print templates (catalogue/print/*.html)."""

from django import template

from catalogue.printing.typography import french_html

register = template.Library()


@register.filter(is_safe=True)
def fr(value):
    """French typography: `{{ service.promise|fr }}` (escapes plain text, typesets markup's text)."""
    return french_html(value if value is not None else "")
