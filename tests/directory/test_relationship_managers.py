"""Each directorate's relationship manager (and backup): edited in the back office, found by
`relationship_manager_for` from an entity or a directorate."""

import pytest
from django.urls import reverse

from directory.selectors import relationship_manager_for
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def test_the_manager_then_the_backup_then_nobody(directorate_a, entity_a, relationship_manager):
    backup = make_user("marc", "relationship_managers", first_name="Marc", last_name="Girard")
    assert relationship_manager_for(entity_a) is None and relationship_manager_for(None) is None
    directorate_a.relationship_manager, directorate_a.backup_relationship_manager = (
        relationship_manager,
        backup,
    )
    directorate_a.save()
    entity_a.refresh_from_db()
    assert relationship_manager_for(entity_a) == relationship_manager
    assert relationship_manager_for(directorate_a) == relationship_manager
    relationship_manager.is_active = False  # left the company: the backup stands in
    relationship_manager.save()
    entity_a.refresh_from_db()
    assert relationship_manager_for(entity_a) == backup


def test_the_back_office_sets_them_among_the_relationship_managers(
    client_for, directorate_a, relationship_manager, product_manager
):
    client = client_for(relationship_manager)
    url = reverse("wagtailsnippets_directory_directorate:edit", args=[directorate_a.pk])
    form = client.get(url)
    assert form.status_code == 200
    choices = form.context["form"].fields["relationship_manager"].queryset
    assert relationship_manager in choices and product_manager not in choices
    response = client.post(
        url,
        {"code": "DCOM", "name": "Direction Commerciale", "relationship_manager": relationship_manager.pk},
    )
    assert response.status_code == 302
    directorate_a.refresh_from_db()
    assert directorate_a.relationship_manager == relationship_manager
    assert directorate_a.backup_relationship_manager is None
