"""Attacks on the workbook server from the Wi-Fi, through Voilà's own protocol.

A real server (``bacasable serve`` as a workshop runs it, listening on every address) serves the
project's notebooks. "The laptop" is this machine's loopback; "the phone" is a network namespace
of the test's own (:mod:`netns`), so the server sees a peer that is not a loopback address.
Every test here failed on the code before the fix it names.
"""

from __future__ import annotations

import contextlib
import json
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psutil
import pytest
import requests
import websocket
from netns import Phone
from voila_client import KernelChannel, page

from bacasable.common.config import BacasableConfig
from bacasable.server.serve import start_server
from bacasable.store import Store
from bacasable.workshop import pin
from bacasable.workshop.network import wait_until_listening

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
CONSOLE = "/voila/render/animateur.ipynb"
LEARNER = "/voila/render/atelier.ipynb"
PIN = "4827"
FRENCH_TITLES = ("Cette page n'existe pas.", "Cette adresse ne s'ouvre pas ainsi.",
                 "La page n'a pas pu s'ouvrir.")


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Workbook:
    def __init__(self, data: Path, log: Path) -> None:
        data.mkdir(parents=True, exist_ok=True)
        self.db_url = f"sqlite:///{data / 'bacasable.sqlite'}"
        self.config = BacasableConfig(ip="0.0.0.0", data_dir=str(data), scenario_dirs=[],
                                      db_url=self.db_url, preheat_kernels=1)
        self.port = _free_port()
        self.log = log
        with log.open("w", encoding="utf-8") as out:
            self.process = start_server(self.config, NOTEBOOKS, self.port, stdout=out,
                                        stderr=subprocess.STDOUT)
        self.laptop = f"http://127.0.0.1:{self.port}"

    def store(self) -> Store:
        return Store(self.db_url)

    def stop(self) -> None:
        kernels = []
        with contextlib.suppress(psutil.Error):
            kernels = psutil.Process(self.process.pid).children(recursive=True)
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        for kernel in psutil.wait_procs(kernels, timeout=10)[1]:
            kernel.kill()


@pytest.fixture(scope="module")
def phone():
    with Phone() as p:
        yield p


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    folder = tmp_path_factory.mktemp("attacks")
    wb = Workbook(folder / "data", folder / "server.log")
    try:
        assert wait_until_listening(wb.port, timeout=60), wb.log.read_text()
        yield wb
    finally:
        wb.stop()


def _gate(base: str, headers: dict[str, str] | None = None) -> tuple[KernelChannel, str, dict]:
    response, kernel_id = page(base, CONSOLE, headers)
    assert response.status_code == 200 and kernel_id, response.text[:500]
    channel = KernelChannel(base, kernel_id)
    found = channel.find(lambda state: "mode" in state and "attempt" in state)
    assert found is not None, "no PIN gate on the console page"
    channel.gate_state = dict(found[1])
    return channel, found[0], found[1]


def _answer(channel: KernelChannel, gate: str, content: dict) -> dict:
    """Send the gate an action; return its next answer (error, status, mode…)."""
    channel.received.clear()
    channel.custom(gate, content)
    msg = channel.receive(lambda m: m.get("msg_type") == "comm_open"
                          or (m.get("msg_type") == "comm_msg"
                              and m["content"].get("comm_id") == gate
                              and "attempt" in m["content"]["data"].get("state", {})),
                          timeout=30)
    assert msg is not None, "the gate did not answer"
    if msg["msg_type"] == "comm_open":
        return {"opened": True}
    # Only the traits that changed come in update messages: merge them into the known state.
    state = channel.gate_state
    for m in channel.received:
        if (m.get("msg_type") == "comm_msg" and m["content"].get("comm_id") == gate
                and m["content"]["data"].get("method") == "update"):
            state.update(m["content"]["data"]["state"])
    return dict(state)


