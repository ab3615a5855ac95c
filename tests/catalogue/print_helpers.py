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
