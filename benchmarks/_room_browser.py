"""The room-load benchmark's real browsers: a few learners in Chromium, to check the client.

Chromium plays some of the room's learners through the page itself (the join form, the
catalogue's « Commencer », each screen filled by its labels with ``tests/browser``'s
:class:`Learner`). Its websocket frames are read from the DevTools protocol, with their
timestamps (the same monotonic clock as ``time.monotonic()`` on Linux): the figures are computed
from the frames exactly as for the protocol clients (the page's request → the kernel done with
the ``device`` message, a ``submit`` sent → its view received…), and the messages the page sent
first are compared with the client's.

Playwright's sync API lives in one thread: every browser learner is stepped from the same
thread, each step when it is due.
"""

from __future__ import annotations

import base64
import random
import re
import sys
import threading
import time
from typing import Any

from benchmarks._room_people import LEARNER_PAGE, PAGE_TIMEOUT, STEP_TIMEOUT, Plan
from benchmarks._support import PHONE, ROOT, chromium, leave_page, local_only
from benchmarks._voila_client import decode_v1, describe_sent

if str(ROOT / "tests" / "browser") not in sys.path:
    sys.path.insert(0, str(ROOT / "tests" / "browser"))
import browser_support  # noqa: E402 - the browser tests' learner, reading the page by its labels

# A full room answers slower than the browser tests' machine: wait as long as the clients do.
browser_support.STEP_TIMEOUT_MS = int(STEP_TIMEOUT * 1000)

Frame = tuple[float, str, dict[str, Any]]


def static_paths(server_url: str) -> list[str]:
    """The static files a fresh browser loads with the learner's page (paths with their query).

    One page is opened (its kernel is freed when it is left) and every same-origin request
    but the page itself and the API is noted, in order.
    """
    origin = re.match(r"https?://[^/]+", server_url).group(0)  # type: ignore[union-attr]
    paths: list[str] = []

    def note(request: Any) -> None:
        url = request.url
        if url.startswith(origin) and request.resource_type != "document" and (
                "/api/" not in url):
            paths.append(url[len(origin):])

    with chromium() as browser:
        context = browser.new_context(viewport=PHONE)
        page = context.new_page()
        page.route("**/*", local_only)
        page.on("request", note)
        page.goto(server_url, wait_until="domcontentloaded", timeout=PAGE_TIMEOUT * 1000)
        page.get_by_role("heading", name="Choisissez un exercice").wait_for(
            timeout=PAGE_TIMEOUT * 1000)
        page.wait_for_timeout(1500)  # the fonts and chunks asked for once the widgets drew
        leave_page(context, page)
    return list(dict.fromkeys(paths))


def _custom(msg: dict[str, Any]) -> dict[str, Any]:
    data = msg["content"].get("data") or {}
    return data.get("content") or {} if data.get("method") == "custom" else {}


def frame_figures(doc_at: float | None, frames: list[Frame]) -> dict[str, Any]:
    """A page's figures from its websocket frames, defined as for the protocol clients."""
    sent = [(t, m) for t, way, m in frames if way == "sent"]
    received = [(t, m) for t, way, m in frames if way == "received"]

    def first(after: float, test: Any) -> float | None:
        return next((t for t, m in received if t >= after and test(m)), None)

    def idle_of(msg_id: str) -> Any:
        return lambda m: m.get("msg_type") == "status" and m["parent_header"].get(
            "msg_id") == msg_id and m["content"].get("execution_state") == "idle"

    def update_of(comm_id: str, test: Any) -> Any:
        return lambda m: m.get("msg_type") == "comm_msg" and m["content"].get(
            "comm_id") == comm_id and (m["content"].get("data") or {}).get(
            "method") == "update" and test(m["content"]["data"].get("state") or {})

    out: dict[str, Any] = {"opening": [], "submits": [], "pongs": []}
    if sent and doc_at is not None:
        out["first_message_s"] = sent[0][0] - doc_at
    for t, msg in sent:
        action = _custom(msg).get("action")
        comm_id, msg_id = msg["content"].get("comm_id"), msg["header"]["msg_id"]
        if "usable_s" not in out:
            out["opening"].append(describe_sent(msg["msg_type"], msg["content"]))
        if action == "device" and "usable_s" not in out and doc_at is not None:
            done = first(t, idle_of(msg_id))
            if done is not None:
                out["usable_s"], out["usable_at"] = done - doc_at, done
        elif action == "join":
            done = first(t, update_of(comm_id, lambda s: s.get("joined") is True))
            if done is not None:
                out["join_s"] = done - t
        elif action == "start":
            done = first(t, idle_of(msg_id))
            if done is not None:
                out["open_s"] = done - t
        elif action == "submit":
            done = first(t, update_of(comm_id, lambda s: "view" in s
                                      and s["view"]["ui"]["action"] == "submit"))
            if done is not None:
                out["submits"].append(("right", done - t))
        elif action == "alive":
            done = first(t, lambda m, i=msg_id: m["parent_header"].get("msg_id") == i
                         and _custom(m) == {"pong": True})
            if done is not None:
                out["pongs"].append(done - t)
    return out


