"""Login throttling: counted in the database, keyed on the proxy-given address, harmless to its victim.

The multi-process attack (gunicorn -w 3 behind nginx, 20 failures from 4 addresses) is replayed in
tests/deploy/test_production_install.py; these tests pin the rules in one process."""

import datetime as dt

import pytest
from django.contrib.auth import authenticate
from django.core import mail
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from operations.models import LoginAttempt
from operations.throttling import TRUSTED_COOKIE, client_address
from tests.conftest import make_user

LOCKED = "Trop de tentatives de connexion infructueuses"
NAME_LOCKED = "depuis plusieurs endroits"


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.LOGIN_FAILURE_LIMIT = 5
    settings.LOGIN_FAILURE_LIMIT_ANY_ADDRESS = 20
    settings.LOGIN_DEVICE_FAILURE_LIMIT = 5
    settings.LOGIN_LOCKOUT_SECONDS = 900
    settings.TRUSTED_PROXIES = ["10.255.0.1"]


def login(client, username, password, address="10.0.0.1", **extra):
    return client.post(
        "/connexion/", {"username": username, "password": password, **extra}, REMOTE_ADDR=address
    )


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_five_failures_lock_the_account_with_a_clear_french_message(client, db):
    make_user("victim")
    for _ in range(5):
        response = login(client, "victim", "wrong")
        assert response.status_code == 200 and LOCKED not in response.content.decode()
    response = login(client, "victim", "pw")
    body = response.content.decode()
    assert not logged_in(client)
    assert LOCKED in body and "15 minutes" in body
    assert "recevez un lien de déblocage par e-mail" in body  # the way out for the real user
    assert LOCKED in login(client, "VICTIM", "pw").content.decode()  # case does not dodge it


def test_failures_are_counted_in_the_database_shared_by_every_process(client, db):
    make_user("victim")
    # Four failures recorded by other web processes or servers (rows of the shared table).
    LoginAttempt.objects.bulk_create([LoginAttempt(username="victim", address="10.0.0.1") for _ in range(4)])
    assert LOCKED not in login(client, "victim", "wrong").content.decode()
    assert LOCKED in login(client, "victim", "pw").content.decode()


def test_lock_is_per_address_and_ends_with_the_window(client, db):
    make_user("victim")
    for _ in range(5):
        login(client, "victim", "wrong", address="10.0.0.1")
    assert LOCKED in login(Client(), "victim", "pw", address="10.0.0.1").content.decode()
    other = Client()
    assert login(other, "victim", "pw", address="10.0.0.2").status_code == 302
    # Fifteen minutes later the failures no longer count.
    LoginAttempt.objects.update(at=timezone.now() - dt.timedelta(minutes=16))
    assert login(Client(), "victim", "pw", address="10.0.0.1").status_code == 302


def test_a_success_clears_the_failures_of_that_address(client, db):
    make_user("victim")
    for _ in range(4):
        login(client, "victim", "wrong")
    assert login(client, "victim", "pw").status_code == 302
    client.logout()
    fresh = Client()
    for _ in range(4):
        login(fresh, "victim", "wrong")
    assert login(fresh, "victim", "pw").status_code == 302


def test_targeted_lockout_from_four_addresses_costs_the_victim_nothing_in_a_known_browser(db):
    make_user("isabelle")
    usual = Client()
    assert login(usual, "isabelle", "pw", address="10.1.1.1").status_code == 302
    assert TRUSTED_COOKIE in usual.cookies
    usual.post("/deconnexion/")  # as a browser does: its other cookies stay
    for n in range(4):  # the attack: 5 failures from each of 4 addresses
        attacker = Client()
        for _ in range(5):
            login(attacker, "isabelle", "wrong", address=f"10.66.0.{n}")
    # Any browser the account does not know is refused, even with the right password...
    stranger = Client()
    body = login(stranger, "isabelle", "pw", address="10.9.9.9").content.decode()
    assert NAME_LOCKED in body and not logged_in(stranger)
    # ...while the victim's usual browser logs in, even from one of the attacker's addresses.
    assert login(usual, "isabelle", "pw", address="10.66.0.1").status_code == 302


def test_a_trusted_browser_loses_its_privilege_after_its_own_failures(db):
    make_user("victim")
    browser = Client()
    login(browser, "victim", "pw")
    browser.post("/deconnexion/")
    for _ in range(5):
        login(browser, "victim", "wrong")
    assert LOCKED in login(browser, "victim", "pw").content.decode()


def test_an_emailed_link_makes_a_new_browser_trusted(db):
    make_user("isabelle")
    for n in range(4):
        for _ in range(5):
            login(Client(), "isabelle", "wrong", address=f"10.66.0.{n}")
    browser = Client()
    assert NAME_LOCKED in login(browser, "isabelle", "pw", address="10.2.2.2").content.decode()
    response = browser.post("/deblocage/", {"username": "Isabelle"}, REMOTE_ADDR="10.2.2.2", follow=True)
    assert "un lien vient d’y être envoyé" in response.content.decode()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["isabelle@groupe-aurelia.fr"]
    assert message.subject == "Relais DSI : débloquer votre compte sur ce navigateur"
    link = next(line for line in message.body.splitlines() if "/deblocage/" in line).strip()
    response = browser.get(link.split("localhost:8000", 1)[1], follow=True)
    assert "Ce navigateur est maintenant reconnu pour le compte isabelle" in response.content.decode()
    assert login(browser, "isabelle", "pw", address="10.2.2.2").status_code == 302
    # The attacker, still without the link, stays out.
    assert NAME_LOCKED in login(Client(), "isabelle", "pw", address="10.66.0.9").content.decode()


