"""A retired service has left the catalogue: hidden from the web catalogue, search, suggestions and every
printed document; the editors find it listed as retired in the back office."""

import pytest
from django.urls import reverse

from catalogue.models import ServiceRelation
from catalogue.printing import content, render
from catalogue.search import suggest
from catalogue.wagtail_hooks import service_listing
from tests.catalogue.conftest import make_family, make_service
from tests.catalogue.print_helpers import pdf_pages

RETIRED = "Télécopie"


@pytest.fixture
def offer(catalogue_index):
    family = make_family(catalogue_index, code="TEL", title="Téléphonie")
    active = make_service(family, code="MOBILE", title="Smartphone professionnel", promise="Un smartphone.")
    retired = make_service(family, code="FAX", title=RETIRED, promise="Envoyer des fax.", maturity="retire")
    active.related_services = [ServiceRelation(service=retired)]
    active.save_revision().publish()
    return {"family": family, "active": active, "retired": retired}


def test_hidden_from_the_web_catalogue(client_for, user_a, offer):
    client = client_for(user_a)
    for url in ("/catalogue/", offer["family"].url, "/catalogue/parcourir/", offer["active"].url):
        html = client.get(url).content.decode()
        assert RETIRED not in html, url
    assert "1 service" in client.get("/catalogue/").content.decode()  # the family's count
    assert client.get(offer["retired"].url).status_code == 404


def test_hidden_from_search_and_suggestions(client_for, user_a, offer):
    html = client_for(user_a).get("/catalogue/parcourir/", {"q": "télécopie fax"}).content.decode()
    assert "Aucun service du catalogue ne correspond" in html and RETIRED not in html
    assert [s.label for s in suggest("téléc")] == []


def test_no_retired_maturity_to_filter_on(client_for, user_a, offer):
    html = client_for(user_a).get("/catalogue/parcourir/", {"maturity": "retire"}).content.decode()
    assert 'value="retire"' not in html and RETIRED not in html


def test_hidden_from_every_printed_document(client_for, user_a, editor, offer):
    for draft in (False, True):
        catalogue = content.catalogue_context(draft=draft)
        assert [s.code for s in catalogue["services_index"]] == ["MOBILE"]
        assert [s.code for o in catalogue["synopsis"] for s in o.services] == ["MOBILE"]
        assert [s.code for o in content.poster_context(draft=draft)["synopsis"] for s in o.services] == [
            "MOBILE"
        ]
        assert content.leaflet_context(draft=draft)["service_count"] == 1
    assert client_for(user_a).get(reverse("catalogue:print_sheet", args=["FAX"])).status_code == 404
    assert client_for(editor).get(reverse("catalogue:print_draft_sheet", args=["FAX"])).status_code == 404
    poster, _pages = render.render_poster()
    text = " ".join(pdf_pages(poster))
    assert "Smartphone professionnel" in text and RETIRED not in text


def test_a_service_retired_in_a_draft_leaves_the_draft_previews(editor, offer):
    draft = offer["active"].get_latest_revision_as_object()
    draft.maturity = "retire"
    draft.save_revision(user=editor)
    assert content.catalogue_context(draft=True)["service_count"] == 0
    assert content.catalogue_context(draft=False)["service_count"] == 1  # still offered until published


def test_editors_find_the_retired_services_listed(client_for, editor, product_manager, user_a, offer):
    url = reverse(service_listing.get_url_name("index")) + "?maturity=retire"
    client = client_for(editor)
    html = client.get(url).content.decode()
    assert RETIRED in html and "Smartphone professionnel" not in html
    menu = client.get(reverse("wagtailadmin_home")).content.decode()  # the sidebar, as JSON
    assert "Services retir\\u00e9s" in menu and "maturity=retire" in menu
    assert client_for(user_a).get(url).status_code in (302, 403)


def test_not_offered_when_asking_for_something(client_for, user_a, offer):
    html = client_for(user_a).get(reverse("requests_box:new_request")).content.decode()
    assert "Smartphone professionnel" in html and RETIRED not in html
    response = client_for(user_a).post(
        reverse("requests_box:new_request"),
        {"service": "FAX", "subject": "Un fax", "description": "Envoyer un fax."},
    )
    assert response.status_code == 200  # refused, the form shown again with what was typed
    assert "Un fax" in response.content.decode()


def test_a_request_already_on_a_retired_service_keeps_it(offer):
    from requests_box.forms import PanelForm

    assert "FAX" not in {s.code for s in PanelForm(manager=False).fields["service"].queryset}
    kept = PanelForm(manager=False, keep_service=offer["retired"].pk).fields["service"].queryset
    assert {s.code for s in kept} == {"MOBILE", "FAX"}
