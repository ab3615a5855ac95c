import datetime as dt
import re

import pytest

from catalogue.links import request_url_for
from catalogue.models import ServicePage, ServiceRelation
from tests.catalogue.conftest import make_service
from tests.conftest import make_user


@pytest.fixture
def printer_service(family, product_manager):
    service = make_service(
        family,
        code="IMP-MULTI",
        title="Imprimante multifonction",
        promise="Imprimer depuis n'importe quel site, sans installer de pilote.",
        needs=("finances", "environnement"),
        client_types=("metier", "filiale"),
        audience="Tous les collaborateurs",
        how_to_ask="<p>Cliquez sur <strong>Demander ce service</strong>.</p>",
        commitment_delay="Installée sous 10 jours ouvrés",
        commitment_delay_days=10,
        commitment_hours="Du lundi au vendredi, de 8 h à 18 h",
        commitment_availability="Intervention sous 8 heures ouvrées",
        details="<p>Parc de 120 appareils, pilote universel.</p>",
        maturity="mature",
        launched_on=dt.date(2019, 3, 1),
        product_manager=product_manager,
    )
    return service


def test_service_page_renders_each_structured_field_client_first(client_for, user_a, printer_service, family):
    other = make_service(family, code="IMP-BADGE", title="Impression par badge")
    printer_service.related_services = [ServiceRelation(service=other)]
    printer_service.save_revision().publish()
    html = client_for(user_a).get(printer_service.url).content.decode()

    assert "Imprimer depuis n&#x27;importe quel site, sans installer de pilote." in html
    assert "Bénéfice finances" in html and "Finances" in html and "Environnement" in html
    assert "Point fort" in html
    assert "Tous les collaborateurs" in html and "Métier" in html and "Filiale" in html
    assert "<strong>Demander ce service</strong>" in html
    assert "Installée sous 10 jours ouvrés" in html
    assert "Du lundi au vendredi, de 8 h à 18 h" in html
    assert "Intervention sous 8 heures ouvrées" in html
    assert "Parc de 120 appareils, pilote universel." in html
    assert "Thomas Moreau" in html and "thomas@groupe-aurelia.fr" in html
    assert "Mature" in html
    assert f'href="{other.url}">Impression par badge</a>' in html
    # The client's side leads; technical details come last.
    order = [
        html.index(s)
        for s in (
            "Ce que le service vous apporte",
            "Points forts",
            "Pour qui",
            "Comment le demander",
            "Nos engagements",
            "Détails",
        )
    ]
    assert order == sorted(order)


def test_the_guaranteed_answer_in_business_days_is_shown_on_the_page_and_the_sheet(
    client_for, user_a, printer_service, family
):
    from catalogue.printing import render
    from tests.catalogue.print_helpers import pdf_pages

    html = client_for(user_a).get(printer_service.url).content.decode()
    assert "<dt>Réponse garantie</dt><dd>sous 10 jours ouvrés</dd>" in html
    text = " ".join(pdf_pages(render.render("sheet", printer_service.code)[0]))
    assert "Réponse garantie" in text and "sous 10 jours ouvrés" in text
    one_day = make_service(family, code="IMP-1J", title="Toner", commitment_delay_days=1)
    assert "<dd>sous 1 jour ouvré</dd>" in client_for(user_a).get(one_day.url).content.decode()
    no_days = make_service(family, code="IMP-0", title="Papier", commitment_delay="Selon le stock")
    assert "Réponse garantie" not in client_for(user_a).get(no_days.url).content.decode()


def test_ask_button_opens_the_request_form_prefilled_with_the_service(client_for, user_a, printer_service):
    html = client_for(user_a).get(printer_service.url).content.decode()
    url = request_url_for(printer_service)
    assert url.endswith("?service=IMP-MULTI")
    assert url.startswith("/demandes/nouvelle/")
    assert re.search(rf'<a class="button" href="{re.escape(url)}">Demander ce service</a>', html)


def test_family_pictogram_and_colour_appear_on_the_service_page(client_for, user_a, printer_service):
    html = client_for(user_a).get(printer_service.url).content.decode()
    assert '<svg class="pictogram"' in html
    assert 'stroke="#8a4b00"' in html
    assert "--family-colour: #8a4b00" in html


def test_rich_text_is_sanitised_on_save_and_on_render(client_for, user_a, family):
    service = make_service(
        family,
        how_to_ask='<p onclick="steal()">Écrivez-nous<script>alert(1)</script> '
        '<a href="javascript:alert(2)">ici</a> <a href="https://intranet.example/">là</a></p>',
        details='<p><img src=x onerror="alert(3)">Détails<iframe src="https://evil.example"></iframe></p>',
    )
    stored = ServicePage.objects.get(pk=service.pk)
    for text in (stored.how_to_ask, stored.details):
        assert "script" not in text and "onclick" not in text and "onerror" not in text
        assert "javascript:" not in text and "iframe" not in text and "<img" not in text
    html = client_for(user_a).get(service.url).content.decode()
    assert "alert(" not in html
    assert '<a href="https://intranet.example/">là</a>' in html
    assert "Écrivez-nous" in html and "Détails" in html


def test_rich_text_sanitiser_also_protects_rows_written_behind_the_models_back(client_for, user_a, family):
    service = make_service(family)
    ServicePage.objects.filter(pk=service.pk).update(details='<p>Ok<script>alert("x")</script></p>')
    html = client_for(user_a).get(service.url).content.decode()
    assert 'alert("x")' not in html and "<p>Ok</p>" in html


def test_unpublished_service_page_is_not_served(client_for, user_a, family):
    service = make_service(family, publish=False)
    response = client_for(user_a).get(f"/catalogue/{family.slug}/{service.slug}/")
    assert response.status_code == 404


def test_service_page_needs_a_login(client, family):
    service = make_service(family)
    response = client.get(service.url)
    assert response.status_code == 302
    assert "/connexion/" in response["Location"]


def test_product_manager_owns_the_services_assigned_to_them(family):
    manager = make_user("paul", "product_managers")
    service = make_service(family, product_manager=manager)
    assert ServicePage.objects.get(pk=service.pk).owner == manager
