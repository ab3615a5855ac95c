"""Demo requests, taken in through the same intake code as real ones: mail bytes, web form, manual entry.

Deterministic (fixed seed, fixed Message-IDs) and idempotent: a second run finds every Message-ID
already taken in (duplicates are skipped) and leaves the same counts.
"""

import datetime as dt
import random
from email.message import EmailMessage
from email.utils import format_datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from catalogue.models import ServicePage
from directory.models import Contact
from requests_box import services, workflow
from requests_box.intake.intake import Intake
from requests_box.models import (
    ComplaintCause,
    IgnoredMessage,
    Kind,
    Message,
    PreventiveAction,
    QuarantinedMessage,
    Request,
    RoutingRule,
    Status,
    Team,
)

DEMO_DOMAIN = "relais-dsi.demo"
MAIL_COUNT, WEB_COUNT, MANUAL_COUNT = 50, 20, 10

NEEDS = [
    (
        "Accès à l'application de paie impossible",
        "Depuis ce matin, l'écran de connexion refuse mon mot de passe.",
    ),
    (
        "Demande de création d'une boîte partagée",
        "Pour l'équipe, une boîte commune « contrats » serait utile.",
    ),
    ("Imprimante du 3e étage en panne", "Bourrage permanent, l'équipe imprime au 2e depuis lundi."),
    (
        "Nouvel arrivant le 2 du mois prochain",
        "Merci de préparer poste, badge et accès pour notre stagiaire.",
    ),
    ("Lenteurs sur l'ERP en fin de mois", "Les clôtures prennent le double du temps habituel."),
    (
        "Réclamation : incident non résolu",
        "Troisième relance pour le même incident de messagerie, c'est pénalisant.",
    ),
    ("Projet : dématérialisation des notes de frais", "Nous souhaitons étudier un outil pour la rentrée."),
    ("Question sur le télétravail et le VPN", "Le VPN coupe toutes les 30 minutes depuis la mise à jour."),
    (
        "Besoin d'un tableau de bord commercial",
        "Un suivi hebdomadaire des commandes par région serait précieux.",
    ),
    ("Licence logiciel de dessin à renouveler", "La licence expire à la fin du mois, comment procéder ?"),
    (
        "Réunion : préparer la visio du comité",
        "Salle du 5e : l'écran ne détecte plus les ordinateurs portables.",
    ),
    (
        "Export des données clients pour l'audit",
        "L'audit interne demande un extrait anonymisé avant vendredi.",
    ),
]
UNKNOWN_SENDERS = [
    "m.dupuis@prestataire-conseil.example",
    "contact@cabinet-audit.example",
    "j.roy@gmail.example",
]
MANUAL_CHANNELS = ["telephone", "rendez_vous", "courrier", "intranet"]


def _mail(*, message_id, sender, name, subject, body, date, charset, html=False, headers=None) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"{name} <{sender}>" if name else sender
    msg["To"] = "relais-dsi@groupe-aurelia.fr"
    msg["Subject"] = subject
    msg["Date"] = format_datetime(date)
    msg["Message-ID"] = message_id
    for key, value in (headers or {}).items():
        msg[key] = value
    if html:
        paragraphs = "".join(f"<p>{line}</p>" for line in body.split("\n"))
        msg.set_content(
            f"<html><body>{paragraphs}<p>Cordialement,<br>{name}</p></body></html>", subtype="html"
        )
    else:
        msg.set_content(f"Bonjour,\n\n{body}\n\nCordialement,\n{name}\n", charset=charset)
    return msg.as_bytes()


