"""axe-core (from npm, injected into the pages) finds no serious or critical violation on the main
pages; the pages also work under the portal's real Content-Security-Policy (no refused resource)."""

import datetime as dt
import json

import pytest

from catalogue.models import CatalogueIndexPage
from committees.models import Committee, Level
from tests.catalogue.conftest import make_family, make_service
from tests.e2e.conftest import ARTIFACTS, axe_violations, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def content(directorate_a):
    index = CatalogueIndexPage.objects.get()
    family = make_family(index, code="POSTE", title="Poste de travail", colour="#1f4e8c")
    service = make_service(family, code="MAIL", title="Messagerie collaborative", needs=("confort",))
    Committee.objects.create(
        name="Comité tactique DCOM",
        directorate=directorate_a,
        level=Level.TACTIQUE,
        cadence_months=3,
        starts_on=dt.date(2026, 1, 15),
    )
    return {"service": service}


def _audit(page, axe_source, pages, name) -> dict[str, list]:
    """Serious and critical violations per page; every violation (minor ones too) goes to the artifacts."""
    found, everything = {}, {}
    for url in pages:
        page.goto(url)
        page.wait_for_load_state("networkidle")
        everything[url] = axe_violations(
            page, axe_source, impacts=("minor", "moderate", "serious", "critical")
        )
        if serious := [v for v in everything[url] if v["impact"] in ("serious", "critical")]:
            found[url] = serious
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"axe-{name}.json").write_text(json.dumps(everything, indent=2, ensure_ascii=False))
    return found


def _report(found):
    return "\n".join(
        f"{url}: {v['id']} ({v['impact']}) {v['help']} {v['nodes']}" for url, vs in found.items() for v in vs
    )


def test_business_user_pages_have_no_serious_violation(page, axe_source, content, user_a):
    login(page, "alice")
    found = _audit(
        page,
        axe_source,
        [
            "/",
            "/catalogue/",
            content["service"].url,
            "/catalogue/parcourir/",
            "/demandes/nouvelle/",
            "/demandes/",
            "/comites/",
        ],
        "business-user",
    )
    assert not found, _report(found)


def test_cio_and_relationship_manager_pages_have_no_serious_violation(
    page, axe_source, content, cio, relationship_manager
):
    login(page, "isabelle")
    found = _audit(page, axe_source, ["/indicateurs/", "/comites/"], "cio")
    page.context.clear_cookies()
    login(page, "sophie")
    found |= _audit(page, axe_source, ["/boite/", "/comites/", "/relation/"], "relationship-manager")
    assert not found, _report(found)


def test_login_page_has_no_serious_violation(page, axe_source, db):
    found = _audit(page, axe_source, ["/connexion/"], "login")
    assert not found, _report(found)


def test_pages_work_under_the_real_content_security_policy(browser, live_server, content, user_a, editor):
    """Without bypass_csp: the browser refuses nothing the portal itself serves."""
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    refused = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    login(page, "alice")
    for url in ["/", "/catalogue/", content["service"].url, "/catalogue/parcourir/", "/demandes/nouvelle/"]:
        page.goto(url)
        page.wait_for_load_state("networkidle")
    # The family colour set by a style attribute (allowed by style-src-attr) applies.
    page.goto(content["service"].url)
    colour = page.evaluate(
        "getComputedStyle(document.querySelector('.service-header')).getPropertyValue('--family-colour')"
    )
    assert colour.strip() == "#1f4e8c"
    assert not refused, refused
    # An injected inline script is refused: the policy is really enforced.
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.pwned = 1';"
        " document.body.appendChild(s); }"
    )
    assert page.evaluate("window.pwned") is None
    context.close()
    assert refused, "the browser should have reported the refused inline script"

    # An editor sees Wagtail's user bar on the catalogue pages: it must work under the policy too.
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    refused.clear()
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    login(page, "julien")
    for url in ["/", content["service"].url]:
        page.goto(url)
        page.wait_for_load_state("networkidle")
    context.close()
    assert not refused, refused
