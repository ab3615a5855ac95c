"""The search index of the published catalogue, built from the database once per catalogue version.

A few hundred services fit in memory many times over: each process keeps the index of the current
catalogue version and ranks a query in about a millisecond, identically on SQLite and PostgreSQL.
The version (one aggregate query per search) changes with any publication, unpublication, move or
deletion of a page, and with any edit of the company-wide synonyms, so the index is never stale.
"""

import bisect
import math
import re
import threading
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from catalogue.search import text

_CAMEL = re.compile(r"[a-z][A-Z]")
_CAMEL_PART = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
_HYPHENATED = re.compile(r"\b([^\W_]{1,8})-([^\W_]{1,8})\b")

# Field weights: the title and the keywords editors give say what the service is; the promise says
# what it brings; benefits and the rest describe it; the technical details come last.
TITLE, KEYWORDS, PROMISE, FAMILY, BODY, DETAILS = range(6)
FIELD_WEIGHTS = {TITLE: 6.0, KEYWORDS: 5.0, PROMISE: 2.5, FAMILY: 1.0, BODY: 1.2, DETAILS: 0.6}


@dataclass
class Doc:
    pk: int
    title: str
    url: str
    family_pk: int | None
    keywords: list[str]


@dataclass
class FamilyDoc:
    pk: int
    title: str
    url: str
    stems: set[str]


@dataclass
class SynonymTerm:
    stems: tuple[str, ...]
    text: str
    group: int


@dataclass
class CatalogueIndex:
    version: str
    docs: list[Doc] = field(default_factory=list)
    families: dict[int, FamilyDoc] = field(default_factory=dict)
    # stem -> {doc index: {field: occurrences}}
    postings: dict[str, dict[int, dict[int, int]]] = field(default_factory=lambda: defaultdict(dict))
    sorted_stems: list[str] = field(default_factory=list)
    # unaccented word -> how often the catalogue uses it; and its most frequent written form
    words: Counter = field(default_factory=Counter)
    display: dict[str, str] = field(default_factory=dict)
    synonyms: list[list[SynonymTerm]] = field(default_factory=list)
    synonyms_by_first_stem: dict[str, list[SynonymTerm]] = field(default_factory=lambda: defaultdict(list))
    # suggestions: (unaccented label, label, doc index, is a keyword)
    labels: list[tuple[str, str, int, bool]] = field(default_factory=list)
    # kept by catalogue.search.fuzzy and catalogue.search.cards
    fuzzy_vocabulary: list[str] | None = None
    vocabulary_synced: bool = False
    cards: dict[str, dict] = field(default_factory=dict)  # language -> {service pk: card html}

    def idf(self, stem: str) -> float:
        df = len(self.postings.get(stem, ()))
        n = len(self.docs)
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def stems_with_prefix(self, prefix: str, limit: int = 40) -> list[str]:
        start = bisect.bisect_left(self.sorted_stems, prefix)
        found = []
        for stem in self.sorted_stems[start : start + limit]:
            if not stem.startswith(prefix):
                break
            found.append(stem)
        return found

    def knows(self, word: str) -> bool:
        """The word is the catalogue's own (as a word or through one of its stems)."""
        return word in self.words or any(stem in self.postings for stem in text.stems_of(word))


def _post(index: CatalogueIndex, stem: str, doc: int, where: int) -> None:
    fields = index.postings[stem].get(doc)
    if fields is None:
        index.postings[stem][doc] = {where: 1}
    else:
        fields[where] = fields.get(where, 0) + 1


def _add_text(index: CatalogueIndex, doc: int, value: str, where: int, written: Counter) -> None:
    found = text.words(value)
    plain = [text.unaccent(word) for word in found]
    for word, original in zip(plain, found, strict=True):
        written[(word, original.lower())] += 1
        index.words[word] += 1
        if text.is_stop_word(word):
            continue
        for stem in text.stems_of(original):
            _post(index, stem, doc, where)
        # Brand names written in one word: "MacBook" is found by "mac", "OneDrive" by "drive".
        for part in _CAMEL_PART.findall(original) if _CAMEL.search(original) else ():
            if len(part) >= 3:
                index.words[text.unaccent(part)] += 1
                for stem in text.stems_of(part):
                    _post(index, stem, doc, where)
    # "Wi-Fi", "e-mail", "pare-feu": the joined form too, so "wifi" finds "Wi-Fi" and "wi fi" finds both.
    for first, second in _HYPHENATED.findall(value or ""):
        joined = text.unaccent(first + second)
        index.words[joined] += 1
        for stem in text.stems_of(joined):
            _post(index, stem, doc, where)


