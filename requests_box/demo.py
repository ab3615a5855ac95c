"""Demo requests, taken in through the same intake code as real ones: mail bytes, web form, manual entry,
then a year of handled requests and the requests being worked on today, through the same workflow.

It reads like a real mailbox: requests arrive in working hours (a few in the evening or at the
weekend), their subjects match their service and type, and the open ones are a realistic mix (most
within their deadline, some past 75 % of it, a few late), so that the queues mean something at once.
Deterministic (fixed seed, fixed Message-IDs) and idempotent: a second run finds every Message-ID
already taken in and leaves the same counts.
"""

import datetime as dt
import random
from email.message import EmailMessage
from email.utils import format_datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from catalogue.models import ServicePage
from directory.models import Contact, Directorate
from requests_box import complaints, services, workflow
from requests_box.deadlines import compute_deadline
from requests_box.demo_texts import arrival, text_for
from requests_box.intake.intake import Intake
from requests_box.intake.parse import peek_headers
from requests_box.models import (
    ComplaintCause,
    Grievance,
    IgnoredMessage,
    Kind,
    MailReceipt,
    Message,
    PreventiveAction,
    QuarantinedMessage,
    Request,
    RoutingRule,
    Status,
    Team,
)

DEMO_DOMAIN = "relais-dsi.demo"
# New mail, web and manual requests of the last days, waiting for triage.
MAIL_COUNT, WEB_COUNT, MANUAL_COUNT = 24, 12, 6
UNKNOWN_SENDERS = [
    "m.dupuis@prestataire-conseil.example",
    "contact@cabinet-audit.example",
    "j.roy@gmail.example",
]
MANUAL_CHANNELS = ["telephone", "rendez_vous", "courrier", "intranet"]
KIND_WEIGHTS = {Kind.SIMPLE: 56, Kind.COMPLEXE: 24, Kind.PROJET: 8, Kind.RECLAMATION: 12}


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


class Writer:
    """What every part of the demo needs: the random source, now, the people and the services."""

    def __init__(self):
        self.rng = random.Random(20260501)  # noqa: S311 - demo data
        self.now = timezone.now().replace(second=0, microsecond=0)
        self.contacts = list(Contact.objects.select_related("entity", "user").order_by("email"))
        # The demo logins get requests of their own.
        self.favourites = [c for c in self.contacts if c.user_id] or self.contacts
        self.services = {s.code: s for s in ServicePage.objects.live().order_by("code")}
        self.taken = set(
            Message.objects.filter(message_id__endswith=f"@{DEMO_DOMAIN}>").values_list(
                "message_id", flat=True
            )
        )
        users = get_user_model().objects
        self.manager = users.filter(username="sophie.durand").first()
        self.second_manager = users.filter(username="marc.girard").first() or self.manager
        self.product_managers = list(users.filter(groups__name="product_managers").order_by("pk"))
        self.technicians = list(users.filter(username="karim.benali"))

    def kind(self) -> str:
        return self.rng.choices(list(KIND_WEIGHTS), list(KIND_WEIGHTS.values()))[0]

    def text(self, kind: str) -> tuple[object, str, str]:
        """A service and a subject and body that match it and the type of request."""
        return text_for(self.rng, kind, self.services)


def seed() -> dict[str, int]:
    w = Writer()
    _relationship_managers(w)
    _new_arrivals(w)
    if w.manager is not None and w.contacts:
        teams = _teams(w)
        causes = _settings_rows(w.manager, teams)
        # The history rows are written in bulk at the end (the state changes themselves go through the
        # workflow one by one, as on the screens).
        with transaction.atomic(), services.deferred_events():
            seed_year(w, teams, causes)
            seed_open(w, teams, causes)
        _preventive_actions(w.manager)
    return {
        "requests": Request.objects.count(),
        "requests from unknown senders": Request.objects.filter(entity__isnull=True).count(),
        "quarantined messages": QuarantinedMessage.objects.count(),
        "ignored messages": IgnoredMessage.objects.count(),
    }


def _relationship_managers(w: Writer) -> None:
    """The two relationship managers share the directorates and stand in for each other."""
    if w.manager is None:
        return
    for n, directorate in enumerate(Directorate.objects.order_by("code")):
        first, second = (w.manager, w.second_manager) if n % 2 == 0 else (w.second_manager, w.manager)
        if directorate.relationship_manager_id is None:
            directorate.relationship_manager = first
            directorate.backup_relationship_manager = second if second != first else None
            directorate.save(update_fields=["relationship_manager", "backup_relationship_manager"])


