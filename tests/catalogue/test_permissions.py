"""Who may do what with catalogue pages in the back office."""

import pytest
from wagtail.models import Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from catalogue.models import ServicePage
from tests.catalogue.conftest import make_service


@pytest.fixture
def own_and_other_services(family, product_manager):
    own = make_service(family, code="OWN", product_manager=product_manager)
    other = make_service(family, code="OTHER")
    return own, other


def test_product_manager_edits_their_own_services_but_not_others(own_and_other_services, product_manager):
    own, other = own_and_other_services
    assert own.permissions_for_user(product_manager).can_edit()
    assert not other.permissions_for_user(product_manager).can_edit()
    # They submit for moderation; editors publish.
    assert not own.permissions_for_user(product_manager).can_publish()


def test_product_manager_opens_the_edit_screen_of_their_service_only(
    client_for, own_and_other_services, product_manager
):
    own, other = own_and_other_services
    client = client_for(product_manager)
    assert client.get(f"/admin/pages/{own.pk}/edit/").status_code == 200
    assert client.get(f"/admin/pages/{other.pk}/edit/").status_code in (302, 403)


def test_editor_edits_and_publishes_every_catalogue_page(
    own_and_other_services, editor, catalogue_index, family
):
    for page in (catalogue_index, family, *own_and_other_services):
        permissions = page.permissions_for_user(editor)
        assert permissions.can_edit() and permissions.can_publish(), page.title


def test_editor_can_add_a_service_through_the_admin(client_for, editor, family):
    client = client_for(editor)
    url = f"/admin/pages/add/catalogue/servicepage/{family.pk}/"
    data = nested_form_data(
        {
            "title": "Nouveau service",
            "slug": "nouveau-service",
            "code": "NOUV",
            "promise": "Une promesse.",
            "maturity": "nouveau",
            "benefits": inline_formset([{"text": "Un bénéfice", "need": "confort"}]),
            "strong_points": inline_formset([]),
            "related_services": inline_formset([]),
            "how_to_ask": rich_text("<p>Cliquez sur le bouton.</p>"),
            "details": rich_text(""),
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    service = ServicePage.objects.get(code="NOUV")
    assert not service.live  # a draft until published or approved
    assert [b.text for b in service.get_latest_revision_as_object().benefits.all()] == ["Un bénéfice"]


def test_business_user_and_cio_cannot_edit_catalogue_pages(own_and_other_services, user_a, cio, client_for):
    own, _other = own_and_other_services
    for user in (user_a, cio):
        assert not own.permissions_for_user(user).can_edit()
        assert client_for(user).get(f"/admin/pages/{own.pk}/edit/").status_code in (302, 403)


def test_editors_approve_in_the_default_moderation_workflow(catalogue_index):
    workflow = Page.objects.get(pk=catalogue_index.pk).get_workflow()
    if workflow is None:
        pytest.skip("no default workflow on this database")
    groups = {g.name for task in workflow.tasks.all() for g in task.specific.groups.all()}
    assert "editors" in groups
