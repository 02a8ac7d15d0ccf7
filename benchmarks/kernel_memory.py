"""Memory of one learner's kernel against a bare ipywidgets kernel (RSS and USS, from /proc).

1. Kernels started with jupyter_client's ``KernelManager`` (the project's Python, the same
   environment as the server gives its kernels): one runs
   ``from widgets.learner.app import atelier; a = atelier(); display(a)`` then
   ``a.start('france-travail-inscription', 'karim')``; the other
   ``import ipywidgets; display(ipywidgets.Button())``.
2. The path of a real page: the server (``start_server``, preheated pool) serves the learner's
   notebook, fetched with ``?scenario=…&persona=…`` (plain HTTP: the kernel runs the notebook for
   the page, receiving the query string with websocket-client so that jupyter_server stays out
   of the kernel); baseline: the same server settings serving a notebook of one Button. The
   kernel that served the page is found by its id, in the page and in its connection file's name.

RSS counts shared libraries in every process using them; USS is what the kernel alone holds
(what closing it gives back). The served kernels' CPU seconds (with any child's) from their
start until their page was served and they went quiet are printed too. psutil (a dependency
of ipykernel) reads both from /proc.

Run alone: ``python -m benchmarks.kernel_memory``.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

import psutil

from benchmarks._support import (
    NOTEBOOKS,
    atelier_code,
    header,
    notebook_folder,
    ratio,
    save,
    serving,
    wait_for,
)

TARGET = 1.3
CPU_GOAL = 1.0
SCENARIO, PERSONA = "france-travail-inscription", "karim"
LEARNER = [
    "from widgets.learner.app import atelier\na = atelier()\ndisplay(a)",
    f"a.start({SCENARIO!r}, {PERSONA!r})",
]
BARE = ["import ipywidgets\ndisplay(ipywidgets.Button())"]
SETTLE = "import gc, sys\ngc.collect()\nprint('jupyter_server' in sys.modules)"
BASELINE_NOTEBOOK = "import ipywidgets\n\nipywidgets.Button(description='Commencer')"


def memory(pid: int) -> dict[str, float]:
    """RSS and USS of a process, in MB (USS: None if /proc/PID/smaps cannot be read)."""
    proc = psutil.Process(pid)
    try:
        info = proc.memory_full_info()
        return {"rss_mb": info.rss / 2**20, "uss_mb": info.uss / 2**20}
    except psutil.AccessDenied:
        return {"rss_mb": proc.memory_info().rss / 2**20, "uss_mb": None}


def quiet(pid: int, window: float = 0.5) -> bool:
    proc = psutil.Process(pid)
    proc.cpu_percent(None)
    time.sleep(window)  # the measuring window of cpu_percent
    return proc.cpu_percent(None) < 2


def kernel_env(data_dir: Path) -> dict[str, str]:
    from bacasable.common.config import BacasableConfig
    from bacasable.server.serve import settings_env, voila_env

    env = voila_env(os.environ)
    env.update(settings_env(BacasableConfig(
        data_dir=str(data_dir), scenario_dirs=[],
        db_url=f"sqlite:///{data_dir / 'bacasable.sqlite'}")))
    return env


def direct_kernel(cells: list[str], data_dir: Path) -> dict[str, Any]:
    """Start a kernel with jupyter_client, run ``cells``, return its memory once quiet."""
    from jupyter_client import KernelManager

    km = KernelManager(kernel_name="python3")
    km.start_kernel(env=kernel_env(data_dir), cwd=str(NOTEBOOKS), stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL)
    client = km.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=120)
        for code in cells:
            reply = client.execute_interactive(code, timeout=120, output_hook=lambda _m: None)
            if reply["content"]["status"] != "ok":
                raise RuntimeError(f"{code!r} failed: {reply['content'].get('ename')}")
        imported: list[str] = []

        def keep(msg: dict) -> None:
            if msg["header"]["msg_type"] == "stream":
                imported.append(msg["content"]["text"].strip())

        client.execute_interactive(SETTLE, timeout=60, output_hook=keep)
        pid = km.provisioner.process.pid
        wait_for(lambda: quiet(pid), 30, interval=0)
        return {**memory(pid), "jupyter_server_imported": imported == ["True"]}
    finally:
        client.stop_channels()
        km.shutdown_kernel(now=True)


def served_kernel(code: str, query: str) -> dict[str, Any]:
    """Serve ``code`` as atelier.ipynb (preheated), fetch the page, return its kernel's memory."""
    folder = notebook_folder({"atelier.ipynb": code})
    try:
        with serving(folder) as server:
            server.wait_ready()
            url = server.url(query=query)
            with urllib.request.urlopen(url, timeout=120) as response:  # noqa: S310 - local
                page = response.read().decode("utf-8", "replace")
            match = re.search(r'"kernelId":\s*"([0-9a-f-]{36})"', page)
            if not match:
                raise RuntimeError("no kernel id in the page")
            kernel_id = match.group(1)
            kernel = next(k for k in server.kernels() if kernel_id in " ".join(k.cmdline()))
            wait_for(lambda: quiet(kernel.pid), 30, interval=0)
            children = kernel.children()
            cpu = kernel.cpu_times()
            return {**memory(kernel.pid), "children_left": len(children),
                    "cpu_s": cpu.user + cpu.system + cpu.children_user + cpu.children_system}
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def line(label: str, m: dict[str, Any]) -> str:
    uss = f"{m['uss_mb']:6.1f} MB" if m.get("uss_mb") is not None else "   n/a"
    return f"  {label:<58} RSS {m['rss_mb']:6.1f} MB   USS {uss}"


