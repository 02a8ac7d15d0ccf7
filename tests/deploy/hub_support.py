"""A JupyterHub started with the recipe's own config file, on loopback, for the deploy test.

The hub, its proxy (configurable-http-proxy from ``node_modules``, as ``make test`` installs it
with ``npm ci``) and each facilitator's ``bacasable serve`` run on 127.0.0.1 on free ports; the
databases are the test's own PostgreSQL server's. :meth:`Hub.stop` ends them all, kernels too.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil
import requests

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "deploy" / "jupyterhub" / "jupyterhub_config.py"
PROXY = ROOT / "node_modules" / ".bin" / "configurable-http-proxy"
PASSWORD = "mot-de-passe-des-tests"
CONSOLE = "voila/render/animateur.ipynb"
LEARNER = "voila/render/atelier.ipynb"

_CONFIG_DATA = re.compile(
    r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', re.S)


#: The hub's log line for one of :meth:`Hub.spawn`'s polls.
_POLL = re.compile(r"302 GET /user/[^/ ]+/ -> ")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def kernel_id(page: requests.Response) -> str | None:
    """Return the kernel id a Voilà page's configuration names, or None."""
    match = _CONFIG_DATA.search(page.text)
    return json.loads(match.group(1)).get("kernelId") if match else None


def cookie_header(session: requests.Session) -> dict[str, str]:
    """Return the session's cookies as a ``Cookie`` header, for a websocket."""
    return {"Cookie": "; ".join(f"{c.name}={c.value}" for c in session.cookies)}


class Hub:
    """The recipe's hub on loopback: :meth:`start`, then always :meth:`stop`."""

    def __init__(self, folder: Path, hub_db: str, store_db: str, users: list[str],
                 network: list[str] = ()) -> None:
        self.folder = folder
        #: The workshops' database (the facilitators' servers get it as BACASABLE_DB).
        self.store_db = store_db
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = folder / "hub.log"
        self.env = {
            **os.environ,
            "BACASABLE_HUB_DB": hub_db,
            "BACASABLE_DB": store_db,
            "BACASABLE_HUB_PUBLIC_URL": self.url,
            "BACASABLE_HUB_BIND_URL": self.url,
            "BACASABLE_HUB_API_PORT": str(free_port()),
            "BACASABLE_HUB_PROXY_API_PORT": str(free_port()),
            "BACASABLE_HUB_PROXY": str(PROXY),
            "BACASABLE_HUB_STATE": str(folder / "hub"),
            "BACASABLE_HUB_DATA": str(folder / "animateurs"),
            "BACASABLE_HUB_AUTH": "test",
            "BACASABLE_HUB_TEST_PASSWORD": PASSWORD,
            "BACASABLE_HUB_TEST_USERS": ",".join(users),
            "BACASABLE_HUB_NETWORK": ",".join(network),
            "BACASABLE_HUB_SPAWNER": "simple",
            "BACASABLE_HUB_PREHEAT": "1",
        }
        for name in ("BACASABLE_DATA", "BACASABLE_OWNER"):  # the hub sets them per server
            self.env.pop(name, None)
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> Hub:
        """Start the hub; return once it answers (a RuntimeError with its log if not)."""
        jupyterhub = Path(sys.executable).with_name("jupyterhub")
        with self.log.open("w", encoding="utf-8") as out:
            self.process = subprocess.Popen(
                [str(jupyterhub), "-f", str(CONFIG)], env=self.env, cwd=self.folder,
                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"{self.url}/hub/health", timeout=5).status_code == 200:
                    return self
            time.sleep(0.3)
        raise RuntimeError(f"le hub n'a pas démarré :\n{self.log.read_text(errors='replace')}")

    def stop(self) -> None:
        """Stop the hub (it stops the proxy and the servers), then whatever is left."""
        if self.process is None:
            return
        family = []
        with contextlib.suppress(psutil.Error):
            family = psutil.Process(self.process.pid).children(recursive=True)
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        for process in psutil.wait_procs(family, timeout=15)[1]:
            with contextlib.suppress(psutil.Error):
                process.kill()
        self.process = None

    def logs(self) -> str:
        """Return the hub's log (the servers' output is in it), for a failing assertion.

        The test's own polling (a 302 every half second) is left out: it would push the lines
        that tell why a server did not start out of the excerpt.
        """
        lines = self.log.read_text(errors="replace").splitlines()
        told = [line for line in lines if not _POLL.search(line)]
        return "\n".join(told)[-12000:]

    # --- a facilitator in a browser --------------------------------------------------------

    def login(self, user: str, password: str = PASSWORD) -> requests.Session:
        """Log ``user`` in with the hub's login form; return the browser's session."""
        session = requests.Session()
        session.get(f"{self.url}/hub/login", timeout=30).raise_for_status()
        xsrf = session.cookies.get("_xsrf", path="/hub/")
        reply = session.post(f"{self.url}/hub/login?next=", timeout=30, allow_redirects=False,
                             data={"username": user, "password": password, "_xsrf": xsrf})
        assert reply.status_code == 302, (reply.status_code, reply.text[:300])
        return session

    def spawn(self, session: requests.Session, user: str, timeout: float = 180) -> None:
        """Start ``user``'s server; return once its own answer comes through the proxy.

        The spawn is asked again each minute: the hub ignores it while one is pending, and it
        starts the server again if the first start failed.
        """
        own = f"/user/{user}/{CONSOLE}"
        asked: list[str] = []
        deadline = time.monotonic() + timeout
        next_ask = time.monotonic()
        while time.monotonic() < deadline:
            if time.monotonic() >= next_ask:
                with contextlib.suppress(requests.RequestException):
                    reply = session.get(f"{self.url}/hub/spawn", timeout=30,
                                        allow_redirects=False)
                    asked.append(f"{reply.status_code} {reply.headers.get('Location', '')}")
                next_ask = time.monotonic() + 60
            with contextlib.suppress(requests.RequestException):
                reply = requests.get(f"{self.url}/user/{user}/", timeout=10,
                                     allow_redirects=False)
                if reply.headers.get("Location") == own:  # the server's, not the hub's
                    return
            time.sleep(0.5)
        raise AssertionError(f"le serveur de {user} n'a pas démarré (demandes : {asked}) :\n"
                             f"{self.logs()}")
