"""The barometer read by theme: scores per theme and per directorate, this campaign against the previous
campaign of the same kind (year on year), and the comments grouped by theme.

Definitions (also in the README):
- a themed score is *satisfied* when it is at least 4 on a 1–5 question, at least 7 on a 0–10 question;
  a theme's satisfaction rate = satisfied scores / scores given to the theme's questions, in %;
- a theme's mean is on a common 0–10 footing so that 1–5 and 0–10 questions can be averaged together:
  a 1–5 score v counts as 2.5 × (v − 1) (1 → 0, 3 → 5, 5 → 10), a 0–10 score as itself;
- the previous campaign is the survey of the same kind that opened last before this one; changes are
  this campaign's value minus the previous one's (percentage points for rates, points for NPS);
- an empty question (no opinion) is not a score; a value over zero scores is undefined (None).

Everything is read in a constant number of queries, whatever the number of directorates or answers.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from kpis.models import Scale, Survey, SurveyAnswer, SurveyQuestion, SurveyScore, SurveyThemeComment, Theme
from kpis.surveys.exports import _named_entities
from kpis.surveys.scoring import Scores
from kpis.surveys.selectors import SCORE_COUNTS

DIRECTORATE = "answer__entity__directorate__code"
DIRECTORATE_NAME = "answer__entity__directorate__name"
SATISFIED = Q(question__scale=Scale.FIVE, value__gte=4) | Q(question__scale=Scale.TEN, value__gte=7)
COMMENT_LIMIT = 500
GENERAL = "general"


def satisfied_from(scale: int) -> int:
    """The lowest satisfied score of a scale: 4 of 5, 7 of 10."""
    return 4 if scale == Scale.FIVE else 7


@dataclass
class ThemeScore:
    """Scores given to one theme (or one question): count, satisfied, and points on the 0–10 footing."""

    scores: int = 0
    satisfied: int = 0
    points: float = 0.0

    def add(self, scale: int, count: int, total: int, satisfied: int) -> None:
        self.scores += count
        self.satisfied += satisfied
        # Σ 2.5 × (v − 1) = 2.5 × (Σv − n) for a 1–5 question.
        self.points += 2.5 * (total - count) if scale == Scale.FIVE else total

    def merge(self, other: "ThemeScore") -> None:
        self.scores += other.scores
        self.satisfied += other.satisfied
        self.points += other.points

    @property
    def exact_pct(self) -> float | None:
        return 100 * self.satisfied / self.scores if self.scores else None

    @property
    def satisfied_pct(self) -> float | None:
        return None if self.exact_pct is None else round(self.exact_pct, 1)

    @property
    def exact_mean(self) -> float | None:
        return self.points / self.scores if self.scores else None

    @property
    def mean(self) -> float | None:
        """Mean on 0–10."""
        return None if self.exact_mean is None else round(self.exact_mean, 1)


def _change(current: float | None, previous: float | None) -> float | None:
    if current is None or previous is None:
        return None
    return round(current - previous, 1)


def _exact_nps(scores: Scores | None) -> float | None:
    if scores is None or not scores.nps_answers:
        return None
    return 100 * (scores.promoters - scores.detractors) / scores.nps_answers


@dataclass
class Cell:
    """One theme of one group, this campaign and the previous one."""

    current: ThemeScore
    previous: ThemeScore | None = None

    @property
    def satisfied_change(self) -> float | None:
        """Change of the satisfaction rate, in percentage points."""
        return _change(self.current.exact_pct, self.previous.exact_pct if self.previous else None)

    @property
    def mean_change(self) -> float | None:
        return _change(self.current.exact_mean, self.previous.exact_mean if self.previous else None)


EMPTY_SCORES = Scores(0, 0, 0, 0, 0, 0)


@dataclass
class Row:
    """The company or one directorate: its answers, NPS and the cell of each theme."""

    key: str
    label: str
    answers: int = 0
    nps_scores: Scores = EMPTY_SCORES
    previous_nps_scores: Scores | None = None
    cells: dict[str, Cell] = field(default_factory=dict)

    @property
    def nps(self) -> float | None:
        return self.nps_scores.nps

    @property
    def previous_nps(self) -> float | None:
        return self.previous_nps_scores.nps if self.previous_nps_scores else None

    @property
    def nps_change(self) -> float | None:
        return _change(_exact_nps(self.nps_scores), _exact_nps(self.previous_nps_scores))

    def theme_cells(self, themes) -> list[tuple[str, Cell]]:
        return [(theme, self.cells[theme]) for theme, _label in themes]


@dataclass
class QuestionResult:
    question: SurveyQuestion
    score: ThemeScore
    distribution: dict[int, int]

    @property
    def native_mean(self) -> float | None:
        """Mean on the question's own scale."""
        if not self.score.scores:
            return None
        if self.question.scale == Scale.FIVE:
            return round(self.score.points / self.score.scores / 2.5 + 1, 1)
        return self.score.mean