def seed() -> dict[str, int]:
    rng = random.Random(20260501)  # noqa: S311 - demo data
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    contacts = list(Contact.objects.select_related("entity", "user").order_by("email"))
    favourites = [c for c in contacts if c.user_id] or contacts  # demo logins get requests of their own
    services_list = list(ServicePage.objects.live().order_by("code"))
    intake = Intake(acknowledge=False)
    taken = set(
        Message.objects.filter(message_id__endswith=f"@{DEMO_DOMAIN}>").values_list("message_id", flat=True)
    )

    def when() -> dt.datetime:
        return now - dt.timedelta(days=rng.randint(0, 170), hours=rng.randint(0, 9))

    for n in range(MAIL_COUNT):
        subject, body = NEEDS[n % len(NEEDS)]
        date = when()
        if n % 12 == 5:
            sender, name = UNKNOWN_SENDERS[n % len(UNKNOWN_SENDERS)], ""
        else:
            contact = rng.choice(favourites if n % 3 == 0 else contacts) if contacts else None
            sender, name = (contact.email, contact.full_name) if contact else (UNKNOWN_SENDERS[0], "")
        raw = _mail(
            message_id=f"<demo-mail-{n}@{DEMO_DOMAIN}>",
            sender=sender,
            name=name,
            subject=subject,
            body=body,
            date=date,
            charset=("utf-8", "iso-8859-15", "windows-1252")[n % 3],
            html=n % 7 == 3,
        )
        intake.ingest(raw, source=f"demo:mail/{n}")
        if n % 10 == 0:  # the client follows up on their own request
            reply = _mail(
                message_id=f"<demo-reply-{n}@{DEMO_DOMAIN}>",
                sender=sender,
                name=name,
                subject=f"RE: {subject}",
                body="Je me permets de relancer : avez-vous du nouveau ?",
                date=min(date + dt.timedelta(days=2), now),
                charset="utf-8",
                headers={"In-Reply-To": f"<demo-mail-{n}@{DEMO_DOMAIN}>"},
            )
            intake.ingest(reply, source=f"demo:reply/{n}")

    users = {
        u.pk: u for u in get_user_model().objects.filter(pk__in=[c.user_id for c in favourites if c.user_id])
    }
    for n in range(WEB_COUNT):
        message_id = f"<demo-web-{n}@{DEMO_DOMAIN}>"
        subject, body = NEEDS[(n * 5) % len(NEEDS)]
        contact = rng.choice(favourites) if favourites else None
        received_at = when()
        service = rng.choice(services_list) if services_list and n % 4 else None
        if message_id in taken or contact is None:
            continue
        services.create_request(
            channel="web",
            subject=subject,
            text=body,
            contact=contact,
            service=service,
            submitted_by=users.get(contact.user_id),
            received_at=received_at,
            message_id=message_id,
            acknowledge=False,
        )

    manager = get_user_model().objects.filter(username="sophie.durand").first()
    for n in range(MANUAL_COUNT):
        message_id = f"<demo-manual-{n}@{DEMO_DOMAIN}>"
        subject, body = NEEDS[(n * 7 + 3) % len(NEEDS)]
        contact = rng.choice(contacts) if contacts else None
        received_at = when()
        urgent, important = n % 4 == 0, n % 3 == 0
        if message_id in taken or contact is None:
            continue
        services.create_request(
            channel=MANUAL_CHANNELS[n % len(MANUAL_CHANNELS)],
            subject=subject,
            text=body,
            contact=contact,
            submitted_by=manager,
            received_at=received_at,
            urgent=urgent,
            important=important,
            message_id=message_id,
            acknowledge=False,
        )

    # One automatic reply (kept, ignored) and one empty mail (quarantined).
    intake.ingest(
        _mail(
            message_id=f"<demo-auto-1@{DEMO_DOMAIN}>",
            sender="pierre.absent@groupe-aurelia.fr",
            name="Pierre Absent",
            subject="Réponse automatique : absent jusqu'au 15",
            body="Je suis absent, merci de contacter mon assistante.",
            date=now - dt.timedelta(days=3),
            charset="utf-8",
            headers={"Auto-Submitted": "auto-replied"},
        ),
        source="demo:auto-reply",
    )
    intake.ingest(
        f"From: inconnu@{DEMO_DOMAIN}\r\nMessage-ID: <demo-empty-1@{DEMO_DOMAIN}>\r\n\r\n".encode(),
        source="demo:empty",
    )
    seed_year(rng, now, contacts, services_list, manager, taken)
    return {
        "requests": Request.objects.count(),
        "requests from unknown senders": Request.objects.filter(entity__isnull=True).count(),
        "quarantined messages": QuarantinedMessage.objects.count(),
        "ignored messages": IgnoredMessage.objects.count(),
    }


# -- a year of handled requests, through the same services as the screens

YEAR_COUNT = 3000
CAUSES = [
    "Délai non tenu",
    "Qualité de la réponse",
    "Incident récurrent",
    "Accueil / communication",
    "Facturation",
]
# kind: (weight, median hours to resolve, answer types)
KIND_PROFILE = {
    Kind.SIMPLE: (56, 6, ["email", "email", "telephone"]),
    Kind.COMPLEXE: (24, 40, ["email", "rendez_vous", "visite", "livraison"]),
    Kind.PROJET: (8, 300, ["rendez_vous", "livraison"]),
    Kind.RECLAMATION: (12, 60, ["telephone", "email", "rendez_vous"]),
}


TEAMS = [
    # name, e-mail, how many of the product managers are members
    ("Support poste de travail", "support-poste@groupe-aurelia.fr", 2),
    ("Applications métier", "", 3),
    ("Réseau et téléphonie", "", 1),
]


def _teams(product_managers) -> list[Team]:
    teams = []
    for n, (name, email, size) in enumerate(TEAMS):
        team, _created = Team.objects.get_or_create(name=name, defaults={"email": email})
        if not team.members.exists():
            team.members.set(product_managers[n : n + size] or product_managers[:1])
        teams.append(team)
    return teams


def _settings_rows(manager, teams):
    causes = [ComplaintCause.objects.get_or_create(name=name)[0] for name in CAUSES]
    RoutingRule.objects.get_or_create(
        name="Postes et impressions : à l'équipe support",
        defaults={"order": 30, "subject_words": "imprimante, écran, poste", "assign_to_team": teams[0]},
    )
    RoutingRule.objects.get_or_create(
        name="Réclamations : à la responsable relations clients",
        defaults={
            "order": 10,
            "subject_words": "réclamation, inacceptable",
            "set_kind": Kind.RECLAMATION,
            "set_important": True,
            "assign_to": manager,
        },
    )
    RoutingRule.objects.get_or_create(
        name="Projets : qualification par la RRC",
        defaults={"order": 20, "subject_words": "projet", "set_kind": Kind.PROJET, "assign_to": manager},
    )
    RoutingRule.objects.get_or_create(
        name="Service choisi : au chef de produit",
        defaults={"order": 90, "subject_words": "", "assign_to_product_manager": True, "active": False},
    )
    return causes