def ratios(a: dict[str, Any], b: dict[str, Any]) -> dict[str, float | None]:
    return {"rss": ratio(a["rss_mb"], b["rss_mb"]),
            "uss": ratio(a["uss_mb"], b["uss_mb"]) if a.get("uss_mb") and b.get("uss_mb")
            else None}


def main() -> dict:
    header("Memory of one learner's kernel (RSS and USS from /proc, via psutil)")
    data_dir = Path(tempfile.mkdtemp(prefix="bacasable-bench-data-"))
    try:
        learner = direct_kernel(LEARNER, data_dir)
        bare = direct_kernel(BARE, data_dir)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    print(line("jupyter_client kernel, atelier() + an exercise started", learner))
    print(line("jupyter_client kernel, one ipywidgets.Button (baseline)", bare))
    direct = ratios(learner, bare)
    uss = f"{direct['uss']:.2f}" if direct["uss"] else "n/a"
    print(f"  ratio: RSS {direct['rss']:.2f}, USS {uss} (target ≤ {TARGET})")
    print(f"  jupyter_server imported in the learner's kernel: "
          f"{learner['jupyter_server_imported']}")

    query = f"scenario={SCENARIO}&persona={PERSONA}"
    served = served_kernel(atelier_code(), query)
    served_bare = served_kernel(BASELINE_NOTEBOOK, "")
    print(line("served (preheated), atelier.ipynb?scenario=…&persona=…", served))
    print(line("served (preheated), one ipywidgets.Button (baseline)", served_bare))
    through = ratios(served, served_bare)
    uss = f"{through['uss']:.2f}" if through["uss"] else "n/a"
    print(f"  ratio: RSS {through['rss']:.2f}, USS {uss} (target ≤ {TARGET}); "
          f"child processes left running: {served['children_left']}")
    print(f"  kernel CPU from its start to its page served and drawn: {served['cpu_s']:.2f} s "
          f"(baseline {served_bare['cpu_s']:.2f} s; goal ≤ {CPU_GOAL:.0f} s, issue #20)")
    data = {"target_ratio": TARGET,
            "direct": {"learner": learner, "baseline": bare, "ratios": direct},
            "served": {"learner": served, "baseline": served_bare, "ratios": through}}
    save("kernel_memory", data)
    return data


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        main()
    sys.exit(0)