class _OnceIntake(Intake):
    """Takes each demo mail in once: a mail is the same mail only with the same content (MAIL.md), and the
    demo's mails are dated from today, so a second seed skips the Message-IDs it already took in."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.seen = set(
            MailReceipt.objects.filter(message_id__endswith=f"@{DEMO_DOMAIN}>").values_list(
                "message_id", flat=True
            )
        )

    def ingest(self, raw: bytes, *, source: str = ""):
        message_id = peek_headers(raw)[0]
        if message_id in self.seen:
            return None
        return super().ingest(raw, source=source)


def _new_arrivals(w: Writer) -> None:
    """The last days' mail, web and manual requests, not triaged yet; one auto-reply, one empty mail."""
    rng, now = w.rng, w.now
    intake = _OnceIntake(acknowledge=False)
    for n in range(MAIL_COUNT):
        date = arrival(rng, now, min_days=0, max_days=4)
        kind = w.kind()
        _service, subject, body = w.text(kind)  # a mail names no service: triage qualifies it
        if n % 8 == 5:
            sender, name = UNKNOWN_SENDERS[n % len(UNKNOWN_SENDERS)], ""
        else:
            contact = rng.choice(w.favourites if n % 3 == 0 else w.contacts) if w.contacts else None
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
        if n % 6 == 0:  # the client follows up on their own request
            reply = _mail(
                message_id=f"<demo-reply-{n}@{DEMO_DOMAIN}>",
                sender=sender,
                name=name,
                subject=f"RE: {subject}",
                body="Je me permets de relancer : avez-vous du nouveau ?",
                date=min(date + dt.timedelta(hours=20), now),
                charset="utf-8",
                headers={"In-Reply-To": f"<demo-mail-{n}@{DEMO_DOMAIN}>"},
            )
            intake.ingest(reply, source=f"demo:reply/{n}")

    users = {u.pk: u for u in get_user_model().objects.filter(pk__in=[c.user_id for c in w.favourites])}
    for n in range(WEB_COUNT):
        message_id = f"<demo-web-{n}@{DEMO_DOMAIN}>"
        contact = rng.choice(w.favourites) if w.favourites else None
        received_at = arrival(rng, now, min_days=0, max_days=4)
        complaint = n % 6 == 1  # "I want to make a complaint", ticked on the web form
        service, subject, body = w.text(
            Kind.RECLAMATION if complaint else rng.choice([Kind.SIMPLE, Kind.COMPLEXE])
        )
        if message_id in w.taken or contact is None:
            continue
        services.create_request(
            channel="web",
            subject=subject,
            text=body,
            contact=contact,
            service=service,
            kind=Kind.RECLAMATION if complaint else Kind.SIMPLE,
            submitted_by=users.get(contact.user_id),
            received_at=received_at,
            message_id=message_id,
            acknowledge=False,
        )

    for n in range(MANUAL_COUNT):
        message_id = f"<demo-manual-{n}@{DEMO_DOMAIN}>"
        contact = rng.choice(w.contacts) if w.contacts else None
        received_at = arrival(rng, now, min_days=0, max_days=3)
        _service, subject, body = w.text(w.kind())
        if message_id in w.taken or contact is None:
            continue
        services.create_request(
            channel=MANUAL_CHANNELS[n % len(MANUAL_CHANNELS)],
            subject=subject,
            text=body,
            contact=contact,
            submitted_by=w.manager,
            received_at=received_at,
            urgent=n % 4 == 0,
            important=n % 3 == 0,
            message_id=message_id,
            acknowledge=False,
        )

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


# -- a year of handled requests, through the same services as the screens

YEAR_COUNT = 3000
CAUSES = [
    "Délai non tenu",
    "Qualité de la réponse",
    "Incident récurrent",
    "Accueil / communication",
    "Facturation",
]
# kind: (median hours to resolve, answer types)
KIND_PROFILE = {
    Kind.SIMPLE: (6, ["email", "email", "telephone"]),
    Kind.COMPLEXE: (40, ["email", "rendez_vous", "visite", "livraison"]),
    Kind.PROJET: (300, ["rendez_vous", "livraison"]),
    Kind.RECLAMATION: (60, ["telephone", "email", "rendez_vous"]),
}
GRIEVANCE_WEIGHTS = {Grievance.TECHNIQUE: 5, Grievance.RELATIONNELLE: 3, Grievance.TACTIQUE: 2}

