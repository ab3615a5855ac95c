"""Demo data for the indicators and surveys: two past barometers, a year of post-request answers,
subscriptions (service x entity) and a target for each of the ten dashboard indicators.

Deterministic (random generators seeded from natural keys) and idempotent (surveys, subscriptions
and targets are upserts; a survey that already has answers is left as it is).
"""

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from catalogue.models import ServicePage
from directory.models import Contact, Entity
from kpis.dashboard import INDICATOR_KEYS
from kpis.models import (
    IndicatorTarget,
    InvitationStatus,
    Subscription,
    Survey,
    SurveyAnswer,
    SurveyFollowUp,
    SurveyInvitation,
    SurveyKind,
    TargetDirection,
)
from kpis.surveys.scoring import is_low
from kpis.surveys.services import FOLLOW_UP_DAYS, new_token
from requests_box.models import Request

TARGETS = {
    "barometer_nps": ("20", TargetDirection.HIGHER),
    "catalogue_csat": ("75", TargetDirection.HIGHER),
    "mature_share_held": ("90", TargetDirection.HIGHER),
    "contacts_met_per_month": ("12", TargetDirection.HIGHER),
    "entities_with_new_project": ("5", TargetDirection.HIGHER),
    "requests_variation": ("0", TargetDirection.HIGHER),
    "coverage_increase": ("2", TargetDirection.HIGHER),
    "new_entities_with_request": ("2", TargetDirection.HIGHER),
    "projects_signed_with_new_clients": ("1", TargetDirection.HIGHER),
    "commitments_kept": ("90", TargetDirection.HIGHER),
}
COMMENTS_LOW = (
    "Délai de réponse trop long, j'ai dû relancer deux fois.",
    "La solution proposée ne correspond pas à notre besoin.",
    "Personne ne m'a tenu informé de l'avancement.",
)
COMMENTS_HIGH = (
    "Réponse rapide et claire, merci.",
    "Très bon accompagnement de l'équipe.",
    "",
    "",
)
BAROMETER_OPTIONS = "Réactivité\nQualité des réponses\nDisponibilité des interlocuteurs\nConseil et proximité"


