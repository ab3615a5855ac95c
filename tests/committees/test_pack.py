"""A meeting's preparation pack: the directorate's figures since the committee's last meeting, open and
late requests, complaints, surveys, projects, actions carried over, services to suggest; page, PDF,
attached to the meeting and to its invitation if asked."""

import datetime as dt
import email
from email import policy

import pytest
from django.urls import reverse
from django.utils import timezone

from committees import services
from committees.models import Meeting, MeetingPack, MeetingStatus, Project
from committees.pack import build_pack, period_of
from committees.printing import pack_pdf
from requests_box.models import Kind, Request, Status
from tests.catalogue.print_helpers import pdf_pages
from tests.committees.test_documents import smtp_server  # noqa: F401 - fixture
from tests.directory.conftest import answer, bulk_requests, make_entity, make_services, subscribe
from tests.home.report_helpers import fetch_pdf

pytestmark = pytest.mark.django_db
NOW = timezone.now()


@pytest.fixture
def meetings(committee_a, relationship_manager):
    """The last meeting 90 days ago (held), a cancelled one since, and the one to prepare in 5 days."""
    committee_a.directorate.relationship_manager = relationship_manager
    committee_a.directorate.save()
    last = Meeting.objects.create(
        committee=committee_a, scheduled_at=NOW - dt.timedelta(days=90), status=MeetingStatus.HELD
    )
    Meeting.objects.create(
        committee=committee_a, scheduled_at=NOW - dt.timedelta(days=30), status=MeetingStatus.CANCELLED
    )
    upcoming = Meeting.objects.create(committee=committee_a, scheduled_at=NOW + dt.timedelta(days=5))
    services.invite_members(upcoming)
    return last, upcoming


def _request(
    entity, ref, *, received, kind=Kind.SIMPLE, status=Status.IN_PROGRESS, deadline, resolved=None, **extra
):
    return Request.objects.create(
        reference=ref, entity=entity, subject=f"Sujet {ref}", kind=kind, status=status, received_at=received,
        deadline=deadline, resolved_at=resolved, sender_email="x@groupe-aurelia.fr", **extra,
    )  # fmt: skip


@pytest.fixture
def history(meetings, entity_a, entity_b, product_manager):
    last, upcoming = meetings
    day = dt.timedelta(days=1)
    _request(
        entity_a,
        "R-OLD",
        received=NOW - 200 * day,
        status=Status.CLOSED,
        deadline=NOW - 190 * day,
        resolved=NOW - 195 * day,
    )
    _request(
        entity_a,
        "R-ONTIME",
        received=NOW - 60 * day,
        status=Status.RESOLVED,
        deadline=NOW - 50 * day,
        resolved=NOW - 55 * day,
    )
    _request(
        entity_a,
        "R-LATE",
        received=NOW - 60 * day,
        status=Status.RESOLVED,
        deadline=NOW - 58 * day,
        resolved=NOW - 40 * day,
    )
    _request(entity_a, "R-OPENLATE", received=NOW - 20 * day, deadline=NOW - 2 * day)
    _request(
        entity_a, "R-WAIT", received=NOW - 10 * day, status=Status.WAITING_CLIENT, deadline=NOW - 1 * day
    )
    _request(entity_a, "C-NEW", received=NOW - 5 * day, kind=Kind.RECLAMATION, deadline=NOW + 2 * day)
    _request(entity_a, "C-OLDOPEN", received=NOW - 150 * day, kind=Kind.RECLAMATION, deadline=NOW - 140 * day)
    _request(entity_b, "R-OTHERDIR", received=NOW - 5 * day, deadline=NOW - day)
    answer(entity_a, nps=10, csat=5, comment="Très bon suivi", when=NOW - 10 * day)
    answer(entity_a, nps=4, csat=2, comment="", when=NOW - 11 * day)
    answer(entity_a, nps=0, csat=1, comment="Ancienne critique", when=NOW - 100 * day)
    answer(entity_b, nps=0, csat=1, comment="Autre direction", when=NOW - 10 * day)
    Project.objects.create(
        code="P-LIVE",
        name="Refonte CRM",
        entity=entity_a,
        status="en_cours",
        created_on=(NOW - 300 * day).date(),
    )
    Project.objects.create(
        code="P-DONE",
        name="Ancien projet",
        entity=entity_a,
        status="livre",
        created_on=(NOW - 300 * day).date(),
    )
    today = timezone.localdate()
    services.add_action(last, title="Relancer l'audit", owner=product_manager, due_on=today - 3 * day)
    done = services.add_action(last, title="Former les équipes", owner=None, due_on=today - 20 * day)
    services.set_action_status(done, status="done")
    services.add_action(upcoming, title="Décidée plus tard", owner=None, due_on=today + 30 * day)
    return upcoming


