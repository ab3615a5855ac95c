"""The back office's company sign-in screens: role mapping, company accounts, sync runs."""

import re

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from accounts.models import DirectorySyncRun, PortalRole, RoleMapping

pytestmark = pytest.mark.django_db


@pytest.fixture
def technical_admin(client):
    admin = User.objects.create_superuser("technicien", "tech@groupe-aurelia.fr", "pw")
    client.force_login(admin)
    return client


def test_the_technical_administrator_maps_a_group_to_a_role_in_french(technical_admin):
    page = technical_admin.get(reverse("rolemapping:add")).content.decode()
    assert "Groupe de l’annuaire" in page and "Correspondant de direction" in page

    response = technical_admin.post(
        reverse("rolemapping:add"), {"group": "  GG-Relais-DSI  ", "role": PortalRole.CIO}
    )

    assert response.status_code == 302
    assert RoleMapping.objects.get().group == "GG-Relais-DSI"
    listing = technical_admin.get(reverse("rolemapping:index")).content.decode()
    assert "GG-Relais-DSI" in listing and "DSI" in listing


def test_the_same_group_cannot_be_mapped_twice_to_a_role_whatever_the_case(technical_admin):
    RoleMapping.objects.create(group="GG-Relais-RRC", role=PortalRole.RELATIONSHIP_MANAGERS)

    response = technical_admin.post(
        reverse("rolemapping:add"), {"group": "gg-relais-rrc", "role": PortalRole.RELATIONSHIP_MANAGERS}
    )

    assert response.status_code == 200  # the form again, with the error, and what was typed
    assert RoleMapping.objects.count() == 1
    assert 'value="gg-relais-rrc"' in response.content.decode()


@pytest.mark.parametrize("persona", ["relationship_manager", "editor", "product_manager"])
def test_only_the_technical_administrator_sees_the_company_sign_in_screens(client, persona, request):
    client.force_login(request.getfixturevalue(persona))

    for name in ("rolemapping:index", "rolemapping:add", "externalidentity:index", "directorysyncrun:index"):
        response = client.get(reverse(name))
        assert response.status_code in (302, 403), name
    assert "Connexion d’entreprise" not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_a_sync_run_shows_its_changes_in_french(technical_admin):
    run = DirectorySyncRun.objects.create(
        source="ldap",
        status="completed",
        counts={"contact_created": 1, "contact_deactivated": 1, "unchanged": 5},
        changes=[
            {"kind": "contact_created", "who": "Alice Martin <alice.martin@groupe-aurelia.fr>, Comptabilité"},
            {
                "kind": "contact_updated",
                "who": "Bernard Dupont",
                "fields": {"job_title": ["Chef", "Directeur"]},
            },
            {"kind": "contact_deactivated", "who": "Paul Léger <paul.leger@groupe-aurelia.fr>"},
        ],
        changes_total=4,
    )

    page = technical_admin.get(reverse("directorysyncrun:inspect", args=[run.pk])).content.decode()

    assert "Interlocuteur créé : Alice Martin" in page
    assert "Interlocuteur mis à jour : Bernard Dupont (fonction : « Chef » → « Directeur »)" in page
    assert "1 interlocuteur créé, 1 interlocuteur désactivé, 5 interlocuteurs inchangés" in page
    assert "… et 1 de plus" in page
    values = dict(re.findall(r"<dt>([^<]+)</dt>\s*<dd>\s*([^<]*?)\s*</dd>", page))
    assert values["Simulation"] == "Non" and values["Terminé le"] == "—" and values["Erreur"] == "—"


def test_sync_runs_are_never_added_or_edited_by_hand(technical_admin):
    listing = technical_admin.get(reverse("directorysyncrun:index")).content.decode()

    assert reverse("directorysyncrun:add") not in listing
    assert technical_admin.get(reverse("directorysyncrun:add")).status_code in (302, 403)
