"""Content-Security-Policy, CSRF on the login form, production cookies and HSTS (throttling: operations)."""

import pytest
from django.core.cache import cache
from django.test import Client

from tests.conftest import make_user
from tests.test_settings_modes import run_manage


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def csp(response) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split(" ", 1)[1] for part in header.split("; ")}


def test_portal_pages_carry_a_strict_policy(client, user_a):
    client.force_login(user_a)
    policy = csp(client.get("/demandes/"))
    assert policy["script-src"] == "'self'"
    assert "unsafe-inline" not in policy["style-src"] and "unsafe-inline" not in policy["style-src-elem"]
    assert policy["object-src"] == "'none'"
    assert policy["form-action"] == "'self'"
    assert policy["frame-ancestors"] == "'self'"
    assert policy["base-uri"] == "'self'"


def test_login_page_and_error_pages_carry_it_too(client):
    assert csp(client.get("/connexion/"))["script-src"] == "'self'"
    assert "Content-Security-Policy" in client.get("/connexion/nope/", follow=False).headers


def test_admin_gets_the_looser_policy_it_needs(client, editor):
    client.force_login(editor)
    response = client.get("/admin/")
    assert response.status_code == 200
    policy = csp(response)
    assert "'unsafe-inline'" in policy["script-src"]
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'self'"


def test_portal_templates_have_no_inline_script():
    """The strict policy would block them: templates must load scripts from static files."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = []
    for path in root.glob("*/templates/**/*.html"):
        if ".venv" in path.parts:
            continue
        text = path.read_text()
        for marker in ("<script>", " onclick=", " onchange=", " onsubmit=", " onload=", "javascript:"):
            if marker in text:
                offenders.append(f"{path.relative_to(root)}: {marker}")
    assert not offenders, offenders


def test_report_only_mode(client, settings, user_a):
    settings.CSP_REPORT_ONLY = True
    client.force_login(user_a)
    response = client.get("/demandes/")
    assert "Content-Security-Policy" not in response.headers
    assert "script-src 'self'" in response.headers["Content-Security-Policy-Report-Only"]


def test_login_form_requires_csrf(db):
    make_user("alice2")
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/connexion/", {"username": "alice2", "password": "pw"})
    assert response.status_code == 403
    page = strict.get("/connexion/")
    assert 'name="csrfmiddlewaretoken"' in page.content.decode()


PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "a-long-random-production-secret-" + "k7Qz" * 12,
    "ALLOWED_HOSTS": "relais-dsi.groupe-aurelia.fr",
}


def test_production_mode_secure_cookies_hsts_and_csp():
    code = (
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY,"
        " s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS,"
        " s.SECURE_CONTENT_TYPE_NOSNIFF, 'home.security.ContentSecurityPolicyMiddleware' in s.MIDDLEWARE,"
        " s.CSP_REPORT_ONLY, s.AUTHENTICATION_BACKENDS)"
    )
    result = run_manage("shell", "-c", code, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split(None, 9)[:9] == [
        "True",
        "True",
        "True",
        "True",
        "31536000",
        "True",
        "True",
        "True",
        "False",
    ]
    assert "LoginThrottleBackend" in result.stdout


def test_production_responses_carry_hsts_and_secure_cookies(client, settings, db):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    make_user("victim")
    response = client.post(
        "/connexion/", {"username": "victim", "password": "pw"}, secure=True, REMOTE_ADDR="10.0.0.1"
    )
    assert response.status_code == 302
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    session_cookie = response.cookies["sessionid"]
    assert session_cookie["secure"] and session_cookie["httponly"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