_VERSION_SQL = """
SELECT MAX(last_published_at), MAX(latest_revision_created_at),
       SUM(CASE WHEN live THEN 1 ELSE 0 END), COUNT(*),
       (SELECT COUNT(*) FROM catalogue_searchsynonym), (SELECT MAX(updated_at) FROM catalogue_searchsynonym)
FROM wagtailcore_page
"""


def search_version() -> str:
    """Changes whenever what search reads changes: any page published, unpublished, revised, added or
    deleted (as catalogue.selectors.catalogue_version), or the synonyms edited. One query."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(_VERSION_SQL)
        row = cursor.fetchone()
    return "|".join(str(value) for value in row)


def build(version: str) -> CatalogueIndex:
    """Read the published catalogue (five queries) and index it."""
    from wagtail.models import Page

    from catalogue.models import FamilyPage, SearchSynonym, ServiceBenefit, ServiceStrongPoint
    from catalogue.selectors import offered_services

    index = CatalogueIndex(version=version)
    written: Counter = Counter()
    families = {
        family.path: family
        for family in FamilyPage.objects.live().only("pk", "title", "summary", "path", "url_path", "depth")
    }
    services = list(
        offered_services().only(
            "pk", "title", "promise", "audience", "details", "keywords", "path", "url_path", "depth"
        )
    )
    bodies: dict[int, list[str]] = defaultdict(list)
    pks = [service.pk for service in services]
    for model in (ServiceBenefit, ServiceStrongPoint):
        for page_id, value in model.objects.filter(page_id__in=pks).values_list("page_id", "text"):
            bodies[page_id].append(value)
    for family in families.values():
        stems = {stem for word in text.content_words(family.title) for stem in text.stems_of(word)}
        index.families[family.pk] = FamilyDoc(family.pk, family.title, family.get_url() or "", stems)
    for service in sorted(services, key=lambda s: s.title.lower()):
        family = families.get(service.path[: -Page.steplen])
        doc = len(index.docs)
        keywords = service.keyword_list()
        index.docs.append(
            Doc(service.pk, service.title, service.get_url() or "", family.pk if family else None, keywords)
        )
        _add_text(index, doc, service.title, TITLE, written)
        for keyword in keywords:
            _add_text(index, doc, keyword, KEYWORDS, written)
            index.labels.append((text.unaccent(keyword), keyword, doc, True))
        index.labels.append((text.unaccent(service.title), service.title, doc, False))
        _add_text(index, doc, service.promise, PROMISE, written)
        if family:
            _add_text(index, doc, family.title, FAMILY, written)
        for value in [service.audience, *bodies[service.pk]]:
            _add_text(index, doc, value, BODY, written)
        _add_text(index, doc, _strip_tags(service.details), DETAILS, written)
    for group_number, row in enumerate(SearchSynonym.objects.values_list("terms", flat=True)):
        group = []
        for term in text.split_terms(row):
            stems = text.stem_sequence(term)
            if stems:
                group.append(SynonymTerm(stems, term, group_number))
                for word in text.plain_words(term):
                    index.words[word] += 1
        if len(group) > 1:
            index.synonyms.append(group)
            for term in group:
                index.synonyms_by_first_stem[term.stems[0]].append(term)
    for (word, original), _count in written.most_common():
        index.display.setdefault(word, original)
    index.postings = dict(index.postings)
    index.sorted_stems = sorted(index.postings)
    return index


def _strip_tags(html: str) -> str:
    from django.utils.html import strip_tags

    return strip_tags(html or "")


_current: dict[str, CatalogueIndex] = {}
_lock = threading.Lock()


def current_index() -> CatalogueIndex:
    """The index of the current catalogue version: built at most once per version and process."""
    version = search_version()
    index = _current.get("index")
    if index is not None and index.version == version:
        return index
    with _lock:
        index = _current.get("index")
        if index is None or index.version != version:
            index = build(version)
            _current["index"] = index
    return index
