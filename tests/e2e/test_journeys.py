"""Whole journeys in a real browser: a business user asks for a service and answers the survey mailed
after it; the CIO reads the dashboard; a relationship manager triages a mail from the real IMAP server,
handles a complaint through its phases and records a committee meeting; an editor publishes a service.
Screenshots in var/e2e-artifacts/."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from catalogue.models import CatalogueIndexPage
from committees.models import Action, Committee, CommitteeMember, Decision, Level, Meeting, MeetingStatus
from kpis.models import Survey, SurveyAnswer, SurveyFollowUp, SurveyInvitation, SurveyKind
from kpis.surveys.tasks import send_due_surveys
from requests_box.models import Request
from tests.catalogue.conftest import make_family, make_service
from tests.e2e.conftest import login
from tests.requests_box.conftest import (  # noqa: F401 - the real IMAP server and SMTP sink
    dovecot,
    imap_folder,
    smtp_server,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def catalogue():
    index = CatalogueIndexPage.objects.get()
    workstation = make_family(index, code="POSTE", title="Poste de travail", colour="#1f4e8c")
    printing = make_family(index, code="IMP", title="Impression", colour="#8a4b00", pictogram="impression")
    mail = make_service(workstation, code="MAIL", title="Messagerie collaborative", needs=("confort",))
    make_service(workstation, code="VPN", title="Accès distant VPN", needs=("securite",))
    copier = make_service(printing, code="COPIEUR", title="Copieurs multifonctions", needs=("finances",))
    return {"mail": mail, "copier": copier, "printing": printing, "workstation": workstation}


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

    page.get_by_text("Changer de période").click()  # the picker is folded under the period's title
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


def test_business_user_answers_the_satisfaction_survey_mailed_after_the_request(
    page,
    steps,
    settings,
    live_server,
    user_a,
    relationship_manager,
    smtp_server,  # noqa: F811
):
    from requests_box import services, workflow

    settings.PORTAL_BASE_URL = live_server.url  # the links of the mails point at this server
    survey = Survey.objects.create(
        code="apres-demande", title="Votre avis sur notre réponse", kind=SurveyKind.POST_DEMANDE
    )
    request = services.create_request(
        channel="web",
        subject="Second écran pour la comptabilité",
        text="Bonjour, il nous faudrait un second écran.",
        contact=user_a.contact,
        submitted_by=user_a,
        acknowledge=False,
    )
    workflow.change_status(request, "resolved", actor=relationship_manager, response_type="livraison")
    workflow.change_status(request, "closed", actor=relationship_manager)
    invitation = SurveyInvitation.objects.get(request=request)
    assert invitation.status == "pending"
    # One day later the worker's periodic job sends what is due.
    SurveyInvitation.objects.filter(pk=invitation.pk).update(due_at=timezone.now())
    send_due_surveys.enqueue()
    (received,) = smtp_server.wait_for(1)
    assert received["to"] == [user_a.email]
    assert request.reference in str(received["message"]["Subject"])
    url = re.search(r"http://\S+/enquetes/repondre/\S+/", received["message"].get_content()).group(0)

    # The link from the mail opens without logging in: the token is the credential.
    page.goto(url)
    expect(page.locator("h1")).to_have_text("Votre avis sur notre réponse")
    expect(page.locator("main")).to_contain_text(request.reference)
    steps.shot("survey link opened")
    page.locator("input[name=nps][value='6']").check()
    page.locator("input[name=csat][value='2']").check()
    page.get_by_role("button", name="Envoyer ma réponse").click()
    # A low score without a comment: the form asks once what went wrong.
    expect(page.locator(".error-summary")).to_be_visible()
    steps.shot("comment asked after a low score")
    page.locator("textarea[name=comment]").fill("Livré avec dix jours de retard.")
    page.get_by_role("button", name="Envoyer ma réponse").click()
    expect(page.locator("h1")).to_have_text("Merci pour votre réponse")
    steps.shot("answer recorded")

    answer = SurveyAnswer.objects.get(survey=survey)
    assert (answer.nps, answer.csat, answer.comment) == (6, 2, "Livré avec dix jours de retard.")
    assert answer.contact == user_a.contact and answer.request == request
    follow_up = SurveyFollowUp.objects.get(answer=answer)
    # The link is single-use.
    page.goto(url)
    expect(page.locator("h1")).to_have_text("Vous avez déjà répondu à cette enquête")
    assert SurveyAnswer.objects.count() == 1

    # The relationship manager sees the answer in the survey's results, and the call back to make.
    login(page, "sophie")
    page.goto("/enquetes/")
    page.get_by_role("link", name="Votre avis sur notre réponse").click()
    summary = page.locator("table.survey-summary")
    expect(summary.get_by_role("row", name=re.compile("Réponses"))).to_contain_text("1")
    expect(summary.get_by_role("row", name="NPS")).to_contain_text("-100")
    comment = page.locator(".survey-comment")
    expect(comment).to_contain_text("Livré avec dix jours de retard.")
    expect(comment).to_contain_text(request.reference)
    expect(comment).to_contain_text("Alice Martin")
    steps.shot("results seen by the relationship manager")
    page.goto("/enquetes/suivis/")
    row = page.get_by_role("row", name=re.compile(request.reference))
    expect(row).to_contain_text("Alice Martin")
    row.get_by_label("Note").fill("Rappelée : le retard venait du fournisseur, elle est satisfaite.")
    row.get_by_role("button").click()
    expect(page.get_by_role("row", name=re.compile(request.reference))).to_have_count(0)
    steps.shot("follow-up done")
    follow_up.refresh_from_db()
    assert follow_up.done_by == relationship_manager and "fournisseur" in follow_up.note


# The request workspace's forms: (form id, field prefix). Each field is named `<prefix>-<field>`.
FORMS = {
    "save": ("form-save", "panel"),  # qualification and assignment, one save
    "status": ("form-status", "status"),
    "reply": ("form-compose", "compose"),
    "note": ("form-compose", "compose"),
    "forward": ("form-forward", "forward"),
    "satisfaction": ("form-satisfaction", "satisfaction"),
}


def submit(page, action: str, **fields):
    """Fill and send one of the request workspace's forms; stable whatever the layout."""
    form_id, prefix = FORMS[action]
    form = page.locator(f"form#{form_id}")
    if action in ("reply", "note"):
        form.locator(f"input[name=compose-mode][value={action}]").check()
    for name, value in fields.items():
        radio = form.locator(f"input[type=radio][name={prefix}-{name}][value='{value}']")
        if radio.count():
            radio.check()
            continue
        field = form.locator(f"[name={prefix}-{name}]")
        if value is True:
            field.check()
        elif field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(str(value))
        else:
            field.fill(str(value))
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def facts(page, term: str):
    """The value shown for one term of the request's facts."""
    return page.locator(f"dl.ws-facts dt:text-is('{term}') + dd")


