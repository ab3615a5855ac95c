"""The catalogue search on a small catalogue: what a business user types finds the right service."""

import pytest
from django.db import connection

from catalogue.models import SearchSynonym, SearchVocabularyWord, ServicePage
from catalogue.search import closest, search, suggest
from tests.catalogue.conftest import make_family, make_service


@pytest.fixture
def catalogue(catalogue_index):
    work = make_family(catalogue_index, code="PDT", title="Poste de travail")
    phone = make_family(catalogue_index, code="TEL", title="Téléphonie et mobilité")
    net = make_family(catalogue_index, code="RES", title="Réseau")
    services = {
        "laptop": make_service(
            work,
            code="LAPTOP",
            title="Ordinateur portable",
            promise="Un ordinateur portable prêt à l'emploi, livré sur votre bureau.",
            keywords="laptop, PC portable, MacBook",
        ),
        "screen": make_service(
            work, code="SCREEN", title="Écrans et accessoires", promise="Écran, clavier et souris."
        ),
        "fixed": make_service(phone, code="FIXED", title="Téléphonie fixe sur IP", promise="Un numéro fixe."),
        "mobile": make_service(
            phone,
            code="MOBILE",
            title="Smartphone professionnel",
            promise="Un smartphone configuré avec votre messagerie.",
            keywords="téléphone portable, iPhone",
        ),
        "wifi": make_service(net, code="WIFI", title="Wi-Fi des sites", promise="Un réseau sans fil rapide."),
        "vpn": make_service(
            net,
            code="VPN",
            title="Accès à distance sécurisé",
            promise="Vos applications depuis chez vous.",
            details="<p>Client VPN installé sur les postes.</p>",
        ),
    }
    return services


def codes(query: str) -> list[str]:
    by_pk = dict(ServicePage.objects.values_list("pk", "code"))
    return [by_pk[pk] for pk in search(query).service_ids]


def test_a_sentence_finds_the_service_of_its_meaningful_words(catalogue):
    assert codes("j'ai besoin d'un ordinateur portable")[0] == "LAPTOP"
    # No "every word must match": a word the catalogue does not know does not hide the service.
    assert codes("je voudrais un ordinateur portable pour mon stagiaire lundi")[0] == "LAPTOP"


def test_accents_case_plurals_and_stems_do_not_matter(catalogue):
    assert codes("ECRANS")[0] == "SCREEN"
    assert codes("téléphone fixe")[0] == "FIXED"  # "Téléphonie"
    assert codes("telephonie fixe")[0] == "FIXED"


@pytest.mark.parametrize("query", ["wifi", "wi-fi", "wi fi", "WI-FI", "Wifi"])
def test_hyphens_and_spaces_are_equivalent(catalogue, query):
    assert codes(query)[0] == "WIFI"


def test_keywords_weigh_like_the_title(catalogue):
    assert codes("laptop") == ["LAPTOP"]
    assert codes("iphone") == ["MOBILE"]
    # "téléphone portable" is a keyword of the smartphone: it wins over the laptop's title word.
    assert codes("téléphone portable")[0] == "MOBILE"
    # A word of the details counts, far less than a keyword would.
    assert codes("vpn") == ["VPN"]
    # A brand written in one word is found by its parts.
    assert codes("mac") == ["LAPTOP"]


def test_company_synonyms_apply_at_once_after_an_edit(catalogue):
    assert codes("visio") == []
    assert "VPN" not in codes("télétravail")
    SearchSynonym.objects.create(terms="télétravail, accès à distance, remote")
    assert codes("télétravail")[0] == "VPN"
    assert codes("remote")[0] == "VPN"


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("ordinateur portabel", "LAPTOP"),  # two letters swapped
        ("ordinatuer", "LAPTOP"),
        ("smarphone", "MOBILE"),  # a letter missing
        ("accesoires", "SCREEN"),
        ("telefone", "FIXED"),  # two letters wrong in a long word
    ],
)
def test_one_or_two_letters_wrong_still_find_the_service(catalogue, typed, code):
    assert code in codes(typed)[:2]


def test_short_words_are_not_corrected(catalogue):
    # "ecrn" (4 letters) is not corrected into "écran": acronyms and short words stay as typed.
    assert search("ecrn").service_ids == []


def test_an_obvious_correction_is_applied_and_an_uncertain_one_proposed(catalogue):
    obvious = search("smarphone")
    assert obvious.service_ids and obvious.corrections == [("smarphone", "smartphone")]
    assert obvious.did_you_mean == ""
    uncertain = search("telefone")
    assert uncertain.did_you_mean.lower() in {"téléphone", "téléphonie"}
    assert uncertain.corrections == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's pg_trgm")
def test_postgresql_finds_misspelt_words_with_trigrams(catalogue):
    search("smarphone")
    assert SearchVocabularyWord.objects.filter(word="smartphone").exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'catalogue_vocabulary_word_trgm'")
        assert "gist_trgm_ops" in cursor.fetchone()[0]
        cursor.execute(
            "SELECT word FROM catalogue_searchvocabularyword ORDER BY word <-> %s LIMIT 1", ["smarphone"]
        )
        assert cursor.fetchone()[0] == "smartphone"


def test_retired_and_unpublished_services_are_never_found(catalogue):
    retired = catalogue["fixed"]
    retired.maturity = "retire"
    retired.save_revision().publish()
    draft = catalogue["screen"]
    draft.unpublish()
    assert "FIXED" not in codes("téléphonie fixe")
    assert "SCREEN" not in codes("écran")
    assert all(s.label != "Téléphonie fixe sur IP" for s in suggest("téléph"))


def test_suggestions_complete_titles_then_keywords(catalogue):
    found = suggest("ordi")
    assert found[0].label == "Ordinateur portable" and not found[0].is_keyword
    by_keyword = suggest("lap")
    assert by_keyword[0].label == "laptop" and by_keyword[0].is_keyword
    assert by_keyword[0].service == "Ordinateur portable"
    assert suggest("o") == []  # one letter proposes nothing


def test_suggestions_fall_back_to_a_search_for_a_misspelling(catalogue):
    assert [s.label for s in suggest("smarphone")][:1] == ["Smartphone professionnel"]


def test_closest_services_when_nothing_matches(catalogue):
    near = closest("écrans tactiles géants")
    assert search("tactiles géants").service_ids == []
    assert catalogue["screen"].pk in near.service_ids
    assert closest("zorglub").service_ids == []
