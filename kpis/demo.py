"""Demo data for the indicators and surveys: the last three annual barometers (themed questions,
answers and comments per directorate), a catalogue survey, a year of post-request answers,
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
from kpis.dashboard import INDICATOR_KEYS, QUARTER, default_ref, period_of
from kpis.models import (
    IndicatorTarget,
    InvitationStatus,
    Scale,
    Subscription,
    Survey,
    SurveyAnswer,
    SurveyFollowUp,
    SurveyInvitation,
    SurveyKind,
    SurveyQuestion,
    SurveyScore,
    SurveyThemeComment,
    TargetDirection,
    Theme,
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


BAROMETER_QUESTIONS = (
    (Theme.QUALITY, "Les services de la DSI répondent aux besoins de votre activité", Scale.FIVE),
    (Theme.QUALITY, "Les délais annoncés par la DSI sont tenus", Scale.FIVE),
    (Theme.QUALITY, "Les solutions livrées sont fiables et faciles à utiliser", Scale.FIVE),
    (Theme.RELATIONSHIP, "Vos interlocuteurs à la DSI sont disponibles et joignables", Scale.FIVE),
    (Theme.RELATIONSHIP, "La DSI comprend les enjeux de votre métier", Scale.FIVE),
    (Theme.RELATIONSHIP, "Vos demandes et remarques sont prises en compte", Scale.FIVE),
    (Theme.COMMUNICATION, "Vous êtes informé de l'avancement de vos demandes", Scale.FIVE),
    (Theme.COMMUNICATION, "Les incidents et les changements sont annoncés clairement et à temps", Scale.FIVE),
    (Theme.CATALOGUE, "Le catalogue des services est facile à consulter", Scale.FIVE),
    (Theme.CATALOGUE, "Faire une demande à la DSI est simple (boîte fonctionnelle, formulaire)", Scale.FIVE),
    (Theme.CATALOGUE, "Sur 10, la facilité à trouver le service qu'il vous faut", Scale.TEN),
)
CATALOGUE_QUESTIONS = (
    (Theme.CATALOGUE, "Le catalogue dit clairement ce que chaque service vous apporte", Scale.FIVE),
    (Theme.CATALOGUE, "Les fiches produit vous sont utiles", Scale.FIVE),
    (Theme.CATALOGUE, "Le poster de synthèse vous aide à vous repérer dans l'offre", Scale.FIVE),
    (Theme.COMMUNICATION, "Le dépliant et les affiches vous ont fait connaître le catalogue", Scale.FIVE),
    (Theme.COMMUNICATION, "Les actualités du catalogue sur l'intranet vous intéressent", Scale.FIVE),
)
# Satisfaction by theme and campaign (0 unhappy .. 1 happy), oldest first: the relationship improves once
# the client committees run (2025); communication and the catalogue were weak before the catalogue.
THEME_MOOD = {
    Theme.QUALITY: (0.62, 0.66, 0.70),
    Theme.RELATIONSHIP: (0.56, 0.66, 0.72),
    Theme.COMMUNICATION: (0.45, 0.53, 0.62),
    Theme.CATALOGUE: (0.45, 0.60, 0.68),
}
# How each directorate differs from the company, oldest campaign first (0 elsewhere): the Sales
# directorate is an advocate, Operations recovers after a hard 2024, HR suffers the 2026 payroll switch,
# the subsidiaries stay further away.
DIRECTORATE_MOOD = {
    "DCOM": (0.08, 0.08, 0.10),
    "DG": (0.05, 0.06, 0.06),
    "DOPS": (-0.12, 0.0, 0.05),
    "DRH": (0.0, 0.02, -0.14),
    "DFIL": (-0.12, -0.10, -0.08),
    "DSC": (-0.04, 0.02, 0.04),
}
THEME_COMMENTS = {
    Theme.QUALITY: (
        (
            "Les délais annoncés ne sont pas toujours tenus, surtout en période de clôture.",
            "Trop d'incidents sur nos applications métier ce trimestre.",
            "Les livraisons manquent parfois de tests avant la mise en production.",
        ),
        (
            "Le service est fiable, les incidents sont résolus rapidement.",
            "Nette amélioration de la qualité des livraisons cette année.",
            "Le support poste de travail est efficace et courtois.",
        ),
    ),
    Theme.RELATIONSHIP: (
        (
            "Nous ne savons pas toujours qui est notre interlocuteur à la DSI.",
            "La DSI connaît mal nos contraintes métier.",
            "Nos demandes d'évolution restent sans réponse pendant des semaines.",
        ),
        (
            "Les comités clients sont très utiles, on y prend de vraies décisions.",
            "Notre interlocuteur DSI est disponible et à l'écoute.",
            "Bonne compréhension de nos enjeux, nous nous sentons accompagnés.",
        ),
    ),
    Theme.COMMUNICATION: (
        (
            "On apprend les coupures de service au dernier moment.",
            "Aucune nouvelle de nos demandes après l'accusé de réception.",
            "Les messages de la DSI sont trop techniques.",
        ),
        (
            "Les changements sont annoncés suffisamment à l'avance.",
            "Le suivi des demandes est clair, on sait où on en est.",
            "La lettre d'information de la DSI est claire et utile.",
        ),
    ),
    Theme.CATALOGUE: (
        (
            "Difficile de trouver le bon service dans le catalogue.",
            "Je ne savais pas qu'il fallait passer par la boîte fonctionnelle.",
            "Le formulaire de demande est trop long.",
        ),
        (
            "Le catalogue en ligne est pratique, tout est au même endroit.",
            "Faire une demande est devenu simple.",
            "Les fiches produit aident à comprendre ce que la DSI propose.",
        ),
    ),
}
PAYROLL_COMMENT = (
    "La bascule vers le nouvel outil de paie a provoqué beaucoup d'incidents et peu d'information."
)
BAROMETER_INTRODUCTION = (
    "Chaque année, la DSI mesure la qualité de sa relation avec les directions. Vos réponses orientent "
    "notre plan d'action : merci de prendre cinq minutes pour y répondre."
)


def _score(rng: random.Random, scale: int, mood: float) -> int:
    if scale == Scale.FIVE:
        return max(1, min(5, round(rng.gauss(1 + 4 * mood, 0.85))))
    return max(0, min(10, round(rng.gauss(10 * mood, 1.8))))


def _questions(survey: Survey, questions) -> list[SurveyQuestion]:
    """The survey's themed questions, created once (a survey edited in the back office keeps its own)."""
    if not survey.questions.exists():
        SurveyQuestion.objects.bulk_create(
            SurveyQuestion(survey=survey, theme=theme, text=text, scale=scale, sort_order=order)
            for order, (theme, text, scale) in enumerate(questions)
        )
    return list(survey.questions.order_by("sort_order", "pk"))