def test_relationship_manager_triages_a_mail_from_the_imap_server_replies_and_resolves(
    page,
    steps,
    catalogue,
    user_a,
    relationship_manager,
    product_manager,
    dovecot,  # noqa: F811
    imap_folder,  # noqa: F811
    smtp_server,  # noqa: F811
):
    from requests_box.intake.tasks import poll_mailbox
    from requests_box.models import Team
    from tests.requests_box.mails import build_mail

    team = Team.objects.create(name="Équipe messagerie", email="equipe-messagerie@groupe-aurelia.fr")
    imap = dovecot.client()
    imap.append(
        imap_folder,
        build_mail(
            subject="Ma boîte aux lettres est pleine",
            body="Bonjour,\nje ne reçois plus aucun message depuis ce matin.\nAlice",
            message_id="<boite-pleine@client.example>",
        ),
    )
    imap.logout()
    # The background worker polls the shared mailbox: the request is created and acknowledged.
    assert poll_mailbox.enqueue().return_value["created"] == 1
    request = Request.objects.get(subject="Ma boîte aux lettres est pleine")
    (acknowledgement,) = smtp_server.wait_for(1)
    assert acknowledgement["to"] == [user_a.email]

    login(page, "sophie")
    page.goto("/boite/")
    page.locator("main").get_by_role("link", name=re.compile("^Tri")).click()
    row = page.get_by_role("row", name=re.compile(request.reference))
    expect(row).to_contain_text("Ma boîte aux lettres est pleine")
    expect(row).to_contain_text("Ventes Grands Comptes")  # the sender is known: Alice's entity
    steps.shot("triage")
    row.get_by_role("link", name=request.reference).click()
    expect(page.locator("h1")).to_contain_text(request.reference)
    expect(page.locator("main")).to_contain_text("je ne reçois plus aucun message")
    steps.shot("new mail opened")

    # Qualify and route in one save: a simple request about the mail service, important, to the mail
    # team (told by e-mail) and its product manager (told too); the page confirms what was saved.
    submit(
        page, "save", kind="simple", service=catalogue["mail"].pk, important=True,
        assignee=product_manager.pk, team=team.pk,
    )  # fmt: skip
    expect(page.locator(".messages")).to_contain_text("Enregistré à")
    expect(facts(page, "Statut")).to_have_text("Affectée")
    expect(facts(page, "Service")).to_have_text("Messagerie collaborative")
    expect(facts(page, "Responsable")).to_contain_text("Thomas Moreau")
    steps.shot("qualified and routed")
    told = smtp_server.wait_for(3)
    assert {tuple(m["to"]) for m in told[1:]} == {(team.email,), (product_manager.email,)}
    assert all(request.reference in str(m["message"]["Subject"]) for m in told[1:])

    # Answer the client from the portal: the reply leaves by SMTP, threaded on the client's mail.
    submit(page, "reply", text="Bonjour Alice, votre quota est passé à 10 Go. Cordialement, Sophie")
    expect(page.locator("main")).to_contain_text("votre quota est passé à 10 Go")
    (reply,) = [m for m in smtp_server.wait_for(4) if "quota" in m["message"].get_content()]
    assert reply["to"] == [user_a.email]
    # (Python's parser keeps the folding space before an encoded subject: strip it.)
    assert str(reply["message"]["Subject"]).strip() == (
        f"[{request.reference}] Re : Ma boîte aux lettres est pleine"
    )
    assert reply["message"]["In-Reply-To"] == "<boite-pleine@client.example>"

    # Resolve, with the type of answer given.
    submit(page, "status", status="resolved", response_type="email")
    expect(facts(page, "Statut")).to_have_text("Résolue")
    expect(facts(page, "Type de réponse")).to_have_text("E-mail")
    steps.shot("resolved")

    request.refresh_from_db()
    assert (request.status, request.response_type, request.kind) == ("resolved", "email", "simple")
    assert request.service_id == catalogue["mail"].pk and request.team == team
    assert request.assignee == product_manager and request.resolved_at is not None


