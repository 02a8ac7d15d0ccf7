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
- A few additions to Voilà in the server process (the page's peer told to its kernel, French
  pages for every address, closed tabs free their kernel…): see
  :func:`bacasable.server.voila_app.voila_app_class`.
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
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bacasable.workshop.network import (
    LEARNER_NOTEBOOK,
    addresses_message,
    learner_url,
    port_is_free,
    wait_until_listening,
)

from .hub import HubError, HubGuard, hub_server
from .journal import JOURNAL_NAME, follow_log
from .kernel_fork import PROVISIONER_NAME
from .template import SHARE_DIR, TEMPLATE

if TYPE_CHECKING:
    from bacasable.common.config import BacasableConfig



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
    # Always preheating, even with no kernel waiting (pool size 0): a workshop opened for N
    # learners grows the learner notebook's pool (kernel_starts.RoomWarmer).
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
    if config.fork_kernels:  # kernels forked from a parent that imported them (kernel_fork)
        argv.append(f"--KernelProvisionerFactory.default_provisioner_name={PROVISIONER_NAME}")
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
        "BACASABLE_PREHEAT_KERNELS": str(int(config.preheat_kernels)),
        "BACASABLE_WARM_AT_ONCE": str(int(config.warm_at_once)),
        "BACASABLE_FORK_KERNELS": str(int(config.fork_kernels)),
    }


def start_server(
    config: BacasableConfig, root: Path, port: int | None = None, **popen_kwargs: Any
) -> subprocess.Popen:
    """Start the server in a child process and return it at once (it is not listening yet)."""
    env = voila_env(popen_kwargs.pop("env", None))
    env.update(settings_env(config))
    env["BACASABLE_PORT"] = str(config.port if port is None else port)
    # Whose workshops the kernels' stores show (a facilitator's account on a hub; "" here).
    env["BACASABLE_OWNER"] = config.owner
    return subprocess.Popen(
        server_command(config, root, port), env=env, cwd=str(Path(root).resolve()), **popen_kwargs
    )


def serve(
    config: BacasableConfig, root: Path, port: int | None = None, open_browser: bool = False
) -> int:
    """Run the workbook server on the folder ``root`` until Ctrl+C; return an exit status."""
    root = Path(root).resolve()
    port = config.port if port is None else port
    try:  # under JupyterHub its spawner says where to listen (server/hub.py)
        hub = hub_server(os.environ)
    except HubError as error:
        print(error, file=sys.stderr)
        return 1
    if hub is not None:
        config.ip, port = hub.ip, hub.port
        open_browser = config.open_browser = False  # nobody watches the hub's screen
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

    print(hub.addresses_message() if hub else addresses_message(config.ip, port), flush=True)
    print(pin_sentence(config), flush=True)
    journal = Path(config.data_dir) / JOURNAL_NAME
    process = start_server(config, root, port, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, encoding="utf-8",
                           errors="replace")
    assert process.stdout is not None
    follow_log(process.stdout, journal, lambda text: print(text, flush=True))
    print(f"Le journal du serveur (en anglais, pour le dépannage) : {journal}", flush=True)
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


def pin_sentence(config: BacasableConfig) -> str:
    """Say whether the facilitator's PIN is chosen (the console asks for one if not)."""
    from bacasable.store import Store, StoreError
    from bacasable.workshop.pin import has_pin

    try:
        with Store.from_config(config) as store:
            chosen = has_pin(store)
    except (StoreError, OSError):
        return "Le code PIN n'a pas pu être vérifié : la console le demandera."
    if chosen:
        return ("Code PIN de l'animateur : choisi. La console, la projection et le bilan "
                "le demandent.")
    return ("Pas encore de code PIN : la console vous demandera d'en choisir un "
            "(ou tapez « bacasable pin »).")


def _open_when_ready(port: int) -> None:
    if wait_until_listening(port):
        webbrowser.open(learner_url("127.0.0.1", port))


def main(argv: Sequence[str] | None = None) -> None:
    """Run Voilà with ``argv`` (see :func:`voila_argv`) in this process, until stopped."""
    os.environ.update(voila_env(os.environ))
    from .voila_app import voila_app_class

    args = list(sys.argv[1:] if argv is None else argv)
    try:  # under JupyterHub: its login guards the facilitator's pages (server/hub.py)
        hub = HubGuard.from_environ(os.environ)
    except HubError as error:
        print(error, file=sys.stderr)
        raise SystemExit(1) from None
    if hub is not None:
        args.append(f"--Voila.base_url={hub.server.prefix}")
    app_class = voila_app_class(hub)
    # voila_argv gives kernel_pools_config in traitlets' literal form (see there): no warning.
    # After importing Voilà, whose __init__ turns traitlets' deprecation warnings on.
    warnings.filterwarnings(
        "ignore", message=".*for dict-traits is deprecated", category=DeprecationWarning
    )
    app_class.launch_instance(args)


if __name__ == "__main__":
    main()
