import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template

from catalogue.forms import FamilyPageForm
from catalogue.models import FamilyPage
from catalogue.pictograms import available_pictograms, pictogram_markup, sanitise_svg


def test_about_twelve_pictograms_are_shipped_each_drawn_in_current_colour():
    names = [name for name, _label in available_pictograms()]
    assert len(names) >= 12
    assert {"impression", "securite", "messagerie", "poste-de-travail"} <= set(names)


def test_inclusion_tag_renders_the_pictogram_inline_in_the_family_colour():
    family = FamilyPage(title="Sécurité", code="SEC", colour="#b42318", pictogram="securite")
    html = Template("{% load catalogue_tags %}{% family_pictogram family 32 %}").render(
        Context({"family": family})
    )
    assert html.startswith('<svg class="pictogram" width="32" height="32" aria-hidden="true"')
    assert 'stroke="#b42318"' in html and "currentColor" not in html
    labelled = pictogram_markup(family, size=20, label="Famille Sécurité")
    assert 'role="img" aria-label="Famille Sécurité"' in labelled


def test_family_include_shows_pictogram_and_name():
    family = FamilyPage(title="Impression", code="IMP", colour="#8a4b00", pictogram="impression")
    html = Template('{% include "catalogue/includes/family_badge.html" %}').render(
        Context({"family": family})
    )
    assert "<svg" in html and "Impression" in html and "#8a4b00" in html


def test_uploaded_svg_is_rebuilt_from_an_allowlist():
    dirty = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" onload="alert(1)">'
        '<script>alert(2)</script><a href="javascript:alert(3)"><path d="M1 1h2"/></a>'
        '<path d="M0 0h24" fill="url(https://evil.example/x)" stroke="currentColor"/>'
        "<foreignObject><div>x</div></foreignObject></svg>"
    )
    clean = sanitise_svg(dirty)
    assert "alert" not in clean and "script" not in clean and "foreignObject" not in clean
    assert "evil" not in clean and "onload" not in clean
    assert '<path d="M0 0h24" stroke="currentColor" />' in clean


@pytest.mark.parametrize(
    "source",
    [
        "not xml",
        "<html><body/></html>",
        '<!DOCTYPE svg [<!ENTITY x "y">]><svg>&x;</svg>',
        "<svg>" + "x" * 60_000,
    ],
)
def test_uploads_that_are_not_plain_svg_are_refused(source):
    with pytest.raises(ValidationError):
        sanitise_svg(source)


def test_unknown_pictogram_name_is_refused(catalogue_index):
    family = FamilyPage(title="X", slug="x", code="X", colour="#123456", pictogram="licorne")
    with pytest.raises(ValidationError):
        family.full_clean()


def test_colour_must_be_hex(catalogue_index):
    family = FamilyPage(title="X", slug="x", code="X", colour="red;background:url(x)", pictogram="cloud")
    with pytest.raises(ValidationError):
        family.full_clean()


def test_admin_form_stores_a_sanitised_upload(catalogue_index):
    form_class = FamilyPage.get_edit_handler().get_form_class()
    assert issubclass(form_class, FamilyPageForm)
    upload = SimpleUploadedFile(
        "icone.svg",
        b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><script>x()</script>'
        b'<circle cx="12" cy="12" r="9" stroke="currentColor"/></svg>',
        content_type="image/svg+xml",
    )
    family = FamilyPage()
    form = form_class(
        {
            "title": "Nouvelle famille",
            "slug": "nouvelle",
            "code": "NEW",
            "colour": "#2f6f3e",
            "pictogram": "",
            "summary": "",
        },
        {"pictogram_file": upload},
        instance=family,
        for_user=None,
        parent_page=catalogue_index,
    )
    assert form.is_valid(), form.errors
    assert "<circle" in family.pictogram_svg and "script" not in family.pictogram_svg
    assert 'stroke="#2f6f3e"' in pictogram_markup(family)
