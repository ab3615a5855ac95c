"""Real-server fixtures for mail: a Dovecot IMAP server and an aiosmtpd SMTP server, both on loopback.

Written to be moved up to tests/conftest.py later: nothing here depends on the mailbox app.
"""

import itertools
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from imapclient import IMAPClient

from tests.mailservers import free_port, prepare_dovecot

IMAP_USER = "relais-dsi@example.test"
IMAP_PASSWORD = "secret"  # noqa: S105 - a throwaway test server
_folders = itertools.count(1)


def _unavailable(reason: str):
    # In CI a missing server is a failure, never a silent skip.
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: the server must be available)")
    pytest.skip(reason)


@dataclass
class DovecotServer:
    host: str
    port: int
    user: str
    password: str

    def client(self) -> IMAPClient:
        client = IMAPClient(self.host, port=self.port, ssl=False, use_uid=True)
        client.login(self.user, self.password)
        return client

    def settings(self, folder: str) -> dict:
        return {
            "IMAP_HOST": self.host,
            "IMAP_PORT": self.port,
            "IMAP_TLS": False,
            "IMAP_USER": self.user,
            "IMAP_PASSWORD": self.password,
            "IMAP_FOLDER": folder,
        }

    def env(self, folder: str) -> dict[str, str]:
        return {key: str(int(v) if isinstance(v, bool) else v) for key, v in self.settings(folder).items()}


@pytest.fixture(scope="session")
def dovecot():
    """A Dovecot IMAP server for the session, as a child process (`dovecot -F`)."""
    binary = shutil.which("dovecot") or ("/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None)
    if binary is None:
        _unavailable("dovecot is not installed (Debian package dovecot-imapd)")
    tmp = Path(tempfile.mkdtemp(prefix="relais-dovecot-"))
    tmp.chmod(0o755)
    conf, port = prepare_dovecot(tmp, IMAP_USER, IMAP_PASSWORD)
    process = subprocess.Popen(  # noqa: S603
        [binary, "-F", "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    server = DovecotServer("127.0.0.1", port, IMAP_USER, IMAP_PASSWORD)
    deadline = time.monotonic() + 10
    while True:
        try:
            server.client().logout()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                log = (tmp / "dovecot.log").read_text() if (tmp / "dovecot.log").exists() else ""
                _unavailable(f"dovecot did not start: {process.stderr.read().decode()[-500:]} {log[-500:]}")
            time.sleep(0.05)
    yield server
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
    shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture
def imap_folder(dovecot, settings):
    """A fresh, empty IMAP folder for one test, with the IMAP settings pointing at it."""
    folder = f"Test{os.getpid()}x{next(_folders)}"
    client = dovecot.client()
    client.create_folder(folder)
    client.logout()
    for key, value in dovecot.settings(folder).items():
        setattr(settings, key, value)
    return folder


@dataclass
class SmtpSink:
    host: str
    port: int
    received: list = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.received.append(
            {
                "from": envelope.mail_from,
                "to": list(envelope.rcpt_tos),
                "message": message_from_bytes(
                    envelope.original_content or envelope.content, policy=policy.default
                ),
            }
        )
        return "250 Message accepted for delivery"

    def wait_for(self, count: int, timeout: float = 5.0) -> list:
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.received


@pytest.fixture
def smtp_server(settings):
    """An aiosmtpd server on loopback; Django's SMTP backend points at it. `.received` holds what arrived."""
    from aiosmtpd.controller import Controller

    sink = SmtpSink("127.0.0.1", free_port())
    controller = Controller(sink, hostname=sink.host, port=sink.port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = sink.host
    settings.EMAIL_PORT = sink.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield sink
    controller.stop()
