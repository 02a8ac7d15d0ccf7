"""The network's recipe (deploy/jupyterhub/) end to end: a hub, two facilitators, a learner.

The hub starts on loopback with the recipe's own config file, its databases on the test's own
PostgreSQL server. Marie logs in with the hub's form and gets her server; everything then goes
through the hub's proxy, as from a browser:

- her console needs her hub login (none: the hub's login page; Paul's: refused), and its kernel
  answers no websocket without it;
- with it, the console's kernel is told "this laptop": it offers to choose *her* PIN, then she
  opens a workshop, whose QR code gives the learners' address through the hub;
- a learner with no account opens that address, and their kernel joins the workshop;
- the store holds the workshop with owner ``marie``; Paul's console has a PIN of its own to
  choose and does not list Marie's workshop; the network's account (``BACASABLE_HUB_NETWORK``)
  lists it.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Iterator

import pytest
import requests
import websocket
from hub_support import CONSOLE, LEARNER, PROXY, Hub, cookie_header, kernel_id
from postgres_server import running_server
from voila_client import KernelChannel

from bacasable.store import Store
from bacasable.workshop.form import THEMES

PIN = "4827"
SCENARIO = "france-travail-inscription"


@pytest.fixture(scope="module")
def hub(tmp_path_factory) -> Iterator[Hub]:
    assert PROXY.exists(), "configurable-http-proxy manque : lancez « npm ci » (make test le fait)."
    with running_server() as postgres:
        postgres.execute("CREATE DATABASE jupyterhub")
        postgres.execute("CREATE DATABASE ateliers")
        hub = Hub(tmp_path_factory.mktemp("hub"), postgres.url("jupyterhub"),
                  postgres.url("ateliers"), ["marie", "paul", "reseau"], network=["reseau"])
        try:
            yield hub.start()
        finally:
            hub.stop()


def _console(hub: Hub, session: requests.Session, user: str) -> tuple[KernelChannel, str]:
    """Open ``user``'s console logged in, choose its PIN; return its kernel's channel and id."""
    page = session.get(f"{hub.url}/user/{user}/{CONSOLE}", timeout=120)
    assert page.status_code == 200 and page.url.endswith(CONSOLE), page.url
    kernel = kernel_id(page)
    channel = KernelChannel(f"{hub.url}/user/{user}", kernel, cookie_header(session))
    found = channel.find(lambda state: "mode" in state and "attempt" in state)
    assert found is not None, "no PIN gate on the console"
    gate, state = found
    # Told "this laptop" (the hub's login): a PIN may be chosen here, and none is set for them.
    assert state["mode"] == "create", state
    channel.received.clear()
    channel.custom(gate, {"action": "create", "pin": PIN, "confirm": PIN})
    assert channel.receive(lambda m: m.get("msg_type") == "comm_open", timeout=60), hub.logs()
    return channel, kernel


def _panel(channel: KernelChannel, timeout: float = 60) -> tuple[str, dict]:
    """Return the console panel's comm and state, once the opened console has made it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        channel.received.clear()  # earlier updates hold only the traits that changed
        for comm_id, state in channel.states().items():
            if "stage" in state and "workshops" in state:
                return comm_id, state
        time.sleep(0.5)
    raise AssertionError("no console panel after the PIN")


def test_facilitators_learners_and_the_store_through_the_hub(hub: Hub):
    marie = hub.login("marie")
    hub.spawn(marie, "marie")
    console_url = f"{hub.url}/user/marie/{CONSOLE}"

    # --- the console needs Marie's login -------------------------------------------------
    anonymous = requests.get(console_url, timeout=60)
    assert anonymous.url.startswith(f"{hub.url}/hub/login"), anonymous.url
    assert kernel_id(anonymous) is None
    paul = hub.login("paul")
    refused = paul.get(console_url, timeout=60)
    assert refused.status_code == 403 and kernel_id(refused) is None

    channel, console_kernel = _console(hub, marie, "marie")
    # Its kernel, whose id a visitor learnt: no websocket, no API, without the login.
    with pytest.raises(websocket.WebSocketBadStatusException) as no_socket:
        KernelChannel(f"{hub.url}/user/marie", console_kernel)
    assert no_socket.value.status_code == 403
    kernel_api = f"{hub.url}/user/marie/api/kernels/{console_kernel}"
    assert requests.get(kernel_api, timeout=30).status_code == 403
    assert marie.get(kernel_api, timeout=30).status_code == 200

    # --- Marie opens a workshop: the QR code gives the hub's public address ---------------
    panel, _state = _panel(channel)
    channel.received.clear()
    channel.custom(panel, {
        "action": "start", "title": "Atelier emploi", "place": "Médiathèque",
        "date": dt.date.today().isoformat(), "scenarios": [SCENARIO], "themes": [THEMES[0]],
        "level": "debutant", "duration": 120, "equipment": [], "expected": ""})
    join = channel.updates(panel, "join", timeout=60)
    assert join, hub.logs()
    learner_url, code = join["url"].split("?code=")
    assert learner_url == f"{hub.url}/user/marie/{LEARNER}"
    assert join["warning"] == "" and "<svg" in join["qr"]
    channel.close()

    # --- a learner, with no account, joins through the proxy ------------------------------
    page = requests.get(join["url"], timeout=120)
    assert page.status_code == 200 and page.url == join["url"]
    learner = KernelChannel(f"{hub.url}/user/marie", kernel_id(page))
    try:
        form, state = learner.find(lambda s: "joined" in s and "code_locked" in s)
        assert state["joined"] is False
        learner.received.clear()
        learner.custom(form, {"action": "device", "device": uuid.uuid4().hex})
        learner.custom(form, {"action": "join", "code": code, "pseudonym": "Tournesol"})
        joined = learner.receive(
            lambda m: m.get("msg_type") == "comm_msg" and m["content"].get("comm_id") == form
            and m["content"]["data"].get("state", {}).get("joined") is True, timeout=60)
        assert joined is not None, hub.logs()
    finally:
        learner.close()

    # --- the shared store knows whose workshop it is ---------------------------------------
    with Store(hub.store_db) as everyone:
        [workshop] = everyone.list_workshops()
    assert workshop["owner"] == "marie" and workshop["join_code"] == code
    assert workshop["participant_count"] == 1
    with Store(hub.store_db, owner="paul") as pauls:
        assert pauls.list_workshops() == []
        assert pauls.workshop_by_code(code)["id"] == workshop["id"]  # a learner's way in

    # --- Paul: his own server, his own PIN, his own (empty) list ---------------------------
    hub.spawn(paul, "paul")
    channel, _kernel = _console(hub, paul, "paul")
    try:
        _panel_id, state = _panel(channel)
        assert state["workshops"] == []
    finally:
        channel.close()

    # --- the network's account sees every facilitator's workshops --------------------------
    network = hub.login("reseau")
    hub.spawn(network, "reseau")
    channel, _kernel = _console(hub, network, "reseau")
    try:
        _panel_id, state = _panel(channel)
        assert [row["code"] for row in state["workshops"]] == [code]
    finally:
        channel.close()
