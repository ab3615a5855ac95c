"""Minutes as PDF, invitations as iCalendar sent by e-mail to a real SMTP server."""

import email
import socket
from datetime import date
from email import policy
from io import BytesIO

import pytest
from aiosmtpd.controller import Controller
from django.urls import reverse
from pypdf import PdfReader

from committees import services
from committees.calendar import build_invitation
from committees.printing import minutes_pdf
from tests.committees.conftest import make_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def held_meeting(committee_a, product_manager):
    meeting = make_meeting(committee_a, date(2026, 3, 10), agenda="Bilan du trimestre\nFeuille de route 2027")
    services.record_meeting(
        meeting,
        present_attendance_ids=set(meeting.attendances.values_list("id", flat=True)),
        minutes="<p>La direction demande un <b>pilote</b> sur la signature électronique.</p>",
    )
    services.add_decision(meeting, text="Lancer le pilote en avril.")
    services.add_action(meeting, title="Chiffrer le pilote", owner=product_manager, due_on=date(2026, 4, 1))
    return meeting


def pdf_text(data: bytes) -> str:
    reader = PdfReader(BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_minutes_pdf_holds_attendees_minutes_decisions_actions_and_page_numbers(held_meeting):
    text = pdf_text(minutes_pdf(held_meeting))
    for expected in (
        "Comité tactique DCOM",
        "Alice Martin",
        "signature électronique",
        "Lancer le pilote en avril.",
        "Chiffrer le pilote",
        "01/04/2026",
        "Page 1 / 1",
    ):
        assert expected in text, expected


def test_a_business_user_downloads_the_published_minutes_of_their_directorate(
    client_for, user_a, held_meeting
):
    services.publish_minutes(held_meeting)
    response = client_for(user_a).get(reverse("committees:meeting_pdf", args=[held_meeting.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert "Lancer le pilote en avril." in pdf_text(response.content)


def unfold(ics: str) -> list[str]:
    return ics.replace("\r\n ", "").split("\r\n")


def test_the_invitation_is_rfc5545_with_crlf_and_folded_lines(committee_a, relationship_manager):
    committee_a.name = (
        "Comité tactique de la Direction Commerciale, Ventes Grands Comptes et réseau d’agences"
    )
    committee_a.save()
    meeting = make_meeting(committee_a, date(2026, 3, 10))
    ics = build_invitation(
        meeting, organizer_name="Sophie Durand", organizer_email="sophie@groupe-aurelia.fr"
    )
    assert ics.endswith("\r\n") and "\n" not in ics.replace("\r\n", "")
    assert all(len(line.encode()) <= 75 for line in ics.split("\r\n"))
    lines = unfold(ics)
    assert lines[0] == "BEGIN:VCALENDAR" and "METHOD:REQUEST" in lines and "END:VCALENDAR" in lines
    assert "DTSTART:20260310T090000Z" in lines and "DTEND:20260310T103000Z" in lines  # 10:00 Paris, 90 min
    assert f"UID:meeting-{meeting.pk}@groupe-aurelia.fr" in lines
    assert any(line.startswith("DTSTAMP:") and line.endswith("Z") for line in lines)
    assert (
        "SUMMARY:Comité tactique de la Direction Commerciale\\, Ventes Grands Comptes et réseau d’agences"
        in lines
    )
    assert 'ORGANIZER;CN="Sophie Durand":mailto:sophie@groupe-aurelia.fr' in lines
    attendees = [line for line in lines if line.startswith("ATTENDEE")]
    assert len(attendees) == 2 and any(line.endswith("mailto:alice@groupe-aurelia.fr") for line in attendees)


def test_folding_never_splits_a_multibyte_character(committee_a):
    committee_a.name = "Comité " + "é" * 100
    committee_a.save()
    ics = build_invitation(
        make_meeting(committee_a, date(2026, 3, 10)), organizer_name="Sophie", organizer_email="s@x.fr"
    )
    raw = ics.encode("utf-8")
    assert all(len(part) <= 75 for part in raw.split(b"\r\n"))
    assert "SUMMARY:Comité " + "é" * 100 in unfold(ics)


def test_a_line_break_in_a_contact_name_cannot_add_an_attendee(committee_a, user_a):
    """Issue 15: a first name "Alice\r\nATTENDEE:mailto:spy@…" injected a line into the .ics."""
    from icalendar import Calendar

    contact = user_a.contact
    contact.first_name = "Alice\r\nATTENDEE:mailto:spy@evil.example\r\nX-INJECTED:1"
    contact.save()
    meeting = make_meeting(committee_a, date(2026, 3, 10), agenda="Point 1\r\nEND:VEVENT")
    meeting.location = "Salle A;\r\nORGANIZER:mailto:spy@evil.example"
    meeting.save()
    ics = build_invitation(
        meeting, organizer_name="Sophie\nDurand", organizer_email="sophie@groupe-aurelia.fr"
    )

    assert (
        "\nATTENDEE:mailto:spy" not in ics
        and "\nX-INJECTED" not in ics
        and "\nORGANIZER:mailto:spy" not in ics
    )
    (event,) = Calendar.from_ical(ics).walk("VEVENT")
    attendees = event.get("ATTENDEE")
    addresses = sorted(str(a) for a in (attendees if isinstance(attendees, list) else [attendees]))
    assert addresses == ["mailto:alice@groupe-aurelia.fr", "mailto:sophie@groupe-aurelia.fr"]
    names = {str(a): a.params["CN"] for a in attendees}
    assert names["mailto:alice@groupe-aurelia.fr"].startswith("Alice ATTENDEE:mailto:spy@evil.example")
    assert str(event["ORGANIZER"]) == "mailto:sophie@groupe-aurelia.fr"
    assert event["ORGANIZER"].params["CN"] == "Sophie Durand"
    assert str(event["LOCATION"]) == "Salle A;\nORGANIZER:mailto:spy@evil.example"
    assert "X-INJECTED" not in event and len(Calendar.from_ical(ics).walk("VEVENT")) == 1


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp_server(settings):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    yield inbox
    controller.stop()


def test_invitations_reach_the_attendees_with_a_calendar_request(
    client_for, relationship_manager, committee_a, smtp_server
):
    meeting = make_meeting(committee_a, date(2026, 3, 10), agenda="Bilan du trimestre")
    response = client_for(relationship_manager).post(reverse("committees:meeting_invite", args=[meeting.pk]))
    assert response.status_code == 302

    assert len(smtp_server.messages) == 1
    envelope = smtp_server.messages[0]
    assert sorted(envelope.rcpt_tos) == ["alice@groupe-aurelia.fr", "sophie@groupe-aurelia.fr"]
    message = email.message_from_bytes(envelope.content, policy=policy.default)
    assert "Comité tactique DCOM" in message["Subject"]
    parts = [part for part in message.walk() if part.get_content_type() == "text/calendar"]
    assert len(parts) == 1
    assert parts[0].get_param("method") == "REQUEST"
    lines = unfold(parts[0].get_content())
    assert "METHOD:REQUEST" in lines
    attendees = sorted(line.rsplit("mailto:", 1)[1] for line in lines if line.startswith("ATTENDEE"))
    assert attendees == ["alice@groupe-aurelia.fr", "sophie@groupe-aurelia.fr"]
    assert "DESCRIPTION:- Bilan du trimestre" in lines
