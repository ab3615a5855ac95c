import pytest
from wagtail.models import Page

from catalogue.models import (
    CatalogueIndexPage,
    CatalogueNewsPage,
    FamilyPage,
    ServicePage,
    SynopsisPage,
)
from home.models import HomePage
from tests.catalogue.conftest import make_service


def test_the_catalogue_index_lives_at_catalogue_under_the_home_page(catalogue_index):
    assert isinstance(catalogue_index.get_parent().specific, HomePage)
    assert catalogue_index.url == "/catalogue/"
    assert catalogue_index.live


@pytest.mark.parametrize(
    ("child", "parent", "allowed"),
    [
        (CatalogueIndexPage, HomePage, True),
        (FamilyPage, CatalogueIndexPage, True),
        (SynopsisPage, CatalogueIndexPage, True),
        (CatalogueNewsPage, CatalogueIndexPage, True),
        (ServicePage, FamilyPage, True),
        (ServicePage, CatalogueIndexPage, False),
        (ServicePage, HomePage, False),
        (FamilyPage, HomePage, False),
        (FamilyPage, FamilyPage, False),
        (CatalogueNewsPage, FamilyPage, False),
        (ServicePage, ServicePage, False),
        (SynopsisPage, FamilyPage, False),
    ],
)
def test_which_page_may_live_under_which(child, parent, allowed):
    assert (parent in child.allowed_parent_page_models()) is allowed
    assert (child in parent.allowed_subpage_models()) is allowed


def test_a_second_catalogue_index_cannot_be_created(catalogue_index):
    home = catalogue_index.get_parent()
    assert not CatalogueIndexPage.can_create_at(home)


def test_a_second_synopsis_cannot_be_created(catalogue_index):
    catalogue_index.add_child(instance=SynopsisPage(title="Synopsis", slug="synopsis"))
    assert not SynopsisPage.can_create_at(catalogue_index)


def test_the_admin_refuses_a_service_directly_under_the_index(client, catalogue_index, editor):
    client.force_login(editor)
    url = f"/admin/pages/add/catalogue/servicepage/{catalogue_index.pk}/"
    response = client.get(url)
    assert response.status_code in (302, 403)
    assert response.status_code == 403 or response["Location"] == "/admin/"
    assert not ServicePage.objects.exists()


def test_the_admin_offers_families_synopsis_and_news_under_the_index(client, catalogue_index, editor):
    client.force_login(editor)
    html = client.get(f"/admin/pages/{catalogue_index.pk}/add_subpage/").content.decode()
    for model in ("familypage", "synopsispage", "cataloguenewspage"):
        assert f"/admin/pages/add/catalogue/{model}/{catalogue_index.pk}/" in html
    assert "servicepage" not in html


def test_a_service_page_knows_its_family(family):
    service = make_service(family)
    assert service.family == family
    assert Page.objects.get(pk=service.pk).get_parent().pk == family.pk
