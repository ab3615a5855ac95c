"""Misspelt words: the catalogue's own words within one or two letters of what was typed.

PostgreSQL finds the candidates with pg_trgm (the nearest words by trigram distance, through a GiST
index on the catalogue's vocabulary, migration 0008); SQLite has no such operator, so the same
vocabulary is searched in memory with rapidfuzz. Both keep a candidate only within the same edit
distance (letters added, removed, replaced or swapped): one letter on words of 5 to 7 letters, two
from 8 letters on. Shorter words are never corrected (acronyms, "pc", "visio" stay as typed).
"""

import hashlib

from django.db import connection, transaction
from rapidfuzz import process
from rapidfuzz.distance import OSA

from catalogue.search import text
from catalogue.search.index import CatalogueIndex

CANDIDATES = 8


def max_distance(word: str) -> int:
    if len(word) < 5:
        return 0
    return 1 if len(word) < 8 else 2


def corrections(index: CatalogueIndex, words: list[str]) -> dict[str, list[tuple[str, int]]]:
    """For each unknown word, the catalogue's words closest to it (best first, most used first)."""
    words = [word for word in dict.fromkeys(words) if max_distance(word)]
    if not words:
        return {}
    if connection.vendor == "postgresql":
        candidates = _trigram_candidates(index, words)
    else:
        candidates = _memory_candidates(index, words)
    found = {}
    for word in words:
        limit = max_distance(word)
        scored = [(c, OSA.distance(word, c)) for c in candidates.get(word, ()) if c != word]
        scored = [(c, d) for c, d in scored if d <= limit and _plausible(word, c, d)]
        if scored:
            best = min(d for _c, d in scored)
            kept = [(c, d) for c, d in scored if d == best]
            kept.sort(key=lambda item: -index.words[item[0]])
            found[word] = kept[:3]
    return found


def _plausible(word: str, candidate: str, distance: int) -> bool:
    """A typo keeps the word's start: its first letter (or the first two swapped) for one letter wrong,
    its first two letters for two ("telefone" is "telephone"; "piratage" is not "partage")."""
    if len(candidate) < 4:
        return False
    if distance >= 2:
        return candidate[:2] == word[:2]
    return candidate[0] == word[0] or candidate[:2] == word[1::-1]


def _vocabulary(index: CatalogueIndex) -> list[str]:
    return sorted(word for word in index.words if len(word) >= 4 and not text.is_stop_word(word))


def _memory_candidates(index: CatalogueIndex, words: list[str]) -> dict[str, list[str]]:
    if index.fuzzy_vocabulary is None:
        index.fuzzy_vocabulary = _vocabulary(index)
    vocabulary = index.fuzzy_vocabulary
    return {
        word: [
            match
            for match, _score, _i in process.extract(
                word, vocabulary, scorer=OSA.distance, score_cutoff=max_distance(word), limit=CANDIDATES
            )
        ]
        for word in words
    }


_NEAREST = """
SELECT q.token, w.word
FROM unnest(%s::text[]) AS q(token)
CROSS JOIN LATERAL (
    SELECT word FROM catalogue_searchvocabularyword
    ORDER BY word <-> q.token
    LIMIT %s
) AS w
"""


def _trigram_candidates(index: CatalogueIndex, words: list[str]) -> dict[str, list[str]]:
    sync_vocabulary(index)
    found: dict[str, list[str]] = {}
    with connection.cursor() as cursor:
        cursor.execute(_NEAREST, [words, CANDIDATES])
        for token, word in cursor.fetchall():
            found.setdefault(token, []).append(word)
    return found


def sync_vocabulary(index: CatalogueIndex) -> None:
    """Make the vocabulary table hold this index's words (once per index and process; rewritten only
    when the words changed, under a row lock so that two processes do not rewrite it together)."""
    from catalogue.models import SearchVocabularyState, SearchVocabularyWord

    if index.vocabulary_synced:
        return
    vocabulary = [word for word in _vocabulary(index) if len(word) <= 64]
    signature = hashlib.sha256("\n".join(vocabulary).encode()).hexdigest()
    state = SearchVocabularyState.objects.first()
    if state is None or state.signature != signature:
        with transaction.atomic():
            state = SearchVocabularyState.objects.select_for_update().first()
            if state is None:
                state = SearchVocabularyState.objects.create(signature="")
            if state.signature != signature:
                SearchVocabularyWord.objects.all().delete()
                SearchVocabularyWord.objects.bulk_create(SearchVocabularyWord(word=w) for w in vocabulary)
                state.signature = signature
                state.save(update_fields=["signature"])
    index.vocabulary_synced = True