def test_relationship_manager_handles_a_complaint_through_its_phases(
    page,
    steps,
    catalogue,
    user_a,
    relationship_manager,
    smtp_server,  # noqa: F811
):
    from requests_box import services, workflow
    from requests_box.models import ComplaintCause, Team

    cause = ComplaintCause.objects.create(name="Délai non tenu")
    general_services = Team.objects.create(
        name="Services généraux", email="services-generaux@groupe-aurelia.fr"
    )
    earlier = services.create_request(
        channel="web", subject="Copieur du 3e étage", text="Le copieur est en panne.",
        contact=user_a.contact, acknowledge=False,
    )  # fmt: skip
    workflow.change_status(earlier, "resolved", actor=relationship_manager, response_type="visite")

    # 1. Welcome: the complaint arrives and is acknowledged at once, with the answer deadline.
    complaint = services.create_request(
        channel="email",
        subject="Toujours pas de copieur",
        text="Bonjour, le copieur est de nouveau en panne depuis une semaine. C'est inacceptable.",
        sender_email=user_a.email,
    )
    (acknowledgement,) = smtp_server.wait_for(1)
    assert acknowledgement["to"] == [user_a.email]
    assert complaint.reference in str(acknowledgement["message"]["Subject"])
    assert "Nous nous engageons à vous répondre" in acknowledgement["message"].get_content()

    login(page, "sophie")
    page.goto(f"/demandes/{complaint.reference}/")
    expect(page.locator("main")).to_contain_text("Accusé de réception envoyé")
    steps.shot("complaint received and acknowledged")

    # 2. Record: qualify and codify (type, cause, service, entity, seriousness); urgent and
    # important, so 24 hours to answer. The client's history appears with the complaint's forms.
    submit(
        page, "save", kind="reclamation", cause=cause.pk, founded="yes", grievance="tactique",
        service=catalogue["copier"].pk, urgent=True, important=True, serious=True,
    )  # fmt: skip
    expect(facts(page, "Type")).to_contain_text("Réclamation")
    expect(facts(page, "Cause")).to_have_text("Délai non tenu")
    expect(facts(page, "Fondée ?")).to_have_text("Fondée")
    expect(facts(page, "Grief")).to_have_text("Tactique")
    page.locator("summary", has_text="Historique du client").click()
    history = page.locator("details", has=page.locator("summary", has_text="Historique du client"))
    expect(history).to_contain_text(earlier.reference)
    expect(history).to_contain_text("Copieur du 3e étage")
    steps.shot("complaint codified with the client history")
    complaint.refresh_from_db()
    assert complaint.deadline == complaint.received_at + dt.timedelta(hours=24)
    # The acknowledgement promised a week: the client is told the new date at once.
    (_ack, notice) = smtp_server.wait_for(2)
    assert notice["to"] == [user_a.email]
    assert "Nous nous engageons à vous répondre au plus tard le" in notice["message"].get_content()

    # 3. Resolve: forward to the DSI team concerned (it is told and receives the complaint), keep the
    # client informed, then resolve.
    page.locator("summary", has_text="Résoudre : transmettre").click()
    submit(
        page,
        "forward",
        mode="forward",
        recipient=f"team:{general_services.pk}",
        text="Remplacement du copieur",
    )
    expect(facts(page, "Équipe concernée")).to_have_text("Services généraux")
    expect(facts(page, "Statut")).to_have_text("Affectée")
    (told,) = [m for m in smtp_server.wait_for(3) if m["to"] == [general_services.email]]
    assert "Remplacement du copieur" in told["message"].get_content()
    submit(page, "reply", text="Bonjour, les services généraux remplacent le copieur jeudi.")
    (informed,) = [m for m in smtp_server.wait_for(4) if "jeudi" in m["message"].get_content()]
    assert informed["to"] == [user_a.email]
    submit(page, "status", status="resolved", response_type="telephone")
    expect(facts(page, "Statut")).to_have_text("Résolue")
    callback = timezone.localdate() + dt.timedelta(days=15)
    expect(facts(page, "À rappeler le")).to_have_text(callback.strftime("%d/%m/%Y"))
    steps.shot("complaint resolved")

    # 4. Close: refused until the client's satisfaction has been checked again.
    submit(page, "status", status="closed")
    expect(page.locator("main")).to_contain_text("la vérification de la satisfaction enregistrée")
    expect(facts(page, "Statut")).to_have_text("Résolue")
    submit(page, "satisfaction", note="Rappelée : le nouveau copieur fonctionne, elle est satisfaite.")
    expect(facts(page, "Vérification de la satisfaction retrouvée")).to_contain_text("elle est satisfaite")
    submit(page, "status", status="closed")
    expect(facts(page, "Statut")).to_have_text("Clôturée")
    steps.shot("complaint closed")

    complaint.refresh_from_db()
    assert complaint.status == "closed" and complaint.response_type == "telephone"
    assert complaint.cause == cause and complaint.forwarded_team == general_services and complaint.serious
    assert complaint.founded is True and complaint.grievance == "tactique"
    assert complaint.callback_due == callback and complaint.satisfaction_checked_at is not None

    # 5. Follow-up: the complaint counts in the complaint tables, by cause.
    page.goto("/boite/reclamations/")
    by_cause = page.get_by_role("region", name="Réclamations par cause", exact=True)
    expect(by_cause.get_by_role("row", name=re.compile("Délai non tenu"))).to_contain_text("1")
    steps.shot("complaint tables")


