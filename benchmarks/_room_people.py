"""The room-load benchmark's people, played through Voilà's protocol: learners, the facilitator.

A :class:`ProtocolLearner` does what a phone's page does, in the same order: the page's request
(with the QR code's ``?code=``), the static files the browser loads, the kernel's model, the
websocket (binary subprotocol), the widgets' states, then the custom messages of
``widgets/static``: ``device`` when the join form is drawn, ``alive`` every 5 s, ``join``,
``start`` from the catalogue, then ``cookies``, ``hint`` and ``submit`` from the screen (with
``from``, the screen's id). What to answer comes from a :class:`~bacasable.run.runner.Runner`
played alongside (the answer key, as ``tests/browser``'s learner), except the codes, read in the
messages the kernel sends to the simulated phone. Its events are the events sent.

The :class:`Facilitator` opens the console, gets past the PIN gate (choosing the PIN, on a
fresh data folder from this laptop), creates the workshop with the console's form and records
every board the console's kernel pushes.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from bacasable.run.autoplay import answers_for_screen
from bacasable.run.diagnostic import runner_for
from bacasable.scenario.schema import Persona, Scenario
from benchmarks._room_measure import Key, tile_key
from benchmarks._voila_client import V1, KernelChannel, page

LEARNER_PAGE = "/voila/render/atelier.ipynb"
CONSOLE_PAGE = "/voila/render/animateur.ipynb"
#: join.js: a sign of life every 5 s while the page is visible.
ALIVE_EVERY = 5.0
#: Seconds for a page to come, and for any answer of a kernel: generous, a full room is slow.
PAGE_TIMEOUT = 300.0
STEP_TIMEOUT = 120.0
#: A browser opens at most 6 connections to one host.
BROWSER_CONNECTIONS = 6
_CODE = re.compile(r"(?<!\d)\d{6}(?!\d)")

Message = dict[str, Any]


@dataclass
class Plan:
    """What every learner of a round shares."""

    base: str
    code: str
    scenario: Scenario
    personas: list[Persona]
    #: Seconds to fill one field; a screen is submitted every 3 to 5 of them.
    field_time: float
    #: ``time.monotonic()`` after which learners stop acting.
    stop_at: float
    #: Paths of the static files a browser loads with the page (none: not fetched).
    static: list[str] = field(default_factory=list)
    wrong_share: float = 0.15
    hint_share: float = 0.10
    seed: int = 0


def workshop_form(scenario_id: str, expected: int | None = None) -> dict[str, Any]:
    """What the console's « Démarrer l'atelier » sends (``newWorkshopForm`` of console.js).

    ``expected`` is the « Nombre de participants attendus »: the server warms that many learner
    kernels before they arrive.
    """
    return {"expected": "" if expected is None else str(expected),
            "action": "start", "title": "Atelier de mesure", "place": "Banc d'essai",
            "date": dt.date.today().isoformat(), "scenarios": [scenario_id],
            "themes": ["Aide aux démarches administratives"], "level": "debutant",
            "duration": "120", "equipment": ["telephone"]}


def fetch_static(session: Any, base: str, paths: list[str]) -> int:
    """Load the static files as a browser does (6 at a time); return the bytes received.

    The bodies are read as sent (gzip), never decompressed: the server's work is the same and
    this process stays light.
    """
    def one(path: str) -> int:
        with session.get(base + path, stream=True, timeout=PAGE_TIMEOUT) as response:
            return len(response.raw.read(decode_content=False))

    with ThreadPoolExecutor(BROWSER_CONNECTIONS) as pool:
        return sum(pool.map(one, paths))


def empty_value(kind: str) -> Any:
    """What screen_fields.js's ``readField`` sends for a field left empty."""
    return {"date": {"day": "", "month": "", "year": ""},
            "address": {"street": "", "postcode": "", "city": ""},
            "radio": None, "yesno": None, "upload": None, "checkboxes": [],
            "consent": False}.get(kind, "")


