"""The service catalogue as Wagtail pages: index > family > service, plus synopsis and news."""

from catalogue.models.choices import Maturity, NeedType
from catalogue.models.family import FamilyPage
from catalogue.models.index import CatalogueIndexPage, CatalogueNewsPage, NewsKind, SynopsisPage
from catalogue.models.printed import PrintedDocument, PrintKind, PrintStatus
from catalogue.models.search import SearchLog, SearchSynonym, SearchVocabularyState, SearchVocabularyWord
from catalogue.models.service import (
    ClientTypeOption,
    SegmentOption,
    ServiceBenefit,
    ServicePage,
    ServiceRelation,
    ServiceStrongPoint,
)

__all__ = [
    "CatalogueIndexPage",
    "CatalogueNewsPage",
    "ClientTypeOption",
    "FamilyPage",
    "Maturity",
    "NeedType",
    "NewsKind",
    "PrintKind",
    "PrintStatus",
    "PrintedDocument",
    "SearchLog",
    "SearchSynonym",
    "SearchVocabularyState",
    "SearchVocabularyWord",
    "SegmentOption",
    "ServiceBenefit",
    "ServicePage",
    "ServiceRelation",
    "ServiceStrongPoint",
    "SynopsisPage",
]
