"""Serve the workbook with Voilà, offline, on the workshop's local Wi-Fi.

``serve()`` starts Voilà in a child process (``python -m bacasable.server.serve <voila
arguments>``) on
the project's ``notebooks/`` folder, so that the learner's page is
``/voila/render/atelier.ipynb``, and prints the addresses to open in plain French.

Choices, measured or read in Voilà 0.5.13's source:

- Template ``bacasable`` (``share/jupyter/voila/templates/bacasable``, shipped in the package): no
  resource from the internet, ``lang="fr"``, a ``<main>`` landmark, French loading and error
  messages. Voilà finds it through ``JUPYTER_PATH``, computed from this file's location.
- ``show_tracebacks=False``: cell errors are rendered by the template as a French message.
- A pool of preheated kernels for ``atelier.ipynb`` only (the other notebooks are denylisted and
  the default pool is 0): the learner's page shows in 2-3 s instead of 5-7 s.
- Culling: Voilà 0.5 does not shut a kernel down when a phone closes its tab, so idle kernels are
  shut down after ``cull_idle_timeout`` (1 h by default: nobody who is reading is cut off), even
  with a websocket still open (a phone that went to sleep keeps a dead one).
- Nothing phones home: Voilà, jupyter_server and ipykernel send no telemetry; MathJax and the
  other CDN resources of the stock templates are removed by the template.
- A few additions to Voilà in the server process (closed tabs free their kernel with the XSRF
  check kept, ``/`` leads to the learner's page, gzip…): see :func:`_voila_app_class`.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import warnings
import webbrowser
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bacasable.workshop.network import (
    LEARNER_NOTEBOOK,
    addresses_message,
    learner_url,
    port_is_free,
    wait_until_listening,
)

if TYPE_CHECKING:
    from bacasable.common.config import BacasableConfig


#: The Voilà template shipped in the package.
TEMPLATE = "bacasable"

#: ``share/jupyter`` inside the package: prepended to ``JUPYTER_PATH`` for Voilà to find the
#: template. Computed at run time, so it works wherever the package is installed.
SHARE_DIR = Path(__file__).resolve().parents[1] / "share" / "jupyter"

#: Voilà's ``preheat_denylist`` entries are regular expressions, matched (``re.match``) at start
#: against each notebook's *absolute* path (VoilaKernelManager.__init__ filters the paths of
#: ``rglob("*.ipynb")`` before making them relative). This one denylists every notebook but
#: ``atelier.ipynb`` (animateur, formateur, bilan, projection… start a kernel on demand). It also
#: accepts a bare relative name, in case a later Voilà filters relative paths.
PREHEAT_DENYLIST = r"(?!(.*[\\/])?" + LEARNER_NOTEBOOK.replace(".", r"\.") + r"$)"

def voila_argv(config: BacasableConfig, root: Path, port: int | None = None) -> list[str]:
    """Return Voilà's command-line arguments to serve the folder ``root``.

    Every setting of the server is here (the launcher reads no ``voila.json``/``voila.py``), so
    that what the tests start is what the workshop runs.
    """
    root = Path(root).resolve()
    port = config.port if port is None else port
    pool_size = max(int(config.preheat_kernels), 0)
    argv = [
        str(root),  # a folder: "directory mode", pages under /voila/render/<notebook>
        "--no-browser",  # serve() opens the learner's page itself once the server answers
        f"--Voila.ip={config.ip}",
        f"--port={port}",
        # Fail instead of silently moving to another port: the printed addresses would be wrong.
        "--Voila.port_retries=0",
        f"--template={TEMPLATE}",
        "--theme=light",
        # Neither ?template=lab (Font Awesome from a CDN) nor notebook metadata may change them.
        "--VoilaConfiguration.allow_template_override=NO",
        "--VoilaConfiguration.allow_theme_override=NO",
        "--strip_sources=True",
        "--show_tracebacks=False",
        # Culling. Voilà 0.5 leaves a kernel running when its tab closes (phones rarely send the
        # shutdown beacon), so without this kernels pile up until the laptop runs out of memory.
        f"--MappingKernelManager.cull_idle_timeout={int(config.cull_idle_timeout)}",
        f"--MappingKernelManager.cull_interval={int(config.cull_interval)}",
        # A phone that went to sleep keeps a dead websocket open: count it as gone.
        "--MappingKernelManager.cull_connected=True",
        # Not cull_busy: a kernel still computing is never cut off.
    ]
    if pool_size > 0:
        pools = {LEARNER_NOTEBOOK: {"pool_size": pool_size}, "default": {"pool_size": 0}}
        argv += [
            "--preheat_kernel=True",
            # The pool size of every notebook not named in kernel_pools_config.
            "--pool_size=0",
            # A dict of dicts cannot be given as key=value items (values stay strings): traitlets
            # parses this literal form (deprecated, still supported in traitlets 5).
            f"--VoilaKernelManager.kernel_pools_config={json.dumps(pools)}",
            # Denylisted notebooks get no pool at all at start (Voilà scans the folder for
            # *.ipynb and would otherwise start a pool per notebook).
            f"--VoilaKernelManager.preheat_denylist={PREHEAT_DENYLIST}",
            # fill_delay stays Voilà's 1 s: a used kernel is replaced 1 s later, one at a time.
        ]
    else:
        argv.append("--preheat_kernel=False")
    return argv


def _project_dir() -> Path | None:
    """Return the source checkout holding the package, or None when it is installed."""
    project = Path(__file__).resolve().parents[2]
    return project if (project / "pyproject.toml").is_file() else None


def voila_env(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """Return the environment of the Voilà process (and so of its kernels).

    - ``JUPYTER_PATH`` starts with the package's ``share/jupyter``, where the template is.
    - The kernels import the sandbox as ``from widgets.learner.app import atelier``, whatever their
    working
      directory (the notebooks' folder): ``make start`` installs the project in the venv in
      editable mode (``pip install -e .``). From a source checkout that is not installed, the
      checkout is also put on ``PYTHONPATH`` so that ``bacasable`` and ``widgets`` import.
    """
    env = dict(os.environ if base is None else base)
    env["JUPYTER_PATH"] = _prepend_path(str(SHARE_DIR), env.get("JUPYTER_PATH", ""))
    project = _project_dir()
    if project is not None:
        env["PYTHONPATH"] = _prepend_path(str(project), env.get("PYTHONPATH", ""))
    # Silence debugpy's "frozen modules" warning printed by every kernel on Python 3.11+.
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    return env


def _prepend_path(entry: str, value: str) -> str:
    parts = [p for p in value.split(os.pathsep) if p and p != entry]
    return os.pathsep.join([entry, *parts])


def server_command(config: BacasableConfig, root: Path, port: int | None = None) -> list[str]:
    """Return the command that runs the server: this module as a program, then Voilà's arguments."""
    return [sys.executable, "-m", "bacasable.server.serve", *voila_argv(config, root, port)]


def settings_env(config: BacasableConfig) -> dict[str, str]:
    """Return the environment variables that give the kernels the same settings as ``config``.

    The kernels are other processes: they read ``BacasableConfig`` from the environment, so the
    values given on the command line or in a config file reach them this way.
    """
    return {
        "BACASABLE_DATA": str(config.data_dir),
        "BACASABLE_DB": str(config.db_url),
        "BACASABLE_SCENARIOS": os.pathsep.join(str(d) for d in config.scenario_dirs),
    }


def start_server(
    config: BacasableConfig, root: Path, port: int | None = None, **popen_kwargs: Any
) -> subprocess.Popen:
    """Start the server in a child process and return it at once (it is not listening yet)."""
    env = voila_env(popen_kwargs.pop("env", None))
    env.update(settings_env(config))
    env["BACASABLE_PORT"] = str(config.port if port is None else port)
    return subprocess.Popen(
        server_command(config, root, port), env=env, cwd=str(Path(root).resolve()), **popen_kwargs
    )


def serve(
    config: BacasableConfig, root: Path, port: int | None = None, open_browser: bool = False
) -> int:
    """Run the workbook server on the folder ``root`` until Ctrl+C; return an exit status."""
    root = Path(root).resolve()
    port = config.port if port is None else port
    if not (root / LEARNER_NOTEBOOK).is_file():
        print(
            f"Le classeur de l'atelier est introuvable : {root / LEARNER_NOTEBOOK}",
            file=sys.stderr,
        )
        return 1
    if not port_is_free(config.ip, port):
        print(
            f"Le port {port} est déjà utilisé, peut-être par un Bac à sable déjà lancé. "
            "Fermez l'autre fenêtre, ou choisissez un autre port.",
            file=sys.stderr,
        )
        return 1

    print(addresses_message(config.ip, port), flush=True)
    process = start_server(config, root, port)
    if open_browser or config.open_browser:
        threading.Thread(target=_open_when_ready, args=(port,), daemon=True).start()
    previous = None
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "SIGTERM"):
        # Stopped by SIGTERM (a service manager, kill): stop Voilà too, which shuts its kernels
        # down, instead of leaving it running without us.
        previous = signal.signal(signal.SIGTERM, lambda *_: process.terminate())
    try:
        return process.wait()
    except KeyboardInterrupt:
        # Ctrl+C reached Voilà too (same process group): let it shut its kernels down.
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        print("Bac à sable est arrêté.")
        return 0
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _open_when_ready(port: int) -> None:
    if wait_until_listening(port):
        webbrowser.open(learner_url("127.0.0.1", port))


