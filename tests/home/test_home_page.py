import re

import pytest
from django.urls import reverse


def nav_labels(html: str) -> list[str]:
    nav = re.search(r'<nav class="main-nav"[^>]*>(.*?)</nav>', html, re.S)
    assert nav, "the page has no main navigation"
    return re.findall(r"<a [^>]*>([^<]+)</a>", nav.group(1))


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_login_page_is_french_by_default_and_has_landmarks(client):
    html = client.get(reverse("login")).content.decode()
    assert '<html lang="fr">' in html
    assert "Connexion à Relais DSI" in html
    for landmark in ('role="banner"', '<main id="main"', 'role="contentinfo"', 'class="skip-link"'):
        assert landmark in html
    assert '<label for="id_username">' in html


@pytest.mark.django_db
def test_language_switch_turns_the_interface_to_english(client, user_a):
    client.force_login(user_a)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "My profile" in html


@pytest.mark.django_db
def test_business_user_sees_the_business_navigation_and_their_entity(client, user_a):
    client.force_login(user_a)
    html = client.get("/").content.decode()
    labels = nav_labels(html)
    assert labels[:2] == ["Accueil", "Mon profil"]
    assert "Annuaire clients" not in labels and "Administration" not in labels
    assert "Bienvenue Alice Martin : Ventes Grands Comptes, Direction Commerciale." in html


@pytest.mark.django_db
def test_relationship_manager_sees_directory_and_back_office(client, relationship_manager):
    client.force_login(relationship_manager)
    labels = nav_labels(client.get("/").content.decode())
    assert {"Accueil", "Mon profil", "Annuaire clients", "Administration"} <= set(labels)


@pytest.mark.django_db
def test_cio_sees_the_directory_but_not_the_back_office(client, cio):
    client.force_login(cio)
    labels = nav_labels(client.get("/").content.decode())
    assert {"Accueil", "Annuaire clients"} <= set(labels)
    assert "Administration" not in labels


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["product_manager", "editor"])
def test_product_managers_and_editors_reach_the_back_office(client, persona, request):
    client.force_login(request.getfixturevalue(persona))
    labels = nav_labels(client.get("/").content.decode())
    assert "Administration" in labels and "Annuaire clients" not in labels


@pytest.mark.django_db
def test_current_page_is_marked_for_assistive_technology(client, user_a):
    client.force_login(user_a)
    html = client.get(reverse("directory:my_profile")).content.decode()
    assert re.search(r'<a href="/mon-profil/" aria-current="page">Mon profil</a>', html)


@pytest.mark.django_db
def test_french_is_shown_even_to_an_english_browser(client):
    html = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="fr">' in html
