"""What the benchmarks share: the real server, Chromium, statistics, the results folder."""

from __future__ import annotations

import contextlib
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run from a checkout that is not installed
    sys.path.insert(0, str(ROOT))

from bacasable.common.config import BacasableConfig  # noqa: E402
from bacasable.server.serve import (  # noqa: E402
    LEARNER_NOTEBOOK,
    learner_url,
    start_server,
    wait_until_listening,
)

RESULTS = Path(__file__).resolve().parent / "results"
NOTEBOOKS = ROOT / "notebooks"
CHROMIUM = os.environ.get("BACASABLE_CHROMIUM") or "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 375, "height": 667}


# --- figures ------------------------------------------------------------------------------------


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def p95(values: Sequence[float]) -> float:
    """The 95th percentile (nearest rank): with 30 values, the second largest."""
    ordered = sorted(values)
    rank = max(1, -(-95 * len(ordered) // 100))
    return float(ordered[rank - 1])


def ratio(value: float, baseline: float) -> float:
    return value / baseline if baseline else float("inf")


def describe(values: Sequence[float]) -> dict[str, Any]:
    return {"n": len(values), "median": median(values), "p95": p95(values),
            "min": min(values), "max": max(values), "values": list(values)}


def header(title: str) -> None:
    print(f"\n=== {title} ===", flush=True)


def save(name: str, data: dict[str, Any]) -> Path:
    """Write ``benchmarks/results/<name>.json`` (git-ignored), with when and where it ran."""
    RESULTS.mkdir(exist_ok=True)
    data = {
        "benchmark": name,
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform()},
        **data,
    }
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"(written to {path.relative_to(ROOT)})")
    return path


def wait_for(predicate: Callable[[], bool], timeout: float, interval: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return bool(predicate())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- the server ---------------------------------------------------------------------------------


class Server:
    """The real server (``bacasable.server.serve.start_server``): a folder, a free port, a data dir.

    Parameters
    ----------
    root : Path
        The folder served; its ``atelier.ipynb`` gets the preheated pool.
    preheat : int, optional
        Pool size; default: the configured one (``BacasableConfig.preheat_kernels``).
    """

    def __init__(self, root: Path, preheat: int | None = None) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="bacasable-bench-"))
        data = self.tmp / "data"
        data.mkdir()
        self.config = BacasableConfig(ip="127.0.0.1", data_dir=str(data), scenario_dirs=[],
                                      db_url=f"sqlite:///{data / 'bacasable.sqlite'}")
        if preheat is not None:
            self.config.preheat_kernels = preheat
        self.pool_size = int(self.config.preheat_kernels)
        self.port = free_port()
        self.log = self.tmp / "server.log"
        with self.log.open("w", encoding="utf-8") as out:
            self.process = start_server(self.config, root, self.port, stdout=out,
                                        stderr=subprocess.STDOUT)

    def url(self, notebook: str = LEARNER_NOTEBOOK, query: str = "") -> str:
        base = learner_url("127.0.0.1", self.port).replace(LEARNER_NOTEBOOK, notebook)
        return f"{base}?{query}" if query else base

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def count(self, text: str) -> int:
        return self.log_text().count(text)

    def tree(self) -> list[psutil.Process]:
        with contextlib.suppress(psutil.Error):
            root = psutil.Process(self.process.pid)
            return [root, *root.children(recursive=True)]
        return []

    def kernels(self) -> list[psutil.Process]:
        found = []
        for proc in self.tree()[1:]:
            with contextlib.suppress(psutil.Error):
                if "ipykernel_launcher" in " ".join(proc.cmdline()):
                    found.append(proc)
        return found

    def waiting_for_a_page(self) -> int:
        """Preheated kernels connected to the server's page-request websocket (atelier.ipynb)."""
        ready = 0
        for kernel in self.kernels():
            with contextlib.suppress(psutil.Error):
                if any(c.status == psutil.CONN_ESTABLISHED and c.raddr
                       and c.raddr.port == self.port for c in _tcp_connections(kernel)):
                    ready += 1
        return ready

    def cpu_quiet(self, window: float = 1.0, threshold: float = 5.0) -> bool:
        """True when the server and its kernels used under ``threshold`` % of a core lately."""
        procs = self.tree()
        for proc in procs:
            with contextlib.suppress(psutil.Error):
                proc.cpu_percent(None)
        time.sleep(window)  # the measuring window of cpu_percent, not a wait for something
        total = 0.0
        for proc in procs:
            with contextlib.suppress(psutil.Error):
                total += proc.cpu_percent(None)
        return total < threshold

    def wait_ready(self, timeout: float = 120) -> None:
        if not wait_until_listening(self.port, timeout=timeout):
            raise RuntimeError("the server did not start:\n" + self.log_text()[-3000:])
        self.wait_pool(timeout)

    def wait_pool(self, timeout: float = 120, waiting: bool = False) -> None:
        """Wait until the pool holds ``pool_size`` started kernels and everything is quiet.

        ``waiting``: also wait until each pooled kernel waits for its page (atelier.ipynb).
        """
        def full() -> bool:
            if len(self.kernels()) < self.pool_size:
                return False
            if waiting and self.waiting_for_a_page() < self.pool_size:
                return False
            return self.cpu_quiet()

        if self.pool_size and not wait_for(full, timeout, interval=0.1):
            raise RuntimeError("the preheated pool did not fill:\n" + self.log_text()[-3000:])

    def stop(self) -> None:
        kernels = self.kernels()
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        _, alive = psutil.wait_procs(kernels, timeout=10)
        for kernel in alive:
            with contextlib.suppress(psutil.Error):
                kernel.kill()
        shutil.rmtree(self.tmp, ignore_errors=True)