def seed_year(rng, now, contacts, services_list, manager, taken) -> None:
    if manager is None or not contacts:
        return
    product_managers = list(get_user_model().objects.filter(groups__name="product_managers").order_by("pk"))
    teams = _teams(product_managers)
    causes = _settings_rows(manager, teams)
    staff = [manager, *product_managers[:4]]
    kinds = list(KIND_PROFILE)
    weights = [KIND_PROFILE[k][0] for k in kinds]
    # The history rows of the year are written in bulk at the end (the state changes themselves go
    # through the workflow one by one, as on the screens).
    with transaction.atomic(), services.deferred_events():
        for n in range(YEAR_COUNT):
            message_id = f"<demo-year-{n}@{DEMO_DOMAIN}>"
            kind = rng.choices(kinds, weights)[0]
            subject, body = NEEDS[rng.randrange(len(NEEDS))]
            contact = rng.choice(contacts)
            age_days = rng.randint(1, 365)
            received_at = now - dt.timedelta(days=age_days, hours=rng.randint(0, 9))
            service = rng.choice(services_list) if services_list and rng.random() < 0.7 else None
            hours = rng.lognormvariate(0, 0.8) * KIND_PROFILE[kind][1]
            resolved_at = received_at + dt.timedelta(hours=hours)
            serious = kind == Kind.RECLAMATION and rng.random() < 0.3
            rolls = [rng.random() for _ in range(4)]
            cause = rng.choice(causes) if kind == Kind.RECLAMATION else None
            channel = rng.choice(["email", "email", "email", "web", "telephone", "rendez_vous"])
            answer = rng.choice(KIND_PROFILE[kind][2])
            feedback = rng.choice(["Satisfait", "Satisfait, à surveiller"])
            if message_id in taken:
                continue
            request = services.create_request(
                channel=channel,
                subject=subject,
                text=body,
                contact=contact,
                service=service,
                received_at=received_at,
                message_id=message_id,
                urgent=rolls[0] < 0.15,
                important=rolls[1] < 0.3,
                acknowledge=False,
                route=False,
            )
            if kind != Kind.SIMPLE:  # a simple request is qualified by its assignment
                request = workflow.qualify(
                    request,
                    actor=manager,
                    kind=kind,
                    cause=cause,
                    serious=serious,
                    now=min(received_at + dt.timedelta(minutes=20), resolved_at),
                )
            # Three requests in four also go to a team (the demo tells no team by mail).
            team = teams[n % 4] if n % 4 < len(teams) else ...
            request = workflow.assign(
                request,
                assignee=staff[n % len(staff)],
                team=team,
                actor=manager,
                notify=False,
                now=min(received_at + dt.timedelta(minutes=30), resolved_at),
            )
            if resolved_at >= now or rolls[2] < 0.04:
                if rolls[3] < 0.3:
                    workflow.change_status(request, Status.WAITING_CLIENT, actor=manager)
                elif rolls[3] < 0.7:
                    workflow.change_status(request, Status.IN_PROGRESS, actor=manager)
                continue
            request = workflow.change_status(
                request,
                Status.RESOLVED,
                actor=manager,
                response_type=answer,
                now=resolved_at,
            )
            if resolved_at < now - dt.timedelta(days=7) and rolls[3] < 0.85:
                if kind == Kind.RECLAMATION:
                    request = workflow.record_satisfaction(request, actor=manager, note=feedback)
                workflow.change_status(
                    request, Status.CLOSED, actor=manager, now=resolved_at + dt.timedelta(days=7)
                )
    _preventive_actions(manager)


PREVENTIVE_ACTIONS = [
    (
        "Point hebdomadaire sur les incidents récurrents",
        "Décidé à la lecture du tableau des réclamations par cause.",
        "Incident récurrent",
        False,
    ),
    (
        "Relance automatique avant l'échéance promise",
        "Les réclamations « Délai non tenu » reviennent chaque mois : alerte à 75 % du délai.",
        "Délai non tenu",
        True,
    ),
    (
        "Charte d'accueil téléphonique",
        "Formation d'une demi-journée pour le centre de services.",
        "Accueil / communication",
        False,
    ),
]


def _preventive_actions(manager) -> None:
    if PreventiveAction.objects.exists():
        return
    today = timezone.localdate()
    for n, (title, description, cause, done) in enumerate(PREVENTIVE_ACTIONS):
        action = PreventiveAction.objects.create(
            title=title,
            description=description,
            owner=manager,
            done=done,
            decided_on=today - dt.timedelta(days=30 * (len(PREVENTIVE_ACTIONS) - n)),
        )
        action.complaints.set(
            Request.objects.filter(kind=Kind.RECLAMATION, cause__name=cause).order_by("pk")[:8]
        )
