"""A small client of Voilà's own protocol, as a browser's page speaks it: for attack and load tests.

It asks for a page over HTTP, reads the kernel id from the page's configuration, opens the
kernel's websocket, reads the widgets' state and sends the custom messages the project's ES
modules send (``{"action": …}``).

Two ways to speak on the websocket:

- the legacy one (JSON text frames), the default: what the attack tests write by hand;
- :data:`V1`, the binary subprotocol JupyterLab's services (and so Voilà's page) ask for, with
  the page's own way to read the widgets: ``kernel_info_request``, then one
  ``request_states`` on a ``jupyter.widget.control`` comm, falling back to
  ``comm_info_request`` and one ``request_state`` per widget when that comm does not answer
  within 4 s (``widgets-manager8``'s ``_loadFromKernel``).
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
#: The kernel websocket's binary subprotocol (jupyter_server's ``serialize_msg_to_ws_v1``).
V1 = "v1.kernel.websocket.jupyter.org"
#: How long the page's widget manager waits for the control comm before asking each widget.
CONTROL_TIMEOUT = 4.0


def page(base_url: str, path: str, headers: Mapping[str, str] | None = None,
         timeout: float = 120) -> tuple[requests.Response, str | None]:
    """Ask for a page; return the response and the kernel id its page configuration names."""
    session = requests.Session()
    response = session.get(base_url + path, headers=dict(headers or {}), timeout=timeout)
    match = _CONFIG.search(response.text)
    kernel_id = json.loads(match.group(1)).get("kernelId") if match else None
    response.session = session  # type: ignore[attr-defined]
    return response, kernel_id


def encode_v1(channel: str, parts: list[bytes]) -> bytes:
    """Return a v1 frame: offsets (little-endian uint64), the channel, then the parts."""
    name = channel.encode("utf-8")
    offsets = [8 * (1 + 1 + len(parts) + 1)]
    offsets.append(offsets[-1] + len(name))
    for part in parts:
        offsets.append(offsets[-1] + len(part))
    head = len(offsets).to_bytes(8, "little") + b"".join(o.to_bytes(8, "little") for o in offsets)
    return head + name + b"".join(parts)


def decode_v1(frame: bytes) -> dict[str, Any]:
    """Return the message of a v1 frame, shaped as the legacy JSON one (``msg_type`` on top)."""
    count = int.from_bytes(frame[:8], "little")
    offsets = [int.from_bytes(frame[8 * (i + 1): 8 * (i + 2)], "little") for i in range(count)]
    channel = frame[offsets[0]:offsets[1]].decode("utf-8")
    parts = [frame[offsets[i]:offsets[i + 1]] for i in range(1, count - 1)]
    parts.append(frame[offsets[-1]:])
    header, parent, metadata, content = (json.loads(p) for p in parts[:4])
    return {"header": header, "parent_header": parent, "metadata": metadata, "content": content,
            "channel": channel, "msg_type": header.get("msg_type"), "msg_id": header.get("msg_id"),
            "buffers": [p for p in parts[4:] if p]}


def describe_sent(msg_type: str, content: dict[str, Any]) -> str:
    """Name a message sent: ``comm_open jupyter.widget.control``, ``comm_msg custom join``…"""
    data = content.get("data") if isinstance(content.get("data"), dict) else {}
    inner = data.get("content") if isinstance(data.get("content"), dict) else {}
    words = [msg_type, str(content.get("target_name") or data.get("method") or ""),
             str(inner.get("action") or "")]
    return " ".join(w for w in words if w)


class KernelChannel:
    """The websocket of one kernel, speaking Jupyter's messages.

    Parameters
    ----------
    base_url : str
        ``http://host:port`` of the server.
    kernel_id : str
    headers : mapping, optional
        Extra headers of the websocket's HTTP request.
    timeout : float
        Default seconds to wait for a message.
    protocol : str
        ``""`` (legacy JSON frames) or :data:`V1` (binary frames, as a browser).

    Attributes
    ----------
    received : list of dict
        Every message received, in order; each gets ``received_at`` (``time.monotonic()``).
    sent : list of str
        What was sent, in order: the message type, with a comm message's method and a custom
        message's action (``comm_msg custom device``).
    """

    def __init__(self, base_url: str, kernel_id: str, headers: Mapping[str, str] | None = None,
                 timeout: float = 30, protocol: str = "") -> None:
        ws_url = base_url.replace("http://", "ws://", 1)
        self.session = uuid.uuid4().hex
        self.ws = websocket.create_connection(
            f"{ws_url}/api/kernels/{kernel_id}/channels?session_id={self.session}",
            header=[f"{k}: {v}" for k, v in (headers or {}).items()],
            timeout=timeout,
            **({"subprotocols": [protocol]} if protocol else {}),
        )
        self.binary = bool(protocol) and self.ws.getsubprotocol() == V1
        self.timeout = timeout
        self.received: list[dict[str, Any]] = []
        self.sent: list[str] = []

    def close(self) -> None:
        """Close the websocket."""
        self.ws.close()

    def send(self, msg_type: str, content: dict[str, Any], channel: str = "shell",
             metadata: dict[str, Any] | None = None) -> str:
        """Send a message; return its id."""
        msg_id = uuid.uuid4().hex
        self.sent.append(describe_sent(msg_type, content))
        header = {"msg_id": msg_id, "msg_type": msg_type, "session": self.session,
                  "username": "", "version": "5.3", "date": ""}
        if self.binary:
            parts = [json.dumps(p).encode("utf-8") for p in (header, {}, metadata or {}, content)]
            self.ws.send_binary(encode_v1(channel, parts))
        else:
            self.ws.send(json.dumps({"header": header, "parent_header": {},
                                     "metadata": metadata or {},
                                     "content": content, "channel": channel, "buffers": []}))
        return msg_id

    def receive(self, until: Any, timeout: float | None = None) -> dict[str, Any] | None:
        """Read messages until one satisfies ``until(msg)``; return it, or None at the timeout."""
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        for msg in self.received:
            if until(msg):
                return msg
        while time.monotonic() < deadline:
            self.ws.settimeout(max(0.05, deadline - time.monotonic()))
            try:
                raw = self.ws.recv()
            except websocket.WebSocketTimeoutException:
                return None
            if raw == "" or raw == b"":  # websocket-client's answer to the server's close frame
                raise websocket.WebSocketConnectionClosedException("closed by the server")
            if isinstance(raw, str):
                msg = json.loads(raw)
            elif self.binary:
                msg = decode_v1(raw)
            else:
                continue  # a legacy message with buffers: not needed here
            msg["received_at"] = time.monotonic()
            self.received.append(msg)
            if until(msg):
                return msg
        return None

    def reply(self, msg_id: str, timeout: float | None = None) -> dict[str, Any] | None:
        """Return the reply to the message ``msg_id``."""
        return self.receive(
            lambda m: m.get("parent_header", {}).get("msg_id") == msg_id
            and m.get("msg_type", "").endswith("_reply"), timeout)

    def handled(self, msg_id: str, timeout: float | None = None) -> dict[str, Any] | None:
        """Wait until the kernel is done with the message ``msg_id`` (its ``idle`` status)."""
        return self.receive(
            lambda m: m.get("msg_type") == "status"
            and m.get("parent_header", {}).get("msg_id") == msg_id
            and m["content"].get("execution_state") == "idle", timeout)

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

    def states(self) -> dict[str, dict[str, Any]]:
        """Return every widget's state by comm id, the way Voilà's page reads them.

        ``kernel_info_request`` first, as JupyterLab's services do on connecting; then
        ``request_states`` on a control comm, closed afterwards; without its answer within
        :data:`CONTROL_TIMEOUT`, ``comm_info_request`` and one ``request_state`` per widget.
        """
        assert self.reply(self.send("kernel_info_request", {})) is not None, "no kernel_info"
        control = uuid.uuid4().hex
        self.send("comm_open", {"comm_id": control, "target_name": "jupyter.widget.control",
                                "data": {}}, metadata={"version": "1.0.0"})
        sent = self.send("comm_msg", {"comm_id": control, "data": {"method": "request_states"}})
        answer = self.receive(lambda m: m.get("msg_type") == "comm_msg"
                              and m.get("parent_header", {}).get("msg_id") == sent
                              and m["content"]["data"].get("method") == "update_states",
                              CONTROL_TIMEOUT)
        self.send("comm_close", {"comm_id": control, "data": {}})
        if answer is None:
            return {comm_id: self.state(comm_id) for comm_id in self.widget_comms()}
        return {comm_id: dict(s.get("state", {}))
                for comm_id, s in answer["content"]["data"]["states"].items()}

    def find(self, predicate: Any) -> tuple[str, dict[str, Any]] | None:
        """Return the first widget whose state satisfies ``predicate``, with its comm id."""
        for comm_id in self.widget_comms():
            state = self.state(comm_id)
            if predicate(state):
                return comm_id, state
        return None

    def custom(self, comm_id: str, content: dict[str, Any]) -> str:
        """Send a widget's custom message (what ``model.send`` does); return the message's id."""
        return self.send("comm_msg", {"comm_id": comm_id,
                                      "data": {"method": "custom", "content": content}})

    def updates(self, comm_id: str, key: str, timeout: float = 10) -> Any:
        """Wait for an update of ``key`` on a widget; return its new value (or None)."""
        msg = self.receive(lambda m: m.get("msg_type") == "comm_msg"
                           and m["content"].get("comm_id") == comm_id
                           and m["content"]["data"].get("method") == "update"
                           and key in m["content"]["data"].get("state", {}), timeout)
        return None if msg is None else msg["content"]["data"]["state"][key]