class _Page:
    """One page's websocket and the widgets' states it knows, updated by every message."""

    channel: KernelChannel

    def __init__(self) -> None:
        self.widgets: dict[str, dict[str, Any]] = {}

    def comm(self, key: str) -> str:
        """The comm id of the widget whose state has ``key``."""
        found = [c for c, s in self.widgets.items() if key in s]
        if not found:
            raise RuntimeError(f"no widget with {key!r} on the page")
        return found[-1]

    def absorb(self) -> None:
        """Apply the messages received to the widgets' states; forget them."""
        for msg in self.channel.received:
            kind, content = msg.get("msg_type"), msg.get("content", {})
            data = content.get("data") or {}
            if kind == "comm_open" and content.get("target_name") == "jupyter.widget":
                self.widgets[content["comm_id"]] = dict(data.get("state", {}))
            elif kind == "comm_msg" and data.get("method") == "update":
                self.widgets.setdefault(content.get("comm_id"), {}).update(data.get("state", {}))
            elif kind == "comm_close":
                self.widgets.pop(content.get("comm_id"), None)
            self.seen(msg)
        self.channel.received.clear()

    def seen(self, msg: Message) -> None:
        """Called with every message absorbed."""

    def expect(self, until: Callable[[Message], bool], what: str) -> Message:
        """Wait for a message; absorb what came; raise when it did not come in time."""
        msg = self.channel.receive(until, STEP_TIMEOUT)
        self.absorb()
        if msg is None:
            raise RuntimeError(f"no answer to {what} in {STEP_TIMEOUT:.0f} s")
        return msg

    def done(self, msg_id: str, what: str) -> Message:
        """Wait until the kernel is done with a message (its idle status)."""
        return self.expect(lambda m: m.get("msg_type") == "status"
                           and m["parent_header"].get("msg_id") == msg_id
                           and m["content"].get("execution_state") == "idle", what)

    def update_of(self, comm_id: str, test: Callable[[dict[str, Any]], bool], what: str) -> Message:
        """Wait for an update of a widget whose new state passes ``test``."""
        return self.expect(lambda m: m.get("msg_type") == "comm_msg"
                           and m["content"].get("comm_id") == comm_id
                           and m["content"]["data"].get("method") == "update"
                           and test(m["content"]["data"].get("state", {})), what)

    def close(self) -> None:
        channel = getattr(self, "channel", None)
        if channel is not None:
            channel.close()