def test_the_period_runs_from_the_last_meeting_not_cancelled_to_now(meetings):
    last, upcoming = meetings
    previous, start, end = period_of(upcoming)
    assert previous == last and start == last.scheduled_at and end <= timezone.now()


def test_a_first_meeting_looks_one_cadence_back(committee_a):
    first = Meeting.objects.create(committee=committee_a, scheduled_at=NOW - dt.timedelta(days=1))
    previous, start, end = period_of(first)
    assert previous is None and end == first.scheduled_at
    assert 88 <= (first.scheduled_at - start).days <= 93  # quarterly committee


def test_the_figures_count_the_directorates_requests_of_the_period(history):
    pack = build_pack(history)
    assert pack.figures == {
        "received": 5, "resolved": 2, "resolved_late": 1, "complaints": 1, "projects": 0,
        "open": 4, "late": 2,
    }  # fmt: skip
    assert [r.reference for r in pack.open_requests] == ["C-OLDOPEN", "R-OPENLATE", "R-WAIT", "C-NEW"]
    assert [c.reference for c in pack.complaints] == ["C-NEW", "C-OLDOPEN"]
    assert pack.complaint_statuses == [("En cours", 2)]
    assert (pack.satisfaction["answers"], pack.satisfaction["nps"], pack.satisfaction["csat_pct"]) == (
        2,
        0.0,
        50.0,
    )
    assert [a.comment for a in pack.comments] == ["Très bon suivi"]
    assert [p.code for p in pack.projects] == ["P-LIVE"]
    assert [(a.title, a.status) for a in pack.actions] == [
        ("Relancer l'audit", "open"),
        ("Former les équipes", "done"),
    ]
    assert pack.relationship_manager.username == "sophie"


def test_the_pack_suggests_services_to_the_directorates_entities(meetings, entity_a, directorate_b):
    catalogue = make_services()
    for _n in range(3):
        peer = make_entity(directorate_b, client_type="metier", segment="coeur_de_cible")
        subscribe(peer, catalogue["VISIO"])
    pack = build_pack(meetings[1])
    assert [(s.service.code, [e.code for e in s.entities], s.best_share_pct) for s in pack.suggestions] == [
        ("VISIO", ["DCOM-GC"], 100.0)
    ]


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("relationship_manager", 200),
        ("cio", 200),
        ("user_a", 403),
        ("correspondent_a", 403),
        ("product_manager", 403),
    ],
)
def test_who_opens_the_pack(request, client_for, history, persona, status):
    client = client_for(request.getfixturevalue(persona))
    page = client.get(reverse("committees:meeting_pack", args=[history.pk]))
    pdf = client.get(reverse("committees:meeting_pack_pdf", args=[history.pk]), follow=True)
    assert (page.status_code, pdf.status_code) == (status, status)
    if status == 200:
        assert b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_the_page_and_the_pdf_show_the_pack_in_french(client_for, relationship_manager, history):
    client = client_for(relationship_manager)
    html = client.get(reverse("committees:meeting_pack", args=[history.pk])).content.decode()
    assert "Dossier de préparation" in html and "Demandes reçues" in html and "Très bon suivi" in html
    text = " ".join(pdf_pages(fetch_pdf(client, reverse("committees:meeting_pack_pdf", args=[history.pk]))))
    assert "Comité tactique DCOM" in text and "Demandes résolues" in text and "R-OPENLATE" in text
    assert "Refonte CRM" in text and "Relancer l'audit" in text and "Ancien projet" not in text