@dataclass
class Comment:
    text: str
    answer: SurveyAnswer
    entity_shown: bool

    @property
    def directorate(self) -> str:
        entity = self.answer.entity
        return entity.directorate.name if entity else ""

    @property
    def entity(self) -> str:
        return self.answer.entity.name if self.entity_shown else ""


@dataclass
class ThemeBlock:
    """A theme on the results page: its company cell, its questions and its comments."""

    key: str
    label: str
    cell: Cell | None
    questions: list[QuestionResult]
    comments: list[Comment]


@dataclass
class BarometerResults:
    survey: Survey
    previous: Survey | None
    themes: list[tuple[str, str]]  # the themes the survey asks about, in the order of Theme
    company: Row
    directorates: list[Row]
    blocks: list[ThemeBlock]
    general_comments: list[Comment]

    @property
    def has_themes(self) -> bool:
        return bool(self.themes)


def previous_campaign(survey: Survey) -> Survey | None:
    """The survey of the same kind that opened last before this one (None without dates)."""
    if survey.opens_on is None:
        return None
    return (
        Survey.objects.filter(kind=survey.kind, opens_on__lt=survey.opens_on)
        .exclude(pk=survey.pk)
        .order_by("-opens_on", "-pk")
        .first()
    )


def _theme_scores(survey_ids: list[int]) -> dict[tuple[int, str | None, str], ThemeScore]:
    """(survey id, directorate code or None, theme) -> ThemeScore, in one query; names on the side."""
    rows = (
        SurveyScore.objects.filter(answer__survey_id__in=survey_ids)
        .values("answer__survey_id", DIRECTORATE, DIRECTORATE_NAME, "question__theme", "question__scale")
        .annotate(n=Count("id"), total=Sum("value"), satisfied=Count("id", filter=SATISFIED))
        .order_by()
    )
    found: dict[tuple[int, str | None, str], ThemeScore] = defaultdict(ThemeScore)
    names: dict[str, str] = {}
    for row in rows:
        code = row[DIRECTORATE]
        if code is not None:
            names[code] = row[DIRECTORATE_NAME]
        key = (row["answer__survey_id"], code, row["question__theme"])
        found[key].add(row["question__scale"], row["n"], row["total"] or 0, row["satisfied"])
    return found, names


def _nps_scores(survey_ids: list[int]) -> tuple[dict, dict, dict]:
    """(survey id, directorate code or None) -> (Scores, answers), in one query."""
    key = "entity__directorate__code"
    rows = (
        SurveyAnswer.objects.filter(survey_id__in=survey_ids)
        .values("survey_id", key, "entity__directorate__name")
        .annotate(answers=Count("id"), **SCORE_COUNTS)
        .order_by()
    )
    scores, answers, names = {}, {}, {}
    for row in rows:
        group = (row["survey_id"], row[key])
        scores[group] = Scores(**{name: row[name] for name in SCORE_COUNTS})
        answers[group] = row["answers"]
        if row[key] is not None:
            names[row[key]] = row["entity__directorate__name"]
    return scores, answers, names


def _sum_scores(parts: list[Scores]) -> Scores:
    return Scores(*(sum(getattr(part, name) for part in parts) for name in SCORE_COUNTS))


def _questions(survey: Survey) -> tuple[list[SurveyQuestion], list[QuestionResult]]:
    questions = list(survey.questions.order_by("sort_order", "pk"))
    rows = (
        SurveyScore.objects.filter(question__survey=survey)
        .values("question_id", "value")
        .annotate(n=Count("id"))
        .order_by()
    )
    distributions: dict[int, dict[int, int]] = defaultdict(dict)
    for row in rows:
        distributions[row["question_id"]][row["value"]] = row["n"]
    results = []
    for question in questions:
        seen = distributions.get(question.pk, {})
        score = ThemeScore()
        for value, count in seen.items():
            score.add(
                question.scale, count, value * count, count if value >= satisfied_from(question.scale) else 0
            )
        results.append(
            QuestionResult(question, score, {value: seen.get(value, 0) for value in question.values})
        )
    return questions, results


