"""The whole-page cache of catalogue pages: fast for a second visit, never stale, never shared."""

import pytest
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from tests.catalogue.conftest import make_family, make_service

BROWSE = "/catalogue/parcourir/"


def _get(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return response, len(context.captured_queries)


@pytest.fixture
def family(catalogue_index):
    family = make_family(catalogue_index, code="IMP", title="Impression")
    make_service(family, code="PRINT", title="Impression à la demande")
    return family


@pytest.mark.parametrize("url", ["/catalogue/", "family", BROWSE, f"{BROWSE}?family=IMP"])
def test_second_visit_is_served_from_the_cache_with_three_queries(client_for, user_a, family, url):
    url = family.url if url == "family" else url
    client = client_for(user_a)
    client.get(url)  # a browser's first visit receives its CSRF cookie: that answer is not stored
    first, first_queries = _get(client, url)
    second, second_queries = _get(client, url)
    assert second.content == first.content
    # The session, the user and the catalogue's version: nothing else.
    assert second_queries == 3 < first_queries


def test_a_search_is_never_served_from_the_cache_and_each_one_is_counted(client_for, user_a, family):
    from catalogue.models import SearchLog

    client = client_for(user_a)
    url = f"{BROWSE}?q=impression"
    client.get(url)
    _, first = _get(client, url)
    _, second = _get(client, url)
    assert second > 3 and first == second  # rendered each time, not the stored copy
    client.get(f"{BROWSE}?q=imprimer+en+couleur")
    client.get(url)
    # The repeated search of the same session is one search; a search made again after another counts.
    assert list(SearchLog.objects.order_by("pk").values_list("query", flat=True)) == [
        "impression",
        "imprimer en couleur",
        "impression",
    ]


def test_publishing_a_service_shows_at_once(client_for, user_a, family):
    client = client_for(user_a)
    before, _ = _get(client, family.url)
    assert "Impression couleur grand format" not in before.content.decode()
    make_service(family, code="PLOT", title="Impression couleur grand format")
    after, _ = _get(client, family.url)
    assert "Impression couleur grand format" in after.content.decode()


def test_unpublishing_a_service_removes_it_at_once(client_for, user_a, family):
    client = client_for(user_a)
    service = family.get_children().specific().get()
    assert "Impression à la demande" in _get(client, BROWSE)[0].content.decode()
    service.unpublish()
    assert "Impression à la demande" not in _get(client, BROWSE)[0].content.decode()


def test_each_user_gets_their_own_page(user_a, editor, family):
    as_user, as_editor = Client(), Client()
    as_user.force_login(user_a)
    as_editor.force_login(editor)
    _get(as_user, family.url)
    _get(as_user, family.url)  # now stored for user_a
    page_for_editor, queries = _get(as_editor, family.url)
    assert queries > 3  # rendered for the editor, not the business user's copy
    page_for_user, queries = _get(as_user, family.url)
    assert queries == 3  # user_a's own stored copy
    assert page_for_user.content != page_for_editor.content
    assert "Administration" in page_for_editor.content.decode()
    assert "Administration" not in page_for_user.content.decode()


def test_language_is_part_of_the_key(client_for, user_a, family):
    client = client_for(user_a)
    french, _ = _get(client, "/catalogue/")
    client.cookies["django_language"] = "en"
    english, queries = _get(client, "/catalogue/")
    assert queries > 3
    assert english.content != french.content
    assert 'lang="en"' in english.content.decode()


def test_pending_flash_messages_are_not_lost(client_for, user_a, family, rf):
    client = client_for(user_a)
    _get(client, "/catalogue/")
    storage = CookieStorage(rf.get("/"))
    storage.add(messages.SUCCESS, "Votre demande a bien été envoyée")
    carrier = HttpResponse()
    storage.update(carrier)
    client.cookies["messages"] = carrier.cookies["messages"].value
    page, _ = _get(client, "/catalogue/")
    assert "Votre demande a bien été envoyée" in page.content.decode()


def test_anonymous_visitors_and_posts_are_never_cached(client, family):
    response = client.get("/catalogue/")
    assert response.status_code == 302  # the login page, not a cached catalogue


@override_settings(CATALOGUE_PAGE_CACHE_SECONDS=0)
def test_the_cache_can_be_switched_off(client_for, user_a, family):
    client = client_for(user_a)
    _get(client, "/catalogue/")
    _, second = _get(client, "/catalogue/")
    assert second > 3