class ProtocolLearner(_Page, threading.Thread):
    """One phone in the room: arrives at ``arrive_at``, plays until ``plan.stop_at``.

    Attributes
    ----------
    result : dict
        Its figures (seconds): ``http_s``, ``static_s``, ``first_message_s`` (the websocket
        open, its first message going), ``usable_s``, ``join_s``, ``open_s``,
        ``submits`` (kind, seconds), ``pongs``, ``actions`` (for the board), ``events_sent``,
        ``opening`` (the first messages sent), ``failure``, ``out_of_step``.
    usable : threading.Event
        Set once the page is usable (or the learner failed).
    """

    def __init__(self, index: int, pseudonym: str, plan: Plan, arrive_at: float,
                 persona: Persona) -> None:
        _Page.__init__(self)
        threading.Thread.__init__(self, daemon=True, name=f"learner-{index}")
        self.index, self.pseudonym, self.plan = index, pseudonym, plan
        self.arrive_at, self.persona = arrive_at, persona
        self.usable = threading.Event()
        self.rng = random.Random(plan.seed * 1000 + index)
        self.counts = {"events": 0, "field_error": 0, "hint_shown": 0}
        self.result: dict[str, Any] = {
            "pseudonym": pseudonym, "browser": False, "submits": [], "pongs": [],
            "actions": [], "hints": 0, "cookies": 0, "failure": None, "out_of_step": None}
        self._alive: dict[str, float] = {}
        self._next_alive = float("inf")
        self.join_comm = ""
        self.shadow: Any = None

    # --- the thread -------------------------------------------------------------------------

    def run(self) -> None:
        try:
            self.play()
        except Exception as exc:  # noqa: BLE001 - reported with the figures
            self.result["failure"] = f"{type(exc).__name__}: {exc}"
        finally:
            self.result["events_sent"] = self.counts["events"]
            self.usable.set()

    def play(self) -> None:
        plan, r = self.plan, self.result
        time.sleep(max(0.0, self.arrive_at - time.monotonic()))
        t0 = time.monotonic()
        response, kernel_id = page(plan.base, f"{LEARNER_PAGE}?code={plan.code}",
                                   timeout=PAGE_TIMEOUT)
        if response.status_code != 200 or not kernel_id:
            raise RuntimeError(f"the page answered {response.status_code} without a kernel")
        r["http_s"] = time.monotonic() - t0
        session = response.session  # type: ignore[attr-defined]
        if plan.static:
            r["static_bytes"] = fetch_static(session, plan.base, plan.static)
            r["static_s"] = time.monotonic() - t0 - r["http_s"]
        session.get(f"{plan.base}/api/kernels/{kernel_id}?{int(time.time() * 1000)}",
                    timeout=PAGE_TIMEOUT)
        self.channel = KernelChannel(plan.base, kernel_id, timeout=STEP_TIMEOUT, protocol=V1)
        r["first_message_s"] = time.monotonic() - t0
        self.widgets = self.channel.states()
        self.join_comm = self.comm("code_locked")
        form = self.widgets[self.join_comm]
        if not form.get("code_locked") or form.get("code") != plan.code:
            raise RuntimeError(f"the join form did not open with the code: {form.get('error')}")
        sent = self.channel.custom(self.join_comm, {"action": "device",
                                                    "device": uuid.uuid4().hex})
        r["opening"] = list(self.channel.sent)
        usable = self.done(sent, "the device token")
        r["usable_s"], r["usable_at"] = usable["received_at"] - t0, usable["received_at"]
        self.usable.set()
        self._next_alive = time.monotonic() + ALIVE_EVERY
        self.join_workshop()
        self.open_exercise()
        while True:
            self.wait(time.monotonic() + self.rng.uniform(3, 5) * plan.field_time)
            if time.monotonic() >= plan.stop_at or self.shadow.status != "running":
                break
            if not self.act():
                break
        self.wait(plan.stop_at)

    def join_workshop(self) -> None:
        """Type the pseudonym (one field), then « Rejoindre l'atelier »."""
        self.wait(time.monotonic() + self.plan.field_time)
        t = time.monotonic()
        self.channel.custom(self.join_comm, {"action": "join", "code": self.plan.code,
                                             "pseudonym": self.pseudonym})
        msg = self.update_of(self.join_comm, lambda s: s.get("joined") is True
                             or bool(s.get("error")), "joining")
        if not self.widgets[self.join_comm].get("joined"):
            raise RuntimeError(f"not joined: {self.widgets[self.join_comm].get('error')}")
        self.result["join_s"] = msg["received_at"] - t

    def open_exercise(self) -> None:
        """Choose the exercise and its persona in the catalogue, « Commencer »."""
        self.wait(time.monotonic() + self.plan.field_time)
        scenario = self.plan.scenario
        t = time.monotonic()
        sent = self.channel.custom(self.comm("scenarios"), {
            "action": "start", "scenario": scenario.id, "persona": self.persona.id})
        self.shadow = runner_for(scenario, self.persona)
        self.shadow.subscribe(self._count)
        self.result["open_s"] = self.done(sent, "opening the exercise")["received_at"] - t
        self._check_step()
        self.result["actions"].append((t, self.pseudonym, self.key()))

    # --- acting ---------------------------------------------------------------------------

    def _count(self, event: Any) -> None:
        self.counts["events"] += 1
        if event.type in self.counts:
            self.counts[event.type] += 1

    def view(self) -> dict[str, Any]:
        return self.widgets[self.comm("view")]["view"]

    def key(self) -> Key:
        """Where the board should show this learner: (screen, errors, hints)."""
        return (int(self.view()["step"]["index"]), self.counts["field_error"],
                self.counts["hint_shown"])

    def _check_step(self) -> bool:
        shown = self.view()["screen"]["id"]
        if shown != self.shadow.current_id:
            self.result["out_of_step"] = f"page on {shown}, answer key on {self.shadow.current_id}"
            return False
        return True

    def _read_codes(self) -> None:
        """The codes the kernel sent to the simulated phone or mailbox (``<event>-<n>`` ids)."""
        for state in self.widgets.values():
            if "kind" not in state:
                continue
            for message in state.get("messages") or []:
                found = _CODE.findall(str(message.get("text", "")))
                if found:
                    self.shadow.codes[str(message["id"]).rsplit("-", 1)[0]] = found[-1]

    def act(self) -> bool:
        """One action on the screen; False when the page and the answer key part ways."""
        shadow, screen = self.shadow, self.shadow.screen
        if shadow.cookies_pending:  # « Tout refuser » first, as a careful learner
            self.result["cookies"] += 1
            shadow.answer_cookies(False)
            self.send_screen({"action": "cookies", "accept": False}, "cookies")
            return self._check_step()
        self._read_codes()
        draw = self.rng.random()
        fields = list(screen.fields)
        if fields and draw < self.plan.wrong_share + self.plan.hint_share and (
                draw >= self.plan.wrong_share):
            self.result["hints"] += 1
            before = self.key()
            t = time.monotonic()
            if shadow.hint(fields[0].id) is None:
                shadow.hint()
            self.send_screen({"action": "hint", "field": fields[0].id}, "hint")
            if self.key() != before:
                self.result["actions"].append((t, self.pseudonym, self.key()))
            return self._check_step()
        values = answers_for_screen(shadow)
        kind = "right"
        if fields and draw < self.plan.wrong_share:
            first = next((f for f in fields if f.required), fields[0])
            values[first.id], kind = empty_value(first.kind), "wrong"
        before = self.key()
        t = time.monotonic()
        shadow.submit(values)
        took = self.send_screen({"action": "submit", "values": values}, "submit")
        self.result["submits"].append((kind, took))
        if self.key() != before:
            self.result["actions"].append((t, self.pseudonym, self.key()))
        return self._check_step()

    def send_screen(self, content: dict[str, Any], action: str) -> float:
        """Send a screen's message (with ``from``); return the seconds until its view came."""
        screen = self.comm("view")
        seq = int(self.view()["ui"]["seq"])
        t = time.monotonic()
        sent = self.channel.custom(screen, {**content, "from": self.view()["screen"]["id"]})
        msg = self.update_of(screen, lambda s: "view" in s and s["view"]["ui"]["seq"] > seq
                             and s["view"]["ui"]["action"] == action, action)
        self.done(sent, action)
        return msg["received_at"] - t

    # --- waiting ----------------------------------------------------------------------------

    def wait(self, until: float) -> None:
        """Read the kernel's messages until ``until``, with a sign of life every 5 s."""
        while True:
            now = time.monotonic()
            if now >= self._next_alive:
                self._alive[self.channel.custom(self.join_comm, {"action": "alive"})] = now
                self._next_alive += ALIVE_EVERY
                continue
            if now >= until:
                return
            self.channel.receive(lambda m: False, min(until, self._next_alive) - now)
            self.absorb()

    def seen(self, msg: Message) -> None:
        content = msg.get("content", {})
        if msg.get("msg_type") == "comm_msg" and (content.get("data") or {}).get(
                "content", {}) == {"pong": True}:
            sent = self._alive.pop(msg["parent_header"].get("msg_id"), None)
            if sent is not None:
                self.result["pongs"].append(msg["received_at"] - sent)


