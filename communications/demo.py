"""Demo data for communication: audiences, campaigns already sent (with their measures), events with
registrations and a waiting list, and the year's communication plan.

Dates follow today: two campaigns and a training session in the last complete quarter (the dashboard's
default period), one campaign this quarter, a draft invitation to the next Techday, two events ahead.
Deterministic (generators seeded from titles) and idempotent (everything is an upsert by title; the
deliveries, clicks and registrations of a demo campaign or event are rebuilt each time). No mail is
sent: the deliveries are written as the worker would have left them.
"""

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from catalogue.models import CatalogueNewsPage, ServicePage
from communications import audiences
from communications.models import (
    Audience,
    Campaign,
    CampaignStatus,
    Channel,
    Click,
    CommunicationKind,
    Delivery,
    DeliveryStatus,
    Event,
    EventKind,
    PlanItem,
    PlanStatus,
    Registration,
    RegistrationStatus,
    Unsubscription,
)
from directory.models import ClientType, Contact, ContactRole
from kpis.dashboard import default_ref

RELATIONSHIP_MANAGER = "sophie.durand"
PILOT = "Annonce : l'assistant d'intelligence artificielle en pilote"
SUBSIDIARIES = "Annonce aux filiales : accès à distance sécurisé"


def _at(day: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _audiences() -> dict[str, Audience]:
    specs = {
        "deciders": (
            "Décideurs et prescripteurs",
            "Les contacts qui décident ou prescrivent les achats de services dans chaque direction.",
            {"roles": [ContactRole.DECIDEUR, ContactRole.PRESCRIPTEUR, ContactRole.STRATEGIE]},
        ),
        "subsidiaries": (
            "Filiales",
            "Tous les contacts des entités filiales.",
            {"client_types": [ClientType.FILIALE]},
        ),
        "everyone": ("Tous les clients de la DSI", "Tous les contacts actifs de l'annuaire.", {}),
    }
    found = {}
    for key, (name, description, fields) in specs.items():
        audience, _created = Audience.objects.update_or_create(
            name=name, defaults={"description": description, **fields}
        )
        found[key] = audience
    return found


def _sent_campaign(title, *, kind, subject, intro, audience, queued_at, author, services=(), news=()):
    """A campaign as the worker leaves it once sent: deliveries (a few bounces), clicks, unsubscriptions."""
    campaign, _created = Campaign.objects.update_or_create(
        title=title,
        defaults={
            "kind": kind,
            "subject": subject,
            "intro": intro,
            "audience": audience,
            "status": CampaignStatus.SENT,
            "created_by": author,
            "created_at": queued_at - dt.timedelta(days=2),
            "queued_at": queued_at,
            "finished_at": queued_at + dt.timedelta(minutes=12),
        },
    )
    campaign.services.set(services)
    campaign.news_pages.set(news)
    campaign.deliveries.all().delete()
    rng = random.Random(title)
    recipients = list(audiences.members(audience, kind=kind).order_by("pk")[:400])
    deliveries = []
    for i, contact in enumerate(recipients):
        bounced = rng.random() < 0.03
        deliveries.append(
            Delivery(
                campaign=campaign,
                contact=contact,
                email=contact.email,
                status=DeliveryStatus.BOUNCED if bounced else DeliveryStatus.SENT,
                attempts=1,
                sent_at=queued_at + dt.timedelta(seconds=2 * i),
                bounced_at=queued_at + dt.timedelta(minutes=30) if bounced else None,
            )
        )
    Delivery.objects.bulk_create(deliveries)
    links = [p.url or "/" for p in [*services, *news]] or ["/catalogue/"]
    clicks = []
    for delivery in campaign.deliveries.filter(status=DeliveryStatus.SENT).order_by("pk"):
        if rng.random() < 0.32:
            for n in range(rng.choice((1, 1, 1, 2, 3))):
                clicks.append(
                    Click(
                        delivery=delivery,
                        url=rng.choice(links),
                        at=queued_at + dt.timedelta(hours=rng.randint(1, 96), minutes=n),
                    )
                )
    Click.objects.bulk_create(clicks)
    for delivery in campaign.deliveries.order_by("pk")[3:5]:
        Unsubscription.objects.get_or_create(
            contact=delivery.contact,
            kind=kind,
            defaults={"campaign": campaign, "at": queued_at + dt.timedelta(days=1)},
        )
    campaign.recipients = len(deliveries)
    campaign.save(update_fields=["recipients"])
    return campaign


def _event(title, *, kind, starts_at, hours, location, seats, description, news=None, taken=0, held=False):
    event, _created = Event.objects.update_or_create(
        title=title,
        defaults={
            "kind": kind,
            "starts_at": starts_at,
            "ends_at": starts_at + dt.timedelta(hours=hours),
            "location": location,
            "seats": seats,
            "description": description,
            "news_page": news,
            "registration_open": not held,
        },
    )
    event.registrations.all().delete()
    rng = random.Random(title)
    contacts = list(Contact.objects.filter(is_active=True).order_by("pk"))
    rng.shuffle(contacts)
    registrations = []
    for i, contact in enumerate(contacts[:taken]):
        status = RegistrationStatus.REGISTERED if i < seats else RegistrationStatus.WAITING
        registrations.append(
            Registration(
                event=event,
                contact=contact,
                status=status,
                registered_at=starts_at - dt.timedelta(days=rng.randint(3, 30)),
                attended=(rng.random() < 0.8) if held and status == RegistrationStatus.REGISTERED else None,
            )
        )
    Registration.objects.bulk_create(registrations)
    return event


def seed() -> dict[str, int]:
    today = timezone.localdate()
    quarter = default_ref(today)  # first day of the last complete quarter
    author = get_user_model().objects.filter(username=RELATIONSHIP_MANAGER).first()
    groups = _audiences()
    services = {s.code: s for s in ServicePage.objects.live().specific()}
    news = {n.slug: n for n in CatalogueNewsPage.objects.live().specific()}
    picks = [s for code, s in sorted(services.items())][:3]
    techday_news = news.get("techday-2027")

    letter_title = f"Lettre d'information DSI · {quarter:%m/%Y}"
    # The unsubscriptions through the demo's campaigns go first: each campaign's audience leaves out
    # those unsubscribed, so keeping them would change the next run's recipients.
    Unsubscription.objects.filter(campaign__title__in=[letter_title, PILOT, SUBSIDIARIES]).delete()
    letter = _sent_campaign(
        letter_title,
        kind=CommunicationKind.NEWSLETTER,
        subject="La lettre de la DSI : ce qui change pour vous ce trimestre",
        intro=(
            "Bonjour {{ first_name }},\n\nVoici les nouveautés du catalogue de services et les rendez-vous "
            "des prochaines semaines pour {{ entity }}."
        ),
        audience=groups["everyone"],
        queued_at=_at(quarter + dt.timedelta(days=20), 8, 30),
        author=author,
        services=picks,
        news=list(news.values())[:2],
    )
    ai = [s for s in services.values() if "intelligence" in s.title.lower()][:1]
    pilot = _sent_campaign(
        PILOT,
        kind=CommunicationKind.ANNOUNCEMENT,
        subject="{{ first_name }}, testez l'assistant d'intelligence artificielle de la DSI",
        intro=(
            "Bonjour {{ first_name }},\n\nLa DSI ouvre un pilote de son assistant d'intelligence "
            "artificielle. Les directions qui le souhaitent peuvent inscrire leur équipe dès maintenant."
        ),
        audience=groups["deciders"],
        queued_at=_at(quarter + dt.timedelta(days=65), 10),
        author=author,
        services=ai,
    )
    subsidiaries = _sent_campaign(
        SUBSIDIARIES,
        kind=CommunicationKind.ANNOUNCEMENT,
        subject="Filiales : le nouvel accès à distance sécurisé est disponible",
        intro=(
            "Bonjour {{ first_name }},\n\nLe service d'accès à distance sécurisé est désormais ouvert "
            "aux filiales."
        ),
        audience=groups["subsidiaries"],
        queued_at=_at(today - dt.timedelta(days=12), 9),
        author=author,
        services=[s for s in services.values() if "VPN" in s.title][:1],
    )

    techday_day = techday_news.date if techday_news else None
    if not techday_day or techday_day <= today + dt.timedelta(days=14):
        techday_day = today + dt.timedelta(days=75)
    techday = _event(
        f"Techday {techday_day.year} : la DSI ouvre ses portes",
        kind=EventKind.TECHDAY,
        starts_at=_at(techday_day, 9, 30),
        hours=7,
        location="Siège, auditorium et espace démonstrations",
        seats=120,
        description=(
            "Démonstrations des nouveaux services, ateliers avec les équipes de la DSI et rencontre avec "
            "les chefs de produit."
        ),
        news=techday_news,
        taken=34,
    )
    workshop = _event(
        "Atelier : vos tableaux de bord en libre-service",
        kind=EventKind.TRAINING,
        starts_at=_at(today + dt.timedelta(days=18), 14),
        hours=2,
        location="Salle de formation B2 et à distance",
        seats=12,
        description=(
            "Deux heures pour construire vos propres tableaux de bord à partir des données de votre "
            "direction."
        ),
        taken=14,
    )
    training = _event(
        "Formation : bien démarrer avec le portail Relais DSI",
        kind=EventKind.TRAINING,
        starts_at=_at(quarter + dt.timedelta(days=45), 10),
        hours=2,
        location="Salle de formation B2",
        seats=20,
        description=(
            "Le catalogue, la demande en ligne, le suivi des demandes et les enquêtes de satisfaction."
        ),
        taken=18,
        held=True,
    )
    invitation, _created = Campaign.objects.update_or_create(
        title=f"Invitation au Techday {techday_day.year}",
        defaults={
            "kind": CommunicationKind.EVENT,
            "subject": "{{ first_name }}, la DSI vous invite à son Techday",
            "intro": (
                "Bonjour {{ first_name }},\n\nLa DSI ouvre ses portes : démonstrations, ateliers et échanges "
                "avec les équipes. Inscrivez-vous depuis le portail."
            ),
            "audience": groups["everyone"],
            "status": CampaignStatus.DRAFT,
            "created_by": author,
        },
    )
    if techday_news:
        invitation.news_pages.set([techday_news])

    everyone, deciders = groups["everyone"], groups["deciders"]
    done, planned = PlanStatus.DONE, PlanStatus.PLANNED
    year = techday_day.year
    year_start = dt.date(today.year, 1, 1)
    earlier = [  # the start of the year, whatever today is: done when past
        (year_start + dt.timedelta(days=14), "Vœux de la DSI et feuille de route de l'année", Channel.EMAIL),
        (year_start + dt.timedelta(days=60), "Lancement du baromètre annuel de la relation", Channel.EMAIL),
        (year_start + dt.timedelta(days=120), "Enquête sur le catalogue et ses supports", Channel.INTRANET),
    ]
    plan = [
        (day, subject, channel, everyone, done if day < today else planned, None)
        for day, subject, channel in earlier
    ] + [
        (
            quarter + dt.timedelta(days=20),
            "Lettre d'information du trimestre",
            Channel.NEWSLETTER,
            everyone,
            done,
            letter,
        ),
        (
            quarter + dt.timedelta(days=45),
            "Formation au portail Relais DSI",
            Channel.EVENT,
            everyone,
            done,
            training,
        ),
        (quarter + dt.timedelta(days=65), "Pilote de l'assistant IA", Channel.EMAIL, deciders, done, pilot),
        (
            today - dt.timedelta(days=12),
            "Accès à distance des filiales",
            Channel.EMAIL,
            groups["subsidiaries"],
            done,
            subsidiaries,
        ),
        (
            today + dt.timedelta(days=10),
            "Bilan annuel des demandes en comités",
            Channel.COMMITTEE,
            None,
            PlanStatus.IN_PROGRESS,
            None,
        ),
        (
            today + dt.timedelta(days=18),
            "Atelier tableaux de bord",
            Channel.EVENT,
            deciders,
            planned,
            workshop,
        ),
        (
            today + dt.timedelta(days=30),
            "Catalogue imprimé de l'année",
            Channel.PRINT,
            everyone,
            planned,
            None,
        ),
        (
            techday_day - dt.timedelta(days=30),
            f"Invitation au Techday {year}",
            Channel.EMAIL,
            everyone,
            planned,
            invitation,
        ),
        (techday_day, f"Techday {year}", Channel.EVENT, everyone, planned, techday),
        (
            techday_day + dt.timedelta(days=20),
            "Actualité : retour sur le Techday",
            Channel.INTRANET,
            None,
            planned,
            None,
        ),
    ]
    for day, subject, channel, audience, status, linked in plan:
        PlanItem.objects.update_or_create(
            subject=subject,
            defaults={
                "date": day,
                "channel": channel,
                "audience": audience,
                "audience_label": "" if audience else "Directeurs et correspondants en comité",
                "owner": author,
                "status": status,
                "campaign": linked if isinstance(linked, Campaign) else None,
                "event": linked if isinstance(linked, Event) else None,
            },
        )
    return {
        "audiences": Audience.objects.count(),
        "campaigns": Campaign.objects.count(),
        "deliveries": Delivery.objects.count(),
        "events": Event.objects.count(),
        "registrations": Registration.objects.count(),
        "plan items": PlanItem.objects.count(),
    }
