"""The four printed documents, rendered from published content and opened with pypdf."""

import re

import pytest
from django.core.management import call_command

from catalogue.printing import render
from catalogue.printing.typography import NBSP, NNBSP, french
from tests.catalogue.print_helpers import build_catalogue, pdf_pages, pdf_reader

pytestmark = pytest.mark.django_db

A4 = (595.28, 841.89)
A3_LANDSCAPE = (1190.55, 841.89)


@pytest.fixture
def catalogue_content(catalogue_index, product_manager):
    return build_catalogue(catalogue_index, families=3, per_family=4, product_manager=product_manager)


def _size(page):
    return (float(page.mediabox.width), float(page.mediabox.height))


def test_full_catalogue_prints_published_services_with_a_true_table_of_contents(catalogue_content):
    pdf, page_count = render.render_catalogue()
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


def test_index_of_services_points_to_the_right_pages(catalogue_content):
    pages = pdf_pages(render.render_catalogue()[0])
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


def test_poster_type_is_large_for_a_small_offer():
    # Readable from a metre away: about 20 pt for a few dozen services, never below 6 pt.
    assert render.poster_font_size(12, 3) >= 18
    assert render.poster_font_size(200, 8) >= 9


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