def _opened(channel: KernelChannel) -> bool:
    """Whether the page's widgets arrived after the gate (a console panel's comm opened)."""
    return channel.receive(lambda m: m.get("msg_type") == "comm_open", timeout=10) is not None


# --- "this laptop" is the connection's peer, not a header ------------------------------------


def test_a_phone_with_a_forged_host_cannot_choose_the_first_pin(workbook, phone):
    forged = {"Host": f"localhost:{workbook.port}", "X-Forwarded-For": "127.0.0.1",
              "X-Real-Ip": "127.0.0.1", "Forwarded": "for=127.0.0.1"}
    base = f"http://{phone.server_address}:{workbook.port}"

    def attack() -> tuple[str, dict]:
        channel, gate, state = _gate(base, forged)
        try:
            answer = _answer(channel, gate, {"action": "create", "pin": PIN, "confirm": PIN})
            return state["mode"], answer
        finally:
            channel.close()

    mode, answer = phone.run(attack)
    assert mode == "elsewhere"
    assert not answer.get("opened")
    with workbook.store() as store:
        assert not pin.has_pin(store)


def test_the_laptop_chooses_the_first_pin_whatever_host_it_names(workbook):
    channel, gate, state = _gate(workbook.laptop, {"Host": f"192.168.1.50:{workbook.port}"})
    try:
        assert state["mode"] == "create"
        assert _answer(channel, gate, {"action": "create", "pin": PIN, "confirm": PIN}) == {
            "opened": True}
    finally:
        channel.close()
    with workbook.store() as store:
        assert pin.has_pin(store)


# --- the PIN's lock is no weapon ---------------------------------------------------------------


def test_wrong_pins_from_the_wifi_never_lock_the_laptop_out(workbook, phone):
    with workbook.store() as store:
        if not pin.has_pin(store):
            pin.set_pin(store, PIN)
    base = f"http://{phone.server_address}:{workbook.port}"

    def hammer() -> list[str]:
        channel, gate, _ = _gate(base)
        try:
            return [_answer(channel, gate, {"action": "check", "pin": "0000"}).get("error", "")
                    for _ in range(pin.MAX_FAILURES + 2)]
        finally:
            channel.close()

    errors = phone.run(hammer)
    assert errors[-1].startswith("Trop d'essais."), errors
    channel, gate, _ = _gate(workbook.laptop)
    try:
        assert _answer(channel, gate, {"action": "check", "pin": PIN}) == {"opened": True}
    finally:
        channel.close()


# --- every address answers in French -----------------------------------------------------------


_ROUTES = """
import json, sys, warnings
from bacasable.common.config import BacasableConfig
from bacasable.server.serve import voila_argv
from bacasable.server.voila_app import voila_app_class
warnings.simplefilter("ignore")
app = voila_app_class()()
app.initialize(voila_argv(BacasableConfig(preheat_kernels=1), sys.argv[1], 1))
app.init_settings()
print(json.dumps([(p, h.__name__) for p, h, *_ in app.init_handlers()]))
"""


def _routes() -> list[tuple[str, str]]:
    """Every route the server registers: (pattern, handler class name).

    Read in a child process: Voilà's app, once initialised, leaves coroutines behind.
    """
    done = subprocess.run([sys.executable, "-c", _ROUTES, str(NOTEBOOKS)], capture_output=True,
                          text=True, check=True, timeout=120)
    return [tuple(route) for route in json.loads(done.stdout.strip().splitlines()[-1])]


SAMPLES = ["", "x", "bacasable/static/", "bacasable/index.html.j2", "bacasable/conf.json",
           "lab/static/x.css", "..%2F..%2Fetc%2Fpasswd", "bacasable/static/bacasable.css",
           "voila.js", "atelier.ipynb", "nope.ipynb"]


