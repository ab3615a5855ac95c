"""The request workspace: the conversation with notes and events, the side panel's one save with its
confirmation, the live deadline preview (the server's own computation), what an assignee may do, and a
constant number of queries whatever the length of the thread."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from requests_box import services, workflow
from requests_box.models import Direction, Kind, Message, Request, Status

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
MONDAY = dt.datetime(2026, 3, 2, 10, 0, tzinfo=PARIS)


def new_request(**extra) -> Request:
    return services.create_request(
        channel="email",
        subject=extra.pop("subject", "VPN coupé"),
        text="Bonjour, le VPN coupe toutes les 30 minutes.",
        sender_email="alice@groupe-aurelia.fr",
        received_at=extra.pop("received_at", MONDAY),
        acknowledge=False,
        **extra,
    )


def action(client, request, data, **extra):
    return client.post(reverse("requests_box:request_action", args=[request.reference]), data, **extra)


def test_the_thread_shows_messages_notes_and_events_in_order(client_for, relationship_manager, user_a):
    request = new_request()
    workflow.add_note(request, actor=relationship_manager, text="Voir avec le réseau.")
    workflow.change_status(request, Status.IN_PROGRESS, actor=relationship_manager)
    html = client_for(relationship_manager).get(request.get_absolute_url()).content.decode()
    thread = html.split('id="thread"')[1].split("</ol>")[0]
    first, note, event = (
        thread.index("le VPN coupe"),
        thread.index("Voir avec le réseau."),
        thread.index("Nouvelle → En cours"),
    )
    assert first < note < event
    assert 'class="msg msg-note"' in thread and "Note interne" in thread
    # The composer comes after the thread, then the side panel.
    assert html.index('id="thread"') < html.index('id="form-compose"') < html.index('id="form-save"')


def test_one_save_qualifies_and_assigns_and_says_what_changed(
    client_for, relationship_manager, team_member, support_team
):
    request = new_request()
    client = client_for(relationship_manager)
    panel = {
        "action": "save",
        "panel-version": request.version,
        "panel-kind": "complexe",
        "panel-urgent": "on",
        "panel-important": "on",
        "panel-assignee": team_member.pk,
        "panel-team": support_team.pk,
    }
    response = action(client, request, panel, follow=True)
    request.refresh_from_db()
    assert (request.kind, request.urgent, request.important) == (Kind.COMPLEXE, True, True)
    assert (request.assignee, request.team, request.status) == (team_member, support_team, Status.ASSIGNED)
    assert request.deadline == MONDAY + dt.timedelta(hours=24)
    confirmation = [str(m) for m in response.context["messages"]]
    assert len(confirmation) == 1 and confirmation[0].startswith("Enregistré à ")
    assert (
        "type : Simple → Complexe" in confirmation[0] and "responsable : — → Karim Benali" in confirmation[0]
    )
    # Saving the same values again changes nothing and says so.
    response = action(client, request, {**panel, "panel-version": request.version}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "Rien à enregistrer : la demande était déjà ainsi."
    ]


def test_the_deadline_preview_is_the_servers_own_computation(client_for, relationship_manager):
    request = new_request()
    client = client_for(relationship_manager)
    url = reverse("requests_box:deadline_preview", args=[request.reference])
    both = client.get(url, {"urgent": "1", "important": "1"}).json()
    assert dt.datetime.fromisoformat(both["deadline"]) == MONDAY + dt.timedelta(hours=24)
    assert both["text"] == "mardi 3 mars 2026, 10:00" and "24 heures" in both["rule"] and both["changes"]
    asked = client.get(url, {"urgent": "1", "requested_deadline": "2026-03-05"}).json()
    assert dt.datetime.fromisoformat(asked["deadline"]) == dt.datetime(2026, 3, 5, 18, 0, tzinfo=PARIS)
    neither = client.get(url).json()
    assert dt.datetime.fromisoformat(neither["deadline"]) == request.deadline and not neither["changes"]
    assert client.get(url, {"requested_deadline": "demain"}).status_code == 400
    # What the preview said is what saving gives.
    saved = workflow.qualify(
        request, actor=relationship_manager, urgent=True, requested_deadline=dt.date(2026, 3, 5)
    )
    assert saved.deadline == dt.datetime.fromisoformat(asked["deadline"])
    # The page shows the same preview before any change, from the same function.
    html = client.get(saved.get_absolute_url()).content.decode()
    assert "jeudi 5 mars 2026, 18:00" in html and "la date demandée par le client" in html


def test_an_assignee_works_the_request_but_neither_assigns_nor_closes(
    client_for, relationship_manager, team_member, product_manager, smtp_server
):
    request = workflow.assign(new_request(), actor=relationship_manager, assignee=team_member, notify=False)
    client = client_for(team_member)
    html = client.get(request.get_absolute_url()).content.decode()
    assert 'id="form-save"' in html and 'name="panel-assignee"' not in html
    # Qualify: an assignment slipped into the post is ignored.
    response = action(
        client,
        request,
        {
            "action": "save",
            "panel-version": request.version,
            "panel-kind": "complexe",
            "panel-assignee": product_manager.pk,
        },
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.kind == Kind.COMPLEXE and request.assignee == team_member
    # Reply (by SMTP), note, wait for the client, resolve.
    response = action(
        client,
        request,
        {
            "action": "compose",
            "compose-version": request.version,
            "compose-mode": "reply",
            "compose-text": "Réglé ?",
        },
    )
    assert response.status_code == 302 and smtp_server.wait_for(1)[0]["to"] == ["alice@groupe-aurelia.fr"]
    request.refresh_from_db()
    assert (
        action(
            client,
            request,
            {
                "action": "compose",
                "compose-version": request.version,
                "compose-mode": "note",
                "compose-text": "Pilote changé",
            },
        ).status_code
        == 302
    )
    assert (
        action(
            client,
            request,
            {"action": "status", "status-version": request.version, "status-status": "waiting_client"},
        ).status_code
        == 302
    )
    request.refresh_from_db()
    assert request.status == Status.WAITING_CLIENT
    resolve = {
        "action": "status",
        "status-version": request.version,
        "status-status": "resolved",
        "status-response_type": "email",
    }
    assert action(client, request, resolve).status_code == 302
    request.refresh_from_db()
    assert request.status == Status.RESOLVED
    # Closing and the complaint steps are the relationship manager's.
    close = {"action": "status", "status-version": request.version, "status-status": "closed"}
    assert action(client, request, close).status_code == 400
    assert action(client, request, {"action": "satisfaction", "satisfaction-note": "x"}).status_code == 403
    request.refresh_from_db()
    assert request.status == Status.RESOLVED
    assert list(request.messages.values_list("direction", flat=True)) == ["inbound", "outbound", "note"]


def test_a_stale_status_change_is_refused_and_keeps_the_comment(client_for, relationship_manager):
    request = new_request()
    seen = request.version
    workflow.qualify(request, actor=relationship_manager, kind=Kind.PROJET)
    response = action(
        client_for(relationship_manager),
        request,
        {
            "action": "status",
            "status-version": seen,
            "status-status": "in_progress",
            "status-comment": "On y va",
        },
    )
    assert response.status_code == 409
    assert response.context["status_form"]["comment"].value() == "On y va"
    request.refresh_from_db()
    assert request.status == Status.QUALIFIED


def _thread(request: Request, size: int, author) -> None:
    start = timezone.now()
    Message.objects.bulk_create(
        [
            Message(
                request=request,
                direction=(Direction.INBOUND, Direction.OUTBOUND, Direction.NOTE)[n % 3],
                text=f"Message {n}",
                sender="alice@groupe-aurelia.fr",
                author=author if n % 3 else None,
                sent_at=start + dt.timedelta(minutes=n),
            )
            for n in range(size)
        ]
    )


@pytest.mark.parametrize("persona", ["relationship_manager", "team_member", "user_a", "cio"])
def test_the_workspace_renders_in_a_constant_number_of_queries(
    request,
    client_for,
    persona,
    relationship_manager,
    team_member,
    support_team,
    user_a,
    django_assert_max_num_queries,
):
    def make(subject):
        item = services.create_request(
            channel="web",
            subject=subject,
            text="Bonjour",
            contact=user_a.contact,
            submitted_by=user_a,
            acknowledge=False,
        )
        return workflow.assign(item, actor=relationship_manager, team=support_team, notify=False)

    short, long = make("Court"), make("Long")
    _thread(short, 3, relationship_manager)
    _thread(long, 300, relationship_manager)
    client = client_for(request.getfixturevalue(persona))
    with django_assert_max_num_queries(40) as small:
        assert client.get(short.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get(long.get_absolute_url())
    # The latest 150 items of the thread, and a link to the earlier ones.
    html = page.content.decode()
    assert html.count('class="msg ') + html.count('class="event ') - 1 == 150
    assert "Message 298" in html and "Message 0<" not in html and "?fil=tout#thread" in html


def test_the_whole_thread_on_demand(client_for, relationship_manager, user_a):
    request = services.create_request(
        channel="web",
        subject="Long",
        text="Bonjour",
        contact=user_a.contact,
        submitted_by=user_a,
        acknowledge=False,
    )
    _thread(request, 200, relationship_manager)
    client = client_for(relationship_manager)
    latest = client.get(request.get_absolute_url()).content.decode()
    assert "Afficher les 52 éléments précédents" in latest  # 201 messages and 1 event, 150 shown
    everything = client.get(request.get_absolute_url(), {"fil": "tout"}).content.decode()
    assert "Message 0<" in everything and "éléments précédents" not in everything
