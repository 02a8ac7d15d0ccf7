"""A throwaway PostgreSQL server for the tests: its own folder, socket and port, always stopped.

The server programs of Debian's ``postgresql`` package (``/usr/lib/postgresql/*/bin``; ``make
test`` installs it when missing) run a new cluster in a temporary folder. The server listens on
a Unix socket in that folder only (no TCP), trusts whoever can reach the socket, and is tuned for
speed, not durability (``fsync=off``): it only ever holds test data. Its time zone is far from
UTC on purpose, so that a time that depended on it would show.

PostgreSQL refuses to run as root: when the tests run as root (the CI), ``initdb`` and the
server run as the ``postgres`` account of the Debian package (or ``nobody``, or else a system
account created for them), owner of the folder. Otherwise they run as the current user.

The server is stopped by :meth:`PostgresServer.stop` (the fixture's teardown, also when tests
fail or are interrupted), and else by a watchdog: a shell that waits for the end of its input,
a pipe from the test process, which ends however that process does (even killed).
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

#: The superuser of the test cluster.
USER = "bacasable"
#: Accounts tried, in order, to run the server when the tests run as root.
SERVER_ACCOUNTS = ("postgres", "nobody")
#: The account created for the server when none of :data:`SERVER_ACCOUNTS` exists.
CREATED_ACCOUNT = "bacasable-pg"
#: The server's time zone: UTC+12:45 (+13:45 in summer), so that no offset can go unnoticed.
TIMEZONE = "Pacific/Chatham"
#: The watchdog: when its input ends, stop the server ($0: pg_ctl, $1: data) and remove $2.
WATCHDOG = 'read -r _; "$0" stop --pgdata "$1" --mode immediate --wait; rm -rf "$2"'

MISSING = (
    "PostgreSQL manque pour les tests du stockage : installez le paquet Debian « postgresql » "
    "(sudo apt-get install postgresql), ou lancez « make test » en administrateur."
)


def server_bindir() -> Path:
    """Return the newest ``/usr/lib/postgresql/<version>/bin`` that holds ``initdb``."""
    found = [Path(p).parent for p in glob.glob("/usr/lib/postgresql/*/bin/initdb")]
    if not found:
        raise RuntimeError(MISSING)
    return max(found, key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0)


def _server_account() -> pwd.struct_passwd | None:
    """Return the account to run the server as (None: the current user, who is not root)."""
    if os.geteuid() != 0:
        return None
    for name in SERVER_ACCOUNTS:
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
    subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
         CREATED_ACCOUNT],
        check=True, capture_output=True,
    )
    return pwd.getpwnam(CREATED_ACCOUNT)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    """A PostgreSQL cluster in a temporary folder: :meth:`start` it, then always :meth:`stop` it.

    Attributes
    ----------
    folder
        The temporary folder (in ``/tmp``, short enough for a socket path, reachable by the
        server's account): ``data/`` (the cluster), ``server.log`` and the socket.
    port
        A free port; it only names the socket (``.s.PGSQL.<port>``): there is no TCP.
    account
        The account the server runs as; None for the current user.
    """

    def __init__(self) -> None:
        self.bindir = server_bindir()
        self.account = _server_account()
        self.folder = Path(tempfile.mkdtemp(prefix="bacasable-pg-", dir="/tmp"))
        self.data = self.folder / "data"
        self.log = self.folder / "server.log"
        self.port = _free_port()
        self._watchdog: subprocess.Popen | None = None
        if self.account is not None:
            os.chown(self.folder, self.account.pw_uid, self.account.pw_gid)

    def _as_server(self) -> dict:
        """Return the arguments of ``subprocess`` that run a program as the server's account."""
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C.UTF-8",
               "TZ": "UTC", "HOME": str(self.folder)}
        if self.account is None:
            return {"cwd": self.folder, "env": env}
        return {"cwd": self.folder, "env": env, "user": self.account.pw_uid,
                "group": self.account.pw_gid, "extra_groups": []}

    def _run(self, program: str, *args: str) -> subprocess.CompletedProcess:
        """Run a server program as the server's account; raise with its output on failure."""
        done = subprocess.run([str(self.bindir / program), *args], capture_output=True,
                              text=True, timeout=120, **self._as_server())
        if done.returncode != 0:
            log = self.log.read_text(errors="replace") if self.log.exists() else ""
            raise RuntimeError(f"{program} a échoué :\n{done.stdout}\n{done.stderr}\n{log}")
        return done

    def start(self) -> PostgresServer:
        """Create the cluster and start the server; return once it accepts connections."""
        self._run("initdb", "--pgdata", str(self.data), "--username", USER, "--auth", "trust",
                  "--encoding", "UTF8", "--locale", "C.UTF-8", "--no-sync")
        options = " ".join([
            "-c listen_addresses=''", f"-c port={self.port}",
            f"-c unix_socket_directories='{self.folder}'", "-c unix_socket_permissions=0700",
            "-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off",
            "-c max_connections=200", f"-c timezone={TIMEZONE}", "-c log_timezone=UTC",
        ])
        # Its own session: a Ctrl-C to the tests does not stop it before it has done its work.
        self._watchdog = subprocess.Popen(
            ["/bin/sh", "-c", WATCHDOG, str(self.bindir / "pg_ctl"), str(self.data),
             str(self.folder)],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True, **self._as_server(),
        )
        self._run("pg_ctl", "start", "--pgdata", str(self.data), "--log", str(self.log),
                  "--wait", "--timeout", "60", "--options", options)
        return self

    def pid(self) -> int | None:
        """Return the process id of the running server, or None."""
        with contextlib.suppress(OSError, ValueError, IndexError):
            return int((self.data / "postmaster.pid").read_text().split()[0])
        return None

    def stop(self) -> None:
        """Stop the server at once (the test data is thrown away), then remove its folder."""
        try:
            if self.pid() is not None:
                self._run("pg_ctl", "stop", "--pgdata", str(self.data), "--mode", "immediate",
                          "--wait", "--timeout", "60")
        finally:
            if self._watchdog is not None:  # its work is done: let it end
                self._watchdog.stdin.close()
                self._watchdog.wait(timeout=60)
                self._watchdog = None
            shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        """Return the SQLAlchemy URL of a database of this server (psycopg, Unix socket)."""
        return f"postgresql+psycopg://{USER}@/{database}?host={self.folder}&port={self.port}"

    def execute(self, sql: str) -> None:
        """Run one statement outside a transaction (``CREATE DATABASE``…), as the superuser."""
        import psycopg

        with psycopg.connect(host=str(self.folder), port=self.port, user=USER,
                             dbname="postgres", autocommit=True) as conn:
            conn.execute(sql)


@contextlib.contextmanager
def running_server() -> Iterator[PostgresServer]:
    """Start a server for the ``with`` block; stop it and remove its folder however it ends."""
    server = PostgresServer()
    try:
        yield server.start()
    finally:
        server.stop()
