"""The authenticator app, set up from the profile (French), then used to lift a login lock."""

import base64

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from operations.models import LoginAttempt
from tests.conftest import make_user

PAGE = "/mon-profil/authentification/"
WRONG = "Ce code n’est pas celui que l’application affiche en ce moment"


def code(device: TOTPDevice, drift: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, drift=drift, digits=device.digits):06d}"


@pytest.fixture
def camille(db, settings):
    # django-otp makes a device wait 1 s, 2 s, 4 s… after each wrong code: not what these tests are about.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    return make_user("camille")


def test_the_page_asks_to_log_in_first(db):
    response = Client().get(PAGE)
    assert response.status_code == 302 and "/connexion/" in response["Location"]


def test_set_up_in_french_with_the_key_and_a_code(client_for, camille):
    client = client_for(camille)
    page = client.get(PAGE).content.decode()
    assert "Application d’authentification" in page and "Lier l’application" in page
    device = TOTPDevice.objects.get(user=camille, confirmed=False)
    key = page.split('class="otp-secret">', 1)[1].split("<", 1)[0].replace(" ", "")
    assert base64.b32decode(key + "=" * (-len(key) % 8)) == device.bin_key
    assert "otpauth://totp/" in page
    # The same key until it is confirmed (a reload must not invalidate what the app scanned).
    client.get(PAGE)
    assert TOTPDevice.objects.filter(user=camille).count() == 1

    response = client.post(PAGE, {"code": "000000" if code(device) != "000000" else "111111"})
    assert WRONG in response.content.decode()
    assert not TOTPDevice.objects.filter(user=camille, confirmed=True).exists()

    response = client.post(PAGE, {"code": code(device)}, follow=True)
    body = response.content.decode()
    assert "Votre application d’authentification est configurée." in body
    assert "Une application d’authentification est liée à votre compte." in body
    assert TOTPDevice.objects.get(user=camille).confirmed


def test_bad_input_is_refused_in_french_never_a_500(client_for, camille):
    client = client_for(camille)
    client.get(PAGE)
    for bad in ("", "abcdef", "1" * 12, "<script>"):
        response = client.post(PAGE, {"code": bad})
        assert response.status_code == 200
        body = response.content.decode()
        assert ("Champ requis." if not bad else WRONG) in body
    assert not TOTPDevice.objects.filter(user=camille, confirmed=True).exists()


def test_removing_the_app_takes_a_current_code(client_for, camille):
    device = TOTPDevice.objects.create(user=camille, name="authenticator", confirmed=True)
    client = client_for(camille)
    assert "Retirer l’application" in client.get(PAGE).content.decode()
    response = client.post(PAGE, {"action": "remove", "code": "12345x"})
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    response = client.post(PAGE, {"action": "remove", "code": code(device)}, follow=True)
    assert "n’est plus liée à votre compte" in response.content.decode()
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    assert not TOTPDevice.objects.filter(user=camille, confirmed=True).exists()


def test_each_person_sees_only_their_own_key(client_for, camille):
    other = make_user("bruno")
    mine = TOTPDevice.objects.create(user=other, name="authenticator", confirmed=False)
    page = client_for(camille).get(PAGE).content.decode()
    assert mine.key not in page
    assert not TOTPDevice.objects.filter(user=other, confirmed=True).exists()


def test_the_app_set_up_here_lifts_a_lock_on_a_new_browser(client_for, camille, settings):
    settings.LOGIN_FAILURE_LIMIT_ANY_ADDRESS = 20
    client = client_for(camille)
    client.get(PAGE)
    device = TOTPDevice.objects.get(user=camille)
    client.post(PAGE, {"code": code(device)})
    # 20 failures from 4 addresses lock the name on unknown browsers...
    LoginAttempt.objects.bulk_create(
        [LoginAttempt(username="camille", address=f"10.66.0.{n % 4}") for n in range(21)]
    )
    stranger = Client()
    form = {"username": "camille", "password": "pw"}
    assert stranger.post("/connexion/", form, REMOTE_ADDR="10.9.9.9").status_code == 200
    # ...and the code of the app set up above opens it (the next time step: the last one is used up).
    response = stranger.post(
        "/connexion/", {**form, "otp_token": code(device, drift=1)}, REMOTE_ADDR="10.9.9.9"
    )
    if response.status_code != 302:  # the step may not have moved yet: the current one, never used
        response = stranger.post("/connexion/", {**form, "otp_token": code(device)}, REMOTE_ADDR="10.9.9.9")
    assert response.status_code == 302
