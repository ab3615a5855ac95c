"""The triage screen (queues, filters, bulk actions, constant queries) and the routing rules."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from requests_box import routing, services, workflow
from requests_box.intake.intake import Intake
from requests_box.models import EventKind, Kind, Request, RoutingRule, Status
from tests.requests_box.mails import build_mail
from tests.requests_box.test_views import service  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db
TRIAGE = reverse("requests_box:triage")


def new_request(subject="Demande", **extra) -> Request:
    return services.create_request(
        channel="email",
        subject=subject,
        text="Bonjour",
        sender_email=extra.pop("sender_email", "alice@groupe-aurelia.fr"),
        acknowledge=False,
        **extra,
    )


def refs(response) -> list[str]:
    return [r.reference for r in response.context["page"].object_list]


@pytest.mark.parametrize("persona", ["user_a", "correspondent_a", "product_manager", "cio", "editor"])
def test_only_relationship_managers_triage(request, client_for, persona):
    target = new_request()
    client = client_for(request.getfixturevalue(persona))
    assert client.get(TRIAGE).status_code == 403
    assert client.post(TRIAGE, {"action": "assign", "selected": [target.pk]}).status_code == 403
    assert client.get(reverse("requests_box:rule_test")).status_code == 403
    action = reverse("requests_box:request_action", args=[target.reference])
    assert client.post(action, {"action": "status", "status-status": "in_progress"}).status_code in (403, 404)
    target.refresh_from_db()
    assert target.status == Status.NEW and target.assignee is None


def test_queues_hold_what_they_say(client_for, relationship_manager, product_manager, user_a):
    mine = workflow.assign(new_request("A moi"), assignee=relationship_manager, actor=relationship_manager)
    other = workflow.assign(new_request("A Thomas"), assignee=product_manager, actor=relationship_manager)
    unknown = new_request("Inconnu", sender_email="x@ailleurs.example")
    complaint = workflow.qualify(new_request("Plainte"), actor=relationship_manager, kind=Kind.RECLAMATION)
    late = new_request("Vieille", received_at=timezone.now() - dt.timedelta(days=20))
    done = workflow.change_status(
        new_request("Finie"), Status.RESOLVED, actor=relationship_manager, response_type="email"
    )
    client = client_for(relationship_manager)

    def queue(name):
        return set(refs(client.get(TRIAGE, {"queue": name})))

    assert queue("mine") == {mine.reference}
    assert other.reference not in queue("unassigned") and unknown.reference in queue("unassigned")
    assert queue("soon") == {late.reference}
    assert queue("complaints") == {complaint.reference}
    assert unknown.reference in queue("unknown") and mine.reference not in queue("unknown")
    assert done.reference not in queue("open") and done.reference in queue("all")
    page = client.get(TRIAGE, {"queue": "soon"})
    assert page.context["counts"]["soon"] == 1
    html = page.content.decode()
    assert "Délai dépassé" in html or "Deadline passed" in html


def test_filters_and_sorting(client_for, relationship_manager, service):  # noqa: F811
    first = new_request("Imprimante", service=service)
    second = workflow.qualify(new_request("Paie"), actor=relationship_manager, kind=Kind.PROJET, urgent=True)
    client = client_for(relationship_manager)
    assert refs(client.get(TRIAGE, {"service": service.pk})) == [first.reference]
    assert refs(client.get(TRIAGE, {"kind": "projet"})) == [second.reference]
    assert refs(client.get(TRIAGE, {"q": "imprim"})) == [first.reference]
    assert refs(client.get(TRIAGE, {"ordering": "-reference"})) == [second.reference, first.reference]
    assert refs(client.get(TRIAGE, {"ordering": "reference"})) == [first.reference, second.reference]


def test_bulk_assign_and_qualify(client_for, relationship_manager, product_manager):
    items = [new_request(f"Lot {n}") for n in range(3)]
    client = client_for(relationship_manager)
    response = client.post(
        TRIAGE,
        {
            "action": "assign",
            "assignee": product_manager.pk,
            "selected": [i.pk for i in items[:2]],
            "next": "queue=open",
            **versions(items),
        },
    )
    assert response.status_code == 302 and response.url.endswith("?queue=open")
    client.post(
        TRIAGE, {"action": "qualify", "kind": "complexe", "selected": [items[2].pk], **versions(items)}
    )
    statuses = dict(Request.objects.values_list("pk", "status"))
    assert [statuses[i.pk] for i in items] == ["assigned", "assigned", "qualified"]
    assert Request.objects.get(pk=items[2].pk).kind == Kind.COMPLEXE
    assert Request.objects.filter(assignee=product_manager).count() == 2
    assert items[0].events.filter(kind=EventKind.ASSIGNED, actor=relationship_manager).exists()


def versions(items) -> dict[str, int]:
    """The version of each row, as the triage page shows them."""
    return {f"version-{i.pk}": i.version for i in items}


def test_bulk_skips_and_reports_requests_changed_since_the_page_was_loaded(
    client_for, relationship_manager, product_manager
):
    items = [new_request(f"Lot {n}") for n in range(3)]
    shown = versions(items)  # the page is loaded...
    # ...then someone else qualifies the second request.
    workflow.qualify(items[1], actor=product_manager, kind=Kind.PROJET, urgent=True)
    client = client_for(relationship_manager)
    response = client.post(
        TRIAGE,
        {"action": "qualify", "kind": "simple", "selected": [i.pk for i in items], **shown},
        follow=True,
    )
    kinds = dict(Request.objects.values_list("pk", "kind"))
    assert [kinds[i.pk] for i in items] == ["simple", "projet", "simple"]  # the other change is kept
    assert Request.objects.get(pk=items[1].pk).urgent
    text = " ".join(str(m) for m in response.context["messages"])
    assert items[1].reference in text and items[0].reference not in text
    assert "2" in text


def test_bulk_without_the_shown_versions_changes_nothing(client_for, relationship_manager, product_manager):
    item = new_request()
    client = client_for(relationship_manager)
    response = client.post(
        TRIAGE, {"action": "assign", "assignee": product_manager.pk, "selected": [item.pk]}, follow=True
    )
    assert response.status_code == 200
    assert Request.objects.get(pk=item.pk).assignee is None
    assert any(m.level_tag == "error" for m in response.context["messages"])


def test_the_triage_page_is_keyboard_friendly(client_for, relationship_manager):
    items = [new_request(f"Clavier {n}") for n in range(2)]
    html = client_for(relationship_manager).get(TRIAGE).content.decode()
    assert 'id="select-all"' in html and "requests_box/triage.js" in html
    for key in ("j", "k", "x", "a", "t", "Esc"):
        assert f"<kbd>{key}</kbd>" in html
    for item in items:
        assert f'name="version-{item.pk}" value="{item.version}"' in html
    # The bulk form and the filters both have "assignee", "kind", "team": their ids must differ.
    assert 'id="bulk_assignee"' in html and 'id="id_assignee"' in html


def _many(count: int, entity):
    now = timezone.now()
    Request.objects.bulk_create(
        Request(
            reference=f"REQ-1999-{n:06d}",
            subject=f"Demande {n}",
            sender_email=f"c{n}@groupe-aurelia.fr",
            entity=entity if n % 2 else None,
            received_at=now - dt.timedelta(hours=n),
            deadline=now + dt.timedelta(days=1) - dt.timedelta(hours=n),
            warning_at=now - dt.timedelta(hours=n),
            kind=Kind.RECLAMATION if n % 7 == 0 else Kind.SIMPLE,
        )
        for n in range(count)
    )


@pytest.mark.parametrize("size", [50, 5000])
def test_triage_runs_a_constant_number_of_queries(
    client_for, relationship_manager, entity_a, django_assert_max_num_queries, size
):
    _many(size, entity_a)
    client = client_for(relationship_manager)
    for queue in ("open", "soon", "complaints"):
        with django_assert_max_num_queries(20):  # 18 + the team choices of the filters and bulk form
            response = client.get(TRIAGE, {"queue": queue, "ordering": "-received"})
        assert response.status_code == 200
    assert response.context["counts"]["all"] == size


# -- routing rules


def test_rules_apply_in_order_first_match_wins_at_intake(
    relationship_manager,
    product_manager,
    entity_a,
    user_a,
    service,  # noqa: F811
):
    RoutingRule.objects.create(
        name="Paie urgente",
        order=20,
        subject_words="paie, salaire",
        set_urgent=True,
        set_important=True,
        assign_to=relationship_manager,
    )
    RoutingRule.objects.create(
        name="Direction commerciale",
        order=10,
        directorate=entity_a.directorate,
        subject_words="paie",
        assign_to=product_manager,
        set_kind=Kind.COMPLEXE,
    )
    RoutingRule.objects.create(name="Inactive", order=1, active=False, subject_words="paie")
    RoutingRule.objects.create(
        name="Domaine", order=30, sender_domain="ailleurs.example", set_kind=Kind.PROJET
    )
    RoutingRule.objects.create(name="Messagerie", order=40, service=service, assign_to_product_manager=True)
    # From a contact of directorate A: the order-10 rule wins over the order-20 one.
    result = Intake(acknowledge=False).ingest(
        build_mail(sender=user_a.email, subject="Bulletin de paie faux")
    )
    routed = Request.objects.get(reference=result.detail)
    assert routed.assignee == product_manager and routed.kind == Kind.COMPLEXE and not routed.urgent
    assert routed.status == Status.ASSIGNED
    assert routed.events.filter(kind=EventKind.ROUTED, detail__contains="Direction commerciale").exists()
    # Unknown sender: the directorate condition fails, the next rule applies (urgent + important: 24 h).
    other = new_request("Salaire de mars", sender_email="bob@partenaire.example")
    assert other.assignee == relationship_manager and other.urgent and other.important
    assert other.deadline == other.received_at + dt.timedelta(hours=24)
    assert new_request("Question", sender_email="x@sub.ailleurs.example").kind == Kind.PROJET
    service.product_manager = product_manager
    service.save()
    assert new_request("Boîte pleine", service=service).assignee == product_manager
    assert new_request("Rien à voir").assignee is None


def test_the_rule_test_tool_shows_the_matching_rule(client_for, relationship_manager):
    RoutingRule.objects.create(name="Imprimantes", order=5, subject_words="imprimante")
    matching, other = new_request("Imprimante en panne"), new_request("Autre chose")
    client = client_for(relationship_manager)
    page = client.get(reverse("requests_box:rule_test"), {"reference": matching.reference})
    assert page.context["matched"].name == "Imprimantes"
    assert "Imprimantes" in page.content.decode()
    page = client.get(reverse("requests_box:rule_test"), {"reference": other.reference})
    assert page.context["matched"] is None
    assert routing.matching_rule(matching).name == "Imprimantes"
