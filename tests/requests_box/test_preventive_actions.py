"""The register of preventive actions on the portal: who may read it, what it shows, filters, queries."""

import datetime as dt

import pytest
from django.urls import reverse

from requests_box import services, workflow
from requests_box.models import ComplaintCause, Kind, PreventiveAction

pytestmark = pytest.mark.django_db
REGISTER = reverse("requests_box:preventive_actions")


def complaint(rm, subject, cause, sender="alice@groupe-aurelia.fr"):
    request = services.create_request(
        channel="email", subject=subject, text="x", sender_email=sender, acknowledge=False
    )
    return workflow.qualify(request, actor=rm, kind=Kind.RECLAMATION, cause=cause)


@pytest.fixture
def register(relationship_manager, user_a):
    rm = relationship_manager
    late, quality = ComplaintCause.objects.create(name="Délai"), ComplaintCause.objects.create(name="Qualité")
    weekly = PreventiveAction.objects.create(
        title="Point hebdomadaire des incidents", owner=rm, decided_on=dt.date(2026, 3, 2)
    )
    weekly.complaints.set([complaint(rm, "Incident encore", late), complaint(rm, "Toujours en panne", late)])
    training = PreventiveAction.objects.create(
        title="Formation à l'accueil",
        description="Pour le centre d'appels",
        done=True,
        decided_on=dt.date(2026, 1, 15),
    )
    training.complaints.set([complaint(rm, "Mal reçu", quality)])
    return {"weekly": weekly, "training": training, "late": late, "quality": quality}


@pytest.mark.parametrize("persona", ["user_a", "correspondent_a", "product_manager", "team_member", "editor"])
def test_only_relationship_managers_and_the_cio_read_the_register(request, client_for, persona, register):
    response = client_for(request.getfixturevalue(persona)).get(REGISTER)
    assert response.status_code == 403


def test_the_cio_reads_the_register_without_the_mailbox_links(client_for, cio, register):
    page = client_for(cio).get(REGISTER).content.decode()
    assert register["weekly"].title in page
    assert f'href="{reverse("requests_box:mailbox_home")}"' not in page


def test_the_register_shows_each_action_with_its_complaints(client_for, relationship_manager, register):
    response = client_for(relationship_manager).get(REGISTER)
    assert response.status_code == 200
    actions = list(response.context["page"].object_list)
    assert [a.title for a in actions] == ["Point hebdomadaire des incidents", "Formation à l'accueil"]
    html = response.content.decode()
    for item in register["weekly"].complaints.all():
        assert item.reference in html and item.get_absolute_url() in html
    assert "Toujours en panne" in html and "Mal reçu" in html


def test_the_register_filters(client_for, relationship_manager, register):
    client = client_for(relationship_manager)

    def titles(**params):
        return [a.title for a in client.get(REGISTER, params).context["page"].object_list]

    assert titles(done="true") == ["Formation à l'accueil"]
    assert titles(cause=register["late"].pk) == ["Point hebdomadaire des incidents"]
    assert titles(q="accueil") == ["Formation à l'accueil"]
    assert titles(decided_after="2026-02-01") == ["Point hebdomadaire des incidents"]
    assert titles(owner=relationship_manager.pk) == ["Point hebdomadaire des incidents"]
    # Bad input: the form says so, nothing breaks.
    response = client.get(REGISTER, {"decided_after": "pas une date"})
    assert response.status_code == 200 and response.context["filter"].errors


@pytest.mark.parametrize("size", [3, 30])
def test_the_register_runs_a_constant_number_of_queries(
    client_for, relationship_manager, django_assert_max_num_queries, size
):
    rm = relationship_manager
    cause = ComplaintCause.objects.create(name="Délai")
    complaints = [complaint(rm, f"Plainte {n}", cause) for n in range(size)]
    for n in range(size):
        action = PreventiveAction.objects.create(title=f"Action {n}", owner=rm)
        action.complaints.set(complaints[n : n + 3])
    client = client_for(rm)
    with django_assert_max_num_queries(15):
        response = client.get(REGISTER)
    assert response.status_code == 200 and response.context["page"].paginator.count == size


def test_a_complaint_page_lists_the_preventive_actions_it_motivated(
    client_for, relationship_manager, register
):
    weekly_complaint = register["weekly"].complaints.get(subject="Incident encore")
    html = client_for(relationship_manager).get(weekly_complaint.get_absolute_url()).content.decode()
    assert "Actions préventives qu’elle a motivées" in html
    assert "Point hebdomadaire des incidents" in html and "Formation à l&#x27;accueil" not in html
    # A complaint that motivated nothing says so.
    other = complaint(relationship_manager, "Nouvelle réclamation", register["late"])
    html = client_for(relationship_manager).get(other.get_absolute_url()).content.decode()
    assert "Aucune pour l’instant" in html and "Point hebdomadaire des incidents" not in html
