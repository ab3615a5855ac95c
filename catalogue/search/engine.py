"""Ranking a query against the catalogue index.

A query is read as a few *concepts* (its meaningful words, or a group of words that is a synonym
or a compound such as "wi fi"). Each concept may be met in several ways, each worth a share of a
full match: the word itself (by stem), a synonym, a longer or shorter word of the same family
(prefix), a correction of a typo. A service scores, for each concept it meets, the concept's
rarity in the catalogue (idf) times the weight of the best field it is met in; services that meet
more of the query's concepts come first. No concept is required: a sentence finds the services
that match its meaningful words.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field

from catalogue.search import fuzzy, text
from catalogue.search.index import FIELD_WEIGHTS, CatalogueIndex

EXACT, SYNONYM, JOINED, PREFIX, TYPO_1, TYPO_2 = 1.0, 0.85, 1.0, 0.6, 0.75, 0.6
MIN_PREFIX = 4  # shorter stems are not expanded ("pc" must not find "pcie")
LIGHT = 0.4  # weight of a concept made of light words (text.LIGHT_WORDS)
REPEATED = 1.25  # a word met more than once in a field
SATURATION = 6.0  # weighted occurrences giving half of the most a word can bring (BM25's k1)
MIN_SHARE_OF_BEST = 0.3  # results scoring less than this share of the best one are noise


@dataclass
class Alternative:
    stems: tuple[str, ...]
    quality: float


@dataclass
class Concept:
    words: list[str]  # unaccented words of the query it covers
    alternatives: list[Alternative] = field(default_factory=list)

    @property
    def weight(self) -> float:
        return LIGHT if all(text.is_light_word(word) for word in self.words) else 1.0

    def add(self, stems: tuple[str, ...], quality: float) -> None:
        for alternative in self.alternatives:
            if alternative.stems == stems:
                alternative.quality = max(alternative.quality, quality)
                return
        self.alternatives.append(Alternative(stems, quality))


@dataclass
class Correction:
    typed: str
    corrected: str
    obvious: bool


@dataclass
class Ranking:
    doc_scores: list[tuple[int, float]]  # (doc index, score), best first
    concepts: list[Concept]
    corrections: list[Correction]


def _synonym_span(index: CatalogueIndex, words: list[str], start: int):
    """The longest synonym term starting at words[start], as (length, term) or None."""
    candidates = []
    for stem in text.stems_of(words[start]):
        candidates.extend(index.synonyms_by_first_stem.get(stem, ()))
    best = None
    for term in candidates:
        length = len(term.stems)
        if start + length > len(words):
            continue
        if all(term.stems[i] in text.stems_of(words[start + i]) for i in range(length)):
            if best is None or length > len(best.stems):
                best = term
    return best


def _synonyms_of_word(index: CatalogueIndex, word: str):
    """The one-word synonym term a single word is, or None."""
    for stem in text.stems_of(word):
        for term in index.synonyms_by_first_stem.get(stem, ()):
            if len(term.stems) == 1:
                return term
    return None


def read_concepts(index: CatalogueIndex, query: str) -> tuple[list[Concept], list[str]]:
    """The query's concepts, and the words the catalogue does not know (candidates for a typo)."""
    words = text.content_words(query)
    concepts: list[Concept] = []
    unknown: list[str] = []
    i = 0
    while i < len(words):
        term = _synonym_span(index, words, i)
        span = len(term.stems) if term else 1
        joined = None
        # "wi fi", "e mail": two words the catalogue writes as one.
        if span == 1 and i + 1 < len(words) and min(len(words[i]), len(words[i + 1])) <= 3:
            candidate = words[i] + words[i + 1]
            if candidate in index.words:
                joined, span = candidate, 2
                term = _synonyms_of_word(index, candidate)
        concept = Concept(words[i : i + span])
        if joined:
            for stem in text.stems_of(joined):
                concept.add((stem,), JOINED)
            concept.add(tuple(text.stems_of(w)[0] for w in concept.words), EXACT)
        elif span == 1:
            for stem in text.stems_of(words[i]):
                concept.add((stem,), EXACT)
        else:
            concept.add(term.stems, EXACT)
        if term:
            for other in index.synonyms[term.group]:
                concept.add(other.stems, SYNONYM)
        elif span == 1 and not index.knows(words[i]):
            unknown.append(words[i])
        concepts.append(concept)
        i += span
    return concepts, unknown


def _expand_prefixes(index: CatalogueIndex, concept: Concept) -> None:
    for alternative in list(concept.alternatives):
        if len(alternative.stems) != 1 or alternative.quality < EXACT:
            continue
        stem = alternative.stems[0]
        if len(stem) < MIN_PREFIX or stem.isdigit():
            continue
        quality = PREFIX * alternative.quality
        for longer in index.stems_with_prefix(stem):
            if longer != stem:
                concept.add((longer,), quality)
        # The query's word is a longer form of a catalogue stem of 5+ letters: "archivage" and "archiv".
        for cut in range(len(stem) - 1, max(4, len(stem) - 4), -1):
            if stem[:cut] in index.postings:
                concept.add((stem[:cut],), quality)
                break


