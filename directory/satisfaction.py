"""The satisfaction of a set of survey answers (NPS, CSAT), counted by the database as the dashboard
counts it (kpis.indicators.satisfaction_block gives the figures from the counts)."""

from django.db.models import Count, Q, QuerySet

from kpis.indicators import satisfaction_block
from kpis.models import SurveyAnswer


def satisfaction_of(answers: QuerySet[SurveyAnswer]) -> dict:
    """{"answers", "nps", "nps_answers", "csat_pct", "csat_answers"}; NPS and CSAT None without answers."""
    return satisfaction_block(
        answers.aggregate(
            answers=Count("id"),
            nps_answers=Count("nps"),
            promoters=Count("id", filter=Q(nps__gte=9)),
            detractors=Count("id", filter=Q(nps__lte=6)),
            csat_answers=Count("csat"),
            satisfied=Count("id", filter=Q(csat__gte=4)),
        )
    )
