import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from directory.models import ClientType, Contact, Entity
from directory.selectors import contact_for_user
from tests.conftest import make_user


@pytest.mark.django_db
def test_contact_is_matched_to_a_logged_in_user_by_email_whatever_the_case(client, entity_a):
    contact = Contact.objects.create(
        email="Jeanne.Dupont@Groupe-Aurelia.fr", first_name="Jeanne", last_name="Dupont", entity=entity_a
    )
    assert contact.email == "jeanne.dupont@groupe-aurelia.fr"
    User.objects.create_user("jdupont", email="JEANNE.DUPONT@groupe-aurelia.fr", password="pw")
    assert client.login(username="jdupont", password="pw")
    contact.refresh_from_db()
    assert contact.user.username == "jdupont"
    html = client.get(reverse("directory:my_profile")).content.decode()
    assert "Ventes Grands Comptes" in html and "Direction Commerciale" in html


@pytest.mark.django_db
def test_user_without_a_contact_is_told_how_they_will_be_linked(client, entity_a):
    user = make_user("nobody", email="inconnu@ailleurs.fr")
    assert contact_for_user(user) is None
    client.force_login(user)
    html = client.get(reverse("directory:my_profile")).content.decode()
    assert "inconnu@ailleurs.fr" in html
    assert "expéditeur inconnu" in html


@pytest.mark.django_db
def test_two_contacts_cannot_share_an_address_in_different_case(entity_a):
    from django.db import IntegrityError

    Contact.objects.create(email="a.b@x.fr", first_name="A", last_name="B", entity=entity_a)
    with pytest.raises(IntegrityError):
        Contact.objects.create(email="A.B@X.FR", first_name="A", last_name="B", entity=entity_a)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "persona,allowed",
    [
        ("user_a", False),
        ("correspondent_a", False),
        ("product_manager", False),
        ("editor", False),
        ("relationship_manager", True),
        ("cio", True),
    ],
)
def test_directory_pages_are_for_the_relationship_manager_and_the_cio(
    client, request, persona, allowed, entity_a
):
    client.force_login(request.getfixturevalue(persona))
    for url in (reverse("directory:entity_list"), reverse("directory:entity_detail", args=[entity_a.code])):
        assert client.get(url).status_code == (200 if allowed else 403)


@pytest.mark.django_db
def test_directory_filters_by_client_type_and_search(client, relationship_manager, entity_a, entity_b):
    client.force_login(relationship_manager)
    html = client.get(
        reverse("directory:entity_list"), {"client_type": ClientType.FONCTIONNELLE}
    ).content.decode()
    assert "Paie" in html and "Ventes Grands Comptes" not in html
    html = client.get(reverse("directory:entity_list"), {"q": "grands"}).content.decode()
    assert "Ventes Grands Comptes" in html and "Paie" not in html


@pytest.mark.django_db
def test_directory_list_runs_a_constant_number_of_queries(
    client, relationship_manager, directorate_a, django_assert_max_num_queries
):
    client.force_login(relationship_manager)
    for i in range(40):
        entity = Entity.objects.create(
            code=f"E{i}", name=f"Entité {i}", directorate=directorate_a, client_type=ClientType.METIER
        )
        Contact.objects.create(email=f"c{i}@x.fr", first_name="C", last_name=str(i), entity=entity)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("directory:entity_list"))
    assert response.content.decode().count("/annuaire/E") == 40


@pytest.mark.django_db
def test_relationship_manager_edits_contacts_in_the_back_office_with_search_and_filters(
    client, relationship_manager, entity_a, entity_b
):
    Contact.objects.create(email="zoe.blanc@x.fr", first_name="Zoé", last_name="Blanc", entity=entity_a)
    Contact.objects.create(email="paul.noir@x.fr", first_name="Paul", last_name="Noir", entity=entity_b)
    client.force_login(relationship_manager)
    url = reverse("wagtailsnippets_directory_contact:list")
    html = client.get(url, {"q": "blanc"}).content.decode()
    assert "zoe.blanc@x.fr" in html and "paul.noir@x.fr" not in html
    html = client.get(url, {"entity__directorate": entity_b.directorate_id}).content.decode()
    assert "paul.noir@x.fr" in html and "zoe.blanc@x.fr" not in html
    edit = client.get(reverse("wagtailsnippets_directory_contact:add"))
    assert edit.status_code == 200


@pytest.mark.django_db
def test_business_user_cannot_open_the_back_office(client, user_a):
    client.force_login(user_a)
    response = client.get(reverse("wagtailsnippets_directory_contact:list"))
    assert response.status_code in (302, 403)
    assert (
        response.status_code == 403
        or "/admin/login" in response["Location"]
        or "connexion" in response["Location"]
    )


def test_correspondents_find_their_directorate_indicators_from_their_profile(
    client_for, correspondent_a, user_a
):
    html = client_for(correspondent_a).get(reverse("directory:my_profile")).content.decode()
    assert "Les indicateurs de votre direction" in html
    assert reverse("kpis:dashboard") in html
    html = client_for(user_a).get(reverse("directory:my_profile")).content.decode()
    assert "Les indicateurs de votre direction" not in html