class _Browsed:
    """One learner in a Chromium page: its steps, its frames."""

    def __init__(self, slot: tuple[int, str, float, Any], plan: Plan, context: Any) -> None:
        self.index, self.pseudonym, self.next_at, self.persona = slot
        self.plan, self.context = plan, context
        self.page = context.new_page()
        self.page.route("**/*", local_only)
        self.frames: list[Frame] = []
        self.doc_at: float | None = None
        self.step = self.arrive
        self.deadline = float("inf")
        self.learner: Any = None
        self.failure: str | None = None
        self.rng = random.Random(plan.seed * 1000 + self.index)
        cdp = context.new_cdp_session(self.page)
        cdp.send("Network.enable")
        cdp.on("Network.requestWillBeSent", self._request)
        cdp.on("Network.webSocketFrameSent", lambda p: self._frame(p, "sent"))
        cdp.on("Network.webSocketFrameReceived", lambda p: self._frame(p, "received"))

    def _request(self, params: dict[str, Any]) -> None:
        if self.doc_at is None and params.get("type") == "Document":
            self.doc_at = float(params["timestamp"])

    def _frame(self, params: dict[str, Any], way: str) -> None:
        response = params["response"]
        if response.get("opcode") == 2:
            msg = decode_v1(base64.b64decode(response["payloadData"]))
            self.frames.append((float(params["timestamp"]), way, msg))

    def later(self, step: Any, seconds: float) -> None:
        self.step, self.next_at = step, time.monotonic() + seconds

    def arrive(self) -> None:
        self.page.goto(f"{self.plan.base}{LEARNER_PAGE}?code={self.plan.code}",
                       wait_until="commit", timeout=PAGE_TIMEOUT * 1000)
        self.deadline = time.monotonic() + PAGE_TIMEOUT
        self.later(self.form, 0.2)

    def _poll(self, locator: Any, then: Any, what: str) -> None:
        """Go on with ``then`` once ``locator`` shows; look again in 0.2 s meanwhile."""
        if locator.is_visible():
            self.later(then, self.plan.field_time)
        elif time.monotonic() > self.deadline:
            raise RuntimeError(f"{what} did not show in {PAGE_TIMEOUT:.0f} s")
        else:
            self.later(self.step, 0.2)

    def form(self) -> None:
        self._poll(self.page.get_by_label("Votre pseudonyme"), self.join, "the join form")

    def join(self) -> None:
        self.page.get_by_label("Votre pseudonyme").fill(self.pseudonym)
        self.page.get_by_role("button", name="Rejoindre l'atelier").click()
        self.deadline = time.monotonic() + STEP_TIMEOUT
        self.step = self.joined

    def joined(self) -> None:
        self._poll(self.page.get_by_text(f"Votre pseudonyme : {self.pseudonym}"), self.start,
                   "the workshop's bar")

    def start(self) -> None:
        scenario = self.plan.scenario
        self.learner = browser_support.Learner(self.page, _Catalogue(scenario, self.persona),
                                               scenario.id, self.persona.id)
        button = browser_support.start_button(self.page, scenario)
        if len(scenario.personas) > 1:
            card = self.page.get_by_role("article", name=scenario.title, exact=True)
            card.get_by_role("radio", name=re.compile(
                "^" + re.escape(self.persona.first_name))).check()
        button.click()
        self.learner.wait_screen()
        self.later(self.play, self.pace())

    def play(self) -> None:
        if time.monotonic() >= self.plan.stop_at or self.learner.finished():
            self.step = None
            return
        self.learner.play_screen()
        self.later(self.play, self.pace())

    def pace(self) -> float:
        """Seconds to the next screen: 3 to 5 field-times, as the protocol clients."""
        return self.rng.uniform(3, 5) * self.plan.field_time

    def result(self) -> dict[str, Any]:
        out = frame_figures(self.doc_at, self.frames)
        events = len(self.learner.run.log) if self.learner is not None else 0
        return {"pseudonym": self.pseudonym, "browser": True, "failure": self.failure,
                "events_sent": events, "actions": [], "out_of_step": None, **out}


class _Catalogue:
    """What :class:`browser_support.Learner` reads of a catalogue: one scenario, one persona."""

    def __init__(self, scenario: Any, persona: Any) -> None:
        self.scenarios, self.personas = {scenario.id: scenario}, {persona.id: persona}


class BrowserLearners(threading.Thread):
    """Some learners of the room in Chromium, one thread for all of them.

    Parameters
    ----------
    slots : list
        ``(index, pseudonym, arrive_at, persona)`` of each.
    plan : Plan

    Attributes
    ----------
    results : list of dict
        Filled once :meth:`release` is called and the pages are closed.
    """

    def __init__(self, slots: list[tuple[int, str, float, Any]], plan: Plan) -> None:
        super().__init__(daemon=True, name="browsers")
        self.slots, self.plan = slots, plan
        self.results: list[dict[str, Any]] = []
        self.failure: str | None = None
        self._release = threading.Event()

    def release(self, timeout: float = 60) -> list[dict[str, Any]]:
        """Leave the pages (their kernels are freed) and return the figures."""
        self._release.set()
        self.join(timeout)
        return self.results

    def run(self) -> None:
        try:
            with chromium() as browser:
                people = [_Browsed(slot, self.plan, browser.new_context(viewport=PHONE))
                          for slot in self.slots]
                try:
                    self._play(people)
                finally:
                    self.results = [p.result() for p in people]
                    for person in people:
                        leave_page(person.context, person.page)
        except Exception as exc:  # noqa: BLE001 - reported with the figures
            self.failure = f"{type(exc).__name__}: {exc}"

    def _play(self, people: list[_Browsed]) -> None:
        while not self._release.is_set():
            due = [p for p in people if p.step is not None]
            if not due:
                people[0].page.wait_for_timeout(200)  # the pages keep sending their signs
                continue
            person = min(due, key=lambda p: p.next_at)
            wait = person.next_at - time.monotonic()
            if wait > 0:
                person.page.wait_for_timeout(min(wait, 0.5) * 1000)
                continue
            try:
                person.step()
            except Exception as exc:  # noqa: BLE001 - this learner stops, the others go on
                person.failure = f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
                person.step = None