# --- The server process: Voilà with a few additions ----------------------------------------------


def _pooled_kernel_ids(manager: Any) -> list[str]:
    """Return the ids of the started kernels waiting in Voilà's preheated pools."""
    ids = []
    for pool in getattr(manager, "_pools", {}).values():
        for task in pool:
            if task.done() and not task.cancelled() and task.exception() is None:
                kernel_id = task.result().get("kernel_id")
                if kernel_id:
                    ids.append(kernel_id)
    return ids


def _voila_app_class() -> type:
    """Return the Voilà application class run by the server process (imports Voilà lazily).

    Additions to Voilà 0.5.13, each small and tested in tests/bacasable/test_serve.py:

    - The notebook pages set the ``_xsrf`` cookie. Voilà's front end sends a shutdown beacon when a
      tab closes, with the ``_xsrf`` token read from that cookie, but Voilà never sets it, so the
      beacon is refused (voila issue 1458) and the kernel lives on until culled. With the cookie,
      a closed tab frees its kernel at once *and* the XSRF check stays on. The alternative,
      ``tornado_settings={"disable_check_xsrf": True}``, was rejected: it turns the check off for
      every POST of the server, so any web page opened on the workshop's Wi-Fi could make the
      browser shut learners' kernels down (or call the other kernel endpoints).
    - Kernels waiting in the preheated pool count as active: otherwise a kernel that waited longer
      than ``cull_idle_timeout`` (server started early) is handed to a learner with an old
      activity date and culled at the next check, before its page has even connected.
    - ``/`` redirects to the learner's page (a short address to type on a phone) instead of
      listing the notebooks; unknown addresses get the template's French 404 page.
    - ``/voila/tree`` redirects to the learner's page too, and Voilà's contents API (used by that
      tree page only) answers 404: otherwise anyone on the Wi-Fi could list the notebooks
      (``animateur.ipynb``…) and read them.
    - Responses are gzip-compressed: Voilà's front end is about 5 MB per phone on a first visit,
      about a quarter of that compressed, on a Wi-Fi shared by a whole group.
    - No ``voila.json``/``voila.py`` is read from the working directory or the user's Jupyter
      config: every setting comes from :func:`voila_argv`.
    """
    from jupyter_core.paths import jupyter_path
    from jupyter_server.base.handlers import path_regex
    from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
    from jupyter_server.utils import url_path_join
    from tornado import web
    from traitlets import default
    from voila.app import Voila
    from voila.handler import BaseVoilaHandler
    from voila.tornado.handler import TornadoVoilaHandler

    class PoolAwareKernelManager(AsyncMappingKernelManager):
        """Kernel manager whose culler treats pooled kernels as just used."""

        async def cull_kernels(self) -> None:
            now = datetime.now(timezone.utc)
            for kernel_id in _pooled_kernel_ids(self):
                kernel = self._kernels.get(kernel_id)
                if kernel is not None:
                    kernel.last_activity = now
            await super().cull_kernels()

    class NotebookPageHandler(TornadoVoilaHandler):
        """Voilà's notebook page, which also sets the ``_xsrf`` cookie for the shutdown beacon."""

        @web.authenticated
        async def get(self, path: str | None = None) -> None:
            self.xsrf_token  # noqa: B018 - reading it sets the cookie, before the page streams
            await super().get(path)

        def set_header(self, name: str, value: Any) -> None:
            # Voilà sends "text/html" without a charset: say UTF-8 (the page is French).
            if name == "Content-Type" and value == "text/html":
                value = "text/html; charset=UTF-8"
            super().set_header(name, value)

    class NotFoundHandler(BaseVoilaHandler):
        """Any unknown address: the template's French 404 page."""

        async def prepare(self) -> None:
            await super().prepare()
            raise web.HTTPError(404)

    class BacasableVoila(Voila):
        """Voilà as Bac à sable runs it."""

        @default("config_file_paths")
        def _default_config_file_paths(self) -> list[str]:
            return []

        @property
        def data_dir(self) -> str:
            # Voilà takes its themes from the first ``voila`` data folder, which is now the
            # package's (it only holds the template): use Voilà's own one.
            ours = (SHARE_DIR / "voila").resolve()
            for path in jupyter_path("voila"):
                if Path(path).is_dir() and Path(path).resolve() != ours:
                    return str(Path(path).resolve())
            return super().data_dir

        def init_settings(self) -> dict:
            self.voila_configuration.multi_kernel_manager_class = PoolAwareKernelManager
            settings = super().init_settings()
            settings["compress_response"] = True
            settings["default_handler_class"] = NotFoundHandler
            settings["default_handler_args"] = {"voila_configuration": self.voila_configuration}
            return settings

        def init_handlers(self) -> list:
            handlers = [
                (handler[0], NotebookPageHandler, *handler[2:])
                if handler[1] is TornadoVoilaHandler
                else handler
                for handler in super().init_handlers()
            ]
            if not self.notebook_path:
                learner_page = url_path_join(self.base_url, "voila/render", LEARNER_NOTEBOOK)
                # 302, not 301: a browser would remember a permanent redirect for good.
                redirect = {"url": learner_page, "permanent": False}
                handlers.insert(0, (self.server_url, web.RedirectHandler, redirect))
                # The notebook list and the notebooks' content: not for the Wi-Fi.
                tree = url_path_join(self.server_url, r"/voila/tree" + path_regex)
                contents = url_path_join(self.server_url, r"/voila/api/contents" + path_regex)
                not_found = {"voila_configuration": self.voila_configuration}
                handlers[:0] = [
                    (tree, web.RedirectHandler, redirect),
                    (contents, NotFoundHandler, not_found),
                ]
            return handlers

    return BacasableVoila


def main(argv: Sequence[str] | None = None) -> None:
    """Run Voilà with ``argv`` (see :func:`voila_argv`) in this process, until stopped."""
    os.environ.update(voila_env(os.environ))
    app_class = _voila_app_class()
    # voila_argv gives kernel_pools_config in traitlets' literal form (see there): no warning.
    # After importing Voilà, whose __init__ turns traitlets' deprecation warnings on.
    warnings.filterwarnings(
        "ignore", message=".*for dict-traits is deprecated", category=DeprecationWarning
    )
    app_class.launch_instance(list(sys.argv[1:] if argv is None else argv))


if __name__ == "__main__":
    main()