def barometer_year(today: dt.date) -> int:
    """The latest barometer's year: this year's runs in September, so it exists from October on."""
    return today.year if today >= dt.date(today.year, 10, 1) else today.year - 1


def _campaign_answers(
    survey: Survey,
    contacts: list[Contact],
    questions: list[SurveyQuestion],
    mood_of,
    rate: float,
    comments_by_theme: bool,
    directorate_of: dict[int, str],
) -> None:
    """Invitations to every contact, answers from about `rate` of them, with themed scores and comments.

    `mood_of(directorate code, theme)` gives the satisfaction the scores are drawn around."""
    rng = random.Random(survey.code)
    anonymous = survey.anonymous
    sent_at = _aware(survey.opens_on, 9)
    length = (survey.closes_on - survey.opens_on).days
    invitations, answers, drawn = [], [], []
    for contact in contacts:
        answered = rng.random() < rate
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
        code = directorate_of.get(contact.entity_id, "")
        person = rng.gauss(0, 0.08)  # some people are happier than their colleagues, on every question
        scores = {}
        for question in questions:
            if rng.random() < 0.07:  # no opinion
                continue
            scores[question.pk] = _score(rng, question.scale, mood_of(code, question.theme) + person)
        themes = sorted({question.theme for question in questions})
        overall = sum(mood_of(code, theme) for theme in themes) / len(themes) + 0.05 + person
        theme_comments = {}
        if comments_by_theme:
            for theme in themes:
                if rng.random() >= 0.22:
                    continue
                given = [scores[q.pk] / q.scale for q in questions if q.theme == theme and q.pk in scores]
                low = bool(given) and sum(given) / len(given) < 0.62
                if theme == Theme.QUALITY and low and code == "DRH" and survey.opens_on.year == 2026:
                    theme_comments[theme] = PAYROLL_COMMENT
                else:
                    theme_comments[theme] = rng.choice(THEME_COMMENTS[theme][0 if low else 1])
        nps = max(0, min(10, round(rng.gauss(10 * overall + 1.6, 1.4)))) if survey.ask_nps else None
        csat = _csat(rng, overall) if survey.ask_csat else None
        low_overall = (nps is not None and nps <= 6) or (csat is not None and csat <= 2)
        day = survey.opens_on + dt.timedelta(days=rng.randrange(0, max(1, length)))
        answers.append(
            SurveyAnswer(
                survey=survey,
                kind=survey.kind,
                answered_at=_aware(day, 0 if anonymous else rng.randrange(8, 19)),
                contact=None if anonymous else contact,
                entity_id=contact.entity_id,
                nps=nps,
                csat=csat,
                comment=rng.choice(COMMENTS_LOW if low_overall else COMMENTS_HIGH),
                choices=rng.sample(survey.options, rng.randrange(1, 3)) if survey.options else [],
            )
        )
        drawn.append((scores, theme_comments))
    SurveyInvitation.objects.bulk_create(invitations)
    created = SurveyAnswer.objects.bulk_create(answers)
    SurveyScore.objects.bulk_create(
        [
            SurveyScore(answer=answer, question_id=question_id, value=value)
            for answer, (scores, _comments) in zip(created, drawn, strict=True)
            for question_id, value in scores.items()
        ],
        batch_size=2000,
    )
    SurveyThemeComment.objects.bulk_create(
        [
            SurveyThemeComment(answer=answer, theme=theme, text=text)
            for answer, (_scores, comments) in zip(created, drawn, strict=True)
            for theme, text in comments.items()
        ]
    )


