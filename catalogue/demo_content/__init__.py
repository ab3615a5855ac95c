"""The demo catalogue's texts, written in French from the client's point of view."""

from catalogue.demo_content.families import FAMILIES, NEWS
from catalogue.demo_content.keywords import KEYWORDS, PROMOTIONS, SYNONYMS
from catalogue.demo_content.services import RELATED, SERVICES

__all__ = ["FAMILIES", "KEYWORDS", "NEWS", "PROMOTIONS", "RELATED", "SERVICES", "SYNONYMS"]
