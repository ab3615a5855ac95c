"""Whole journeys in a real browser: a business user asks for a service, the CIO reads the
dashboard, a relationship manager records a committee meeting. Screenshots in var/e2e-artifacts/."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from catalogue.models import CatalogueIndexPage
from committees.models import Action, Committee, CommitteeMember, Decision, Level, Meeting, MeetingStatus
from requests_box.models import Request
from tests.catalogue.conftest import make_family, make_service
from tests.e2e.conftest import login
from tests.requests_box.conftest import smtp_server  # noqa: F401 - the real SMTP sink

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def catalogue():
    index = CatalogueIndexPage.objects.get()
    workstation = make_family(index, code="POSTE", title="Poste de travail", colour="#1f4e8c")
    printing = make_family(index, code="IMP", title="Impression", colour="#8a4b00", pictogram="impression")
    mail = make_service(workstation, code="MAIL", title="Messagerie collaborative", needs=("confort",))
    make_service(workstation, code="VPN", title="Accès distant VPN", needs=("securite",))
    make_service(printing, code="COPIEUR", title="Copieurs multifonctions", needs=("finances",))
    return {"mail": mail, "printing": printing}


def test_business_user_finds_a_service_asks_for_it_and_follows_it(
    page,
    steps,
    catalogue,
    user_a,
    smtp_server,  # noqa: F811
):
    login(page, "alice")
    steps.shot("home")

    page.goto("/catalogue/parcourir/")
    steps.shot("browse")
    # By search.
    page.locator("#id_q").fill("Messagerie")
    page.locator("form.filters button[type=submit]").click()
    results = page.locator(".service-grid")
    expect(results).to_contain_text("Messagerie collaborative")
    expect(results).not_to_contain_text("Copieurs multifonctions")
    steps.shot("search results")
    # By filter.
    page.goto("/catalogue/parcourir/")
    page.locator("#id_family").select_option(label="Impression")
    page.locator("form.filters button[type=submit]").click()
    expect(results).to_contain_text("Copieurs multifonctions")
    expect(results).not_to_contain_text("Messagerie collaborative")
    steps.shot("filtered by family")

    # The service page, then "ask for this service".
    page.goto("/catalogue/parcourir/?q=Messagerie")
    page.get_by_role("link", name="Messagerie collaborative").first.click()
    expect(page.locator("h1")).to_contain_text("Messagerie collaborative")
    steps.shot("service page")
    page.locator(".service-cta a.button").click()
    expect(page.locator("#id_service")).to_have_value("MAIL")
    page.locator("#id_subject").fill("Boîte partagée pour l'équipe ventes")
    page.locator("#id_description").fill("Bonjour, nous avons besoin d'une boîte partagée. Merci.")
    steps.shot("new request form")
    page.locator("main form button[type=submit]").last.click()

    page.wait_for_url(re.compile(r"/demandes/REQ-\d{4}-\d{6}/$"))
    request = Request.objects.get(subject="Boîte partagée pour l'équipe ventes")
    expect(page.locator("main")).to_contain_text(request.reference)
    steps.shot("request sent")

    # The acknowledgement arrives on the real SMTP server.
    (received,) = smtp_server.wait_for(1)
    assert received["to"] == [user_a.email]
    assert request.reference in str(received["message"]["Subject"])
    assert f"/demandes/{request.reference}/" in received["message"].get_content()

    # Following it in "My requests".
    page.goto("/demandes/")
    expect(page.locator("main")).to_contain_text(request.reference)
    steps.shot("my requests")
    page.get_by_role("link", name=re.compile(request.reference)).first.click()
    expect(page.locator("h1")).to_contain_text("Boîte partagée")
    steps.shot("request followed")


def test_cio_reads_the_dashboard_changes_period_drills_down_and_exports(page, steps, cio, user_a, entity_a):
    from requests_box import services

    for i in range(3):
        services.create_request(
            channel="web",
            subject=f"Demande {i}",
            text="x",
            contact=user_a.contact,
            submitted_by=user_a,
            acknowledge=False,
        )
    login(page, "isabelle")
    page.goto("/indicateurs/")
    expect(page.locator("h1")).to_be_visible()
    steps.shot("dashboard")

    page.locator("#id_period").select_option("year")
    page.locator("form").filter(has=page.locator("#id_period")).locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"period=year"))
    steps.shot("dashboard year")

    page.get_by_role("link", name=re.compile("Direction Commerciale")).first.click()
    page.wait_for_url(re.compile(r"/indicateurs/direction/DCOM/"))
    expect(page.locator("main")).to_contain_text("Direction Commerciale")
    steps.shot("directorate drill-down")

    page.goto("/indicateurs/?period=year")
    with page.expect_download() as csv_info:
        page.get_by_role("link", name=re.compile("CSV")).click()
    csv_path = csv_info.value.path()
    assert csv_info.value.suggested_filename.endswith(".csv")
    assert open(csv_path, encoding="utf-8-sig").read().strip()
    with page.expect_download() as pdf_info:
        page.get_by_role("link", name=re.compile("PDF")).first.click()
    assert open(pdf_info.value.path(), "rb").read(5) == b"%PDF-"
    steps.shot("exports downloaded")


def test_relationship_manager_records_a_committee_meeting(
    page, steps, relationship_manager, user_a, directorate_a
):
    committee = Committee.objects.create(
        name="Comité tactique DCOM",
        directorate=directorate_a,
        level=Level.TACTIQUE,
        cadence_months=3,
        starts_on=dt.date(2026, 1, 15),
        location="Siège, salle 4",
    )
    CommitteeMember.objects.create(committee=committee, contact=user_a.contact)
    CommitteeMember.objects.create(committee=committee, user=relationship_manager)
    meeting = Meeting.objects.create(committee=committee, scheduled_at=timezone.now() - dt.timedelta(days=1))
    from committees import services

    services.invite_members(meeting)

    login(page, "sophie")
    page.goto("/comites/")
    steps.shot("committees")
    page.get_by_role("link", name="Comité tactique DCOM").first.click()
    steps.shot("committee")
    page.goto(f"/comites/reunions/{meeting.pk}/")
    steps.shot("meeting planned")

    for box in page.locator("input[name=present]").all():
        box.check()
    page.get_by_role("button", name=re.compile("tenue|held", re.I)).click()
    expect(page.locator("main")).to_contain_text(re.compile("présent|present", re.I))
    steps.shot("attendance recorded")

    page.locator("form[action$='/decisions/'] textarea").fill("Le déploiement du VPN est validé.")
    page.locator("form[action$='/decisions/'] button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("Le déploiement du VPN est validé.")

    action_form = page.locator("form[action$='/actions/']")
    action_form.locator("[name=title]").fill("Envoyer le planning de déploiement")
    action_form.locator("[name=owner]").select_option(str(relationship_manager.pk))
    action_form.locator("[name=due_on]").fill((timezone.localdate() + dt.timedelta(days=14)).isoformat())
    action_form.locator("button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("Envoyer le planning de déploiement")
    steps.shot("decision and action")

    page.get_by_role("button", name=re.compile("Publier|Publish")).click()
    steps.shot("minutes published")

    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD and meeting.minutes_published
    assert Decision.objects.filter(meeting=meeting).count() == 1
    assert Action.objects.get(meeting=meeting).owner == relationship_manager
