"""The kernels' parent process: imports a kernel's modules once, then forks each new kernel.

Run by the server as ``python -m bacasable.server.kernel_zygote FD MODULE…``: ``FD`` is its end
of a socket pair the server keeps, ``MODULE`` the modules every kernel imports (ipykernel,
the learner's page). Thirty learner kernels started the usual way each import the same 70 MB
of modules; forked from here they share those pages with this process and with each other
until they write to them (:func:`gc.freeze` keeps the collector from writing to every object).

Once its modules are imported it writes ``{"ready": true}``. Each request is then one JSON
line ``{"argv": […], "env": {…}, "cwd": "…"}``, the arguments of
``python -m ipykernel_launcher``. The answer is ``{"pid": N}`` once the kernel has its own
session (so that signalling its process group never reaches this process), or
``{"error": "…"}``. The kernel then runs as ``ipykernel_launcher`` would, its process title
the command it stands for, and this process reaps it when it ends. This process ends when the
server closes its end of the socket; kernels notice their parent is gone and end too.
"""

from __future__ import annotations

import gc
import importlib
import json
import os
import signal
import socket
import sys
import threading
from typing import Any

try:  # set up here, while the process still has the environment it started with
    import setproctitle

    setproctitle.getproctitle()
except ImportError:  # then kernels show this process's command line
    setproctitle = None


def _reap(*_: Any) -> None:
    """Collect the kernels that ended (they would stay zombies)."""
    while True:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _set_up_for_the_kernel() -> None:
    """Do what preloaded modules do on import when a kernel runs; this process had none."""
    widgets = sys.modules.get("ipywidgets")
    if widgets is not None:  # its comm targets: the page's request_states, frontend's comms
        widgets.register_comm_target()


def _run_kernel(request: dict[str, Any], ready_w: int) -> None:
    """In the forked child: become the kernel the request asks for, then exit."""
    code = 1
    try:
        os.setsid()  # its own process group, as jupyter_client's launcher gives a kernel
        os.write(ready_w, b"1")
        os.close(ready_w)
        for sig in (signal.SIGCHLD, signal.SIGINT, signal.SIGTERM, signal.SIGPIPE):
            signal.signal(sig, signal.SIG_DFL)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.close(devnull)
        os.chdir(request.get("cwd") or os.getcwd())
        argv = [str(a) for a in request["argv"]]
        title = " ".join([sys.executable, "-m", "ipykernel_launcher", *argv])
        if setproctitle is not None:
            setproctitle.setproctitle(title)  # ps, psutil and tests see a kernel
        env = dict(request["env"])
        parent = str(os.getppid())  # this process: the kernel ends with it
        env["JPY_PARENT_PID"] = parent
        os.environ.clear()
        os.environ.update(env)
        # IPKernelApp read JPY_PARENT_PID when this process imported it: say it again.
        argv.append(f"--IPKernelApp.parent_handle={parent}")
        sys.argv = ["ipykernel_launcher", *argv]
        from ipykernel import kernelapp

        app = kernelapp.IPKernelApp.instance()  # launch_new_instance, with a step between
        app.initialize(argv)
        _set_up_for_the_kernel()
        app.start()
        code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 0
    except BaseException:  # the kernel's own error: on its stderr, as a launched one would
        import traceback

        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _fork(request: dict[str, Any], control: socket.socket) -> dict[str, Any]:
    ready_r, ready_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        control.close()
        os.close(ready_r)
        _run_kernel(request, ready_w)
    os.close(ready_w)
    try:
        os.read(ready_r, 1)  # empty if the child died first: its pid is still the answer
    finally:
        os.close(ready_r)
    return {"pid": pid}


def serve(control: socket.socket, modules: list[str]) -> None:
    """Import ``modules``, then fork a kernel for each request read from ``control``."""
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception as error:  # a kernel will import it again and say why
            print(f"bacasable: preload of {name} failed: {error!r}", file=sys.stderr)
    if threading.active_count() > 1:  # a thread would be lost in every fork
        print("bacasable: a preloaded module started a thread", file=sys.stderr)
    gc.collect()
    gc.freeze()
    signal.signal(signal.SIGCHLD, _reap)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C in the terminal is for the server
    control.sendall(b'{"ready": true}\n')  # until then the server starts kernels itself
    reader = control.makefile("rb")
    for line in reader:  # only the server holds the other end
        try:
            answer = _fork(json.loads(line), control)
        except Exception as error:
            answer = {"error": repr(error)}
        control.sendall(json.dumps(answer).encode() + b"\n")
        _reap()


def main(argv: list[str]) -> None:
    """``FD MODULE…``: serve on the inherited socket ``FD``."""
    if sys.path and sys.path[0] in ("", os.getcwd()):
        del sys.path[0]  # as ipykernel_launcher does: the kernel adds the notebook's folder
    control = socket.socket(fileno=int(argv[0]))
    try:
        serve(control, argv[1:])
    finally:
        control.close()


if __name__ == "__main__":
    main(sys.argv[1:])
