"""Helpers of the print tests: open PDFs with pypdf, build a small published catalogue."""

import io
import re

from pypdf import PdfReader

from tests.catalogue.conftest import make_family, make_service


def pdf_pages(data: bytes) -> list[str]:
    """Text of each page, whitespace (incl. no-break spaces) collapsed."""
    reader = PdfReader(io.BytesIO(data))
    return [re.sub(r"\s+", " ", page.extract_text() or "") for page in reader.pages]


def pdf_reader(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def build_catalogue(index, families=3, per_family=4, product_manager=None, fast=False):
    """Published families and services, plus one unpublished service and one draft revision."""
    made = {"families": [], "services": []}
    colours = ["#8a4b00", "#1f7a4d", "#6b2fa3", "#b42318", "#1f4e8c", "#0b7285"]
    pictos = ["impression", "impression", "impression", "impression", "impression", "impression"]
    for f in range(families):
        family = make_family(
            index, code=f"FAM{f}", title=f"Famille numéro {f}", colour=colours[f % 6], pictogram=pictos[f % 6]
        )
        made["families"].append(family)
        for s in range(per_family):
            service = make_service(
                family,
                code=f"SRV-{f}-{s}",
                title=f"Service publié {f}-{s}",
                promise=f"Une promesse claire : le service {f}-{s} vous aide !",
                commitment_delay="Prêt sous 5 jours ouvrés",
                commitment_hours="Du lundi au vendredi",
                commitment_availability="Disponible 99,5 % du temps",
                how_to_ask="<p>Écrivez à la boîte fonctionnelle.</p>",
                product_manager=product_manager,
                fast=fast,
            )
            made["services"].append(service)
    hidden = make_service(
        made["families"][0], code="SRV-HIDDEN", title="Service caché jamais publié", publish=False
    )
    made["hidden"] = hidden
    return made


def body_lines(data: bytes, margin_pt: float = 56) -> list[list[str]]:
    """Text lines of each page, top to bottom, without the running header and footer.

    Lines are rebuilt from the text's positions (pypdf's visitor), so "the last line of a page" is
    the lowest line printed in the page's body, whatever the order of the content stream.
    """
    pages = []
    for page in pdf_reader(data).pages:
        height = float(page.mediabox.height)
        rows: dict[float, list[tuple[float, str]]] = {}

        def visit(text, cm, tm, _font, _size, rows=rows):
            if not text.strip():
                return
            # Position on the page: the text matrix composed with the current transformation matrix.
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            rows.setdefault(round(y), []).append((x, text))

        page.extract_text(visitor_text=visit)
        lines = []
        for y in sorted(rows, reverse=True):
            if margin_pt < y < height - margin_pt:
                line = re.sub(r"\s+", " ", "".join(text for _x, text in sorted(rows[y]))).strip()
                if line:
                    lines.append(line)
        pages.append(lines)
    return pages


NEEDS = (
    "securite",
    "performance",
    "environnement",
    "consideration",
    "image",
    "finances",
    "innovation",
    "confort",
)
# The print templates' subheadings inside a service section (French, as printed).
SUBHEADINGS = frozenset(
    {"Ce que le service vous apporte", "Points forts", "Nos engagements", "Comment le demander"}
)


def build_varied_catalogue(index, families=2, per_family=12):
    """Published services of uneven lengths, so that page ends fall at many different places."""
    made = {"families": [], "services": []}
    for f in range(families):
        family = make_family(index, code=f"VAR{f}", title=f"Famille numéro {f}")
        made["families"].append(family)
        for s in range(per_family):
            i = f * per_family + s
            service = make_service(
                family,
                code=f"SRV-{f}-{s:02d}",
                title=f"Service publié {f}-{s:02d}",
                needs=NEEDS[: 1 + (i * 5) % 7],
                promise="Une promesse " + "très " * ((i * 7) % 23) + "claire.",
                audience="Tous les agents" if i % 3 else "",
                commitment_delay="Prêt sous 5 jours" if i % 2 else "",
                commitment_hours="Du lundi au vendredi",
                how_to_ask="<p>Écrivez à la boîte fonctionnelle.</p>" if i % 4 else "",
                fast=True,
            )
            made["services"].append(service)
    return made


def orphaned_headings(pdf: bytes, made: dict) -> list[tuple[int, str]]:
    """(page number, line) of each page whose body ends with a heading, or a title and its code line."""
    headings = {s.title for s in made["services"]} | {f.title for f in made["families"]} | SUBHEADINGS
    codes = {s.code for s in made["services"]}
    orphans = []
    for number, lines in enumerate(body_lines(pdf), 1):
        if lines and (lines[-1] in headings or lines[-1].split(" ·")[0] in codes):
            orphans.append((number, lines[-1]))
    return orphans
