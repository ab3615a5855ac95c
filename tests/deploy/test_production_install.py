"""The production install of docs/deployment.md, tested as a newcomer would follow it (conftest.py):
French pages with their static files, the portal's own 404, `check --deploy`, `/sante/`, login
throttling across gunicorn workers behind the trusted proxy, logs, and backup then restore."""

import json
import os
import re
import subprocess
from email.message import EmailMessage

import pytest
from django_otp.oath import TOTP

from tests.deploy.conftest import HOST, PASSWORD, ROOT, Browser, pg_server, run

pytestmark = [
    pytest.mark.slow,
    # Once per CI run: a production install runs on PostgreSQL (SQLite is for development only).
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
        reason="the production install runs on PostgreSQL: in the PostgreSQL pass (DATABASE_URL=postgres://…)",
    ),
]


def test_check_deploy_is_clean(install):
    result = install.manage("check", "--deploy", "--fail-level", "WARNING")
    assert "System check identified no issues" in result.stdout


def test_home_page_is_french_with_its_static_files(install):
    browser = install.browser()
    ok, _ = browser.login("camille")
    assert ok
    status, headers, page = browser.call("GET", "/")
    assert status == 200
    assert '<html lang="fr">' in page and "Aller au contenu" in page and "Skip to content" not in page
    assert headers["content-language"] == "fr"
    stylesheet = re.search(r'href="(/static/css/portal\.[0-9a-f]{12}\.css)"', page)
    assert stylesheet, "the stylesheet has its hashed (collected) name"
    # Served by nginx from STATIC_ROOT, cached for a year...
    status, headers, css = browser.call("GET", stylesheet.group(1))
    assert (
        status == 200
        and headers["content-type"].startswith("text/css")
        and "immutable" in headers["cache-control"]
    )
    assert ".site-header" in css
    # ...and by the web server itself (WhiteNoise) when no proxy serves them.
    direct = {"Host": HOST, "X-Forwarded-Proto": "https"}
    status, _, _ = Browser(install.web_port, tls=False).call("GET", stylesheet.group(1), headers=direct)
    assert status == 200


def test_unknown_url_shows_the_portals_own_404(install):
    browser = install.browser()
    assert browser.login("nadia")[0]
    status, _, page = browser.call("GET", "/cette-page-n-existe-pas/")
    assert status == 404
    assert (
        "<h1>Page introuvable</h1>" in page and "Aller au contenu" in page
    )  # the portal's layout, in French
    assert "Traceback" not in page and "URLconf" not in page and "DEBUG" not in page


def test_plain_http_is_sent_to_https(install):
    status, headers, _ = Browser(install.web_port, tls=False).call(
        "GET", "/connexion/", headers={"Host": HOST, "X-Forwarded-Proto": "http"}
    )
    assert status == 301 and headers["location"].startswith("https://")


def test_health_answers_without_login_and_without_internals(install):
    status, headers, body = Browser(install.web_port, tls=False).call(
        "GET", "/sante/", headers={"Host": HOST}
    )
    assert status == 200, body
    assert json.loads(body) == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "worker": "ok", "mailbox": "not configured"},
    }
    assert "no-cache" in headers["cache-control"]


def test_targeted_lockout_holds_across_workers_and_costs_the_victim_nothing(install):
    """The red-team attack (issue 15): 3 gunicorn workers behind nginx, 20 failures from 4 addresses."""
    usual = install.browser("127.0.0.10")
    assert usual.login("isabelle")[0]  # her usual browser, known from an earlier login
    usual.call("POST", "/deconnexion/", "", headers={"X-CSRFToken": usual.cookies["csrftoken"]})
    # Five failures from one address, spread by nginx over the three workers: the sixth attempt, with
    # the right password, is refused (the counts are shared: not 5 per worker).
    guesser = install.browser("127.0.0.20")
    for _ in range(5):
        assert not guesser.login("camille", "wrong-guess")[0]
    ok, page = guesser.login("camille")
    assert not ok and "Trop de tentatives de connexion infructueuses" in page
    # 20 failures from 4 addresses against isabelle.
    for n in range(4):
        attacker = install.browser(f"127.0.0.{30 + n}")
        for _ in range(5):
            assert not attacker.login("isabelle", "wrong-guess")[0]
    stranger = install.browser("127.0.0.40")
    ok, page = stranger.login("isabelle")
    assert not ok and "depuis plusieurs endroits" in page
    # Her usual browser still logs in, even from one of the attacker's addresses.
    usual.source = "127.0.0.31"
    assert usual.login("isabelle")[0]
    # On a new browser: the right password and her authenticator code...
    phone = TOTP(bytes.fromhex(install.totp_key))
    assert install.browser("127.0.0.41").login("isabelle", otp_token=f"{phone.token():06d}")[0]
    # ...or an e-mailed link, opened in that browser.
    laptop = install.browser("127.0.0.42")
    assert not laptop.login("isabelle")[0]
    laptop.post_form("/deblocage/", {"username": "isabelle"})
    mails = install.sink.wait_for(lambda m: "isabelle@" in m["To"] and "débloquer" in m["Subject"])
    assert len(mails) == 1
    link = re.search(r"https://\S+/deblocage/\S+/", mails[0].get_content()).group(0)
    status, headers, _ = laptop.call("GET", link.split(f":{install.https_port}", 1)[1])
    assert status == 302
    assert laptop.login("isabelle")[0]
    # Wagtail's login page obeys the same lock.
    status, _, page = install.browser("127.0.0.43").post_form(
        "/admin/login/", {"username": "isabelle", "password": PASSWORD}
    )
    assert status == 200 and "depuis plusieurs endroits" in page


