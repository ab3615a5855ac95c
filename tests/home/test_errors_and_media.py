"""Issue 15, items 7 and 8: a 10 MB body gets a French page; under DEBUG, /media/ never renders uploads."""

import json

import pytest
from django.urls import reverse

from tests.test_settings_modes import run_manage

TEN_MB = 10 * 1024 * 1024


@pytest.mark.django_db
def test_a_10_mb_form_gets_a_french_page_not_a_bare_english_400(client_for, user_a):
    client = client_for(user_a)
    response = client.post(
        reverse("requests_box:new_request"),
        data="subject=x&text=" + "a" * TEN_MB,
        content_type="application/x-www-form-urlencoded",
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 413
    page = response.content.decode()
    assert '<html lang="fr"' in page
    assert "Trop de données envoyées d'un coup" in page
    assert "Le portail lit au plus 2 Mo de texte de formulaire à la fois" in page
    assert "Bad Request" not in page


@pytest.mark.django_db
def test_the_login_page_answers_a_10_mb_body_in_french_too(client):
    response = client.post(
        reverse("login"),
        data="username=x&password=" + "a" * TEN_MB,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 413
    assert "Trop de données envoyées d'un coup" in response.content.decode()


@pytest.mark.django_db
def test_other_unreadable_requests_get_the_french_400(client_for, user_a):
    # A multipart body without its boundary cannot be parsed.
    response = client_for(user_a).post(
        reverse("requests_box:new_request"), data=b"--x\r\n", content_type="multipart/form-data; boundary="
    )
    assert response.status_code == 400
    assert "Requête refusée" in response.content.decode()


CHECK_MEDIA = """
import json
from django.test import RequestFactory
from django.urls import resolve
out = {}
for name in ("page.html", "photo.png", "image.svg"):
    match = resolve("/media/uploads/" + name)
    response = match.func(RequestFactory().get("/media/uploads/" + name), **match.kwargs)
    keys = ("Content-Type", "Content-Disposition", "X-Content-Type-Options")
    out[name] = {k: response.headers.get(k, "") for k in keys}
print(json.dumps(out))
"""


def test_under_debug_media_serves_uploaded_html_as_a_download(tmp_path):
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    (uploads / "page.html").write_bytes(b"<script>alert(document.cookie)</script>")
    (uploads / "image.svg").write_bytes(b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>')
    (uploads / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    result = run_manage("shell", "-c", CHECK_MEDIA, DEBUG="1", MEDIA_ROOT=str(tmp_path))
    assert result.returncode == 0, result.stderr
    headers = json.loads(result.stdout.strip().splitlines()[-1])
    for name in ("page.html", "image.svg"):
        assert headers[name]["Content-Type"] == "application/octet-stream"
        assert headers[name]["Content-Disposition"] == f'attachment; filename="{name}"'
        assert headers[name]["X-Content-Type-Options"] == "nosniff"
    assert headers["photo.png"]["Content-Type"] == "image/png"  # pictures in pages still show
    assert headers["photo.png"]["X-Content-Type-Options"] == "nosniff"