def _comments(survey: Survey) -> tuple[dict[str, list[Comment]], list[Comment]]:
    """Theme comments grouped by theme, and the general comments; an anonymous survey names an entity
    only when it has at least ANONYMITY_THRESHOLD answers (as the exports), never a person."""
    answers = SurveyAnswer.objects.filter(survey=survey)
    named = _named_entities(survey, answers)

    def shown(answer: SurveyAnswer) -> bool:
        return answer.entity_id is not None and (named is None or answer.entity_id in named)

    by_theme: dict[str, list[Comment]] = defaultdict(list)
    theme_comments = (
        SurveyThemeComment.objects.filter(answer__survey=survey)
        .select_related("answer__entity__directorate", "answer__contact")
        .order_by("-answer__answered_at", "-pk")[:COMMENT_LIMIT]
    )
    for comment in theme_comments:
        by_theme[comment.theme].append(Comment(comment.text, comment.answer, shown(comment.answer)))
    general = [
        Comment(answer.comment, answer, shown(answer))
        for answer in answers.exclude(comment="")
        .select_related("entity__directorate", "contact")
        .order_by("-answered_at", "-pk")[:COMMENT_LIMIT]
    ]
    return by_theme, general


def barometer_results(survey: Survey) -> BarometerResults:
    """The results page by theme and directorate, year on year, in a constant number of queries."""
    previous = previous_campaign(survey)
    survey_ids = [survey.pk] + ([previous.pk] if previous else [])
    questions, question_results = _questions(survey)
    asked = {question.theme for question in questions}
    themes = [(value, str(label)) for value, label in Theme.choices if value in asked]
    theme_scores, names = _theme_scores(survey_ids)
    nps, answers, nps_names = _nps_scores(survey_ids)
    names.update(nps_names)

    def collect(survey_id: int, code: str | None) -> tuple[dict[str, ThemeScore], list[Scores], int]:
        """One campaign's theme scores, NPS parts and answer count for a directorate (None: all)."""
        per_theme = {theme: ThemeScore() for theme, _label in themes}
        for (sid, group, theme), score in theme_scores.items():
            if sid == survey_id and theme in per_theme and (code is None or group == code):
                per_theme[theme].merge(score)
        mine = [key for key in nps if key[0] == survey_id and (code is None or key[1] == code)]
        return per_theme, [nps[key] for key in mine], sum(answers[key] for key in mine)

    def build_row(code: str | None, label: str) -> Row:
        current, current_nps, count = collect(survey.pk, code)
        row = Row(code or "", label, answers=count, nps_scores=_sum_scores(current_nps))
        before = None
        if previous is not None:
            before, previous_nps, previous_count = collect(previous.pk, code)
            row.previous_nps_scores = _sum_scores(previous_nps) if previous_count else None
        for theme, score in current.items():
            earlier = before[theme] if before is not None and before[theme].scores else None
            row.cells[theme] = Cell(score, earlier)
        return row

    company = build_row(None, _("Whole company"))
    directorates = [build_row(code, names[code]) for code in sorted(names, key=lambda c: names[c].casefold())]
    by_theme, general = _comments(survey)
    blocks = [
        ThemeBlock(
            theme,
            label,
            company.cells.get(theme),
            [result for result in question_results if result.question.theme == theme],
            by_theme.get(theme, []),
        )
        for theme, label in themes
    ]
    return BarometerResults(survey, previous, themes, company, directorates, blocks, general)


def result_rows(results: BarometerResults):
    """The per-theme results as CSV rows (header first): the company then each directorate, each theme
    and the NPS, with the previous campaign's values and the change."""
    previous = results.previous
    yield [
        _("directorate"),
        _("theme"),
        _("scores"),
        _("mean (0–10)"),
        _("satisfied (%)"),
        "NPS",
        _("previous campaign"),
        _("previous scores"),
        _("previous mean (0–10)"),
        _("previous satisfied (%)"),
        _("previous NPS"),
        _("change (points)"),
    ]
    previous_code = previous.code if previous else ""
    for row in [results.company, *results.directorates]:
        for theme, label in results.themes:
            cell = row.cells[theme]
            before = cell.previous
            yield [
                row.label,
                label,
                cell.current.scores,
                cell.current.mean,
                cell.current.satisfied_pct,
                None,
                previous_code,
                before.scores if before else None,
                before.mean if before else None,
                before.satisfied_pct if before else None,
                None,
                cell.satisfied_change,
            ]
        yield [
            row.label,
            "NPS",
            row.nps_scores.nps_answers,
            None,
            None,
            row.nps,
            previous_code,
            row.previous_nps_scores.nps_answers if row.previous_nps_scores else None,
            None,
            None,
            row.previous_nps,
            row.nps_change,
        ]


def export_filename(survey: Survey) -> str:
    return f"barometre-themes-{survey.code}-{timezone.localdate():%Y%m%d}.csv"