def test_asking_for_a_link_reveals_nothing_and_sends_at_most_one_mail_per_interval(client, db):
    make_user("victim")
    for username in ("nobody-here", "victim", "victim"):
        response = client.post("/deblocage/", {"username": username}, follow=True)
        assert "Si ce compte existe et a une adresse e-mail" in response.content.decode()
    assert len(mail.outbox) == 1


def test_an_unlock_link_is_void_after_a_password_change(client, db):
    user = make_user("victim")
    client.post("/deblocage/", {"username": "victim"})
    link = next(line for line in mail.outbox[0].body.splitlines() if "/deblocage/" in line).strip()
    user.set_password("a-new-password-9")
    user.save()
    response = client.get(link.split("localhost:8000", 1)[1], follow=True)
    assert "Ce lien de déblocage n’est pas valide ou a expiré" in response.content.decode()
    assert TRUSTED_COOKIE not in client.cookies


def test_right_password_and_authenticator_code_lift_the_lock(db):
    user = make_user("isabelle")
    device = TOTPDevice.objects.create(user=user, name="téléphone", confirmed=True)
    for n in range(4):
        for _ in range(5):
            login(Client(), "isabelle", "wrong", address=f"10.66.0.{n}")
    browser = Client()
    code = str(totp(device.bin_key, device.step, device.t0, device.digits, device.drift)).zfill(device.digits)
    assert NAME_LOCKED in login(browser, "isabelle", "pw", otp_token="000000").content.decode()
    assert NAME_LOCKED in login(browser, "isabelle", "wrong", otp_token=code).content.decode()
    device.refresh_from_db()
    device.last_t = -1  # the code was spent on the wrong password: let it be used again
    device.throttling_failure_count = 0
    device.save()
    assert login(browser, "isabelle", "pw", otp_token=code).status_code == 302
    assert TRUSTED_COOKIE in browser.cookies


def test_wagtail_admin_login_is_throttled_too(client, db):
    make_user("chief", is_superuser=True, is_staff=True)
    for _ in range(5):
        client.post("/admin/login/", {"username": "chief", "password": "wrong"}, REMOTE_ADDR="10.0.0.1")
    response = client.post("/admin/login/", {"username": "chief", "password": "pw"}, REMOTE_ADDR="10.0.0.1")
    assert not logged_in(client)
    assert LOCKED in response.content.decode()


def test_any_authentication_path_goes_through_the_gate(rf, settings, db):
    settings.LOGIN_FAILURE_LIMIT = 2
    make_user("victim")
    request = rf.post("/", REMOTE_ADDR="10.0.0.7")
    assert authenticate(request, username="victim", password="wrong") is None
    assert authenticate(request, username="victim", password="wrong") is None
    assert authenticate(rf.post("/", REMOTE_ADDR="10.0.0.7"), username="victim", password="pw") is None
    assert authenticate(rf.post("/", REMOTE_ADDR="10.0.0.8"), username="victim", password="pw") is not None


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        ("10.0.0.5", "", "10.0.0.5"),
        # A client cannot choose its address by sending the header itself.
        ("10.0.0.5", "203.0.113.9", "10.0.0.5"),
        # Behind the trusted proxy: the address the proxy saw, not what the client wrote before it.
        ("10.255.0.1", "203.0.113.9", "203.0.113.9"),
        ("10.255.0.1", "6.6.6.6, 203.0.113.9", "203.0.113.9"),
        ("10.255.0.1", "6.6.6.6, 203.0.113.9, 10.255.0.1", "203.0.113.9"),
        ("10.255.0.1", "nonsense", "10.255.0.1"),
        ("10.255.0.1", "", "10.255.0.1"),
    ],
)
def test_client_address_believes_only_the_trusted_proxy(rf, remote, forwarded, expected):
    meta = {"REMOTE_ADDR": remote}
    if forwarded:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    assert client_address(rf.get("/", **meta)) == expected


def test_a_trusted_login_at_an_attackers_address_does_not_wipe_the_attack(db):
    make_user("isabelle")
    usual = Client()
    login(usual, "isabelle", "pw", address="10.1.1.1")
    usual.post("/deconnexion/")
    for n in range(4):
        for _ in range(5):
            login(Client(), "isabelle", "wrong", address=f"10.66.0.{n}")
    assert login(usual, "isabelle", "pw", address="10.66.0.1").status_code == 302
    assert NAME_LOCKED in login(Client(), "isabelle", "pw", address="10.9.9.9").content.decode()
