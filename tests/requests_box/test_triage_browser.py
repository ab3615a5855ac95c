"""Keyboard-only triage in a real browser (Playwright + Debian's Chromium): move with j/k, tick with x,
open the bulk assignment with a, apply it, and see the result; a request changed meanwhile is skipped."""

import re

import pytest
from playwright.sync_api import expect

from requests_box import services, workflow
from requests_box.models import Kind, Request
from tests.e2e.conftest import browser, login, page  # noqa: F401 - the live server + Chromium fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def new_request(subject: str) -> Request:
    return services.create_request(
        channel="email", subject=subject, text="Bonjour", sender_email="x@ailleurs.example", acknowledge=False
    )


def focused_id(tab) -> str:
    return tab.evaluate("() => document.activeElement && document.activeElement.id")


def press_tab_until(tab, element_id: str, limit: int = 12) -> None:
    for _ in range(limit):
        if focused_id(tab) == element_id:
            return
        tab.keyboard.press("Tab")
    assert focused_id(tab) == element_id


def test_a_relationship_manager_triages_with_the_keyboard_only(
    page,  # noqa: F811
    relationship_manager,
    product_manager,
):
    first, second, third = (new_request(s) for s in ("Imprimante", "Écran noir", "Badge perdu"))
    login(page, "sophie")
    page.goto("/boite/tri/?queue=open")
    rows = page.locator("tr[data-row]")
    expect(rows).to_have_count(3)
    order = [rows.nth(n).locator("a").first.inner_text() for n in range(3)]
    target = Request.objects.get(reference=order[1])

    # j twice: the second row; its focus is visible.
    page.keyboard.press("j")
    page.keyboard.press("j")
    assert focused_id(page) == f"sel-{target.pk}"
    outline = page.evaluate("() => getComputedStyle(document.activeElement.closest('tr')).outlineStyle")
    assert outline != "none"
    # Shift+x ticks the whole page, again unticks it; x ticks the current row only.
    page.keyboard.press("Shift+X")
    expect(page.locator("input[name=selected]:checked")).to_have_count(3)
    expect(page.locator("#select-all")).to_be_checked()
    page.keyboard.press("Shift+X")
    expect(page.locator("input[name=selected]:checked")).to_have_count(0)
    page.keyboard.press("k")
    page.keyboard.press("j")
    page.keyboard.press("x")
    expect(page.locator(f"#sel-{target.pk}")).to_be_checked()
    expect(page.locator("input[name=selected]:checked")).to_have_count(1)

    # a: the bulk assignment, the person's list focused; choose by typing, apply with Enter.
    page.keyboard.press("a")
    assert focused_id(page) == "bulk_assignee"
    expect(page.locator("#bulk_action")).to_have_value("assign")
    page.keyboard.type("Thomas")
    expect(page.locator("#bulk_assignee")).to_have_value(str(product_manager.pk))
    press_tab_until(page, "bulk-apply")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.locator(".message-success")).to_be_visible()
    target.refresh_from_db()
    assert target.assignee == product_manager
    others = Request.objects.exclude(pk=target.pk)
    assert not others.filter(assignee__isnull=False).exists()
    row = page.locator("tr[data-row]").filter(has_text=target.reference)
    expect(row).to_contain_text("Thomas Moreau")

    # Someone else changes a request after the page is loaded: the bulk action skips it and says so.
    page.goto("/boite/tri/?queue=unassigned")
    expect(page.locator("tr[data-row]")).to_have_count(2)
    page.keyboard.press("Shift+X")
    changed = Request.objects.get(reference=page.locator("tr[data-row] a").first.inner_text())
    workflow.qualify(changed, actor=product_manager, kind=Kind.PROJET)
    page.keyboard.press("q")
    assert focused_id(page) == "bulk_kind"
    page.keyboard.type("Complex")  # the page is in French: "Complexe"
    press_tab_until(page, "bulk-apply")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.locator(".message-warning")).to_contain_text(changed.reference)
    kinds = dict(
        Request.objects.filter(pk__in=[first.pk, second.pk, third.pk]).values_list("reference", "kind")
    )
    assert kinds[changed.reference] == Kind.PROJET  # the other manager's change is kept
    untouched = [ref for ref in kinds if ref not in (changed.reference, target.reference)]
    assert [kinds[ref] for ref in untouched] == [Kind.COMPLEXE]
    expect(page.locator("main")).to_contain_text(re.compile(changed.reference))
