"""How the search reads French: accents, case, stop words and fillers, stems, hyphens."""

import pytest

from catalogue.search import text


def test_accents_and_case_do_not_matter():
    assert text.unaccent("Téléphonie ÉCRAN Œuvre") == "telephonie ecran oeuvre"
    # Typed with or without accents, a word meets its catalogue form.
    assert set(text.stems_of("securite")) & set(text.stems_of("Sécurité"))
    assert set(text.stems_of("TELEPHONIE")) & set(text.stems_of("téléphonie"))


def test_fillers_and_stop_words_are_left_out():
    assert text.content_words("J'ai besoin d'un ordinateur portable") == ["ordinateur", "portable"]
    assert text.content_words("Je voudrais un nouveau téléphone, merci") == ["telephone"]
    assert text.content_words("Comment faire pour avoir accès à SAP ?") == ["acces", "sap"]
    # "je n'arrive pas à" says "I can't", not an arrival; "ne marche pas" is a breakdown.
    assert text.content_words("je n'arrive pas à imprimer") == ["imprimer"]
    assert text.content_words("le wifi ne marche plus") == ["wifi", "panne"]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("téléphone", "téléphonie"),
        ("imprimer", "impression"),
        ("imprimer", "imprimantes"),
        ("numériser", "numérisation"),
        ("signer", "signature"),
        ("gérer", "gestion"),
        ("connecter", "connexion"),
        ("réseau", "réseaux"),
        ("ordinateurs", "ordinateur"),
    ],
)
def test_words_of_one_family_share_a_stem(first, second):
    assert set(text.stems_of(first)) & set(text.stems_of(second))


def test_short_words_and_acronyms_are_their_own_stem():
    assert text.stems_of("PC") == ("pc",)
    assert text.stems_of("4G") == ("4g",)
    assert text.stems_of("VPN") == ("vpn",)


def test_a_query_key_ignores_spelling_variants_that_mean_the_same():
    assert text.normalised_key("Imprimantes partagées !") == text.normalised_key("imprimante partagee")
    assert text.normalised_key("   ") == ""
    assert text.normalised_key("!!! ???") == ""


def test_long_input_is_cut_and_spaces_collapsed():
    cleaned = text.clean_query("  ordinateur   portable " + "x" * 5000)
    assert cleaned.startswith("ordinateur portable x") and len(cleaned) == text.MAX_QUERY_LENGTH


def test_term_lists_split_on_commas_semicolons_and_lines():
    assert text.split_terms("laptop, PC ;ordi\n  MacBook  Pro ,,") == ["laptop", "PC", "ordi", "MacBook Pro"]
