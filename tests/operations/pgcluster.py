"""A throwaway PostgreSQL server (initdb + pg_ctl, loopback, a free port, a folder of its own).

For what must not touch the machine's shared server: restarting PostgreSQL under load (the fault tests
and bench/multi_server_bench.py). No pytest here: the bench imports it too."""

import contextlib
import os
import shutil
import subprocess
from pathlib import Path

from tests.mailservers import free_port

PGBIN = Path(os.environ.get("PGBIN", "/usr/lib/postgresql/15/bin"))


def available() -> str:
    """ "" when a cluster can be made here, else why not."""
    if not (PGBIN / "initdb").exists():
        return f"no PostgreSQL server binaries in {PGBIN} (set PGBIN)"
    if os.geteuid() == 0 and not shutil.which("runuser"):
        return "runuser is needed to run PostgreSQL as the postgres user"
    return ""


class Cluster:
    """Owned by the postgres system user when run as root (PostgreSQL refuses to run as root): its
    folder must then be reachable by that user (not under a 0700 folder such as pytest's tmp_path)."""

    def __init__(self, directory: Path, max_connections: int = 100, options: str = ""):
        """A new cluster in `directory`, or the one already there; `options`: more `-c name=value`."""
        self.dir = directory
        self.port = free_port()
        self.options = f"-c max_connections={max_connections} {options}"
        if not (self.dir / "data" / "PG_VERSION").exists():
            self.dir.mkdir(parents=True, exist_ok=True)
            if os.geteuid() == 0:
                shutil.chown(self.dir, "postgres", "postgres")
            self._run(
                PGBIN / "initdb", "-D", self.dir / "data", "-A", "trust", "-U", "postgres", "-E", "UTF8"
            )
        self.start()

    def _run(self, *command) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        done = subprocess.run([*prefix, *map(str, command)], capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise subprocess.CalledProcessError(done.returncode, command, done.stdout, done.stderr[-2000:])

    def _pg_ctl(self, *args) -> None:
        self._run(PGBIN / "pg_ctl", "-D", self.dir / "data", *args)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 {self.options}"
        self._pg_ctl("-o", options, "-l", self.dir / "log", "-w", "start")

    def restart(self) -> None:
        # Not `pg_ctl restart`: it forgets the log file, and the server would keep our stdout pipe.
        self._pg_ctl("-m", "fast", "-w", "stop")
        self.start()

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError, subprocess.TimeoutExpired):
            self._pg_ctl("-m", "fast", "-w", "stop")

    def psql(self, sql: str, database: str = "postgres") -> str:
        return subprocess.run(  # noqa: S603
            ["psql", f"{self.url}/{database}", "-v", "ON_ERROR_STOP=1", "-Atqc", sql],  # noqa: S607
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}"
