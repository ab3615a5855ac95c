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
    # The misspelt words read another way, as (typed, read as), when the correction is obvious.
    corrections: list[tuple[str, str]] = field(default_factory=list)

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
            result.corrections = [(c.typed, c.corrected) for c in ranking.corrections]
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
    """Service titles, then keywords, whose words start with what was typed (in any order).

    A keyword leads to the search for it; its hint is the service that search puts first.
    Nothing starts like that: the best matches of a search (a misspelling)."""
    typed = text.plain_words(text.clean_query(prefix))
    if not typed or sum(len(word) for word in typed) < 2:
        return []
    index = current_index()
    titles, keywords = [], {}
    for plain, label, doc, is_keyword in index.labels:
        label_words = plain.replace("-", " ").split()
        if not all(any(w.startswith(t) for w in label_words) for t in typed):
            continue
        rank = (not label_words[0].startswith(typed[0]), len(label))
        if is_keyword:
            keywords.setdefault(plain, (rank, label))
        else:
            titles.append((rank, label, doc))
    found = [
        Suggestion(label, index.docs[doc].url, "", False) for _rank, label, doc in sorted(titles)[: limit - 2]
    ]
    shown = {text.unaccent(s.label) for s in found}
    titles_shown = {s.label for s in found}
    candidates = sorted(keywords.items(), key=lambda item: item[1][0])[: limit * 3]
    for plain, (_rank, label) in candidates:
        if len(found) >= limit:
            break
        if plain in shown:
            continue
        first = search(label, index, correct=False).service_ids[:1]
        hint = next((d.title for d in index.docs if first and d.pk == first[0]), "")
        if hint in titles_shown:
            continue  # its service is already proposed by its title
        found.append(Suggestion(label, "", hint, True))
        shown.add(plain)
    if not found and len(" ".join(typed)) >= 4:
        by_pk = {doc.pk: doc for doc in index.docs}
        for pk in search(prefix, index).service_ids[:5]:
            found.append(Suggestion(by_pk[pk].title, by_pk[pk].url, "", False))
    return found


CLOSE = 70  # rapidfuzz ratio (0-100) from which a catalogue word looks like a word of the query


@dataclass
class Closest:
    service_ids: list[int]
    family_ids: list[int]


def closest(query: str, services: int = 4, families: int = 3, index: CatalogueIndex | None = None) -> Closest:
    """When nothing matched: the services met by the catalogue's words that look most like the query's
    (further than a typo: "imprimerie" finds the printers), and their families."""
    index = index or current_index()
    words = [word for word in text.content_words(text.clean_query(query)) if len(word) >= 4]
    if not words or not index.docs:
        return Closest([], [])
    vocabulary = index.fuzzy_vocabulary or sorted(w for w in index.words if len(w) >= 3)
    near = []
    for word in words[:8]:
        near += [
            m
            for m, _score, _i in process.extract(
                word, vocabulary, scorer=fuzz.ratio, score_cutoff=CLOSE, limit=3
            )
        ]
    if not near:
        return Closest([], [])
    service_ids = search(" ".join(near), index, correct=False).service_ids[:services]
    by_pk = {doc.pk: doc for doc in index.docs}
    family_ids = list(dict.fromkeys(by_pk[pk].family_pk for pk in service_ids if by_pk[pk].family_pk))
    return Closest(service_ids, family_ids[:families])
