"""French text as the search sees it: words without accents or case, stop words and fillers left out,
light stemming (Snowball's French stemmer plus the verb/noun families it does not join).

The same functions read the catalogue and the queries, so both sides always agree.
"""

import re
import unicodedata
from functools import lru_cache

import Stemmer

_STEMMER = Stemmer.Stemmer("french")
# Letters and digits; an apostrophe or a hyphen splits words ("l'imprimante", "wi-fi").
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
MAX_QUERY_LENGTH = 200  # characters kept from what was typed; enough for any real sentence

# Articles, pronouns, prepositions, auxiliaries and the fillers of a request ("j'ai besoin de",
# "je voudrais", "il me faudrait", "comment faire pour", "un nouveau …"): they say nothing about
# the service.
STOP_WORDS = frozenset(
    """
    a au aux avec c ca ce ceci cela celle celui ces cet cette chez comme d dans de des du elle elles en
    entre et eux il ils j je l la le les leur leurs lui m ma mais me meme mes moi mon n ne ni nos notre
    nous on ou par pas pendant plus pour qu que quel quelle quelles quels qui quoi s sa sans se ses si son
    sous sur t ta te tes toi ton tu un une vers vos votre vous y
    ai as avons avez ont avoir eu est es suis sommes etes sont etre ete etait fait faire fais faut faudrait
    peut peux pouvoir pourrais pourriez voudrais voudrait voulons voulez vouloir veux veut souhaite
    souhaiterais souhaiterait souhaitons aimerais aimerait dois doit devoir besoin obtenir
    comment pourquoi quand combien ici oui non tres trop bien aussi encore deja alors donc car puis
    merci svp stp bonjour bonsoir madame monsieur
    tout toute tous toutes autre autres chose quelque quelqu
    nouveau nouvel nouvelle nouveaux nouvelles
    """.split()
)

# Verbs of everyday requests that say what to do, not what it is about ("créer une application",
# "changer mon téléphone", "envoyer un fichier"): kept, but the rest of the query weighs more.
LIGHT_WORDS = frozenset(
    """
    creer cree crees creee creation changer change changes changement ajouter ajoute ajout mettre mets
    met mis utiliser utilise trouver trouve voir prendre donner demander demande envoyer envoie envoi
    recevoir recois recu reçu avoir acceder modifier modifie modification aide aider commander commande
    acheter
    """.split()
)

# Everyday phrasings rewritten before tokenising (on unaccented lower-case text).
_PHRASES = [
    # "je n'arrive pas à imprimer": the verb means "I can't", not an arrival.
    (re.compile(r"\bn arrive (?:pas|plus)\b"), " "),
    # "ça ne marche pas", "ne fonctionne plus": a breakdown.
    (re.compile(r"\b(?:ne )?(?:marche|marchent|fonctionne|fonctionnent) (?:pas|plus)\b"), " panne "),
]

# Verb/noun families whose Snowball stems differ (imprimer/impression, gérer/gestion): one stem each.
_FAMILIES = {
    "impress": "imprim",
    "connexion": "connect",
    "creation": "cre",
    "creat": "cre",
    "acced": "acces",
    "acce": "acces",
    "extrair": "extract",
    "inscrir": "inscript",
    "ouvertur": "ouvr",
    "gestion": "ger",
    "resoudr": "resolu",
    "livraison": "livr",
    "recevoir": "recept",
    "produir": "product",
    "lectur": "lir",
    "ecritur": "ecrir",
    "perdr": "pert",
    "traduir": "traduct",
    "pay": "pai",
    "copi": "cop",
    "photocopi": "photocop",
    "scann": "scan",
    "reun": "reunion",
    "visiteur": "visit",
    "signatur": "sign",
}


@lru_cache(maxsize=100_000)
def unaccent(text: str) -> str:
    """Lower case without accents or ligatures ("Œuvre" → "oeuvre")."""
    text = text.lower().replace("œ", "oe").replace("æ", "ae")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def clean_query(query: str) -> str:
    """What was typed, trimmed to a sane length, control characters (NUL…) out and spaces collapsed."""
    query = _CONTROL.sub(" ", (query or "")[: MAX_QUERY_LENGTH * 2])
    return " ".join(query.split())[:MAX_QUERY_LENGTH].strip()


def words(text: str) -> list[str]:
    """The words of a text as typed (case and accents kept)."""
    return _WORD.findall(text or "")


def plain_words(text: str) -> list[str]:
    """Unaccented lower-case words, everyday phrasings rewritten."""
    plain = " ".join(unaccent(word) for word in words(text))
    for pattern, replacement in _PHRASES:
        plain = pattern.sub(replacement, plain)
    return plain.split()


def is_stop_word(word: str) -> bool:
    return word in STOP_WORDS


def is_light_word(word: str) -> bool:
    return word in LIGHT_WORDS


@lru_cache(maxsize=50_000)
def stems_of(word: str) -> tuple[str, ...]:
    """The stems of a word (as typed or unaccented), without accents.

    Snowball stems better with accents ("arrivée" and "arrivant" → "arriv") and people often type
    without them: both readings are kept, so "securite" and "sécurité" meet whatever was typed.
    Short words (acronyms, "pc", "4g") are their own stem.
    """
    lower = word.lower()
    plain = unaccent(lower)
    if len(plain) <= 3 or plain.isdigit():
        return (plain,)
    found = []
    for stem in (unaccent(_STEMMER.stemWord(lower)), _STEMMER.stemWord(plain)):
        # Without its accents a past participle keeps an "e" Snowball would have taken with the accent:
        # "bloquee" and "bloqué" meet on "bloqu".
        if len(stem) > 4:
            stem = stem.rstrip("e")
        stem = _FAMILIES.get(stem, stem)
        if stem not in found:
            found.append(stem)
    return tuple(found)


def content_words(text: str) -> list[str]:
    """Unaccented words that carry meaning: stop words and fillers left out."""
    return [word for word in plain_words(text) if not is_stop_word(word)]


def stem_sequence(text: str) -> tuple[str, ...]:
    """The first stem of each meaningful word, in order: the key of a phrase (a synonym, a keyword)."""
    return tuple(stems_of(word)[0] for word in content_words(text))


def normalised_key(query: str) -> str:
    """A query's identity for counting and promotions: its meaningful stems, in order."""
    return " ".join(stem_sequence(query))


def split_terms(text: str) -> list[str]:
    """Terms of a comma-, semicolon- or line-separated list ("laptop, PC; ordi"), spaces collapsed."""
    return [" ".join(term.split()) for term in re.split(r"[,;\n]", text or "") if term.strip()]
