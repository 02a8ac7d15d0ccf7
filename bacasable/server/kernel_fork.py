"""Kernels forked from one parent that imported their modules once (:mod:`.kernel_zygote`).

:class:`ForkingProvisioner` is jupyter_client's local provisioner, except that an
``ipykernel_launcher`` command run by this Python is asked of the :class:`Zygote` instead of
started as a new program. The kernel is then not this process's child: :class:`ForkedKernel`
stands in for its ``Popen`` (poll, wait, signals) through its pid and its start time, so that a
reused pid is never taken for it. Any other kernel, or any failure of the zygote, falls back to
the usual launch: a kernel always starts.
"""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from jupyter_client.connect import KernelConnectionInfo
from jupyter_client.provisioning import LocalProvisioner

__all__ = ["ForkedKernel", "ForkingProvisioner", "Zygote", "start_zygote"]

#: The name this provisioner is registered under (``jupyter_client.kernel_provisioners``).
PROVISIONER_NAME = "bacasable-fork"
#: Seconds to wait for the zygote's answer before starting the kernel the usual way.
ANSWER_TIMEOUT = 10.0


def _start_time(pid: int) -> str | None:
    """Return the process's start time (clock ticks since boot), None if it has ended."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2:].split()
    if fields[0] in ("Z", "X"):  # ended; its parent has not collected it yet
        return None
    return fields[19]


class ForkedKernel:
    """What the provisioner needs of a ``Popen``, for a kernel forked by the zygote."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None
        self._started = _start_time(pid)

    def poll(self) -> int | None:
        """None while the kernel runs, then 0 (its parent, the zygote, has its status)."""
        if self.returncode is None and (self._started is None
                                        or _start_time(self.pid) != self._started):
            self.returncode = 0
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        """Wait for the kernel to end."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout or 0)
            time.sleep(0.05)
        return self.returncode or 0

    def send_signal(self, signum: int) -> None:
        """Signal the kernel, if it still runs."""
        if self.poll() is None:
            os.kill(self.pid, signum)

    def terminate(self) -> None:
        """Ask the kernel to end."""
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        """End the kernel now."""
        self.send_signal(signal.SIGKILL)


class Zygote:
    """The server's handle on the zygote process: ask it for kernels, one at a time.

    Kernels asked for before it has imported its modules are started the usual way: the
    server's event loop never waits for the imports. An exchange that fails (no answer in
    time, the process gone) retires it, so that a late answer is never taken for the next one.
    """

    def __init__(self, process: subprocess.Popen, control: socket.socket) -> None:
        self.process = process
        self._control = control
        self._lines = control.makefile("rb")
        self._lock = threading.Lock()
        self._ready = False
        self._retired = False

    @property
    def alive(self) -> bool:
        """Whether the zygote still runs and can be asked for kernels."""
        return not self._retired and self.process.poll() is None

    def ready(self, timeout: float = 0.0) -> bool:
        """Whether its modules are imported (waiting up to ``timeout`` seconds for it)."""
        if not self._ready and self.alive:
            if select.select([self._control], [], [], timeout)[0]:
                try:
                    self._ready = json.loads(self._lines.readline() or b"{}").get("ready") is True
                except ValueError:
                    self._ready = False
                if not self._ready:
                    self._retire()
        return self._ready

    def fork(self, argv: list[str], env: dict[str, str], cwd: str | None) -> int:
        """Return the pid of a new kernel run with ``argv`` (raises ``OSError`` if it cannot)."""
        request = json.dumps({"argv": argv, "env": env, "cwd": cwd}).encode() + b"\n"
        with self._lock:
            if not self.alive:
                raise OSError("the kernels' parent process has ended")
            if not self.ready():
                raise OSError("the kernels' parent process is still importing")
            try:
                self._control.settimeout(ANSWER_TIMEOUT)
                self._control.sendall(request)
                answer = json.loads(self._lines.readline() or b"{}")
            except (OSError, ValueError) as error:
                self._retire()
                raise OSError(f"no answer from the kernels' parent process ({error!r})") from error
        if "pid" not in answer:
            if not answer:
                self._retire()
            raise OSError(answer.get("error", "the kernels' parent process has ended"))
        return int(answer["pid"])

    def _retire(self) -> None:
        self._retired = True
        self._control.close()

    def close(self) -> None:
        """End the zygote (its kernels notice and end too)."""
        self._retired = True
        self._lines.close()
        self._control.close()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()


#: The server's zygote, once started (one per server process).
_zygote: Zygote | None = None


def start_zygote(modules: list[str], env: dict[str, str] | None = None) -> Zygote:
    """Start the zygote, importing ``modules``; kernels are forked from it from now on."""
    global _zygote
    ours, theirs = socket.socketpair()
    process = subprocess.Popen(
        [sys.executable, "-m", "bacasable.server.kernel_zygote", str(theirs.fileno()), *modules],
        pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL, env=env, start_new_session=True)
    theirs.close()
    _zygote = Zygote(process, ours)
    return _zygote


def _is_ipykernel(cmd: list[str]) -> bool:
    if len(cmd) < 3 or cmd[1:3] != ["-m", "ipykernel_launcher"]:
        return False
    try:
        return os.path.samefile(cmd[0], sys.executable)
    except OSError:
        return False


class ForkingProvisioner(LocalProvisioner):  # type: ignore[misc]
    """A local provisioner whose Python kernels are forked from the zygote."""

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> KernelConnectionInfo:
        """Fork the kernel from the zygote; start it the usual way if it cannot."""
        zygote = _zygote
        if zygote is None or not _is_ipykernel(cmd):
            return await super().launch_kernel(cmd, **kwargs)
        env = {str(k): str(v) for k, v in (kwargs.get("env") or os.environ).items()}
        cwd = kwargs.get("cwd")
        try:
            pid = zygote.fork(cmd[3:], env, str(cwd) if cwd else None)
        except (OSError, ValueError) as error:
            self.log.info("kernel started without its parent process (%s)", error)
            return await super().launch_kernel(cmd, **kwargs)
        self.process = ForkedKernel(pid)
        self.pid = self.pgid = pid  # the zygote answers once the kernel has its own session
        self.cwd = cwd or Path.cwd()
        return self.connection_info