def _urls(pattern: str) -> list[str]:
    """Concrete paths for a route: each group filled with a few samples."""
    pattern = pattern.rstrip("$")
    kernel = re.compile(r"\(\?P<kernel_id>[^)]*\)")
    pattern = kernel.sub(str(uuid.uuid4()), pattern)
    if "(" not in pattern:
        return [pattern.replace("\\", "")]
    urls = []
    for sample in SAMPLES:
        url = re.sub(r"\((?:\?P<\w+>)?[^()]*\)", sample, pattern, count=1)
        urls.append(re.sub(r"\((?:\?P<\w+>)?[^()]*\)", "", url).replace("\\", ""))
    return urls


#: The reading-aloud route answers JSON with its own French sentences.
SPEECH_CODES = {"texte", "trop", "occupe", "indisponible", "methode"}


def _is_french(response: requests.Response) -> bool:
    if response.headers.get("Content-Type", "").startswith("application/json"):
        data = response.json()
        if data.get("code") in SPEECH_CODES:
            return data.get("message", "").endswith(".") and " " in data["message"] \
                and "Error" not in data["message"]
        return data.get("message") in FRENCH_TITLES
    return 'lang="fr"' in response.text and any(t in response.text for t in FRENCH_TITLES)


def test_every_route_answers_a_french_page_and_never_500(workbook):
    routes = _routes()
    names = {name for _, name in routes}
    # The routes of Voilà 0.5 and jupyter_server we know; a new one must be looked at.
    assert names <= {
        "RedirectHandler", "NotFoundHandler", "KernelHandler", "KernelChannelsHandler",
        "TemplateFileHandler", "MultiStaticFileHandler", "ThemesHandler",
        "VoilaShutdownKernelHandler", "PageRequestHandler", "FileFindHandler",
        "AllowListFileHandler", "NotebookPageHandler", "SpeechHandler",
    }, names
    assert "LogoutHandler" not in names and "LoginFormHandler" not in names
    checked = 0
    for pattern, _name in routes:
        for path in _urls(pattern):
            for method in ("GET", "POST", "DELETE", "PATCH"):
                response = requests.request(method, workbook.laptop + path, timeout=60,
                                            allow_redirects=False)
                checked += 1
                assert response.status_code != 500, (method, path)
                assert "Traceback" not in response.text, (method, path)
                if response.status_code >= 400:
                    assert _is_french(response), (method, path, response.text[:300])
    assert checked > 100


# --- what a learner's page may send its kernel ------------------------------------------------


def test_a_learner_learns_no_other_kernel_and_stops_only_their_own(workbook):
    first, first_id = page(workbook.laptop, LEARNER)
    second, second_id = page(workbook.laptop, LEARNER)
    assert first_id and second_id and first_id != second_id
    # Nothing a learner can ask for names another kernel.
    for path in ("/api/kernels", "/api/sessions", "/api/kernelspecs", "/voila/api/contents",
                 "/voila/tree", "/api/terminals", "/api/status", "/voila/query/",
                 f"/api/kernels/{uuid.uuid4()}"):
        response = requests.get(workbook.laptop + path, timeout=30, allow_redirects=False)
        assert second_id not in response.text, path
        assert response.status_code in (302, 404), path
    # A learner's own kernel stops on its own shutdown_request; the other one lives on.
    mine = KernelChannel(workbook.laptop, first_id)
    other = KernelChannel(workbook.laptop, second_id)
    try:
        assert mine.reply(mine.send("shutdown_request", {"restart": False}, "control"))
        reply = other.reply(other.send("kernel_info_request", {}))
        assert reply is not None and reply["content"]["status"] == "ok"
    finally:
        mine.close()
        other.close()
    # Without its id nobody reaches a kernel: a made-up one is refused.
    assert requests.delete(f"{workbook.laptop}/api/kernels/{uuid.uuid4()}",
                           timeout=30).status_code in (403, 404)
    assert requests.post(f"{workbook.laptop}/voila/api/shutdown/{second_id}",
                         timeout=30).status_code == 403  # no XSRF token: not from a page
    assert requests.get(f"{workbook.laptop}/api/kernels/{second_id}",
                        timeout=30).status_code == 200