def test_attaching_the_pack_keeps_the_pdf_on_the_meeting(client_for, relationship_manager, cio, history):
    assert (
        client_for(cio).post(reverse("committees:meeting_pack_attach", args=[history.pk])).status_code == 403
    )
    assert not MeetingPack.objects.exists()
    response = client_for(relationship_manager).post(
        reverse("committees:meeting_pack_attach", args=[history.pk])
    )
    assert response.status_code == 302
    attached = MeetingPack.objects.get(meeting=history)
    assert attached.built_by == relationship_manager and attached.period_end <= timezone.now()
    detail = client_for(cio).get(reverse("committees:meeting_detail", args=[history.pk])).content.decode()
    assert "Ouvrir le dossier joint" in detail
    served = client_for(cio).get(reverse("committees:meeting_pack_file", args=[history.pk]))
    assert b"".join(served.streaming_content).startswith(b"%PDF")
    # Attached again: one pack, rebuilt.
    client_for(relationship_manager).post(reverse("committees:meeting_pack_attach", args=[history.pk]))
    assert MeetingPack.objects.count() == 1


def test_without_an_attached_pack_there_is_no_file(client_for, cio, history):
    assert client_for(cio).get(reverse("committees:meeting_pack_file", args=[history.pk])).status_code == 404


def test_the_invitation_carries_the_pack_when_asked(client_for, relationship_manager, history, smtp_server):  # noqa: F811
    services.attach_pack(history, author=relationship_manager)
    client = client_for(relationship_manager)
    client.post(reverse("committees:meeting_invite", args=[history.pk]))
    client.post(reverse("committees:meeting_invite", args=[history.pk]), {"with_pack": "1"})
    without, with_pack = (
        email.message_from_bytes(m.content, policy=policy.default) for m in smtp_server.messages
    )
    pdfs = [p for p in with_pack.walk() if p.get_content_type() == "application/pdf"]
    assert not [p for p in without.walk() if p.get_content_type() == "application/pdf"]
    assert len(pdfs) == 1 and pdfs[0].get_filename().startswith("dossier-preparation-dcom-")


def _grow(directorate, entities, requests, catalogue):
    made = [make_entity(directorate, segment="coeur_de_cible") for _ in range(entities)]
    for n, entity in enumerate(made):
        subscribe(entity, catalogue["MAIL"])
        answer(entity, nps=n % 11, csat=1 + n % 5, comment=f"Avis {n}", when=NOW - dt.timedelta(days=3))
        Project.objects.create(code=f"P-{entity.code}", name="Projet", entity=entity, status="signe")
    bulk_requests(made, requests, received_at=NOW - dt.timedelta(days=10))
    bulk_requests(made, requests // 10, received_at=NOW - dt.timedelta(days=10), kind=Kind.RECLAMATION)
    return made


def test_the_pack_runs_the_same_queries_with_1_or_50_entities_and_100_or_10000_requests(
    client_for, relationship_manager, meetings, directorate_a, directorate_b, django_assert_max_num_queries
):
    catalogue = make_services()
    peer = make_entity(directorate_b, segment="coeur_de_cible")
    subscribe(peer, catalogue["VISIO"])
    upcoming = meetings[1]
    url = reverse("committees:meeting_pack", args=[upcoming.pk])
    client = client_for(relationship_manager)
    _grow(directorate_a, 1, 100, catalogue)
    with django_assert_max_num_queries(30) as small:
        assert client.get(url).status_code == 200
    _grow(directorate_a, 49, 9900, catalogue)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    pack = response.context["pack"]
    assert pack.figures["received"] == 10000 + 1000 and pack.entity_count == 51
    assert len(pack.open_requests) == 30 and pack.suggestions[0].service.code == "VISIO"
    # Its speed is measured by bench/pdf_bench.py (bench/results/pdf.md), not timed here.
    assert pack_pdf(build_pack(upcoming)).startswith(b"%PDF")