def test_forwarded_for_set_by_the_client_is_not_believed(install):
    # Through nginx, a client writing its own X-Forwarded-For still counts under its real address.
    liar = install.browser("127.0.0.50")
    for _ in range(5):
        liar.post_form("/connexion/", {"username": "nadia", "password": "wrong-guess"})
    honest_headers = {"X-Forwarded-For": "10.1.2.3"}
    status, _, page = liar.call("GET", "/connexion/", headers=honest_headers)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    body = f"csrfmiddlewaretoken={token}&username=nadia&password={PASSWORD}"
    status, _, page = liar.call("POST", "/connexion/", body, headers=honest_headers)
    assert status == 200 and "Trop de tentatives de connexion infructueuses" in page
    # Straight to gunicorn (not through the trusted proxy), the header is ignored as well.
    direct = Browser(install.web_port, tls=False)
    headers = {"Host": HOST, "X-Forwarded-Proto": "https", "X-Forwarded-For": "127.0.0.50"}
    status, _, page = direct.call("GET", "/connexion/", headers=headers)
    assert status == 200


def test_logs_are_one_line_per_event_with_request_and_user_ids_and_no_secrets(install):
    browser = install.browser()
    browser.login("nadia", "a-wrong-secret-Zq9")
    assert browser.login("nadia")[0]
    status, headers, _ = browser.call("GET", "/demandes/")
    request_id = headers["x-request-id"]
    log = install.gunicorn_log.read_text()
    ours = [line for line in log.splitlines() if " req=" in line]
    line = next(line for line in ours if f"req={request_id}" in line)
    assert re.search(r"relais\.request req=\w+ user=\d+ GET /demandes/ 200 \d+ms$", line), line
    assert all(re.match(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ [A-Z]+ \S+ req=\S+ user=\S+ ", x) for x in ours)
    for secret in (PASSWORD, "a-wrong-secret-Zq9", "wrong-guess", "csrfmiddlewaretoken"):
        assert secret not in log


def _mail(n: int, attachment: bytes | None = None) -> bytes:
    mail = EmailMessage()
    mail["From"] = f"Client {n} <client{n}@groupe-aurelia.fr>"
    mail["To"] = "relais-dsi@groupe-aurelia.fr"
    mail["Subject"] = f"Demande de sauvegarde {n}"
    mail["Message-ID"] = f"<backup-{n}@example.test>"
    mail.set_content(f"Bonjour,\nmerci de traiter la demande {n}.\n")
    if attachment:
        mail.add_attachment(attachment, maintype="application", subtype="pdf", filename=f"piece-{n}.pdf")
    return bytes(mail)


FINGERPRINT = "import runpy; runpy.run_path('tests/deploy/fingerprint.py')"


def _fingerprint(install, env=None) -> dict:
    out = install.manage("shell", "-c", FINGERPRINT, env=env).stdout
    return json.loads(re.search(r"^FINGERPRINT (.*)$", out, re.MULTILINE).group(1))


def test_backup_then_restore_into_a_fresh_database_and_folder_gives_back_the_same_data(install, tmp_path):
    mails = tmp_path / "mails"
    mails.mkdir()
    for n in range(1, 5):
        (mails / f"{n}.eml").write_bytes(
            _mail(n, attachment=b"%PDF-1.4\n" + bytes([n]) * 5000 if n % 2 else None)
        )
    (mails / "broken.eml").write_bytes(b"\xff\xfe not a mail at all")
    install.manage("ingest_mail", str(mails))
    install.manage("refresh_indicators")
    before = _fingerprint(install)
    assert len(before["requests"]) >= 4 and len(before["attachments"]) >= 2 and before["snapshots"]

    backup = tmp_path / "backup"
    run(["deploy/backup.sh", backup], env=install.env)
    restored_db = f"{install.database}_restored"
    server = pg_server()
    run(["psql", f"{server}/postgres", "-qc", f"DROP DATABASE IF EXISTS {restored_db}"])
    run(["psql", f"{server}/postgres", "-qc", f"CREATE DATABASE {restored_db}"])
    try:
        restored = {"DATABASE_URL": f"{server}/{restored_db}", "MEDIA_ROOT": str(tmp_path / "media-restored")}
        run(["deploy/restore.sh", backup], env={**install.env, **restored})
        install.manage("migrate", "--noinput", env=restored)
        after = _fingerprint(install, env=restored)
    finally:
        run(
            ["psql", f"{server}/postgres", "-qc", f"DROP DATABASE IF EXISTS {restored_db} WITH (FORCE)"],
            check=False,
        )
    assert after == before
    # A damaged backup is refused before anything is restored.
    (backup / "media.tar.gz").write_bytes(b"damaged")
    result = subprocess.run(  # noqa: S603
        [ROOT / "deploy" / "restore.sh", str(backup)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**install.env, "DATABASE_URL": f"{server}/never_created", "MEDIA_ROOT": str(tmp_path / "m2")},
    )
    assert result.returncode != 0 and not (tmp_path / "m2").exists()
