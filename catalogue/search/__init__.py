"""The catalogue search: what people type, read the way they mean it (see engine.py), on SQLite and
PostgreSQL alike. `search()` ranks the offered services; `suggest()` completes what is being typed;
`closest()` proposes something when nothing matched."""

from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from catalogue.search import text
from catalogue.search.engine import corrected_query, rank
from catalogue.search.index import CatalogueIndex, current_index

__all__ = ["CatalogueIndex", "SearchResult", "closest", "current_index", "search", "suggest"]


@dataclass
class SearchResult:
    query: str  # as typed, cleaned
    key: str  # meaningful stems: the query's identity for counting and promotions
    service_ids: list[int] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)  # of the services, in the same order
    # A correction to propose ("Vouliez-vous dire …") when it is not obvious; else the one applied.
    did_you_mean: str = ""
    corrected_to: str = ""

    @property
    def meaningful(self) -> bool:
        return bool(self.key)


def search(query: str, index: CatalogueIndex | None = None, correct: bool = True) -> SearchResult:
    """Offered services matching the query, best first (`correct=False`: no typo correction, which is
    the only step that may query the database)."""
    cleaned = text.clean_query(query)
    index = index or current_index()
    result = SearchResult(cleaned, text.normalised_key(cleaned))
    if not result.key:
        return result
    ranking = rank(index, cleaned, correct=correct)
    result.service_ids = [index.docs[doc].pk for doc, _score in ranking.doc_scores]
    result.urls = [index.docs[doc].url for doc, _score in ranking.doc_scores]
    if ranking.corrections:
        corrected = corrected_query(cleaned, ranking.corrections)
        if all(c.obvious for c in ranking.corrections) and result.service_ids:
            result.corrected_to = corrected
        else:
            result.did_you_mean = corrected
    return result


@dataclass
class Suggestion:
    label: str
    url: str
    service: str  # the service a keyword leads to ("" for a title)
    is_keyword: bool


def suggest(prefix: str, limit: int = 8) -> list[Suggestion]:
    """Service titles and keywords whose words start with what was typed, titles first."""
    typed = text.plain_words(text.clean_query(prefix))
    if not typed or sum(len(word) for word in typed) < 2:
        return []
    index = current_index()
    scored = []
    for plain, label, doc, is_keyword in index.labels:
        label_words = plain.replace("-", " ").replace("'", " ").split()
        if not all(any(w.startswith(t) for w in label_words) for t in typed):
            continue
        starts = label_words[0].startswith(typed[0])
        scored.append(((is_keyword, not starts, len(label)), label, doc, is_keyword))
    scored.sort(key=lambda item: item[0])
    found, seen = [], set()
    for _rank, label, doc, is_keyword in scored:
        if is_keyword and doc in seen:
            continue  # the service is already proposed by its title
        key = (text.unaccent(label), is_keyword)
        if key in seen:
            continue
        seen.update({key, doc} if not is_keyword else {key})
        service = index.docs[doc]
        found.append(Suggestion(label, service.url, "" if not is_keyword else service.title, is_keyword))
        if len(found) == limit:
            break
    if not found and len(" ".join(typed)) >= 4:
        # Nothing starts like that: a misspelling? Offer the best matches of a real search.
        for pk in search(prefix, index).service_ids[:5]:
            service = next(d for d in index.docs if d.pk == pk)
            found.append(Suggestion(service.title, service.url, "", False))
    return found


@dataclass
class Closest:
    service_ids: list[int]
    family_ids: list[int]


def closest(query: str, services: int = 4, families: int = 3, index: CatalogueIndex | None = None) -> Closest:
    """When nothing matched: the services whose title or keywords look most like the query, and
    their families (then the families whose name looks like it)."""
    index = index or current_index()
    cleaned = text.unaccent(" ".join(text.content_words(text.clean_query(query))))
    if not cleaned or not index.docs:
        return Closest([], [])
    choices = [plain for plain, _label, _doc, _kw in index.labels]
    matches = process.extract(cleaned, choices, scorer=fuzz.WRatio, limit=services * 4, score_cutoff=40)
    service_ids, family_ids = [], []
    for _match, _score, position in matches:
        doc = index.docs[index.labels[position][2]]
        if doc.pk not in service_ids and len(service_ids) < services:
            service_ids.append(doc.pk)
            if doc.family_pk and doc.family_pk not in family_ids:
                family_ids.append(doc.family_pk)
    by_name = process.extract(
        cleaned,
        {pk: text.unaccent(family.title) for pk, family in index.families.items()},
        scorer=fuzz.WRatio,
        limit=families,
        score_cutoff=40,
    )
    for _match, _score, pk in by_name:
        if pk not in family_ids:
            family_ids.append(pk)
    return Closest(service_ids, family_ids[:families])