def _aware(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _nps(rng: random.Random, mood: float) -> int:
    """A score skewed by mood (0 unhappy .. 1 happy)."""
    return max(0, min(10, round(rng.gauss(5 + 4.5 * mood, 2))))


def _csat(rng: random.Random, mood: float) -> int:
    return max(1, min(5, round(rng.gauss(2 + 2.5 * mood, 0.9))))


def _barometers(today: dt.date, contacts: list[Contact]) -> None:
    for years_ago, anonymous in ((2, True), (1, False)):
        year = today.year - years_ago
        survey, _created = Survey.objects.update_or_create(
            code=f"barometre-{year}",
            defaults={
                "title": f"Baromètre annuel de la relation DSI {year}",
                "kind": SurveyKind.BAROMETRE,
                "anonymous": anonymous,
                "opens_on": dt.date(year, 10, 1),
                "closes_on": dt.date(year, 10, 31),
                "choice_question": "Qu'appréciez-vous le plus dans la relation avec la DSI ?",
                "choice_options": BAROMETER_OPTIONS,
            },
        )
        if survey.answers.exists():
            continue
        rng = random.Random(survey.code)
        mood = 0.55 + 0.1 * (2 - years_ago)  # the relationship improves
        sent_at = _aware(survey.opens_on, 9)
        invitations, answers = [], []
        for contact in contacts:
            answered = rng.random() < 0.6
            invitations.append(
                SurveyInvitation(
                    survey=survey,
                    contact=contact,
                    entity_id=contact.entity_id,
                    token=new_token(),
                    status=InvitationStatus.ANSWERED if answered else InvitationStatus.SENT,
                    due_at=sent_at,
                    sent_at=sent_at,
                    expires_at=_aware(survey.closes_on, 23),
                    reminders_sent=0 if answered else 2,
                )
            )
            if not answered:
                continue
            nps = _nps(rng, mood)
            day = survey.opens_on + dt.timedelta(days=rng.randrange(0, 28))
            answers.append(
                SurveyAnswer(
                    survey=survey,
                    kind=survey.kind,
                    answered_at=_aware(day, 0 if anonymous else rng.randrange(8, 19)),
                    contact=None if anonymous else contact,
                    entity_id=contact.entity_id,
                    nps=nps,
                    csat=_csat(rng, mood),
                    comment=rng.choice(COMMENTS_LOW if nps <= 6 else COMMENTS_HIGH),
                    choices=rng.sample(survey.options, rng.randrange(1, 3)),
                )
            )
        SurveyInvitation.objects.bulk_create(invitations)
        SurveyAnswer.objects.bulk_create(answers)


def _post_request_answers(today: dt.date, contacts: list[Contact]) -> None:
    start = today - dt.timedelta(days=365)
    survey, _created = Survey.objects.update_or_create(
        code="apres-demande",
        defaults={
            "title": "Votre avis sur le traitement de votre demande",
            "kind": SurveyKind.POST_DEMANDE,
            "anonymous": False,
            "opens_on": start,
            "closes_on": None,
            "comment_question": "Un commentaire sur le traitement de votre demande ?",
        },
    )
    if survey.answers.exists():
        return
    rng = random.Random(survey.code)
    closed = list(Request.objects.filter(status="closed", contact__isnull=False).order_by("pk")[:200])
    answers, follow_ups = [], []
    for week in range(52):
        for _n in range(rng.randrange(2, 6)):
            day = start + dt.timedelta(days=7 * week + rng.randrange(0, 7))
            if day >= today:
                continue
            request = rng.choice(closed) if closed and rng.random() < 0.3 else None
            contact = request.contact if request else rng.choice(contacts)
            mood = 0.6 + 0.2 * week / 52
            nps, csat = _nps(rng, mood), _csat(rng, mood)
            low = is_low(nps, csat)
            answers.append(
                SurveyAnswer(
                    survey=survey,
                    kind=survey.kind,
                    answered_at=_aware(day, rng.randrange(8, 19)),
                    contact=contact,
                    entity_id=contact.entity_id,
                    request=request,
                    nps=nps,
                    csat=csat,
                    comment=rng.choice(COMMENTS_LOW) if low else rng.choice(COMMENTS_HIGH),
                )
            )
    created = SurveyAnswer.objects.bulk_create(answers)
    for answer in created:
        if is_low(answer.nps, answer.csat):
            due_on = timezone.localdate(answer.answered_at) + dt.timedelta(days=FOLLOW_UP_DAYS)
            follow_ups.append(
                SurveyFollowUp(
                    survey=survey,
                    answer=answer,
                    contact_id=answer.contact_id,
                    entity_id=answer.entity_id,
                    request_id=answer.request_id,
                    reason=f"NPS {answer.nps}, CSAT {answer.csat}/5",
                    due_on=due_on,
                    done_at=_aware(due_on) if due_on < today - dt.timedelta(days=20) else None,
                    note="Client rappelé, situation rétablie."
                    if due_on < today - dt.timedelta(days=20)
                    else "",
                )
            )
    SurveyFollowUp.objects.bulk_create(follow_ups)


def _subscriptions(today: dt.date) -> None:
    """Each service is subscribed by part of the entities: a few since long ago, some this year."""
    entities = list(Entity.objects.order_by("code"))
    for service in ServicePage.objects.order_by("pk"):
        rng = random.Random(f"subscriptions-{service.pk}")
        share = rng.choice((0.3, 0.6, 0.95))
        existing = set(Subscription.objects.filter(service=service).values_list("entity_id", flat=True))
        new = []
        for entity in entities:
            # Every draw happens whatever exists already, so a second run draws the same numbers.
            chosen, old, days = rng.random() <= share, rng.random() < 0.7, rng.randrange(30, 300)
            if entity.pk in existing or not chosen:
                continue
            start = dt.date(today.year - 3, 1, 1) if old else today - dt.timedelta(days=days)
            new.append(Subscription(service=service, entity=entity, start=start))
        Subscription.objects.bulk_create(new)


def _targets() -> None:
    for key in INDICATOR_KEYS:
        value, direction = TARGETS[key]
        IndicatorTarget.objects.update_or_create(
            key=key, defaults={"value": Decimal(value), "direction": direction}
        )


def seed() -> dict[str, int]:
    today = timezone.localdate()
    contacts = list(Contact.objects.exclude(email="").order_by("pk"))
    if contacts:
        _barometers(today, contacts)
        _post_request_answers(today, contacts)
    _subscriptions(today)
    _targets()
    return {
        "surveys": Survey.objects.count(),
        "survey invitations": SurveyInvitation.objects.count(),
        "survey answers": SurveyAnswer.objects.count(),
        "survey follow-ups": SurveyFollowUp.objects.count(),
        "subscriptions": Subscription.objects.count(),
        "indicator targets": IndicatorTarget.objects.count(),
    }
