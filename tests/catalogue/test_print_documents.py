"""The four printed documents, rendered from published content and opened with pypdf."""

import re
import shutil
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import transaction

from catalogue.models import CatalogueIndexPage, ServicePage
from catalogue.printing import render
from catalogue.printing.typography import NBSP, NNBSP, french
from directory import roles
from tests.catalogue.print_helpers import (
    build_catalogue,
    build_varied_catalogue,
    orphaned_headings,
    pdf_pages,
    pdf_reader,
)
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

A4 = (595.28, 841.89)
A3_LANDSCAPE = (1190.55, 841.89)


@pytest.fixture
def catalogue_content(catalogue_index, product_manager):
    return build_catalogue(catalogue_index, families=3, per_family=4, product_manager=product_manager)


@pytest.fixture(scope="module")
def published_catalogue(django_db_setup, django_db_blocker):
    """The content of `catalogue_content`, its full catalogue rendered once for the tests that only read it.

    Built in a transaction rolled back straight away: the following tests find the database unchanged.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        product_manager = make_user("thomas-module", roles.PRODUCT_MANAGERS)
        made = build_catalogue(CatalogueIndexPage.objects.get(), product_manager=product_manager)
        pdf, page_count = render.render_catalogue()
        transaction.set_rollback(True)
    return made, pdf, page_count


def _size(page):
    return (float(page.mediabox.width), float(page.mediabox.height))


def test_full_catalogue_prints_published_services_with_a_true_table_of_contents(published_catalogue):
    catalogue_content, pdf, page_count = published_catalogue
    pages = pdf_pages(pdf)
    assert len(pages) == page_count
    # cover, editorial, contents, synopsis, 3 chapters (4 services each), index, contact
    assert 9 <= page_count <= 20
    assert all(abs(w - A4[0]) < 1 and abs(h - A4[1]) < 1 for w, h in map(_size, pdf_reader(pdf).pages))
    text = " ".join(pages)
    for service in catalogue_content["services"]:
        assert service.title in text
    assert "Service caché jamais publié" not in text and "SRV-HIDDEN" not in text
    assert "relais-dsi@groupe-aurelia.fr" in pages[-1]

    toc_page = next(i for i, page in enumerate(pages) if page.startswith("Sommaire"))
    entries = {
        title: int(number)
        for title, number in re.findall(
            r"(Service publié \d-\d|Famille numéro \d)[ .]*?(\d+)(?= |$)", pages[toc_page]
        )
    }
    assert len(entries) == 3 + 12
    for service in catalogue_content["services"]:
        start = pages[entries[service.title] - 1]
        # The section starts on that page: its title followed by its code line.
        assert f"{service.title} {service.code}" in start, (service.title, entries[service.title])
    for family in catalogue_content["families"]:
        chapter_page = pages[entries[family.title] - 1]
        assert family.title in chapter_page and f"Service publié {family.code[-1]}-0" in chapter_page
        # Running header: the family's name is repeated at the top of its pages.
    assert "Relais DSI · Catalogue de services Famille numéro 1" in pages[entries["Service publié 1-3"] - 1]
    # Page numbers in the footer.
    assert re.search(rf"\b{toc_page + 1} / {page_count}\b", pages[toc_page])


def test_index_of_services_points_to_the_right_pages(published_catalogue):
    pages = pdf_pages(published_catalogue[1])
    index_page = next(i for i, page in enumerate(pages) if "Index des services" in page and "SRV-0-0" in page)
    for title, code, number in re.findall(
        r"(Service publié \d-\d) (SRV-\d-\d)[ .]*?(\d+)", pages[index_page]
    ):
        assert f"{title} {code}" in pages[int(number) - 1]


def test_family_pictograms_are_vector_and_text_is_french(catalogue_content):
    html = render.catalogue_html()
    assert html.count("<svg") >= 3 * 3  # cover, synopsis and chapter opener of each family
    assert "<img" not in html
    assert f"Une promesse claire{NBSP}: le service 0-0 vous aide{NNBSP}!" in html


def test_product_sheet_is_one_or_two_a4_pages_of_that_service_only(catalogue_content):
    service = catalogue_content["services"][5]
    pdf, page_count = render.render("sheet", service.code)
    pages = pdf_pages(pdf)
    assert page_count in (1, 2)
    assert all(abs(w - A4[0]) < 1 and abs(h - A4[1]) < 1 for w, h in map(_size, pdf_reader(pdf).pages))
    text = " ".join(pages)
    assert service.title in text and "Prêt sous 5 jours ouvrés" in text and "FAMILLE NUMÉRO 1" in text.upper()
    assert "Service publié 0-0" not in text


def test_unpublished_service_has_no_published_sheet(catalogue_content):
    from django.http import Http404

    with pytest.raises(Http404):
        render.render("sheet", "SRV-HIDDEN")


@pytest.mark.parametrize(("families", "per_family"), [(3, 4), (8, 25)])
def test_poster_is_one_a3_landscape_page_with_the_whole_offer(catalogue_index, families, per_family):
    made = build_catalogue(catalogue_index, families=families, per_family=per_family, fast=True)
    pdf, page_count = render.render_poster()
    reader = pdf_reader(pdf)
    assert page_count == 1 and len(reader.pages) == 1
    width, height = _size(reader.pages[0])
    assert abs(width - A3_LANDSCAPE[0]) < 1 and abs(height - A3_LANDSCAPE[1]) < 1
    text = pdf_pages(pdf)[0]
    for service in made["services"]:
        assert service.title in text
    assert "Service caché" not in text


def test_poster_columns_keep_families_whole_in_reading_order_and_even():
    offers = [SimpleNamespace(services=[None] * n) for n in (25, 25, 25, 25, 25, 25, 25, 25)]
    runs = render.poster_columns(offers, columns=6)
    assert [offer for run in runs for offer in run] == offers  # every family once, in order
    assert len(runs) <= 6 and max(len(run) for run in runs) == 2  # 8 whole families: 2 at most a column
    offers = [SimpleNamespace(services=[None] * n) for n in (30, 2, 2, 2, 2, 30)]
    assert [len(run) for run in render.poster_columns(offers, columns=3)] == [1, 4, 1]


def test_poster_type_is_large_for_a_small_offer():
    # Readable from a metre away: large type for a few dozen services, never below 6 pt.
    small = [SimpleNamespace(services=[None] * 4) for _ in range(3)]
    tallest = max(
        sum(4 + render.FAMILY_HEADER_LINES + render.FAMILY_GAP_LINES for _ in run)
        for run in render.poster_columns(small)
    )
    assert render.poster_font_size(tallest) >= 24
    assert render.poster_font_size(2 * (25 + render.FAMILY_HEADER_LINES + render.FAMILY_GAP_LINES)) >= 8
    assert render.poster_font_size(10_000) == render.POSTER_MIN_PT


def test_leaflet_is_an_a4_folded_in_three_announcing_the_mailbox(catalogue_content):
    pdf, page_count = render.render_leaflet()
    reader = pdf_reader(pdf)
    assert page_count == 2
    assert all(abs(w - 841.89) < 1 and abs(h - 595.28) < 1 for w, h in map(_size, reader.pages))
    text = " ".join(pdf_pages(pdf))
    assert "relais-dsi@groupe-aurelia.fr" in text
    assert "Famille numéro 2" in text and "catalogue" in text.lower()


def test_no_network_at_render_time(catalogue_content):
    html = '<html><body><img src="https://example.invalid/x.png"><p>Bonjour</p></body></html>'
    document = render.html_to_pdf(html, "sheet.css")
    assert len(document.pages) == 1  # the remote image is refused, not fetched


def test_french_typography():
    assert (
        french('Prêt : "Techday" ; oui ! non ?')
        == f"Prêt{NBSP}: «{NBSP}Techday{NBSP}»{NNBSP}; oui{NNBSP}! non{NNBSP}?"
    )
    assert french("à 8:30, voir https://intranet/x") == "à 8:30, voir https://intranet/x"


def test_command_writes_each_document(catalogue_content, tmp_path):
    for kind, extra in (
        ("catalogue", []),
        ("sheet", ["--service", "SRV-1-1"]),
        ("poster", []),
        ("leaflet", []),
    ):
        out = tmp_path / f"{kind}.pdf"
        call_command("print_catalogue", "--kind", kind, *extra, "--out", str(out))
        assert out.read_bytes().startswith(b"%PDF")
        assert len(pdf_reader(out.read_bytes()).pages) >= 1


def test_progress_follows_the_layout(catalogue_content):
    steps = []
    render.render_catalogue(steps.append)
    assert steps == sorted(steps) and steps[0] == 10 and steps[-1] == 85
    assert any(40 < step < 85 for step in steps)  # pages being laid out


def test_no_page_ends_with_a_heading(catalogue_index, tmp_path, monkeypatch):
    made = build_varied_catalogue(catalogue_index, families=2, per_family=12)
    pdf, page_count = render.render_catalogue()
    assert page_count >= 15  # enough page ends to meet headings: see the control below
    assert orphaned_headings(pdf, made) == []

    # Control: without the rules that keep headings with what follows (ours, and WeasyPrint's default
    # for h1-h3), the same content leaves headings at the foot of pages, and the check sees them.
    css = tmp_path / "css"
    shutil.copytree(render.CSS_DIR, css)
    for sheet in css.glob("*.css"):
        sheet.write_text(sheet.read_text().replace("break-after: avoid", "break-after: auto"))
    with (css / "base.css").open("a") as base:
        base.write("h1, h2, h3 { break-after: auto; }\n")
    monkeypatch.setattr(render, "CSS_DIR", css)
    assert orphaned_headings(render.render_catalogue()[0], made) != []


@pytest.fixture
def drafts(catalogue_content):
    """Pending changes: a draft title, a renamed family, a withdrawn service (the hidden one is new)."""
    services, families = catalogue_content["services"], catalogue_content["families"]
    services[0].title = "Titre en brouillon"
    services[0].save_revision()
    families[2].title = "Famille renommée en brouillon"
    families[2].save_revision()
    ServicePage.objects.get(pk=services[1].pk).unpublish()  # as the admin does: from the stored page
    return catalogue_content


@pytest.mark.parametrize("kind", ["catalogue", "poster", "leaflet"])
def test_draft_preview_prints_latest_revisions_marked_on_every_page(drafts, kind):
    draft_pages = pdf_pages(render.render(kind, draft=True)[0])
    published = " ".join(pdf_pages(render.render(kind)[0]))
    draft = " ".join(draft_pages)
    assert all("BROUILLON · Aperçu" in page for page in draft_pages)
    assert "BROUILLON" not in published
    assert "Famille renommée en brouillon" in draft and "Famille numéro 2" not in draft
    assert "Famille renommée" not in published and "Famille numéro 2" in published
    if kind == "leaflet":  # families and counts only: 12 published, 1 withdrawn, 1 never published
        assert "12 services, une seule adresse" in draft and "11 services, une seule adresse" in published
        return
    # A draft-only service title and a never-published service: in the preview, not in print.
    assert "Titre en brouillon" in draft and "Service caché jamais publié" in draft
    assert "Titre en brouillon" not in published and "Service caché jamais publié" not in published
    assert "Service publié 0-0" in published and "Service publié 0-0" not in draft
    # A service withdrawn from publication is out of both.
    assert "Service publié 0-1" not in draft and "Service publié 0-1" not in published


def test_command_writes_a_draft_preview(drafts, tmp_path):
    out = tmp_path / "draft-sheet.pdf"
    code = drafts["services"][0].code
    call_command("print_catalogue", "--kind", "sheet", "--service", code, "--draft", "--out", str(out))
    pages = pdf_pages(out.read_bytes())
    assert all("BROUILLON · Aperçu" in page for page in pages)
    assert "Titre en brouillon" in " ".join(pages)
    published = tmp_path / "sheet.pdf"
    call_command("print_catalogue", "--kind", "sheet", "--service", code, "--out", str(published))
    assert "Titre en brouillon" not in " ".join(pdf_pages(published.read_bytes()))