class Facilitator(_Page):
    """The console on this laptop: PIN gate, new workshop, then the board, recorded.

    Attributes
    ----------
    result : dict
        ``page_s`` (the PIN gate shown), ``pin_s`` (the console after the PIN), ``workshop_s``
        (the workshop created), ``code``, ``workshop_id``.
    boards : list
        ``(time, {pseudonym: (screen, errors, hints)})`` of every board received.
    """

    def __init__(self, base: str, pin: str) -> None:
        super().__init__()
        self.base, self.pin = base, pin
        self.result: dict[str, Any] = {}
        self.boards: list[tuple[float, dict[str, Key]]] = []
        self._board = ""
        self._stop_event = threading.Event()
        self._thread: threading.Thread | None = None

    def open(self, form: dict[str, Any]) -> dict[str, Any]:
        """Open the console, enter (or choose) the PIN, send the new-workshop form."""
        r = self.result
        t0 = time.monotonic()
        response, kernel_id = page(self.base, CONSOLE_PAGE, timeout=PAGE_TIMEOUT)
        if response.status_code != 200 or not kernel_id:
            raise RuntimeError(f"the console answered {response.status_code}")
        self.channel = KernelChannel(self.base, kernel_id, timeout=STEP_TIMEOUT, protocol=V1)
        self.widgets = self.channel.states()
        gate = self.comm("attempt")
        mode = self.widgets[gate].get("mode")
        r["page_s"] = time.monotonic() - t0
        if mode not in ("create", "check"):
            raise RuntimeError(f"the PIN gate says {mode!r}: this page is not on the laptop")
        t = time.monotonic()
        sent = self.channel.custom(gate, {"action": mode, "pin": self.pin, "confirm": self.pin})
        self.done(sent, "the PIN")
        panel, self._board = self.comm("stage"), self.comm("tiles")
        r["pin_s"] = time.monotonic() - t
        t = time.monotonic()
        self.channel.custom(panel, form)
        msg = self.update_of(panel, lambda s: bool((s.get("workshop") or {}).get("code")),
                             "the new workshop")
        r["workshop_s"] = msg["received_at"] - t
        workshop = self.widgets[panel]["workshop"]
        r["code"], r["workshop_id"] = workshop["code"], int(workshop["id"])
        return r

    def watch(self) -> None:
        """Record every board from now on, in a thread, until :meth:`stop`."""
        def loop() -> None:
            while not self._stop_event.is_set():
                self.channel.receive(lambda m: False, 0.5)
                self.absorb()

        self._thread = threading.Thread(target=loop, daemon=True, name="facilitator")
        self._thread.start()

    def seen(self, msg: Message) -> None:
        content = msg.get("content", {})
        state = (content.get("data") or {}).get("state") or {}
        if content.get("comm_id") == self._board and "tiles" in state:
            self.boards.append((msg["received_at"], {
                t["pseudonym"]: tile_key(t) for t in state["tiles"]}))

    def stop(self) -> None:
        self._stop_event.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