def test_a_learner_kernel_creates_no_facilitator_widget_on_request(workbook):
    _response, kernel_id = page(workbook.laptop, LEARNER)
    channel = KernelChannel(workbook.laptop, kernel_id)
    try:
        before = set(channel.widget_comms())
        comm_id = uuid.uuid4().hex
        # What a hostile page would send to make the kernel build the console's panel.
        channel.send("comm_open", {
            "comm_id": comm_id, "target_name": "jupyter.widget",
            "data": {"state": {"_model_module": "anywidget", "_model_name": "AnyModel",
                               "_model_module_version": "*", "_view_module": "anywidget",
                               "_view_name": "AnyView", "_view_module_version": "*"},
                     "buffer_paths": []}})
        channel.custom(comm_id, {"action": "create", "title": "x"})
        time.sleep(1)
        after = set(channel.widget_comms())
        assert after == before
        reply = channel.reply(channel.send("kernel_info_request", {}))
        assert reply is not None and reply["content"]["status"] == "ok"
    finally:
        channel.close()


def test_no_project_widget_can_be_built_from_a_page():
    """ipywidgets builds a widget a page asks for from its registry: none of ours is in it."""
    import ipywidgets.widgets.widget as widget_module

    import widgets.common.pin_gate  # noqa: F401 - every family, imported
    import widgets.facilitator.console  # noqa: F401
    import widgets.learner.app  # noqa: F401
    import widgets.trainer.app  # noqa: F401

    def classes(tree):
        if isinstance(tree, dict):
            for value in tree.values():
                yield from classes(value)
        else:
            yield tree

    registered = list(classes(widget_module._registry._registry))
    assert len(registered) > 20  # ipywidgets' own
    assert [c for c in registered if not c.__module__.startswith("ipywidgets.")] == []


# --- what a page may send its kernel: its size and its shape ------------------------------------


def _alive(channel: KernelChannel) -> bool:
    reply = channel.reply(channel.send("kernel_info_request", {}), timeout=20)
    return reply is not None and reply["content"]["status"] == "ok"


def test_a_page_may_send_what_pages_need_and_no_more(workbook):
    from bacasable.server.voila_app import MAX_PAGE_MESSAGE

    _response, kernel_id = page(workbook.laptop, LEARNER)
    channel = KernelChannel(workbook.laptop, kernel_id)
    try:
        comm_id = channel.widget_comms()[0]
        # The largest real message: a trainer's text of 2,000 characters, accented.
        channel.custom(comm_id, {"action": "set", "path": ["title"], "value": "é" * 2000})
        assert _alive(channel)
        # One byte more than a page may send: the server closes that websocket.
        with pytest.raises((websocket.WebSocketException, OSError)):
            channel.custom(comm_id, {"action": "x", "value": "a" * (MAX_PAGE_MESSAGE + 1)})
            channel.receive(lambda m: False, timeout=5)
            channel.send("kernel_info_request", {})
            channel.receive(lambda m: False, timeout=5)
    finally:
        channel.close()
    again = KernelChannel(workbook.laptop, kernel_id)
    try:
        assert _alive(again)  # the kernel itself is untouched
    finally:
        again.close()


def test_a_malformed_message_is_dropped_with_one_line_of_log(workbook):
    _response, kernel_id = page(workbook.laptop, LEARNER)
    channel = KernelChannel(workbook.laptop, kernel_id)
    before = workbook.log.read_text(encoding="utf-8", errors="replace")
    try:
        channel.ws.send("[" * 60_000 + "]" * 60_000)  # JSON nested too deep for Python
        channel.ws.send('{"channel": "shell"}')  # no header
        channel.ws.send("pas du JSON")
        assert _alive(channel)
    finally:
        channel.close()
    time.sleep(0.5)
    log = workbook.log.read_text(encoding="utf-8", errors="replace")[len(before):]
    assert log.count("dropped a malformed message from a page") == 3
    assert "Traceback" not in log and "RecursionError" not in log.replace(
        "(RecursionError,", "")