def test_editor_publishes_a_service_that_appears_in_search_and_in_the_regenerated_pdf(
    page, steps, catalogue, editor
):
    import io

    from pypdf import PdfReader

    from catalogue.models import ServicePage

    def catalogue_pdf_text() -> str:
        page.goto("/catalogue/")
        with page.expect_download(timeout=60_000) as download:
            page.get_by_role("link", name="Catalogue complet (PDF)").click()
        reader = PdfReader(io.BytesIO(open(download.value.path(), "rb").read()))
        return " ".join(" ".join(p.extract_text() for p in reader.pages).split())

    login(page, "julien")
    before = catalogue_pdf_text()
    assert "Messagerie collaborative" in before and "Signature électronique" not in before

    # The editor adds a service under its family in the back office, and publishes it.
    family = catalogue["workstation"]
    page.goto(f"/admin/pages/{family.pk}/")
    page.get_by_role("link", name="Ajouter une sous-page").first.click()
    page.locator("#id_title").fill("Signature électronique")
    page.locator("#id_promise").fill("Signez vos contrats en ligne, sans imprimer.")
    page.get_by_role("tab", name="Gestion").click()
    page.locator("#id_code").fill("SIGN")
    page.get_by_role("tab", name="Promotion").click()
    page.locator("#id_slug").fill("signature-electronique")
    steps.shot("new service in the back office")
    footer = page.locator("footer")
    footer.get_by_role("button", name=re.compile("Plus d.actions|More actions")).click()
    footer.get_by_role("button", name="Publier").click()
    expect(page.locator(".messages")).to_contain_text("Signature électronique")
    steps.shot("service published")
    service = ServicePage.objects.get(code="SIGN")
    assert service.live and service.get_parent().pk == family.pk

    # Any employee finds it by search...
    page.goto("/catalogue/")
    page.get_by_label("Rechercher un service").fill("signature")
    page.get_by_label("Rechercher un service").press("Enter")
    expect(page.locator(".service-grid")).to_contain_text("Signature électronique")
    steps.shot("found by search")
    # ... and in the full catalogue, rebuilt for the new version of the published content.
    after = catalogue_pdf_text()
    assert "Signature électronique" in after and "Signez vos contrats en ligne" in after
