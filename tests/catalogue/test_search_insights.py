"""What people searched and did not find, for the editors and the relationship managers, with the
one-click keyword that makes the next search find the service."""

import pytest
from django.urls import reverse

from catalogue.models import SearchLog, ServicePage
from catalogue.search import analytics, search
from catalogue.services import add_keyword
from tests.catalogue.conftest import make_family, make_service

INSIGHTS = reverse("catalogue:search_insights")
ADD = reverse("catalogue:add_keyword")


@pytest.fixture
def laptop(catalogue_index):
    family = make_family(catalogue_index, code="PDT", title="Poste de travail")
    return make_service(family, code="LAPTOP", title="Ordinateur portable", keywords="PC portable")


def _log(query, results, opened=None, request=False, times=1):
    for _i in range(times):
        SearchLog.objects.create(
            query=query,
            key=analytics.log_key(query),
            result_count=results,
            opened_position=opened,
            request_made=request,
        )


def test_top_no_result_and_no_click_queries(laptop):
    _log("ordinateur portable", 1, opened=1, times=3)
    _log("Ordinateurs portables", 1, times=1)  # the same search, another spelling: one row
    _log("macbook", 0, times=2)
    _log("ordinateur", 1, times=2)
    data = analytics.search_insights(days=30)
    assert (data.total, data.without_result, data.opened, data.requests) == (8, 2, 3, 0)
    top = [(row.key, row.searches) for row in data.top]
    assert top[0] == ("ordin portabl", 4) and set(top[1:]) == {("ordin", 2), ("macbook", 2)}
    assert [(row.query, row.searches) for row in data.no_result] == [("macbook", 2)]
    assert {(row.key, row.searches) for row in data.no_click} == {("ordin portabl", 1), ("ordin", 2)}


def test_old_searches_leave_the_period(laptop):
    _log("macbook", 0)
    SearchLog.objects.update(created_at="2020-01-01T00:00:00Z")
    assert analytics.search_insights(days=30).total == 0
    assert analytics.search_insights(days=365).total == 0


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("user_a", False),
        ("product_manager", False),
        ("cio", False),
        ("editor", True),
        ("relationship_manager", True),
    ],
)
def test_who_sees_the_searches_and_adds_keywords(request, client_for, laptop, persona, allowed):
    _log("macbook", 0, times=2)
    client = client_for(request.getfixturevalue(persona))
    page = client.get(INSIGHTS)
    added = client.post(ADD, {"term": "macbook", "service": "Ordinateur portable"})
    if allowed:
        assert page.status_code == 200 and "macbook" in page.content.decode()
        assert added.status_code == 302
        assert "macbook" in ServicePage.objects.get(pk=laptop.pk).keyword_list()
    else:
        assert page.status_code == 403 and added.status_code == 403
        assert "macbook" not in ServicePage.objects.get(pk=laptop.pk).keyword_list()


def test_one_click_makes_the_next_search_find_the_service(client_for, editor, laptop):
    _log("macbook", 0, times=3)
    assert search("macbook").service_ids == []
    client = client_for(editor)
    page = client.get(INSIGHTS).content.decode()
    section = page.split('id="no-result-title"')[1].split("</section>")[0]
    assert 'name="term" value="macbook"' in section
    response = client.post(
        ADD, {"term": "macbook", "service": "Ordinateur portable", "jours": "30"}, follow=True
    )
    assert "« macbook » est désormais un mot-clé de « Ordinateur portable »." in response.content.decode()
    assert response.redirect_chain[-1][0] == f"{INSIGHTS}?jours=30"
    assert search("macbook").service_ids == [laptop.pk]
    live = ServicePage.objects.get(pk=laptop.pk)
    assert live.keywords == "PC portable, macbook" and not live.has_unpublished_changes


def test_a_service_is_proposed_for_the_searches_whose_results_nobody_opened(client_for, editor, laptop):
    _log("ordinateur", 1, times=2)
    page = client_for(editor).get(INSIGHTS).content.decode()
    section = page.split('id="no-click-title"')[1].split("</section>")[0]
    assert 'name="service" list="service-titles" value="Ordinateur portable"' in section


def test_adding_a_keyword_keeps_an_editors_pending_draft(editor, laptop):
    draft = laptop.get_latest_revision_as_object()
    draft.promise = "Une nouvelle promesse, pas encore publiée."
    draft.save_revision(user=editor)
    assert add_keyword(service=laptop, term="ultrabook", user=editor)
    page = ServicePage.objects.get(pk=laptop.pk)
    assert "ultrabook" in page.keyword_list() and page.promise != draft.promise  # live: keyword only
    latest = page.get_latest_revision_as_object()
    assert page.has_unpublished_changes
    assert (
        latest.promise == "Une nouvelle promesse, pas encore publiée."
        and "ultrabook" in latest.keyword_list()
    )
    assert not add_keyword(service=page, term="ULTRABOOK", user=editor)  # already there


def test_a_bad_keyword_form_says_why(client_for, editor, laptop):
    client = client_for(editor)
    response = client.post(ADD, {"term": "macbook", "service": "Service inconnu"}, follow=True)
    assert "Aucun service du catalogue ne s’appelle « Service inconnu »." in response.content.decode()
    response = client.post(ADD, {"term": "  ", "service": "Ordinateur portable"}, follow=True)
    assert "Indiquez les mots à ajouter comme mot-clé." in response.content.decode()
    assert ServicePage.objects.get(pk=laptop.pk).keywords == "PC portable"


def _insight_queries(client) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        assert client.get(INSIGHTS).status_code == 200
    return len(context.captured_queries)


def test_the_insights_page_runs_a_constant_number_of_queries(client_for, editor, laptop):
    client = client_for(editor)
    for i in range(3):
        _log(f"recherche {i}", i % 2, times=2)
    client.get(INSIGHTS)  # builds the search index
    few = _insight_queries(client)
    for i in range(3, 80):
        _log(f"recherche {i}", i % 2, times=2)
    assert _insight_queries(client) == few


def test_editors_and_relationship_managers_get_a_navigation_entry(
    client_for, editor, user_a, relationship_manager
):
    assert f'href="{INSIGHTS}"' in client_for(editor).get("/mon-profil/").content.decode()
    assert f'href="{INSIGHTS}"' in client_for(relationship_manager).get("/mon-profil/").content.decode()
    assert f'href="{INSIGHTS}"' not in client_for(user_a).get("/mon-profil/").content.decode()
