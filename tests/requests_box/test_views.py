"""The mailbox's screens: the web form, a client's requests, the relationship manager's intake screens."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page

from catalogue.models import CatalogueIndexPage, FamilyPage, ServicePage
from requests_box import services
from requests_box.intake.intake import Intake
from requests_box.models import IgnoredMessage, QuarantinedMessage, Request
from tests.conftest import make_user
from tests.requests_box.mails import build_mail

pytestmark = pytest.mark.django_db

NEW = reverse("requests_box:new_request")


@pytest.fixture
def service(db):
    root = Page.objects.get(depth=1).get_children().first() or Page.objects.get(depth=1)
    index = root.add_child(instance=CatalogueIndexPage(title="Catalogue", slug="catalogue-test"))
    family = index.add_child(instance=FamilyPage(title="Poste de travail", slug="poste", code="POSTE"))
    return family.add_child(instance=ServicePage(title="Messagerie", slug="messagerie", code="MAIL"))


def request_of(user, subject="Ma demande", **extra) -> Request:
    from directory.selectors import contact_for_user

    contact = contact_for_user(user)
    return services.create_request(
        channel="web", subject=subject, text="texte", contact=contact, submitted_by=user, **extra
    )


# -- the web form


def test_the_form_is_prefilled_from_a_service_page(client_for, user_a, service):
    response = client_for(user_a).get(NEW + "?service=MAIL")
    assert response.context["form"]["service"].value() == "MAIL"
    assert '<option value="MAIL" selected>Messagerie</option>' in response.content.decode()


def test_a_business_user_sends_a_request_with_files(client_for, user_a, entity_a, service):
    response = client_for(user_a).post(
        NEW,
        {
            "service": "MAIL",
            "subject": "Boîte partagée",
            "description": "Créer une boîte partagée pour l'équipe",
            "attachments": [
                SimpleUploadedFile("liste équipe.csv", b"nom\nalice\n", content_type="text/csv"),
                SimpleUploadedFile("note.txt", b"hello", content_type="text/plain"),
            ],
        },
    )
    request = Request.objects.get()
    assert response.status_code == 302 and response.url == request.get_absolute_url()
    assert (request.channel, request.service, request.entity, request.submitted_by) == (
        "web",
        service,
        entity_a,
        user_a,
    )
    names = sorted(
        request.messages.get(direction="inbound").attachments.values_list("original_name", flat=True)
    )
    assert names == ["liste équipe.csv", "note.txt"]


def test_a_rejected_form_keeps_what_was_typed(client_for, user_a, service):
    past = (timezone.localdate() - dt.timedelta(days=3)).isoformat()
    response = client_for(user_a).post(
        NEW, {"service": "MAIL", "subject": "Mon sujet tapé", "description": "", "requested_deadline": past}
    )
    assert response.status_code == 200 and Request.objects.count() == 0
    html = response.content.decode()
    assert 'value="Mon sujet tapé"' in html and '<option value="MAIL" selected>' in html
    assert (
        "La date souhaitée ne peut pas être dans le passé." in html
        or response.context["form"].errors["requested_deadline"]
    )
    assert response.context["form"].errors["description"]


def test_a_per_user_flood_limit_stops_the_form(client_for, user_a, settings):
    settings.WEB_REQUEST_FLOOD_LIMIT = 2
    client = client_for(user_a)
    for n in range(3):
        response = client.post(NEW, {"subject": f"demande {n}", "description": "texte"})
    assert Request.objects.count() == 2
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert 'value="demande 2"' in response.content.decode()


# -- who sees what


def test_business_user_sees_own_requests_only(client_for, user_a, user_b):
    mine, theirs = request_of(user_a, "à moi"), request_of(user_b, "à Bruno")
    client = client_for(user_a)
    listing = client.get(reverse("requests_box:my_requests")).content.decode()
    assert mine.reference in listing and theirs.reference not in listing
    assert client.get(mine.get_absolute_url()).status_code == 200
    assert client.get(theirs.get_absolute_url()).status_code == 404  # guessing a URL reveals nothing


def test_a_mail_request_is_visible_to_its_sender_once_logged_in(client_for, user_a):
    reference = Intake().ingest(build_mail(sender=user_a.email, subject="Par mail"), source="t").detail
    assert client_for(user_a).get(reverse("requests_box:request_detail", args=[reference])).status_code == 200


def test_correspondent_sees_the_requests_of_their_directorate(client_for, correspondent_a, user_a, user_b):
    same_directorate, other = request_of(user_a), request_of(user_b)
    client = client_for(correspondent_a)
    assert client.get(same_directorate.get_absolute_url()).status_code == 200
    assert client.get(other.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("persona", ["product_manager", "team_member", "editor"])
def test_other_roles_do_not_see_clients_requests(request, client_for, persona, user_a):
    client_request = request_of(user_a)
    client = client_for(request.getfixturevalue(persona))
    assert client.get(client_request.get_absolute_url()).status_code == 404
    assert client_request.reference not in client.get(reverse("requests_box:my_requests")).content.decode()
    assert client.get(reverse("requests_box:quarantine_list")).status_code == 403


def test_relationship_manager_sees_every_request(client_for, relationship_manager, user_a, user_b):
    a, b = request_of(user_a), request_of(user_b)
    listing = client_for(relationship_manager).get(reverse("requests_box:my_requests")).content.decode()
    assert a.reference in listing and b.reference in listing


def test_anonymous_visitors_are_sent_to_the_login(client, user_a):
    response = client.get(request_of(user_a).get_absolute_url())
    assert response.status_code == 302 and "/connexion/" in response.url


def test_attachments_are_served_only_to_allowed_people_as_downloads(client_for, user_a, user_b):
    files = [services.NewFile("page.html", "text/html", b"<script>alert(1)</script>")]
    client_request = request_of(user_a, files=files)
    attachment = client_request.messages.get(direction="inbound").attachments.get()
    url = reverse("requests_box:attachment_download", args=[client_request.reference, attachment.pk])
    response = client_for(user_a).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == b"<script>alert(1)</script>"
    assert client_for(user_b).get(url).status_code == 404
    other_url = reverse(
        "requests_box:attachment_download", args=[request_of(user_b).reference, attachment.pk]
    )
    assert client_for(user_b).get(other_url).status_code == 404


@pytest.mark.parametrize("size", [3, 12])
def test_my_requests_runs_a_constant_number_of_queries(
    client_for, user_a, django_assert_max_num_queries, size
):
    for n in range(size):
        request_of(user_a, f"demande {n}")
    client = client_for(user_a)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("requests_box:my_requests")).status_code == 200


# -- the relationship manager's screens


def test_business_users_cannot_open_the_mailbox_screens(client_for, user_a):
    client = client_for(user_a)
    for name in ("mailbox_home", "manual_entry", "unknown_senders", "quarantine_list", "ignored_list"):
        assert client.get(reverse(f"requests_box:{name}")).status_code == 403


def test_manual_entry_records_the_channel_and_the_matrix_deadline(client_for, relationship_manager, user_b):
    from directory.models import Contact

    contact = Contact.objects.get(user=user_b)
    response = client_for(relationship_manager).post(
        reverse("requests_box:manual_entry"),
        {
            "channel": "telephone",
            "contact": contact.pk,
            "subject": "Appel : paie bloquée",
            "description": "La paie ne part pas",
            "urgent": "on",
            "important": "on",
            "received_at": "2026-03-02T10:00",
        },
    )
    request = Request.objects.get()
    assert response.status_code == 302
    assert (request.channel, request.contact, request.entity, request.submitted_by) == (
        "telephone",
        contact,
        contact.entity,
        relationship_manager,
    )
    assert request.deadline - request.received_at == dt.timedelta(hours=24)


def test_manual_entry_offers_no_contact_who_has_left(client_for, relationship_manager, user_b):
    from directory.models import Contact

    contact = Contact.objects.get(user=user_b)
    contact.is_active = False
    contact.save()
    client = client_for(relationship_manager)
    assert f'value="{contact.pk}"' not in client.get(reverse("requests_box:manual_entry")).content.decode()
    response = client.post(
        reverse("requests_box:manual_entry"),
        {"channel": "telephone", "contact": contact.pk, "subject": "Appel", "description": "x"},
    )
    assert response.status_code == 200 and Request.objects.count() == 0


def test_manual_entry_needs_someone_and_keeps_what_was_typed(client_for, relationship_manager):
    response = client_for(relationship_manager).post(
        reverse("requests_box:manual_entry"),
        {"channel": "courrier", "subject": "Lettre reçue", "description": "x"},
    )
    assert response.status_code == 200 and Request.objects.count() == 0
    assert 'value="Lettre reçue"' in response.content.decode()


def test_unknown_senders_are_listed_and_linked(client_for, relationship_manager, user_a):
    from directory.models import Contact

    reference = Intake().ingest(build_mail(sender="perso@gmail.example"), source="t").detail
    client = client_for(relationship_manager)
    assert reference in client.get(reverse("requests_box:unknown_senders")).content.decode()
    contact = Contact.objects.get(user=user_a)
    response = client.post(
        reverse("requests_box:link_sender", args=[reference]), {"contact": contact.pk, "next": "unknown"}
    )
    assert response.status_code == 302
    assert Request.objects.get(reference=reference).entity == contact.entity
    assert reference not in client.get(reverse("requests_box:unknown_senders")).content.decode()


def test_business_users_cannot_link_senders(client_for, user_a):
    reference = Intake().ingest(build_mail(sender="perso@gmail.example"), source="t").detail
    response = client_for(user_a).post(reverse("requests_box:link_sender", args=[reference]), {"contact": 1})
    assert response.status_code == 403


def test_quarantine_can_be_read_released_and_discarded(client_for, relationship_manager):
    Intake().ingest(b"From: perdu@ext.example\r\n\r\n", source="t")  # empty
    Intake().ingest(b"\x00\x01binary", source="t")
    empty, binary = QuarantinedMessage.objects.order_by("pk")
    client = client_for(relationship_manager)
    listing = client.get(reverse("requests_box:quarantine_list")).content.decode()
    # The reasons intake stores as codes read in French.
    assert "message vide" in listing and "courriel illisible" in listing
    assert "empty message" not in listing
    detail = client.get(reverse("requests_box:quarantine_detail", args=[empty.pk])).content.decode()
    assert "perdu@ext.example" in detail
    raw = client.get(reverse("requests_box:quarantine_raw", args=[binary.pk]))
    assert b"".join(raw.streaming_content) == b"\x00\x01binary"

    response = client.post(
        reverse("requests_box:quarantine_detail", args=[empty.pk]),
        {"release": "1", "release-subject": "Demande retrouvée", "release-sender_email": ""},
    )
    request = Request.objects.get()
    assert response.status_code == 302 and request.subject == "Demande retrouvée"
    assert request.sender_email == "perdu@ext.example"
    empty.refresh_from_db()
    assert (empty.status, empty.request) == ("released", request)
    assert request.messages.get(direction="inbound").attachments.get().original_name == "message-original.eml"

    refused = client.post(reverse("requests_box:quarantine_detail", args=[binary.pk]), {"discard": "1"})
    assert refused.status_code == 200 and refused.context["discard_form"].errors
    client.post(
        reverse("requests_box:quarantine_detail", args=[binary.pk]),
        {"discard": "1", "discard-reason": "Pas un message"},
    )
    binary.refresh_from_db()
    assert (binary.status, binary.discard_reason, binary.handled_by) == (
        "discarded",
        "Pas un message",
        relationship_manager,
    )


@pytest.mark.parametrize("size", [2, 8])
def test_intake_lists_run_a_constant_number_of_queries(
    client_for, relationship_manager, django_assert_max_num_queries, size
):
    intake = Intake()
    for n in range(size):
        intake.ingest(build_mail(sender=f"x{n}@ext.example", subject=f"s{n}"), source="t")
        intake.ingest(build_mail(headers={"Auto-Submitted": "auto-replied"}), source="t")
        intake.ingest(f"From: a{n}@b.fr\r\n\r\n".encode(), source="t")
    client = client_for(relationship_manager)
    for name in ("mailbox_home", "unknown_senders", "quarantine_list", "ignored_list"):
        with django_assert_max_num_queries(12):
            assert client.get(reverse(f"requests_box:{name}")).status_code == 200
    assert IgnoredMessage.objects.count() == size


def test_navigation_offers_the_mailbox_by_role(client_for, user_a, relationship_manager):
    home_for_user = client_for(user_a).get(reverse("requests_box:my_requests")).content.decode()
    assert reverse("requests_box:new_request") in home_for_user
    assert reverse("requests_box:mailbox_home") not in home_for_user
    rrc = make_user("rrc2", "relationship_managers")
    assert (
        reverse("requests_box:mailbox_home")
        in client_for(rrc).get(reverse("requests_box:my_requests")).content.decode()
    )
