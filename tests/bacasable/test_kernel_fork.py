"""Kernels forked from the zygote: they run, are signalled, end, and fall back when it is gone."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time

import psutil
import pytest
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning.factory import KernelProvisionerFactory
from traitlets.config import Config

from bacasable.server import kernel_fork
from bacasable.server.kernel_fork import PROVISIONER_NAME, ForkedKernel, start_zygote

TIMEOUT = 60


@pytest.fixture
def zygote():
    started = start_zygote(["ipykernel.kernelapp", "ipykernel.ipkernel", "ipywidgets"])
    assert started.ready(TIMEOUT)
    yield started
    started.close()
    kernel_fork._zygote = None
    KernelProvisionerFactory.clear_instance()


def manager() -> AsyncKernelManager:
    config = Config()
    config.KernelProvisionerFactory.default_provisioner_name = PROVISIONER_NAME
    KernelProvisionerFactory.clear_instance()  # a singleton, made with this config
    KernelProvisionerFactory.instance(config=config)
    return AsyncKernelManager(kernel_name="python3")


async def run(km: AsyncKernelManager, code: str) -> dict:
    client = km.client()
    client.start_channels()
    try:
        await client.wait_for_ready(timeout=TIMEOUT)
        return await client.execute_interactive(code, timeout=TIMEOUT, store_history=False,
                                                user_expressions={"out": "out"})
    finally:
        client.stop_channels()


def value(reply: dict) -> str:
    return reply["content"]["user_expressions"]["out"]["data"]["text/plain"]


def test_a_kernel_is_forked_from_the_zygote_and_looks_like_one(zygote):
    async def go():
        km = manager()
        await km.start_kernel()
        try:
            pid = km.provisioner.pid
            kernel = psutil.Process(pid)
            assert kernel.ppid() == zygote.process.pid  # forked, not started by this process
            assert "ipykernel_launcher -f" in " ".join(kernel.cmdline())  # its process title
            assert os.getpgid(pid) == pid  # its own group: a signal to it never hits the zygote
            reply = await run(km, "import os, ipykernel.kernelapp as k; "
                                  "out = (os.getpid(), k.IPKernelApp.instance().parent_handle)")
            assert value(reply) == f"({pid}, {zygote.process.pid})"  # ends with its parent
            # ipywidgets, imported before any kernel ran, registered its comm targets now: a
            # page's request_states (on jupyter.widget.control) gets its answer.
            reply = await run(km, "import ipywidgets, comm; "
                                  "out = sorted(comm.get_comm_manager().targets)")
            assert value(reply) == "['jupyter.widget', 'jupyter.widget.control']"
        finally:
            await km.shutdown_kernel(now=False)
        assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
        assert zygote.alive
    asyncio.run(go())


def test_interrupt_restart_and_a_killed_kernel(zygote):
    async def go():
        km = manager()
        await km.start_kernel()
        try:
            client = km.client()
            client.start_channels()
            await client.wait_for_ready(timeout=TIMEOUT)
            msg_id = client.execute("import time; time.sleep(30)")
            await asyncio.sleep(1)
            await km.interrupt_kernel()  # SIGINT to its process group
            reply = await client.get_shell_msg(timeout=TIMEOUT)
            assert reply["parent_header"]["msg_id"] == msg_id
            assert reply["content"]["ename"] == "KeyboardInterrupt"
            client.stop_channels()

            first = km.provisioner.pid
            await km.restart_kernel(now=True)
            assert km.provisioner.pid != first
            assert psutil.Process(km.provisioner.pid).ppid() == zygote.process.pid
            os.kill(km.provisioner.pid, signal.SIGKILL)  # a kernel that dies is seen dead
            deadline = time.monotonic() + 10
            while await km.is_alive() and time.monotonic() < deadline:
                await asyncio.sleep(0.1)
            assert not await km.is_alive()
        finally:
            await km.shutdown_kernel(now=True)
    asyncio.run(go())


def test_kernels_end_with_the_zygote_and_then_start_the_usual_way(zygote):
    async def go():
        km = manager()
        await km.start_kernel()
        forked = psutil.Process(km.provisioner.pid)
        zygote.close()  # as when the server process ends
        forked.wait(15)  # the kernel's parent poller saw its parent go
        assert not await km.is_alive()
        await km.shutdown_kernel(now=True)

        km = manager()
        await km.start_kernel()  # the zygote is gone: started by this process instead
        try:
            assert psutil.Process(km.provisioner.pid).ppid() == os.getpid()
            assert value(await run(km, "out = 6 * 7")) == "42"
        finally:
            await km.shutdown_kernel(now=True)
    asyncio.run(go())


def test_a_reused_pid_is_not_taken_for_the_kernel():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        kernel = ForkedKernel(child.pid)
        assert kernel.poll() is None
        kernel._started = "1"  # another process's start time under the same pid
        assert kernel.poll() == 0
        kernel.send_signal(signal.SIGTERM)  # nothing sent: not ours
        assert child.poll() is None
    finally:
        child.kill()
        child.wait()
    kernel = ForkedKernel(child.pid)  # already ended
    assert kernel.poll() == 0 and kernel.wait(1) == 0


def test_kernels_asked_for_while_it_imports_start_the_usual_way():
    started = start_zygote(["ipykernel.kernelapp", "ipykernel.ipkernel", "ipywidgets"])
    try:
        # Just started: still importing. The server's loop is not kept waiting for it.
        with pytest.raises(OSError, match="still importing"):
            started.fork(["-f", "unused.json"], dict(os.environ), None)
        assert started.ready(TIMEOUT) and started.alive
    finally:
        started.close()
        kernel_fork._zygote = None
    assert not started.alive
    with pytest.raises(OSError, match="ended"):
        started.fork(["-f", "unused.json"], dict(os.environ), None)
