"""Demo data for committees: a year of committees, meetings, interactions and projects.

The year is always the last twelve months before today. Deterministic (random generators seeded
from natural keys) and idempotent (meetings come from the cadence, everything else is an upsert).
"""

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from committees import services
from committees.cadence import add_months
from committees.models import (
    Action,
    ActionStatus,
    Committee,
    CommitteeMember,
    Interaction,
    InteractionKind,
    Level,
    Meeting,
    MeetingStatus,
    Project,
    ProjectStatus,
)
from directory.models import Contact, ContactRole, Directorate, Entity

DEMO_DIRECTORATES = ("DCOM", "DRH", "DAF", "DOPS", "DG", "DSC")

MINUTES = (
    "<p>Tour de table des besoins de la direction et point sur les demandes en cours.</p>"
    "<ul><li>Les délais de traitement des demandes simples sont jugés satisfaisants.</li>"
    "<li>La direction souhaite être associée plus tôt aux évolutions du poste de travail.</li></ul>"
    "<p>Prochaine étape : préparer la feuille de route du semestre avec les correspondants.</p>"
)
DECISIONS = (
    "Lancer une étude de cadrage pour le besoin présenté en séance.",
    "Organiser une démonstration du nouveau service aux équipes concernées.",
    "Prioriser la migration des postes de l'entité la plus exposée.",
    "Mettre en place un point mensuel avec le correspondant de la direction.",
)
ACTIONS = (
    "Envoyer la proposition chiffrée",
    "Organiser l'atelier de recueil des besoins",
    "Partager le bilan des incidents du trimestre",
    "Planifier la formation des utilisateurs clés",
    "Mettre à jour la fiche service dans le catalogue",
    "Relancer le fournisseur sur le calendrier de livraison",
)
PROJECT_NAMES = (
    "Refonte du portail",
    "Dématérialisation des dossiers",
    "Tableaux de bord décisionnels",
    "Migration vers la messagerie collaborative",
    "Application mobile terrain",
    "Automatisation des rapprochements",
    "Signature électronique",
    "Gestion des habilitations",
)


def _user(username: str):
    return get_user_model().objects.filter(username=username).first()


def _staff():
    User = get_user_model()
    manager = _user("sophie.durand") or User.objects.filter(groups__name="relationship_managers").first()
    product = _user("thomas.moreau") or User.objects.filter(groups__name="product_managers").first()
    cio = _user("isabelle.roux") or User.objects.filter(groups__name="cio").first()
    return manager, product, cio


def _committees(today, manager, product, cio) -> list[Committee]:
    year_ago = add_months(today, -12)
    committees = []
    directorates = list(Directorate.objects.filter(code__in=DEMO_DIRECTORATES).order_by("code"))
    for index, directorate in enumerate(directorates):
        contacts = list(Contact.objects.filter(entity__directorate=directorate).order_by("email"))
        senior = [
            c
            for c in contacts
            if c.role in (ContactRole.DECIDEUR, ContactRole.STRATEGIE) or c.is_correspondent
        ]
        others = [c for c in contacts if c not in senior]
        specs = (
            (Level.STRATEGIQUE, f"Comité stratégique {directorate.code}", 6, senior[:3] or contacts[:2], cio),
            (
                Level.TACTIQUE,
                f"Comité tactique {directorate.code}",
                2,
                (senior[:1] + others[:3]) or contacts[:3],
                product,
            ),
        )
        for level, name, cadence, members, staff in specs:
            committee, _created = Committee.objects.update_or_create(
                directorate=directorate,
                name=name,
                defaults={
                    "level": level,
                    "cadence_months": cadence,
                    "starts_on": year_ago + timedelta(days=7 + 3 * index),
                    "location": f"Siège, salle {directorate.code}",
                    "purpose": "Suivre la relation entre la DSI et la direction, décider des priorités.",
                },
            )
            for contact in members:
                CommitteeMember.objects.get_or_create(committee=committee, contact=contact)
            for user in {u for u in (manager, staff) if u is not None}:
                CommitteeMember.objects.get_or_create(committee=committee, user=user)
            committees.append(committee)
    return committees