TEAMS = [
    # name, e-mail, how many of the product managers are members, and the technicians
    ("Support poste de travail", "support-poste@groupe-aurelia.fr", 2, True),
    ("Applications métier", "", 3, False),
    ("Réseau et téléphonie", "", 1, False),
]


def _teams(w: Writer) -> list[Team]:
    teams = []
    for n, (name, email, size, technicians) in enumerate(TEAMS):
        team, _created = Team.objects.get_or_create(name=name, defaults={"email": email})
        if not team.members.exists():
            team.members.set(w.product_managers[n : n + size] or w.product_managers[:1])
        if technicians and w.technicians:
            team.members.add(*w.technicians)
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


def _staff(w: Writer) -> list:
    return [
        p for p in [w.manager, w.second_manager, *w.product_managers[:4], *w.technicians] if p is not None
    ]


def _codify(w: Writer, request, causes, when):
    """A complaint's codification (phase 2): cause, founded or not, nature of the grievance."""
    rng = w.rng
    return workflow.qualify(
        request,
        actor=w.manager,
        kind=Kind.RECLAMATION,
        cause=rng.choice(causes),
        founded=rng.random() < 0.7,
        grievance=rng.choices(list(GRIEVANCE_WEIGHTS), list(GRIEVANCE_WEIGHTS.values()))[0],
        serious=rng.random() < 0.3,
        now=when,
    )


def seed_year(w: Writer, teams, causes) -> None:
    """A year of requests, received, qualified, assigned, answered and resolved (most of them closed)."""
    rng, now, manager = w.rng, w.now, w.manager
    staff = _staff(w)
    for n in range(YEAR_COUNT):
        message_id = f"<demo-year-{n}@{DEMO_DOMAIN}>"
        kind = w.kind()
        service, subject, body = w.text(kind)
        contact = rng.choice(w.contacts)
        received_at = arrival(rng, now, min_days=5, max_days=365)
        hours = rng.lognormvariate(0, 0.8) * KIND_PROFILE[kind][0]
        resolved_at = min(received_at + dt.timedelta(hours=hours), now - dt.timedelta(hours=2))
        rolls = [rng.random() for _ in range(4)]
        channel = rng.choice(["email", "email", "email", "web", "telephone", "rendez_vous"])
        answer = rng.choice(KIND_PROFILE[kind][1])
        feedback = rng.choice(["Satisfait", "Satisfait, à surveiller", "Rassuré par le suivi"])
        if message_id in w.taken:
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
        qualified_at = min(received_at + dt.timedelta(minutes=20), resolved_at)
        if kind == Kind.RECLAMATION:
            request = _codify(w, request, causes, qualified_at)
        elif kind != Kind.SIMPLE:  # a simple request is qualified by its assignment
            request = workflow.qualify(request, actor=manager, kind=kind, now=qualified_at)
        # Three requests in four also go to a team (the demo tells nobody by mail).
        team = teams[n % 4] if n % 4 < len(teams) else ...
        assigned_at = min(received_at + dt.timedelta(minutes=30), resolved_at)
        if kind == Kind.RECLAMATION and rolls[2] < 0.3 and team is not ...:
            request = complaints.forward_complaint(
                request, actor=manager, team=team, note="Pour traitement", notify=False, now=assigned_at
            )
        request = workflow.assign(
            request, assignee=staff[n % len(staff)], team=team, actor=manager, notify=False, now=assigned_at
        )
        request = workflow.change_status(
            request, Status.RESOLVED, actor=manager, response_type=answer, now=resolved_at
        )
        closing = resolved_at < now - dt.timedelta(days=7) and rolls[3] < 0.85
        # Clients are called back on time: only the last weeks' complaints are still to call back.
        if kind == Kind.RECLAMATION and (closing or resolved_at < now - dt.timedelta(days=16)):
            checked = resolved_at + dt.timedelta(days=15 if request.serious else 3)
            request = complaints.record_satisfaction(
                request, actor=manager, note=feedback, now=min(checked, now)
            )
        if closing:
            workflow.change_status(
                request, Status.CLOSED, actor=manager, now=resolved_at + dt.timedelta(days=7)
            )


# -- the requests being worked on today

