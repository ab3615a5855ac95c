"""Downloading printed documents: per role, cached until publication, full catalogue built by a task."""

import pytest
from django.urls import reverse

from catalogue.models import PrintedDocument, PrintStatus
from tests.catalogue.conftest import make_service
from tests.catalogue.print_helpers import build_catalogue, pdf_pages
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def content(catalogue_index, product_manager):
    return build_catalogue(catalogue_index, families=2, per_family=2, product_manager=product_manager)


def _pdf(response) -> bytes:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_anonymous_visitors_are_sent_to_login(client, content):
    for url in (
        reverse("catalogue:print", args=["poster"]),
        reverse("catalogue:print_sheet", args=["SRV-0-0"]),
        reverse("catalogue:print_draft_sheet", args=["SRV-0-0"]),
        reverse("catalogue:print_status", args=["catalogue"]),
        reverse("catalogue:print_draft", args=["catalogue"]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert not PrintedDocument.objects.exists()


@pytest.mark.parametrize("kind", ["catalogue", "poster"])
def test_long_documents_are_built_in_the_background_with_progress_then_served(
    client_for, user_a, content, django_capture_on_commit_callbacks, kind
):
    client = client_for(user_a)
    url = reverse("catalogue:print", args=[kind])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.get(url)
    # The request only enqueued the build: the user sees a progress page that polls the same address.
    assert response.status_code == 202
    html = response.content.decode()
    assert "<progress" in html and f'content="3;url={url}"' in html
    assert len(callbacks) == 1
    state = client.get(reverse("catalogue:print_status", args=[kind])).json()
    assert state["status"] == PrintStatus.PENDING and state["ready"] is False
    with django_capture_on_commit_callbacks(execute=False) as again:
        assert client.get(url).status_code == 202
    assert again == []  # one build per content version, however many people ask

    callbacks[0]()  # the worker runs the task (immediate backend in tests)

    state = client.get(reverse("catalogue:print_status", args=[kind])).json()
    assert state == {**state, "status": "ready", "progress": 100, "ready": True}
    text = " ".join(pdf_pages(_pdf(client.get(url))))
    for service in content["services"]:
        assert service.title in text
    assert "Service caché jamais publié" not in text


def test_pdf_is_cached_until_a_service_is_published(client_for, user_a, content, catalogue_index):
    client = client_for(user_a)
    url = reverse("catalogue:print_sheet", args=["SRV-0-1"])
    first = pdf_pages(_pdf(client.get(url)))[0]
    document = PrintedDocument.objects.get(kind="sheet", service_code="SRV-0-1")
    built_at, name = document.built_at, document.file.name
    _pdf(client.get(url))
    document.refresh_from_db()
    assert (document.built_at, document.file.name) == (built_at, name)  # served from the cache

    # Publishing a service invalidates the cache: the next download shows the new revision.
    assert "Une promesse claire" in first
    service = content["services"][1]
    service.promise = "Promesse republiée"
    service.save_revision().publish()
    second = pdf_pages(_pdf(client.get(url)))[0]
    assert "Promesse republiée" in second and "Une promesse claire" not in second
    document.refresh_from_db()
    assert document.built_at > built_at
    assert not document.file.storage.exists(name)  # the stale file is removed


def test_every_logged_in_user_downloads_published_documents(
    client_for, content, user_a, product_manager, editor
):
    for user in (user_a, product_manager, editor):
        client = client_for(user)
        assert "Service publié 1-1" in " ".join(
            pdf_pages(_pdf(client.get(reverse("catalogue:print_sheet", args=["SRV-1-1"]))))
        )
        leaflet = " ".join(pdf_pages(_pdf(client.get(reverse("catalogue:print", args=["leaflet"])))))
        assert "relais-dsi@groupe-aurelia.fr" in leaflet


def test_unpublished_service_has_no_sheet_and_unknown_kinds_404(client_for, user_a, editor, content):
    for user in (user_a, editor):
        client = client_for(user)
        assert client.get(reverse("catalogue:print_sheet", args=["SRV-HIDDEN"])).status_code == 404
        assert client.get(reverse("catalogue:print_sheet", args=["NOPE"])).status_code == 404
        assert client.get(reverse("catalogue:print", args=["sheet"])).status_code == 404
        assert client.get(reverse("catalogue:print", args=["brochure"])).status_code == 404


@pytest.fixture
def drafted(content):
    """A published service with a newer, unpublished revision."""
    service = content["services"][0]
    service.title = "Titre en brouillon"
    service.promise = "Promesse pas encore publiée"
    service.save_revision()
    return service


def test_draft_sheet_preview_per_role(client_for, drafted, content, user_a, product_manager, editor):
    url = reverse("catalogue:print_draft_sheet", args=[drafted.code])
    other_pm = make_user("paula", "product_managers")
    assert client_for(user_a).get(url).status_code == 403
    assert client_for(other_pm).get(url).status_code == 403  # not the services they manage
    for user in (editor, product_manager):  # product_manager manages every service of the fixture
        text = " ".join(pdf_pages(_pdf(client_for(user).get(url))))
        assert "Titre en brouillon" in text and "Promesse pas encore publiée" in text and "Brouillon" in text
    # Everybody's published sheet still shows the published revision.
    published = " ".join(
        pdf_pages(_pdf(client_for(user_a).get(reverse("catalogue:print_sheet", args=[drafted.code]))))
    )
    assert "Service publié 0-0" in published and "Titre en brouillon" not in published


def test_editor_previews_the_sheet_of_a_never_published_service(client_for, editor, user_a, content):
    url = reverse("catalogue:print_draft_sheet", args=["SRV-HIDDEN"])
    assert "Service caché jamais publié" in " ".join(pdf_pages(_pdf(client_for(editor).get(url))))
    assert client_for(user_a).get(url).status_code == 403


def test_download_links_on_catalogue_pages(client_for, user_a, content, catalogue_index):
    client = client_for(user_a)
    index_html = client.get(catalogue_index.url).content.decode()
    for kind in ("catalogue", "poster", "leaflet"):
        assert f'href="{reverse("catalogue:print", args=[kind])}"' in index_html
    service_html = client.get(content["services"][0].url).content.decode()
    assert f'href="{reverse("catalogue:print_sheet", args=["SRV-0-0"])}"' in service_html


def test_back_office_page_lists_documents_for_admin_roles(
    client_for, content, user_a, editor, product_manager, django_assert_max_num_queries
):
    url = reverse("catalogue_print_admin")
    assert client_for(user_a).get(url).status_code in (302, 403)
    html = client_for(editor).get(url).content.decode()
    assert reverse("catalogue:print", args=["catalogue"]) in html
    assert reverse("catalogue:print_draft_sheet", args=["SRV-HIDDEN"]) in html
    for kind in ("catalogue", "poster", "leaflet"):
        assert reverse("catalogue:print_draft", args=[kind]) in html
    client = client_for(product_manager)
    with django_assert_max_num_queries(40) as small:
        client.get(url)
    for i in range(30):
        make_service(content["families"][1], code=f"BULK-{i}", title=f"Vrac {i}", fast=True)
    with django_assert_max_num_queries(len(small.captured_queries)):
        html = client.get(url).content.decode()
    assert reverse("catalogue:print_sheet", args=["BULK-1"]) in html


# --- Draft previews of the catalogue, the poster and the leaflet (editors only) --------------------


@pytest.fixture
def pending(drafted, content):
    """Besides `drafted`: a service never published, and a family renamed in a draft."""
    family = content["families"][1]
    family.title = "Famille renommée en brouillon"
    family.save_revision()
    return drafted


@pytest.mark.parametrize("kind", ["catalogue", "poster", "leaflet"])
def test_only_editors_preview_drafts_of_shared_documents(
    client_for, pending, content, user_a, product_manager, relationship_manager, cio, kind
):
    url = reverse("catalogue:print_draft", args=[kind])
    other_pm = make_user("paula", "product_managers")
    # The product manager of every service here still may not see the whole catalogue's pending work.
    for user in (user_a, product_manager, other_pm, relationship_manager, cio):
        assert client_for(user).get(url).status_code == 403, user
    assert not PrintedDocument.objects.exists()  # nothing was built for them


def test_editor_previews_the_draft_catalogue_built_in_the_background(
    client_for, editor, user_a, pending, django_capture_on_commit_callbacks
):
    client = client_for(editor)
    url = reverse("catalogue:print_draft", args=["catalogue"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.get(url)
    assert response.status_code == 202 and "<progress" in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    assert len(callbacks) == 1
    callbacks[0]()  # the worker builds it

    response = client.get(url)
    assert response["Cache-Control"] == "private, no-store"
    assert "brouillon-catalogue-services-dsi.pdf" in response["Content-Disposition"]
    pages = pdf_pages(_pdf(response))
    assert all("BROUILLON · Aperçu" in page for page in pages)
    text = " ".join(pages)
    assert "Titre en brouillon" in text and "Service caché jamais publié" in text
    assert "Famille renommée en brouillon" in text

    # The published catalogue's cache is untouched: nothing built, then built from published content.
    assert (
        client_for(user_a).get(reverse("catalogue:print_status", args=["catalogue"])).json()["status"]
        == "absent"
    )
    published_document = PrintedDocument.objects.filter(kind="catalogue", draft=False)
    assert not published_document.exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert client_for(user_a).get(reverse("catalogue:print", args=["catalogue"])).status_code == 202
    published = " ".join(
        pdf_pages(_pdf(client_for(user_a).get(reverse("catalogue:print", args=["catalogue"]))))
    )
    assert "Titre en brouillon" not in published and "Service caché jamais publié" not in published
    assert "BROUILLON" not in published and "Service publié 0-0" in published
    assert PrintedDocument.objects.filter(kind="catalogue").count() == 2


def test_draft_preview_follows_each_new_revision(client_for, editor, pending, content):
    client = client_for(editor)
    url = reverse("catalogue:print_draft", args=["leaflet"])  # quick: built within the request
    assert "Famille renommée en brouillon" in " ".join(pdf_pages(_pdf(client.get(url))))
    family = content["families"][1]
    family.title = "Famille renommée une deuxième fois"
    family.save_revision()
    text = " ".join(pdf_pages(_pdf(client.get(url))))
    assert "Famille renommée une deuxième fois" in text and "Famille renommée en brouillon" not in text


def test_draft_previews_exist_for_shared_documents_only(client_for, editor, content):
    client = client_for(editor)
    for kind in ("sheet", "brochure"):
        assert client.get(reverse("catalogue:print_draft", args=[kind])).status_code == 404


def test_back_office_offers_draft_previews_to_editors_only(client_for, content, editor, product_manager):
    url = reverse("catalogue_print_admin")
    draft_url = reverse("catalogue:print_draft", args=["poster"])
    assert draft_url in client_for(editor).get(url).content.decode()
    assert draft_url not in client_for(product_manager).get(url).content.decode()