def _hold_past_meetings(committee: Committee, today, manager, product) -> None:
    services.plan_meetings(committee, until=today + timedelta(days=120))
    past = list(
        committee.meetings.filter(status=MeetingStatus.PLANNED, scheduled_at__lt=timezone.now()).order_by(
            "scheduled_at"
        )
    )
    owners = [u for u in (manager, product) if u is not None]
    for meeting in past:
        rng = random.Random(f"{committee.name}|{meeting.local_date.isoformat()}")
        attendances = list(meeting.attendances.order_by("contact_id", "user_id"))
        present = {a.id for a in attendances if rng.random() < 0.8}
        services.record_meeting(meeting, present_attendance_ids=present, minutes=MINUTES, author=manager)
        services.add_decision(meeting, text=rng.choice(DECISIONS))
        if not owners:
            continue
        for title in rng.sample(ACTIONS, 2):
            due = meeting.local_date + timedelta(days=rng.randint(20, 75))
            action = services.add_action(meeting, title=title, owner=rng.choice(owners), due_on=due)
            closed_on = due - timedelta(days=rng.randint(0, 10))
            if closed_on < today - timedelta(days=15) and rng.random() < 0.7:
                services.set_action_status(action, status=ActionStatus.DONE, on=closed_on)
    held = list(committee.meetings.filter(status=MeetingStatus.HELD).order_by("scheduled_at"))
    # Every minutes but the latest are published; the latest is still being proofread.
    for meeting in held[:-1]:
        if not meeting.minutes_published:
            services.publish_minutes(meeting)


def _interactions(today, manager) -> None:
    rng = random.Random(7)
    year_ago = add_months(today, -12)
    contacts = list(
        Contact.objects.filter(entity__directorate__code__in=DEMO_DIRECTORATES).order_by("email")[:120]
    )
    if not contacts:
        return
    kinds = [InteractionKind.RENDEZ_VOUS] * 4 + [InteractionKind.VISITE] * 2 + [InteractionKind.TELEPHONE] * 3
    notes = {
        InteractionKind.RENDEZ_VOUS: "Point sur les besoins de l'équipe.",
        InteractionKind.VISITE: "Visite sur site avec le correspondant.",
        InteractionKind.TELEPHONE: "Appel de suivi d'une demande.",
    }
    for _i in range(220):
        contact = rng.choice(contacts)
        kind = rng.choice(kinds)
        day = year_ago + timedelta(days=rng.randint(0, (today - year_ago).days))
        services.record_interaction(contact=contact, kind=kind, on=day, note=notes[kind], author=manager)


def _projects(today) -> None:
    from catalogue.models import ServicePage

    rng = random.Random(11)
    year_ago = add_months(today, -12)
    entities = list(Entity.objects.order_by("code"))
    services_ = list(ServicePage.objects.order_by("code"))
    if not entities:
        return
    for number in range(1, 41):
        entity = rng.choice(entities)
        created_on = year_ago + timedelta(days=rng.randint(0, (today - year_ago).days))
        signed_on = created_on + timedelta(days=rng.randint(15, 90)) if rng.random() < 0.55 else None
        if signed_on and signed_on > today:
            signed_on = None
        status = ProjectStatus.SIGNE if signed_on else ProjectStatus.EN_ETUDE
        if signed_on and signed_on < today - timedelta(days=60):
            status = rng.choice([ProjectStatus.EN_COURS, ProjectStatus.LIVRE])
        Project.objects.update_or_create(
            code=f"PRJ-DEMO-{number:03d}",
            defaults={
                "name": f"{rng.choice(PROJECT_NAMES)} · {entity.name}",
                "entity": entity,
                "service": rng.choice(services_) if services_ and rng.random() < 0.7 else None,
                "created_on": created_on,
                "signed_on": signed_on,
                "status": status,
            },
        )


def seed() -> dict[str, int]:
    today = timezone.localdate()
    manager, product, cio = _staff()
    for committee in _committees(today, manager, product, cio):
        _hold_past_meetings(committee, today, manager, product)
    _interactions(today, manager)
    _projects(today)
    return {
        "committees": Committee.objects.count(),
        "meetings": Meeting.objects.count(),
        "committee actions": Action.objects.count(),
        "interactions": Interaction.objects.count(),
        "projects": Project.objects.count(),
    }
