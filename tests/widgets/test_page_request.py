"""The page request a preheated kernel waits for: Voilà's protocol, received cheaply."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import threading

import pytest
from tornado import web, websocket

from widgets.learner.page_request import request_url, wait_for_page_request


def test_request_url_follows_voilas_rule():
    env = {"VOILA_APP_IP": "127.0.0.1", "VOILA_APP_PORT": "9000", "VOILA_SERVER_URL": "/base/",
           "VOILA_KERNEL_ID": "k1"}
    assert request_url(env) == "ws://127.0.0.1:9000/base/voila/query/k1"
    env["VOILA_WS_BASE_URL"] = "/ws/"
    env["VOILA_WS_PROTOCOL"] = "wss"
    assert request_url(env) == "wss://127.0.0.1:9000/ws/voila/query/k1"


class _Server:
    """A Tornado server in a thread that answers /voila/query/<id> as Voilà does."""

    def __init__(self, payload: dict[str, str] | None) -> None:
        self.payload = payload
        self.asked: list[str] = []
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        assert self.ready.wait(10)

    def _run(self) -> None:
        server = self

        class Query(websocket.WebSocketHandler):
            def open(self, kernel_id: str) -> None:
                server.asked.append(kernel_id)
                if server.payload is not None:
                    self.write_message(json.dumps(server.payload))

        async def main() -> None:
            app = web.Application([(r"/voila/query/(\w+)", Query)])
            app.listen(self.port, "127.0.0.1")
            self.ready.set()
            await asyncio.Event().wait()

        asyncio.run(main())


def test_a_preheated_kernel_receives_its_page_query(monkeypatch):
    server = _Server({"QUERY_STRING": "code=ABC234", "SCRIPT_NAME": "/voila/render/atelier.ipynb"})
    monkeypatch.delenv("QUERY_STRING", raising=False)
    monkeypatch.setenv("VOILA_KERNEL_ID", "k42")
    monkeypatch.setenv("VOILA_APP_PORT", str(server.port))
    monkeypatch.setenv("VOILA_SERVER_URL", "/")
    variables = wait_for_page_request()
    assert variables["QUERY_STRING"] == "code=ABC234"
    assert os.environ["QUERY_STRING"] == "code=ABC234"  # as Voilà's helper leaves it
    assert server.asked == ["k42"]


def test_no_server_means_no_query_and_no_crash(monkeypatch):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens there once closed
    assert wait_for_page_request(f"ws://127.0.0.1:{port}/voila/query/k") == {}


@pytest.mark.parametrize("module", ["voila", "jupyter_server", "websockets", "tornado.web"])
def test_waiting_imports_nothing_heavy(module):
    # In a fresh interpreter, as in a kernel: receiving the request needs websocket-client only.
    import subprocess
    import sys

    code = ("import sys, widgets.learner.page_request as m; "
            "m.wait_for_page_request('ws://127.0.0.1:1/voila/query/k'); "
            f"print({module!r} in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=60)
    assert done.stdout.strip().splitlines()[-1] == "False"
