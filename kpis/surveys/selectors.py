"""Reads of the survey engine: the survey list and one survey's results (rates, scores, groups)."""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from directory.models import ClientType
from kpis.models import InvitationStatus, Survey, SurveyAnswer, SurveyFollowUp, SurveyInvitation
from kpis.surveys.scoring import Scores, rate, scores_from_distributions

COMMENT_LIMIT = 200
REACHED = (InvitationStatus.SENT, InvitationStatus.ANSWERED)
SCORE_COUNTS = {
    "nps_answers": Count("nps"),
    "promoters": Count("id", filter=Q(nps__gte=9)),
    "passives": Count("id", filter=Q(nps__gte=7, nps__lte=8)),
    "detractors": Count("id", filter=Q(nps__lte=6)),
    "csat_answers": Count("csat"),
    "satisfied": Count("id", filter=Q(csat__gte=4)),
}


def _count_subquery(queryset) -> Coalesce:
    counted = queryset.order_by().values("survey").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def surveys_with_counts() -> QuerySet[Survey]:
    """Every survey with its numbers of answers, invitations reached and invitations answered (one query)."""
    answers = SurveyAnswer.objects.filter(survey=OuterRef("pk"))
    invitations = SurveyInvitation.objects.filter(survey=OuterRef("pk"))
    return Survey.objects.annotate(
        answer_count=_count_subquery(answers),
        invited_count=_count_subquery(invitations.filter(status__in=REACHED)),
        answered_count=_count_subquery(invitations.filter(status=InvitationStatus.ANSWERED)),
        pending_count=_count_subquery(invitations.filter(status=InvitationStatus.PENDING)),
    ).order_by("-opens_on", "code")


@dataclass
class Group:
    key: str
    label: str
    scores: Scores
    invited: int = 0
    answered: int = 0

    @property
    def answers(self) -> int:
        return max(self.scores.nps_answers, self.scores.csat_answers)

    @property
    def response_rate(self) -> float | None:
        return rate(self.answered, self.invited)


@dataclass
class Results:
    survey: Survey
    answers: int
    invited: int
    answered: int
    scores: Scores
    nps_distribution: dict[int, int]
    csat_distribution: dict[int, int]
    choice_counts: list[tuple[str, int]]
    by_directorate: list[Group]
    by_client_type: list[Group]
    comments: list[SurveyAnswer] = field(default_factory=list)

    @property
    def response_rate(self) -> float | None:
        """Answers through links / links sent; undefined when no link was sent (imported surveys)."""
        return rate(self.answered, self.invited)

    @property
    def groupings(self) -> list[tuple[str, list[Group]]]:
        return [(_("By directorate"), self.by_directorate), (_("By client type"), self.by_client_type)]

    @property
    def promoters_pct(self) -> float | None:
        return self.scores.share(self.scores.promoters)

    @property
    def passives_pct(self) -> float | None:
        return self.scores.share(self.scores.passives)

    @property
    def detractors_pct(self) -> float | None:
        return self.scores.share(self.scores.detractors)


def _scores(row: dict) -> Scores:
    return Scores(**{key: row[key] for key in SCORE_COUNTS})


def _groups(answers, invitations, key: str, label_of) -> list[Group]:
    groups: dict[str, Group] = {}
    for row in answers.values(key).annotate(**SCORE_COUNTS).order_by():
        if row[key] is None:
            continue
        groups[row[key]] = Group(row[key], label_of(row[key]), _scores(row))
    empty = Scores(0, 0, 0, 0, 0, 0)
    for row in (
        invitations.values(key)
        .annotate(invited=Count("pk"), answered=Count("pk", filter=Q(status=InvitationStatus.ANSWERED)))
        .order_by()
    ):
        if row[key] is None:
            continue
        group = groups.setdefault(row[key], Group(row[key], label_of(row[key]), empty))
        group.invited, group.answered = row["invited"], row["answered"]
    return sorted(groups.values(), key=lambda g: str(g.label))


def filtered_answers(
    survey: Survey, *, directorate: str = "", client_type: str = ""
) -> QuerySet[SurveyAnswer]:
    answers = SurveyAnswer.objects.filter(survey=survey)
    if directorate:
        answers = answers.filter(entity__directorate__code=directorate)
    if client_type:
        answers = answers.filter(entity__client_type=client_type)
    return answers


def survey_results(survey: Survey, *, directorate: str = "", client_type: str = "") -> Results:
    """Everything the results page and its exports show, in a constant number of queries."""
    answers = filtered_answers(survey, directorate=directorate, client_type=client_type)
    invitations = SurveyInvitation.objects.filter(survey=survey, status__in=REACHED)
    if directorate:
        invitations = invitations.filter(entity__directorate__code=directorate)
    if client_type:
        invitations = invitations.filter(entity__client_type=client_type)
    nps = {
        row["nps"]: row["n"]
        for row in answers.exclude(nps=None).values("nps").annotate(n=Count("id")).order_by()
    }
    csat = {
        row["csat"]: row["n"]
        for row in answers.exclude(csat=None).values("csat").annotate(n=Count("id")).order_by()
    }
    reach = invitations.aggregate(
        invited=Count("pk"), answered=Count("pk", filter=Q(status=InvitationStatus.ANSWERED))
    )
    choice_counts: list[tuple[str, int]] = []
    if survey.options:
        counter = Counter(
            choice for chosen in answers.values_list("choices", flat=True) for choice in chosen or []
        )
        choice_counts = [(option, counter.get(option, 0)) for option in survey.options]
    directorate_names = {}

    def directorate_label(code):
        return directorate_names.get(code, code)

    by_directorate = _groups(answers, invitations, "entity__directorate__code", directorate_label)
    if by_directorate:
        from directory.models import Directorate

        directorate_names.update(
            Directorate.objects.filter(code__in=[g.key for g in by_directorate]).values_list("code", "name")
        )
        for group in by_directorate:
            group.label = directorate_label(group.key)
        by_directorate.sort(key=lambda g: g.label)
    client_types = dict(ClientType.choices)
    by_client_type = _groups(answers, invitations, "entity__client_type", lambda v: client_types.get(v, v))
    comments = list(
        answers.exclude(comment="")
        .select_related("entity__directorate", "contact", "request")
        .order_by("-answered_at", "-pk")[:COMMENT_LIMIT]
    )
    return Results(
        survey=survey,
        answers=answers.count(),
        invited=reach["invited"],
        answered=reach["answered"],
        scores=scores_from_distributions(nps, csat),
        nps_distribution={score: nps.get(score, 0) for score in range(11)},
        csat_distribution={score: csat.get(score, 0) for score in range(1, 6)},
        choice_counts=choice_counts,
        by_directorate=by_directorate,
        by_client_type=by_client_type,
        comments=comments,
    )


def open_follow_ups() -> QuerySet[SurveyFollowUp]:
    return (
        SurveyFollowUp.objects.filter(done_at__isnull=True)
        .select_related("survey", "contact", "entity__directorate", "request", "answer")
        .order_by("due_on", "pk")
    )