@contextlib.contextmanager
def serving(root: Path, preheat: int | None = None) -> Iterator[Server]:
    server = Server(root, preheat)
    try:
        yield server
    finally:
        server.stop()


def notebook_folder(cells: dict[str, str]) -> Path:
    """A temporary folder with one notebook per entry (file name: code of its single cell)."""
    import nbformat

    folder = Path(tempfile.mkdtemp(prefix="bacasable-bench-nb-"))
    for name, code in cells.items():
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell(code)]
        nb.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                      "language": "python"}}
        nbformat.write(nb, folder / name)
    return folder


def atelier_code() -> str:
    """The code of the real learner's notebook (its single code cell)."""
    import nbformat

    nb = nbformat.read(NOTEBOOKS / LEARNER_NOTEBOOK, as_version=4)
    return "\n".join(c.source for c in nb.cells if c.cell_type == "code")


# --- the browser --------------------------------------------------------------------------------


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    """Debian's Chromium, headless, through Playwright (never a downloaded browser)."""
    if not Path(CHROMIUM).is_file():
        raise SystemExit(f"Chromium is missing at {CHROMIUM}: install Debian's package "
                         "(make bench does) or set BACASABLE_CHROMIUM.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def local_only(route: Any) -> None:
    """Playwright route handler: requests leaving the machine are refused (never waited for)."""
    from urllib.parse import urlsplit

    host = urlsplit(route.request.url).hostname
    if host in (None, "127.0.0.1", "localhost"):
        route.continue_()
    else:
        route.abort()


def close_page(context: Any, page: Any) -> None:
    """Leave the page first (closing a context fires no unload: the kernel would stay)."""
    with contextlib.suppress(Exception):
        page.goto("about:blank")
    context.close()


def leave_page(context: Any, page: Any) -> None:
    """:func:`close_page` for a page routed through :func:`local_only`.

    The route is removed first: otherwise the shutdown beacon sent as the page goes is caught by
    the route, whose handler runs too late, and the page's kernel stays until culled.
    """
    with contextlib.suppress(Exception):
        page.unroute("**/*")
    close_page(context, page)


def _tcp_connections(process: psutil.Process) -> list:
    """A process's TCP connections, with psutil 5 (openfisca-core's pin) as with psutil 6+."""
    read = getattr(process, "net_connections", None) or process.connections
    return read("tcp")
