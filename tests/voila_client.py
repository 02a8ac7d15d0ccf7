"""A small client of Voilà's own protocol, as a browser's page speaks it: for attack and load tests.

It asks for a page over HTTP, reads the kernel id from the page's configuration, opens the
kernel's websocket, lists the widgets' comms, reads their state and sends the custom messages
the project's ES modules send (``{"action": …}``).
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Mapping
from typing import Any

import requests
import websocket  # websocket-client, a dependency of jupyter_server

_CONFIG = re.compile(
    r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', re.S
)


def page(base_url: str, path: str, headers: Mapping[str, str] | None = None,
         timeout: float = 120) -> tuple[requests.Response, str | None]:
    """Ask for a page; return the response and the kernel id its page configuration names."""
    session = requests.Session()
    response = session.get(base_url + path, headers=dict(headers or {}), timeout=timeout)
    match = _CONFIG.search(response.text)
    kernel_id = json.loads(match.group(1)).get("kernelId") if match else None
    response.session = session  # type: ignore[attr-defined]
    return response, kernel_id


class KernelChannel:
    """The websocket of one kernel, speaking Jupyter's JSON messages."""

    def __init__(self, base_url: str, kernel_id: str, headers: Mapping[str, str] | None = None,
                 timeout: float = 30) -> None:
        ws_url = base_url.replace("http://", "ws://", 1)
        self.session = uuid.uuid4().hex
        self.ws = websocket.create_connection(
            f"{ws_url}/api/kernels/{kernel_id}/channels?session_id={self.session}",
            header=[f"{k}: {v}" for k, v in (headers or {}).items()],
            timeout=timeout,
        )
        self.timeout = timeout
        #: Every message received, in order.
        self.received: list[dict[str, Any]] = []

    def close(self) -> None:
        """Close the websocket."""
        self.ws.close()

    def send(self, msg_type: str, content: dict[str, Any], channel: str = "shell") -> str:
        """Send a message; return its id."""
        msg_id = uuid.uuid4().hex
        self.ws.send(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": msg_type, "session": self.session,
                       "username": "", "version": "5.3", "date": ""},
            "parent_header": {}, "metadata": {}, "content": content, "channel": channel,
            "buffers": [],
        }))
        return msg_id

    def receive(self, until: Any, timeout: float | None = None) -> dict[str, Any] | None:
        """Read messages until one satisfies ``until(msg)``; return it, or None at the timeout."""
        deadline = time.monotonic() + (timeout or self.timeout)
        for msg in self.received:
            if until(msg):
                return msg
        while time.monotonic() < deadline:
            self.ws.settimeout(max(0.05, deadline - time.monotonic()))
            try:
                raw = self.ws.recv()
            except websocket.WebSocketTimeoutException:
                return None
            if not isinstance(raw, str):
                continue  # a binary frame: a message with buffers, not needed here
            msg = json.loads(raw)
            self.received.append(msg)
            if until(msg):
                return msg
        return None

    def reply(self, msg_id: str, timeout: float | None = None) -> dict[str, Any] | None:
        """Return the reply to the message ``msg_id``."""
        return self.receive(
            lambda m: m.get("parent_header", {}).get("msg_id") == msg_id
            and m.get("msg_type", "").endswith("_reply"), timeout)

    def widget_comms(self) -> list[str]:
        """Return the ids of the kernel's widget comms (``comm_info_request``)."""
        reply = self.reply(self.send("comm_info_request", {"target_name": "jupyter.widget"}))
        assert reply is not None, "no comm_info_reply"
        return list(reply["content"].get("comms", {}))

    def state(self, comm_id: str) -> dict[str, Any]:
        """Return a widget's state, as ``request_state`` gives it."""
        self.send("comm_msg", {"comm_id": comm_id, "data": {"method": "request_state"}})
        msg = self.receive(lambda m: m.get("msg_type") == "comm_msg"
                           and m["content"].get("comm_id") == comm_id
                           and m["content"]["data"].get("method") == "update")
        assert msg is not None, f"no state for {comm_id}"
        return msg["content"]["data"]["state"]

    def find(self, predicate: Any) -> tuple[str, dict[str, Any]] | None:
        """Return the first widget whose state satisfies ``predicate``, with its comm id."""
        for comm_id in self.widget_comms():
            state = self.state(comm_id)
            if predicate(state):
                return comm_id, state
        return None

    def custom(self, comm_id: str, content: dict[str, Any]) -> None:
        """Send a widget's custom message (what ``model.send`` does in the ES modules)."""
        self.send("comm_msg", {"comm_id": comm_id,
                               "data": {"method": "custom", "content": content}})

    def updates(self, comm_id: str, key: str, timeout: float = 10) -> Any:
        """Wait for an update of ``key`` on a widget; return its new value (or None)."""
        msg = self.receive(lambda m: m.get("msg_type") == "comm_msg"
                           and m["content"].get("comm_id") == comm_id
                           and m["content"]["data"].get("method") == "update"
                           and key in m["content"]["data"].get("state", {}), timeout)
        return None if msg is None else msg["content"]["data"]["state"][key]
