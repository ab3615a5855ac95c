"""Demo requests, taken in through the same intake code as real ones: mail bytes, web form, manual entry.

Deterministic (fixed seed, fixed Message-IDs) and idempotent: a second run finds every Message-ID
already taken in (duplicates are skipped) and leaves the same counts.
"""

import datetime as dt
import random
from email.message import EmailMessage
from email.utils import format_datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from catalogue.models import ServicePage
from directory.models import Contact
from requests_box import services
from requests_box.intake.intake import Intake
from requests_box.models import IgnoredMessage, Message, QuarantinedMessage, Request

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
    return {
        "requests": Request.objects.count(),
        "requests from unknown senders": Request.objects.filter(entity__isnull=True).count(),
        "quarantined messages": QuarantinedMessage.objects.count(),
        "ignored messages": IgnoredMessage.objects.count(),
    }