def _apply_corrections(
    index: CatalogueIndex, concepts: list[Concept], unknown: list[str]
) -> list[Correction]:
    found = fuzzy.corrections(index, unknown)
    result = []
    for concept in concepts:
        if len(concept.words) != 1 or concept.words[0] not in found:
            continue
        candidates = found[concept.words[0]]
        for word, distance in candidates:
            for stem in text.stems_of(word):
                concept.add((stem,), TYPO_1 if distance == 1 else TYPO_2)
        best, distance = candidates[0]
        obvious = len(candidates) == 1 and distance == 1 and len(concept.words[0]) >= 6
        result.append(Correction(concept.words[0], index.display.get(best, best), obvious))
    return result


def _matches(index: CatalogueIndex, stems: tuple[str, ...]) -> dict[int, dict[int, int]]:
    """Docs where all the stems occur in one same field: {doc: {field: occurrences}}."""
    postings = [index.postings.get(stem) for stem in stems]
    if not all(postings):
        return {}
    if len(postings) == 1:
        return postings[0]
    found = {}
    for doc, fields in postings[0].items():
        counts = dict(fields)
        for other in postings[1:]:
            theirs = other.get(doc)
            if not theirs:
                counts = {}
                break
            counts = {f: min(n, theirs[f]) for f, n in counts.items() if f in theirs}
        if counts:
            found[doc] = counts
    return found


def _idf(index: CatalogueIndex, stems: tuple[str, ...]) -> float:
    return sum(index.idf(stem) for stem in stems) / len(stems)


def _concept_scores(index: CatalogueIndex, concept: Concept) -> dict[int, float]:
    """What the concept brings each doc that meets it.

    The strength of the best way the doc meets the concept (quality x idf), times its fields' weights
    added up and saturated like BM25's: a word in the title and the keywords counts more than in the
    title alone; a word repeated in a field adds a little; a word repeated in the details does not
    outweigh the title.
    """
    strength: dict[int, dict[int, tuple[float, int]]] = defaultdict(dict)  # doc -> field -> (strength, n)
    # The words typed decide how much the concept weighs: a synonym or a longer word never weighs more
    # than them (a rare synonym of a common word is not a rarer concept).
    cap = max(_idf(index, a.stems) for a in concept.alternatives if a.quality >= EXACT)
    for alternative in concept.alternatives:
        value = alternative.quality * min(_idf(index, alternative.stems), cap)
        for doc, fields in _matches(index, alternative.stems).items():
            mine = strength[doc]
            for where, count in fields.items():
                if value > mine.get(where, (0, 0))[0]:
                    mine[where] = (value, count)
    scores = {}
    for doc, fields in strength.items():
        best = max(value for value, _count in fields.values())
        weighted = sum(
            FIELD_WEIGHTS[where] * (value / best) * (REPEATED if count > 1 else 1.0)
            for where, (value, count) in fields.items()
        )
        scores[doc] = best * weighted * (SATURATION + 1) / (weighted + SATURATION)
    return scores


def rank(index: CatalogueIndex, query: str, correct: bool = True) -> Ranking:
    concepts, unknown = read_concepts(index, query)
    for concept in concepts:
        _expand_prefixes(index, concept)
    corrections = _apply_corrections(index, concepts, unknown) if correct else []
    totals: dict[int, float] = defaultdict(float)
    met: dict[int, float] = defaultdict(float)
    for concept in concepts:
        for doc, value in _concept_scores(index, concept).items():
            totals[doc] += value * concept.weight
            met[doc] += concept.weight
    if not totals:
        return Ranking([], concepts, corrections)
    # Services that meet more of the query come first: a half of the score depends on it.
    n = sum(concept.weight for concept in concepts)
    scores = {doc: total * (0.5 + 0.5 * met[doc] / n) for doc, total in totals.items()}
    top = max(scores.values())
    ranked = sorted(
        ((doc, score) for doc, score in scores.items() if score >= MIN_SHARE_OF_BEST * top),
        key=lambda item: (-item[1], index.docs[item[0]].title.lower()),
    )
    return Ranking(ranked, concepts, corrections)


def corrected_query(query: str, corrections: list[Correction]) -> str:
    """The query with its misspelt words replaced (the rest as typed)."""
    replacements = {c.typed: c.corrected for c in corrections}

    def replace(match: re.Match) -> str:
        return replacements.get(text.unaccent(match.group(0)), match.group(0))

    return re.sub(r"[^\W_]+", replace, query)
