"""A production install done the documented way (docs/deployment.md), for the tests of this folder.

Into a fresh virtualenv: `pip install .`, `scripts/build.sh`; a fresh PostgreSQL database migrated;
gunicorn with 3 workers and DEBUG=0 behind nginx (deploy/nginx/relais-dsi.conf, with TLS) as the
trusted proxy; Redis as the cache; e-mail to a real SMTP sink. About a minute, once per session."""

import contextlib
import http.client
import os
import re
import shutil
import ssl
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from tests.mailservers import free_port

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Correct-Horse-42!"  # noqa: S105 - the throwaway install's users
PROXY_ADDRESS = "127.0.0.2"  # nginx connects to gunicorn from here (proxy_bind): the trusted proxy
HOST = "127.0.0.1"
SECRET = "deploy-test-secret-" + "q8Zt" * 12


def pg_server() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        return url.rsplit("/", 1)[0]
    return "postgres://postgres@127.0.0.1:5432"


def run(command, env=None, timeout=300, check=True, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(  # noqa: S603
        [str(c) for c in command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        **kwargs,
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"{command} failed ({result.returncode}):\n{result.stdout[-3000:]}{result.stderr[-3000:]}"
        )
    return result


class Sink:
    """An SMTP server that keeps what it accepts."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.messages: list = []
        self.port = free_port()
        self.controller = Controller(self, hostname=HOST, port=self.port)
        self.controller.start()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(
            message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        )
        return "250 Message accepted for delivery"

    def wait_for(self, predicate, timeout=15.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [m for m in self.messages if predicate(m)]
            if found:
                return found
            time.sleep(0.1)
        return []


@dataclass
class Browser:
    """A browser over HTTPS through nginx, from a chosen loopback address, keeping its cookies."""

    port: int
    source: str = HOST
    tls: bool = True
    cookies: dict = field(default_factory=dict)

    def call(self, method, path, body=None, headers=None):
        if self.tls:
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            conn = http.client.HTTPSConnection(
                HOST, self.port, timeout=60, context=context, source_address=(self.source, 0)
            )
        else:
            conn = http.client.HTTPConnection(HOST, self.port, timeout=60, source_address=(self.source, 0))
        sent = {"Accept-Language": "en-US,en;q=0.9", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            sent["Referer"] = f"https://{HOST}:{self.port}{path}"
        conn.request(method, path, body=body, headers=sent)
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                value = rest.split(";", 1)[0]
                if value in ('""', "") or "max-age=0" in rest.lower():
                    self.cookies.pop(key.strip(), None)
                else:
                    self.cookies[key.strip()] = value
        conn.close()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, text

    def post_form(self, path, fields):
        status, _, page = self.call("GET", path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert status == 200 and token, f"{path}: {status}"
        return self.call(
            "POST", path, urllib.parse.urlencode({"csrfmiddlewaretoken": token.group(1), **fields})
        )

    def login(self, username, password=PASSWORD, **extra):
        status, headers, page = self.post_form(
            "/connexion/", {"username": username, "password": password, **extra}
        )
        return status == 302 and "sessionid" in self.cookies, page


@dataclass
class Install:
    tmp: Path
    python: Path
    env: dict
    database: str
    https_port: int
    web_port: int
    sink: Sink
    totp_key: str
    gunicorn_log: Path

    def manage(self, *args, env=None, timeout=300, check=True):
        return run(
            [self.python, "manage.py", *args], env={**self.env, **(env or {})}, timeout=timeout, check=check
        )

    def browser(self, source=HOST) -> Browser:
        return Browser(self.https_port, source=source)


USERS = f"""
from django.contrib.auth.models import Group, User
from django_otp.plugins.otp_totp.models import TOTPDevice
from directory import roles
User.objects.create_superuser("chef", "chef@groupe-aurelia.fr", "{PASSWORD}")
for name in ("camille", "isabelle", "nadia"):
    user = User.objects.create_user(name, name + "@groupe-aurelia.fr", "{PASSWORD}")
    user.groups.set(Group.objects.filter(name=roles.BUSINESS_USERS))
device = TOTPDevice.objects.create(user=User.objects.get(username="isabelle"), name="phone", confirmed=True)
print("TOTPKEY", device.key)
"""


def _wait_http(port, source=HOST, tls=False, timeout=60, process=None, log=None):
    deadline = time.monotonic() + timeout
    while True:
        with contextlib.suppress(OSError, http.client.HTTPException, ssl.SSLError):
            Browser(port, source=source, tls=tls).call("GET", "/connexion/")
            return
        if time.monotonic() > deadline or (process is not None and process.poll() is not None):
            raise AssertionError(f"server on {port} did not start: {log.read_text()[-3000:] if log else ''}")
        time.sleep(0.3)


def _nginx_site(tmp: Path, web_port: int, https_port: int, http_port: int) -> Path:
    site = (ROOT / "deploy" / "nginx" / "relais-dsi.conf").read_text()
    replacements = [
        ("server 127.0.0.1:8000", f"server {HOST}:{web_port}"),
        ("listen 80;", f"listen {HOST}:{http_port};"),
        ("listen [::]:80;", ""),
        ("listen 443 ssl http2;", f"listen {HOST}:{https_port} ssl http2;"),
        ("listen [::]:443 ssl http2;", ""),
        ("/etc/ssl/certs/relais-dsi.crt", str(tmp / "tls.crt")),
        ("/etc/ssl/private/relais-dsi.key", str(tmp / "tls.key")),
        ("/opt/relais-dsi/static/", f"{tmp / 'static'}/"),
        (
            "proxy_pass http://relais_web;",
            f"proxy_pass http://relais_web;\n        proxy_bind {PROXY_ADDRESS};",
        ),
    ]
    for old, new in replacements:
        assert old in site, f"deploy/nginx/relais-dsi.conf no longer has {old!r}"
        site = site.replace(old, new)
    (tmp / "site.conf").write_text(site)
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp / "nginx" / sub).mkdir(parents=True, exist_ok=True)
    main = tmp / "nginx.conf"
    main.write_text(
        f"""user root;
daemon off;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    access_log {tmp}/nginx-access.log;
    client_body_temp_path {tmp}/nginx/body;
    proxy_temp_path {tmp}/nginx/proxy;
    fastcgi_temp_path {tmp}/nginx/fastcgi;
    uwsgi_temp_path {tmp}/nginx/uwsgi;
    scgi_temp_path {tmp}/nginx/scgi;
    include {tmp}/site.conf;
}}
"""
    )
    return main


@pytest.fixture(scope="session")
def install(tmp_path_factory):
    for tool in ("nginx", "openssl", "pg_dump", "pg_restore", "psql"):
        if not shutil.which(tool) and not Path(f"/usr/sbin/{tool}").exists():
            pytest.fail(f"{tool} is needed (scripts/system-deps.sh test)")
    tmp = tmp_path_factory.mktemp("deploy")
    tmp.chmod(0o755)
    venv = tmp / "venv"
    # 1. The documented install: a fresh virtualenv, `pip install .`, the build step.
    run([sys.executable, "-m", "venv", venv])
    run([venv / "bin" / "pip", "install", "-q", str(ROOT)], timeout=600)
    python = venv / "bin" / "python"
    base = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "DEBUG"))
    }
    run(["scripts/build.sh"], env={**base, "PYTHON": str(python), "STATIC_ROOT": str(tmp / "static")})

    sink = Sink()
    database = f"relais_ops_deploy_{os.getpid()}"
    server = pg_server()
    run(["psql", f"{server}/postgres", "-qc", f"DROP DATABASE IF EXISTS {database}"])
    run(["psql", f"{server}/postgres", "-qc", f"CREATE DATABASE {database}"])
    web_port, https_port, http_port = free_port(), free_port(), free_port()
    env = {
        **base,
        "DEBUG": "0",
        "SECRET_KEY": SECRET,
        "ALLOWED_HOSTS": f"{HOST},localhost",
        "CSRF_TRUSTED_ORIGINS": f"https://{HOST}:{https_port}",
        "PORTAL_BASE_URL": f"https://{HOST}:{https_port}",
        "BEHIND_TLS_PROXY": "1",
        "TRUSTED_PROXIES": PROXY_ADDRESS,
        "DATABASE_URL": f"{server}/{database}",
        "REDIS_URL": "redis://127.0.0.1:6379/2",
        "STATIC_ROOT": str(tmp / "static"),
        "MEDIA_ROOT": str(tmp / "media"),
        "EMAIL_HOST": HOST,
        "EMAIL_PORT": str(sink.port),
        "LOG_LEVEL": "INFO",
    }
    installed = Install(tmp, python, env, database, https_port, web_port, sink, "", tmp / "gunicorn.log")
    processes = []
    try:
        installed.manage("migrate", "--noinput", "-v0")
        key = re.search(r"TOTPKEY (\w+)", installed.manage("shell", "-c", USERS).stdout)
        installed.totp_key = key.group(1)
        run(["redis-cli", "-n", "2", "FLUSHDB"])
        # 2. gunicorn, 3 workers, as the systemd unit runs it (no access log: the portal logs requests).
        log = installed.gunicorn_log.open("w")
        processes.append(
            subprocess.Popen(  # noqa: S603
                [
                    venv / "bin" / "gunicorn",
                    "portal.wsgi:application",
                    "--bind",
                    f"{HOST}:{web_port}",
                    "--workers",
                    "3",
                    "--no-control-socket",  # gunicorn's default socket is one per machine
                    "--error-logfile",
                    "-",
                    "--capture-output",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
        _wait_http(web_port, process=processes[-1], log=installed.gunicorn_log)
        # 3. nginx with the shipped site, TLS on a self-signed certificate.
        run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "1",
                "-subj",
                f"/CN={HOST}",
                "-keyout",
                tmp / "tls.key",
                "-out",
                tmp / "tls.crt",
            ]
        )
        conf = _nginx_site(tmp, web_port, https_port, http_port)
        run(["nginx", "-t", "-c", conf])
        processes.append(subprocess.Popen(["nginx", "-c", str(conf)], stderr=subprocess.DEVNULL))  # noqa: S603, S607
        _wait_http(https_port, tls=True, process=processes[-1])
        yield installed
    finally:
        for process in reversed(processes):
            process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=20)
        sink.controller.stop()
        run(
            ["psql", f"{server}/postgres", "-qc", f"DROP DATABASE IF EXISTS {database} WITH (FORCE)"],
            check=False,
        )