OPEN_COUNT = 150
# Share of the open requests by how much of their allowed time is used: within it, past 75 %, late.
OPEN_MIX = (("on_time", 0.72, (0.05, 0.6)), ("warning", 0.18, (0.77, 0.95)), ("late", 0.10, (1.05, 1.6)))


def _received_for(rng, now, *, urgent: bool, important: bool, used: float) -> dt.datetime:
    """A past working-hours arrival for which the matrix's deadline is `used` (a fraction) spent now."""
    step = dt.timedelta(minutes=37)
    candidate = now - dt.timedelta(minutes=rng.randrange(5, 40))
    for _ in range(2000):
        local = timezone.localtime(candidate)
        working = local.weekday() < 5 and 8 <= local.hour < 19
        if working:
            deadline = compute_deadline(
                urgent=urgent, important=important, requested=None, received_at=candidate
            )
            if (now - candidate) / (deadline - candidate) >= used:
                return candidate
        candidate -= step
    return candidate


def seed_open(w: Writer, teams, causes) -> None:
    """Requests qualified and assigned, in progress or waiting for the client, at every stage of their
    deadline; a few just resolved (a complaint's call-back to come)."""
    rng, now, manager = w.rng, w.now, w.manager
    staff = _staff(w)
    states = [name for name, share, _r in OPEN_MIX for _ in range(round(share * OPEN_COUNT))]
    ranges = {name: bounds for name, _share, bounds in OPEN_MIX}
    for n, state in enumerate(states):
        message_id = f"<demo-open-{n}@{DEMO_DOMAIN}>"
        kind = w.kind()
        service, subject, body = w.text(kind)
        contact = rng.choice(w.favourites if n % 5 == 0 else w.contacts)
        urgent, important = rng.random() < 0.15, rng.random() < 0.3
        received_at = _received_for(
            rng, now, urgent=urgent, important=important, used=rng.uniform(*ranges[state])
        )
        if message_id in w.taken:
            continue
        request = services.create_request(
            channel=rng.choice(["email", "email", "web", "telephone"]),
            subject=subject,
            text=body,
            contact=contact,
            service=service,
            received_at=received_at,
            message_id=message_id,
            urgent=urgent,
            important=important,
            acknowledge=False,
            route=False,
        )
        step = min((now - received_at) / 10, dt.timedelta(hours=1))
        if kind == Kind.RECLAMATION:
            request = _codify(w, request, causes, received_at + step)
        else:
            request = workflow.qualify(request, actor=manager, kind=kind, now=received_at + step)
        if n % 9 == 4:
            continue  # qualified, not given to anyone yet
        team = teams[n % len(teams)] if n % 3 else ...
        request = workflow.assign(
            request,
            assignee=staff[n % len(staff)],
            team=team,
            actor=manager,
            notify=False,
            now=received_at + 2 * step,
        )
        if n % 10 == 7:
            workflow.change_status(
                request,
                Status.WAITING_CLIENT,
                actor=manager,
                detail="Précisions demandées au client par téléphone",
                now=received_at + 3 * step,
            )
        elif n % 3 == 1:
            workflow.change_status(request, Status.IN_PROGRESS, actor=manager, now=received_at + 3 * step)
    _callbacks_to_make(w, causes)


def _callbacks_to_make(w: Writer, causes) -> None:
    """Serious complaints resolved two to three weeks ago: their clients are to be called back about now."""
    rng, now = w.rng, w.now
    for n, days_ago in enumerate((20, 17, 15, 14, 12, 9)):
        message_id = f"<demo-callback-{n}@{DEMO_DOMAIN}>"
        if message_id in w.taken:
            continue
        service, subject, body = w.text(Kind.RECLAMATION)
        received_at = arrival(rng, now, min_days=days_ago + 3, max_days=days_ago + 6)
        request = services.create_request(
            channel="email",
            subject=subject,
            text=body,
            contact=rng.choice(w.contacts),
            service=service,
            received_at=received_at,
            message_id=message_id,
            important=True,
            acknowledge=False,
            route=False,
        )
        request = _codify(w, request, causes, received_at + dt.timedelta(hours=1))
        request = workflow.qualify(
            request, actor=w.manager, serious=True, now=received_at + dt.timedelta(hours=1)
        )
        request = workflow.assign(request, assignee=w.manager, actor=w.manager, notify=False, now=received_at)
        workflow.change_status(
            request,
            Status.RESOLVED,
            actor=w.manager,
            response_type="telephone",
            now=now - dt.timedelta(days=days_ago),
        )


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
