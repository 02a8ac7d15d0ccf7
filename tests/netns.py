"""A phone on the workshop's Wi-Fi, for tests: a network namespace of our own, reached by a veth.

The test's server listens on all addresses of this machine; the "phone" is a network
namespace made for the test, linked to this one by a veth pair with two addresses of a /30 in
10.199.0.0/16. Its traffic goes only between the two ends of that pair, both made by the test
and removed after it. Code runs "on the phone" in a thread that entered the namespace
(``setns`` changes the calling thread only): the sockets it opens belong to the phone, so the
server sees a peer that is not a loopback address, as it would see a real phone.

It needs root (``ip netns``), as CI and ``make test`` run.
"""

from __future__ import annotations

import ctypes
import os
import subprocess
import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")
CLONE_NEWNET = 0x40000000


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True)


class Phone:
    """A network namespace linked to this machine: ``address`` is the phone's own."""

    def __init__(self) -> None:
        n = os.getpid() % 250 + 1
        self.name = f"bas-phone-{os.getpid()}"
        self._host_if, self._phone_if = f"bash{os.getpid() % 100000}", f"basp{os.getpid() % 100000}"
        #: The address of this machine as the phone reaches it, and the phone's own.
        self.server_address, self.address = f"10.199.{n}.1", f"10.199.{n}.2"

    def __enter__(self) -> Phone:
        if os.geteuid() != 0:
            raise RuntimeError("the phone's network namespace needs root (make test runs as root)")
        self.__exit__()
        _ip("netns", "add", self.name)
        _ip("link", "add", self._host_if, "type", "veth", "peer", "name", self._phone_if)
        _ip("link", "set", self._phone_if, "netns", self.name)
        _ip("addr", "add", f"{self.server_address}/30", "dev", self._host_if)
        _ip("link", "set", self._host_if, "up")
        _ip("-n", self.name, "addr", "add", f"{self.address}/30", "dev", self._phone_if)
        _ip("-n", self.name, "link", "set", self._phone_if, "up")
        _ip("-n", self.name, "link", "set", "lo", "up")
        return self

    def __exit__(self, *exc: Any) -> None:
        subprocess.run(["ip", "netns", "del", self.name], capture_output=True)
        subprocess.run(["ip", "link", "del", self._host_if], capture_output=True)

    def run(self, fn: Callable[[], T], timeout: float = 180) -> T:
        """Run ``fn`` on the phone (in a thread inside its namespace); return what it returns."""
        result: dict[str, Any] = {}

        def body() -> None:
            libc = ctypes.CDLL(None, use_errno=True)
            fd = os.open(f"/run/netns/{self.name}", os.O_RDONLY)
            try:
                if libc.setns(fd, CLONE_NEWNET) != 0:
                    raise OSError(ctypes.get_errno(), "setns failed")
            finally:
                os.close(fd)
            try:
                result["value"] = fn()
            except BaseException as error:  # handed to the caller's thread
                result["error"] = error

        thread = threading.Thread(target=body, daemon=True)
        thread.start()
        thread.join(timeout)
        if thread.is_alive():
            raise TimeoutError("the phone did not answer in time")
        if "error" in result:
            raise result["error"]
        return result["value"]
