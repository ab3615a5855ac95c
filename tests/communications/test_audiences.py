"""Audiences: filters on the directory, exclusions and unsubscriptions, members shown before use."""

import pytest
from django.urls import reverse

from communications import audiences, unsubscribe
from communications.models import Audience
from directory.models import ClientType, ContactRole, Segment

pytestmark = pytest.mark.django_db


def names(queryset):
    return sorted(c.first_name for c in queryset)


def test_a_directorate_audience_reaches_the_active_contacts_of_that_directorate(audience_a, people):
    people["corinne"].is_active = False
    people["corinne"].save()
    assert names(audiences.members(audience_a)) == ["Alice", "Denis"]


def test_filters_combine_role_segment_and_client_type(people):
    audience = Audience.objects.create(
        name="Décideurs cœur de cible", roles=[ContactRole.DECIDEUR], segments=[Segment.COEUR_DE_CIBLE]
    )
    assert names(audiences.members(audience)) == ["Denis"]
    audience.client_types = [ClientType.FONCTIONNELLE]
    audience.save()
    assert names(audiences.members(audience)) == []
    audience.roles, audience.segments = [], []
    audience.save()
    assert names(audiences.members(audience)) == ["Bruno"]


def test_subscribers_of_a_service_or_of_its_family(people, service, family, subscription):
    by_service = Audience.objects.create(name="Abonnés visio")
    by_service.services.add(service)
    by_family = Audience.objects.create(name="Abonnés poste")
    by_family.families.add(family)
    assert names(audiences.members(by_service)) == ["Bruno"]
    assert names(audiences.members(by_family)) == ["Bruno"]
    subscription.end = subscription.start.replace(year=2025, month=6)
    subscription.save()
    assert names(audiences.members(by_service)) == []


def test_excluded_contacts_and_unsubscribed_ones_are_left_out(audience_a, people):
    audiences.exclude_contact(audience_a, people["denis"])
    unsubscribe.unsubscribe(contact=people["alice"], kind="lettre")
    assert names(audiences.members(audience_a)) == ["Alice", "Corinne"]
    assert names(audiences.members(audience_a, kind="lettre")) == ["Corinne"]
    assert names(audiences.members(audience_a, kind="annonce")) == ["Alice", "Corinne"]
    summary = audiences.summarise(audience_a, kind="lettre")
    assert (summary.size, summary.unsubscribed, summary.excluded) == (1, 1, 1)


def test_the_summary_names_contacts_without_a_valid_address(audience_a, people):
    people["denis"].email = "denis-sans-arobase"
    people["denis"].save()
    summary = audiences.summarise(audience_a)
    assert summary.invalid_count == 1 and summary.invalid[0].first_name == "Denis"


def test_the_relationship_manager_sees_the_members_and_excludes_one(
    client, relationship_manager, audience_a, people, django_assert_max_num_queries
):
    client.force_login(relationship_manager)
    url = reverse("communications:audience_detail", args=[audience_a.pk])
    with django_assert_max_num_queries(20):
        response = client.get(url)
    body = response.content.decode()
    assert "3 membres" in body and "Denis Leroy" in body and "Bruno" not in body
    response = client.post(
        reverse("communications:audience_exclude", args=[audience_a.pk]), {"contact": people["denis"].pk}
    )
    assert response.status_code == 302
    assert names(audiences.members(audience_a)) == ["Alice", "Corinne"]


def test_the_audience_page_keeps_its_query_count_with_many_members(
    client, relationship_manager, audience_a, entity_a, django_assert_max_num_queries
):
    from directory.models import Contact

    Contact.objects.bulk_create(
        Contact(email=f"c{i}@groupe-aurelia.fr", first_name="C", last_name=f"{i:03}", entity=entity_a)
        for i in range(120)
    )
    client.force_login(relationship_manager)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("communications:audience_detail", args=[audience_a.pk])).status_code == 200


def test_the_editor_may_not_see_an_audience_s_members(client, editor, audience_a):
    client.force_login(editor)
    assert client.get(reverse("communications:audience_detail", args=[audience_a.pk])).status_code == 403
