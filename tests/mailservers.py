"""A throwaway Dovecot IMAP server's files, shared by the test fixtures and bench/load_bench.py.

No pytest here: the load benchmark imports it without the test dependencies."""

import os
import shutil
import socket
from pathlib import Path

DOVECOT_CONF = """\
protocols = imap
listen = 127.0.0.1
base_dir = {tmp}/run
state_dir = {tmp}/state
log_path = {tmp}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{tmp}/mail/%u
mail_max_userip_connections = 50
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {tmp}/users
}}
userdb {{
  driver = static
  args = uid=nobody gid=nogroup home={tmp}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare_dovecot(directory: Path, user: str, password: str) -> tuple[Path, int]:
    """Lay out a Dovecot home in `directory` (one login) on a free loopback port: (config file, port)."""
    for sub in ("run", "state", "mail"):
        (directory / sub).mkdir(parents=True)
    if os.geteuid() == 0:
        shutil.chown(directory / "mail", "nobody", "nogroup")  # Dovecot refuses to deliver as uid 0
    (directory / "users").write_text(f"{user}:{{PLAIN}}{password}\n")
    port = free_port()
    conf = directory / "dovecot.conf"
    conf.write_text(DOVECOT_CONF.format(tmp=directory, port=port))
    return conf, port
