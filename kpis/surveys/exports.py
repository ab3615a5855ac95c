"""Exports of a survey's results: CSV (one row per answer) and PDF (WeasyPrint)."""

from collections.abc import Iterator

from django.db.models import Count
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from kpis.exports import STYLESHEET, safe_cell
from kpis.models import Survey

# An anonymous survey's row names its entity only when the export holds at least this many answers of
# that entity; otherwise only its directorate, so that a small entity's answers cannot be told apart.
ANONYMITY_THRESHOLD = 5


def _named_entities(survey: Survey, answers) -> set[int] | None:
    """The entities an export may name (None: all of them, the survey is not anonymous)."""
    if not survey.anonymous:
        return None
    counts = answers.exclude(entity=None).values("entity_id").annotate(n=Count("id")).order_by()
    return {row["entity_id"] for row in counts if row["n"] >= ANONYMITY_THRESHOLD}


def answer_rows(survey: Survey, answers) -> Iterator[list]:
    """Header then one row per answer; an anonymous survey's rows never name anyone (nor the request),
    and name an entity only when it has at least ANONYMITY_THRESHOLD answers in the export."""
    header = [
        _("answered on"),
        _("directorate"),
        _("entity"),
        _("client type"),
        "nps",
        "csat",
        _("options chosen"),
        _("comment"),
    ]
    if not survey.anonymous:
        header += [_("contact"), _("request")]
    yield header
    named = _named_entities(survey, answers)
    rows = answers.select_related("entity__directorate", "contact", "request").order_by("answered_at", "pk")
    for answer in rows.iterator(chunk_size=2000):
        entity = answer.entity
        shown = entity is not None and (named is None or entity.pk in named)
        row = [
            timezone.localdate(answer.answered_at).isoformat(),
            entity.directorate.name if entity else "",
            entity.name if shown else "",
            entity.get_client_type_display() if shown else "",
            answer.nps,
            answer.csat,
            " | ".join(answer.choices or []),
            answer.comment,
        ]
        if not survey.anonymous:
            row += [
                answer.contact.full_name if answer.contact else "",
                answer.request.reference if answer.request else "",
            ]
        yield [safe_cell(cell) for cell in row]


def results_html(results) -> str:
    return render_to_string(
        "kpis/surveys/print/results.html", {"results": results, "printed_on": timezone.localdate()}
    )


def results_pdf(results) -> bytes:
    from weasyprint import CSS, HTML

    return HTML(string=results_html(results), base_url=str(STYLESHEET.parent)).write_pdf(
        stylesheets=[CSS(filename=str(STYLESHEET))]
    )