def _barometers(today: dt.date, contacts: list[Contact], directorate_of: dict[int, str]) -> None:
    """The last three annual barometers (September), with themed questions, answers and comments."""
    last = barometer_year(today)
    for index, year in enumerate(range(last - 2, last + 1)):
        survey, _created = Survey.objects.update_or_create(
            code=f"barometre-{year}",
            defaults={
                "title": f"Baromètre annuel de la relation DSI {year}",
                "kind": SurveyKind.BAROMETRE,
                "anonymous": index != 1,
                "opens_on": dt.date(year, 9, 7),
                "closes_on": dt.date(year, 9, 30),
                "introduction": BAROMETER_INTRODUCTION,
                "choice_question": "Qu'appréciez-vous le plus dans la relation avec la DSI ?",
                "choice_options": BAROMETER_OPTIONS,
            },
        )
        questions = _questions(survey, BAROMETER_QUESTIONS)
        if survey.answers.exists():
            continue

        def mood_of(code: str, theme: str, index=index) -> float:
            return THEME_MOOD[theme][index] + DIRECTORATE_MOOD.get(code, (0, 0, 0))[index]

        _campaign_answers(survey, contacts, questions, mood_of, 0.6, True, directorate_of)


def _catalogue_survey(today: dt.date, contacts: list[Contact], directorate_of: dict[int, str]) -> None:
    """One survey on the catalogue and its media, held in the last complete quarter before today."""
    quarter = period_of(QUARTER, default_ref(today))
    opens_on = quarter.start + dt.timedelta(days=10)
    survey, _created = Survey.objects.update_or_create(
        code=f"catalogue-{opens_on.year}",
        defaults={
            "title": f"Enquête sur le catalogue des services et ses supports {opens_on.year}",
            "kind": SurveyKind.CATALOGUE,
            "anonymous": False,
            "opens_on": opens_on,
            "closes_on": opens_on + dt.timedelta(days=28),
            "introduction": "Le catalogue des services a un an : dites-nous ce qu'il vous apporte.",
            "ask_nps": True,
            "nps_question": "Recommanderiez-vous le catalogue des services à un collègue ?",
            "csat_question": (
                "Globalement, êtes-vous satisfait du catalogue des services et de ses supports ?"
            ),
        },
    )
    questions = _questions(survey, CATALOGUE_QUESTIONS)
    if survey.answers.exists():
        return

    def mood_of(code: str, theme: str) -> float:
        return THEME_MOOD[theme][2] + 0.05 + DIRECTORATE_MOOD.get(code, (0, 0, 0))[2] / 2

    _campaign_answers(survey, contacts, questions, mood_of, 0.45, True, directorate_of)


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
        directorate_of = dict(Entity.objects.values_list("pk", "directorate__code"))
        _barometers(today, contacts, directorate_of)
        _catalogue_survey(today, contacts, directorate_of)
        _post_request_answers(today, contacts)
    _subscriptions(today)
    _targets()
    return {
        "surveys": Survey.objects.count(),
        "survey invitations": SurveyInvitation.objects.count(),
        "survey answers": SurveyAnswer.objects.count(),
        "themed scores": SurveyScore.objects.count(),
        "survey follow-ups": SurveyFollowUp.objects.count(),
        "subscriptions": Subscription.objects.count(),
        "indicator targets": IndicatorTarget.objects.count(),
    }
