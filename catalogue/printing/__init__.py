"""The catalogue in print: full catalogue, product sheets, synopsis poster and leaflet, from Wagtail content.

`documents.get_document()` serves a cached PDF or (re)builds it; `render` turns published content into PDF.
"""
