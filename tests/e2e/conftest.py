"""Browser tests: Playwright driving Debian's Chromium (never a downloaded browser) against live_server.

- Playwright's sync API runs an event loop in the test thread, so Django would raise
  SynchronousOnlyOperation on the ORM: DJANGO_ALLOW_ASYNC_UNSAFE is set for these tests only.
- live_server tests are transactional and flush the database: `serialized_rollback` restores what
  the migrations created (Wagtail's root page, the default Site, the catalogue index at /catalogue/).
- Screenshots of every step go to var/e2e-artifacts/ (gitignored).
- axe-core comes from the npm registry into var/node/ (outside git); installed on first use.
"""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "var" / "e2e-artifacts"
AXE_DIR = ROOT / "var" / "node"
AXE = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _unavailable(reason: str):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: the browser must be available)")
    pytest.skip(reason)


@pytest.fixture
def browser():
    """One browser per test: the env variable below must not outlive the test (check --deploy
    in tests/test_settings_modes.py would see it in its subprocess)."""
    if not Path(CHROMIUM).exists():
        _unavailable("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # While Playwright's loop runs in this thread, every ORM call (fixtures included) would be
    # refused: allow them for as long as the browser lives, then restore the setting.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser, live_server):
    # bypass_csp: axe-core is injected as an inline script, which the portal's CSP rightly refuses.
    context = browser.new_context(
        base_url=live_server.url,
        locale="fr-FR",
        viewport={"width": 1280, "height": 900},
        bypass_csp=True,
        accept_downloads=True,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


class Steps:
    """Numbered screenshots of one journey: var/e2e-artifacts/<journey>/<nn>-<step>.png."""

    def __init__(self, page, journey: str):
        self.page, self.folder, self.count = page, ARTIFACTS / journey, 0
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True, exist_ok=True)

    def shot(self, step: str) -> Path:
        self.count += 1
        path = self.folder / f"{self.count:02d}-{re.sub(r'[^a-z0-9]+', '-', step.lower())}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def steps(page, request):
    return Steps(page, request.node.name.removeprefix("test_"))


def login(page, username: str, password: str = "pw"):  # noqa: S107 - the personas' test password
    page.goto("/connexion/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("#id_password").press("Enter")
    page.wait_for_url(re.compile(r"^(?!.*/connexion/).*$"))


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.exists():
        npm = shutil.which("npm")
        if npm is None:
            _unavailable("npm is missing: cannot install axe-core")
        AXE_DIR.mkdir(parents=True, exist_ok=True)
        subprocess.run(  # noqa: S603
            [npm, "install", "--prefix", str(AXE_DIR), "axe-core@4", "--no-audit", "--no-fund"],
            check=True,
            capture_output=True,
            timeout=300,
        )
    return AXE.read_text()


def axe_violations(page, axe_source: str, impacts=("serious", "critical")) -> list[dict]:
    page.add_script_tag(content=axe_source)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
        if v["impact"] in impacts
    ]
