"""Helpers of the real-browser tests: the workbook server, and a learner who reads the page.

The learner finds every field by its visible label or its role, as a new user would; what to
type comes from a core :class:`~bacasable.run.runner.Runner` played alongside with
:func:`bacasable.run.autoplay.answers_for_screen`, except the codes, read on the simulated phone or
mailbox of the page.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import psutil
from playwright.sync_api import Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from bacasable.common.config import BUILTIN_SCENARIOS, BacasableConfig
from bacasable.personas.derived import documents
from bacasable.run.autoplay import answers_for_screen
from bacasable.run.quiz import CHECK_LABEL, NOT_QUITE, RIGHT
from bacasable.run.runner import Runner
from bacasable.scenario.loader import Catalogue, load_catalogue
from bacasable.scenario.schema import CATEGORY_LABELS, FieldSpec, Scenario, Screen
from bacasable.server.serve import learner_url, start_server, wait_until_listening

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
CHROMIUM = os.environ.get("BACASABLE_CHROMIUM") or "/usr/bin/chromium"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 375, "height": 667}
SMALL_PHONE = {"width": 360, "height": 640}
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
#: Generous: the first page of a run loads Voilà's front end (about 100 requests) on 2 cores.
PAGE_TIMEOUT_MS = 60_000
#: A screen change or a check: one widget round trip, slow when the machine is busy.
STEP_TIMEOUT_MS = 20_000

TEXT_KINDS = {"text", "password", "email", "phone", "nir", "iban", "amount", "number", "code", "message"}
SIMULATION_TITLE = "Simulation — rien n'est envoyé"


def catalogue() -> Catalogue:
    """The built-in scenarios and personas, as the server's kernels load them."""
    return load_catalogue([BUILTIN_SCENARIOS])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def is_local(url: str) -> bool:
    """True for a request that stays on this machine (or never leaves the browser)."""
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about", "chrome-error"):
        return True
    return parts.hostname in LOCAL_HOSTS


def wait_for(predicate, timeout: float, interval: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return bool(predicate())


# --- the server ---------------------------------------------------------------------------------


class Workbook:
    """The real server, started as ``bacasable serve`` starts it, on a free port."""

    def __init__(self, data_dir: Path, log: Path, root: Path = NOTEBOOKS, preheat: int | None = None):
        Path(data_dir).mkdir(parents=True, exist_ok=True)
        # Only the built-in scenarios, and a store in the temporary folder, whatever the
        # environment of the person running the tests says (BACASABLE_SCENARIOS, BACASABLE_DB).
        self.config = BacasableConfig(ip="127.0.0.1", data_dir=str(data_dir), scenario_dirs=[],
                                      db_url=f"sqlite:///{Path(data_dir) / 'bacasable.sqlite'}")
        if preheat is not None:
            self.config.preheat_kernels = preheat
        self.pool_size = int(self.config.preheat_kernels)
        self.port = free_port()
        self.log = log
        with log.open("w", encoding="utf-8") as out:
            self.process = start_server(self.config, root, self.port, stdout=out,
                                        stderr=subprocess.STDOUT)

    def url(self, **query: str) -> str:
        base = learner_url("127.0.0.1", self.port)
        return f"{base}?{urlencode(query)}" if query else base

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def preheated_uses(self) -> int:
        return self.log_text().count("Using pre-heated kernel: ")

    def kernel_processes(self) -> list[psutil.Process]:
        found = []
        with contextlib.suppress(psutil.NoSuchProcess):
            for child in psutil.Process(self.process.pid).children(recursive=True):
                with contextlib.suppress(psutil.Error):
                    if "ipykernel_launcher" in " ".join(child.cmdline()):
                        found.append(child)
        return found

    def warm_kernels(self) -> int:
        """Preheated kernels waiting for a page: their notebook ran up to the query string.

        Under Voilà with preheating, ``widgets.learner.page_request`` waits for the page on a
        websocket to the server's ``/voila/query``: a kernel holding such a connection has done
        everything it can before the request.
        """
        ready = 0
        for kernel in self.kernel_processes():
            with contextlib.suppress(psutil.Error):
                if any(c.status == psutil.CONN_ESTABLISHED and c.raddr
                       and c.raddr.port == self.port for c in _tcp_connections(kernel)):
                    ready += 1
        return ready

    def wait_ready(self, timeout: float = 90) -> None:
        assert wait_until_listening(self.port, timeout=timeout), self.log_text()[-3000:]
        self.wait_warm(timeout)

    def wait_warm(self, timeout: float = 90) -> None:
        """Wait until the whole pool is preheated (also: the machine is quiet again)."""
        if self.pool_size <= 0:
            return
        assert wait_for(lambda: self.warm_kernels() >= self.pool_size, timeout), (
            f"the pool of {self.pool_size} preheated kernels did not fill in {timeout} s\n"
            + self.log_text()[-3000:])

    def stop(self) -> None:
        kernels = self.kernel_processes()
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        _, alive = psutil.wait_procs(kernels, timeout=10)
        for kernel in alive:
            with contextlib.suppress(psutil.Error):
                kernel.kill()


# --- the page -----------------------------------------------------------------------------------


def spaced(text: str) -> str:
    """``text`` as a regular expression where a space may be a no-break one (« ? », « : »)."""
    return re.escape(text).replace(r"\ ", r"\s")


def drawn(text: str) -> re.Pattern[str]:
    """``text`` at the end of what the page draws (a description, a line)."""
    return re.compile(spaced(text) + "$")


def label_name(text: str) -> re.Pattern[str]:
    """A field's accessible name: its label, then " (obligatoire)" when it is required."""
    return re.compile(rf"^{spaced(text)}(?: \(obligatoire\))?$")


def screen_heading(page: Page, title: str) -> Locator:
    return page.get_by_role("heading", level=1, name=title, exact=True)


def theme_button(page: Page, scenario: Scenario) -> Locator:
    """The catalogue's button of the scenario's theme (absent when the list is not grouped)."""
    label = CATEGORY_LABELS.get(scenario.category or "", "Autres exercices")
    return page.get_by_role("button", name=re.compile(rf"^{re.escape(label)} \d+ exercices?$"))


def start_button(page: Page, scenario: Scenario) -> Locator:
    """The « Commencer » button of a scenario's card, its theme opened first if there are themes."""
    start = page.get_by_role("button", name=f"Commencer : {scenario.title}", exact=True)
    theme = theme_button(page, scenario)
    expect(start.or_(theme).first).to_be_visible(timeout=STEP_TIMEOUT_MS)
    if theme.count() and theme.get_attribute("aria-expanded") != "true":
        theme.click()
    return start


def option(group: Locator, role: str, label: str) -> Locator:
    """The radio or checkbox of ``group`` whose label is ``label`` (its help may follow)."""
    exact = group.get_by_role(role, name=label, exact=True)
    if exact.count() == 1:
        return exact
    return group.get_by_role(role, name=re.compile("^" + spaced(label)))


class Learner:
    """Plays one scenario in the page by its labels, with the core Runner as the answer key."""

    def __init__(self, page: Page, cat: Catalogue, scenario_id: str, persona_id: str):
        self.page = page
        self.scenario = cat.scenarios[scenario_id]
        self.persona = cat.personas[persona_id]
        self.run = Runner(self.scenario, self.persona)
        self.screens_seen: list[str] = []

    # -- what the page shows --

    @property
    def screen(self) -> Screen:
        return self.run.screen

    def title(self) -> str:
        return self.screen.title

    def form(self) -> Locator:
        return self.page.get_by_role("form", name=self.title(), exact=True)

    def wait_screen(self) -> None:
        expect(screen_heading(self.page, self.title())).to_be_visible(timeout=STEP_TIMEOUT_MS)
        self.screens_seen.append(self.run.current_id)

    def field(self, spec: FieldSpec) -> Locator:
        """The control of a single-control field, or the group of a grouped one."""
        name = label_name(self.run.text(spec.label))
        form = self.form()
        if spec.kind in ("radio", "yesno", "upload"):
            return form.get_by_role("radiogroup", name=name)
        if spec.kind in ("date", "address", "checkboxes"):
            return form.get_by_role("group", name=name)
        if spec.kind == "consent":
            return form.get_by_role("checkbox", name=name)
        return form.get_by_label(name)

    def option_label(self, spec: FieldSpec, value: str) -> str:
        if spec.kind == "yesno":
            return {"oui": "Oui", "non": "Non"}[value]
        if spec.kind == "upload":
            return next(d.title for d in documents(self.persona) if d.id == value)
        return next(self.run.text(o.label) for o in spec.options if o.value == value)

    def code_event(self, spec: FieldSpec):
        for screen in self.scenario.screens:
            for event in screen.events:
                if event.id == spec.code_from:
                    return event
        raise AssertionError(f"no event {spec.code_from}")

    def device(self, kind: str) -> tuple[Locator, Locator]:
        """(button, region) of the simulated phone (``sms``) or mailbox (``email``)."""
        start = "Téléphone" if kind == "sms" else "Boîte mail"
        button = self.page.get_by_role("button", name=re.compile("^" + start + r"( \(|$)"))
        region_start = "Téléphone de " if kind == "sms" else "Boîte mail de "
        region = self.page.get_by_role("region", name=re.compile("^" + region_start))
        return button, region

    def read_code(self, spec: FieldSpec, close: bool = True) -> str:
        """Open the simulated phone or mailbox, read the code in its last message, close it."""
        kind = self.code_event(spec).kind
        button, region = self.device(kind)
        if button.get_attribute("aria-expanded") != "true":
            button.click()
        expect(button).to_have_attribute("aria-expanded", "true")
        items = region.get_by_role("listitem")
        count = sum(m.kind == kind for m in self.run.messages)
        expect(items).to_have_count(count, timeout=STEP_TIMEOUT_MS)
        text = items.last.inner_text()
        codes = re.findall(r"(?<!\d)\d{6}(?!\d)", text)
        assert codes, f"no code in the last message: {text!r}"
        if close:  # with the sheet's own button: on a phone the sheet covers the page
            region.get_by_role("button", name=re.compile("^Fermer ")).click()
            expect(button).to_have_attribute("aria-expanded", "false")
        return codes[-1]

    # -- acting --

    def answers(self) -> dict[str, Any]:
        return answers_for_screen(self.run)

    def fill(self, spec: FieldSpec, value: Any) -> None:
        """Give ``value`` (in the browser's shape) to the field, found by its label."""
        kind = spec.kind
        control = self.field(spec)
        if kind in TEXT_KINDS:
            control.fill("" if value is None else str(value))
        elif kind == "select":
            control.select_option(label=self.option_label(spec, value))
        elif kind == "consent":
            control.set_checked(bool(value))
        elif kind in ("radio", "yesno", "upload"):
            option(control, "radio", self.option_label(spec, value)).check()
        elif kind == "checkboxes":
            chosen = set(value or [])
            for opt in spec.options:
                box = option(control, "checkbox", self.run.text(opt.label))
                box.set_checked(opt.value in chosen)
        elif kind == "date":
            for part, label in (("day", "Jour"), ("month", "Mois"), ("year", "Année")):
                control.get_by_label(label, exact=True).fill(value[part])
        elif kind == "address":
            for part, label in (("street", "Numéro et nom de la rue"),
                                ("postcode", "Code postal"), ("city", "Ville")):
                control.get_by_label(label, exact=True).fill(value[part])
        else:  # pragma: no cover - a new field kind
            raise AssertionError(f"no way to fill a {kind!r} field")

    def fill_screen(self, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
        """Fill every field with the persona's answer; codes are read in the page."""
        answers = self.answers()
        for spec in self.screen.fields:
            value = answers.get(spec.id)
            if spec.kind == "code":
                value = self.read_code(spec)
            if overrides and spec.id in overrides:
                value = overrides[spec.id]
            if value is None and not spec.required:
                continue
            self.fill(spec, value)
        return answers

    def refuse_cookies(self) -> None:
        if not self.run.cookies_pending:
            return
        refuse = self.page.get_by_role("button", name="Tout refuser", exact=True)
        refuse.click()
        expect(refuse).to_have_count(0, timeout=STEP_TIMEOUT_MS)
        self.run.answer_cookies(False)

    def continue_button(self) -> Locator:
        return self.form().get_by_role(
            "button", name=self.screen.continue_label or "Continuer", exact=True)

    def submit(self, answers: dict[str, Any]) -> None:
        """Press the continue button; move the answer key along; wait for the next screen."""
        self.continue_button().click()
        assert self.run.submit(answers), (self.run.current_id, self.run.results)
        self.wait_screen()

    def play_screen(self, overrides: dict[str, Any] | None = None) -> None:
        self.refuse_cookies()
        quiz = self.run.quizzes.get(self.run.current_id)
        if self.screen.role == "quiz" and not (quiz and quiz.solved):
            self.answer_quiz(self.answers()["answer"])
        self.submit(self.fill_screen(overrides))

    def quiz_group(self) -> Locator:
        """The answers of the quiz: a radio group named by its question."""
        return self.form().get_by_role("radiogroup", name=self.run.text(self.screen.question))

    def answer_quiz(self, answer_id: str) -> None:
        """Choose an answer and confirm it; wait until the page says what it means."""
        answer = next(a for a in self.screen.answers if a.id == answer_id)
        radio = option(self.quiz_group(), "radio", self.run.text(answer.label))
        self.confirm_answer(radio, self.form().get_by_role("button", name=CHECK_LABEL, exact=True))
        said = self.page.get_by_role("status").filter(has_text=RIGHT if answer.correct else NOT_QUITE)
        expect(said).to_be_visible(timeout=STEP_TIMEOUT_MS)
        self.run.answer(answer_id)

    def confirm_answer(self, radio: Locator, button: Locator) -> None:
        radio.check()
        button.click()

    def finished(self) -> bool:
        return self.run.status == "finished"

    def receipt_number(self) -> str:
        """Assert the receipt is shown with a file number of the scenario's pattern; return it."""
        assert self.finished() and self.screen.role == "receipt"
        expect(screen_heading(self.page, self.title())).to_be_visible()
        pattern = next(e.number_pattern for e in self.screen.events if e.kind == "receipt")
        regex = "".join(r"\d" if c == "#" else "[A-Z]" if c == "@" else re.escape(c)
                        for c in pattern or "####-####-##")
        line = self.page.get_by_text("Votre numéro de dossier")
        expect(line).to_be_visible()
        expect(line).to_have_text(re.compile(rf"Votre numéro de dossier\s: {regex}$"))
        return re.search(regex, line.inner_text()).group(0)


def open_learner_page(page: Page, workbook: Workbook, **query: str) -> None:
    """Open the learner's page with a preheated kernel (the pool is full first)."""
    workbook.wait_warm()
    used = workbook.preheated_uses()
    page.goto(workbook.url(**query), wait_until="domcontentloaded", timeout=PAGE_TIMEOUT_MS)
    assert wait_for(lambda: workbook.preheated_uses() > used, 10), "no preheated kernel used"


def simulation_notice(page: Page) -> Locator:
    return page.get_by_role("note").filter(has_text=SIMULATION_TITLE)


# --- the keyboard alone -------------------------------------------------------------------------

#: 0: focus is on the target (or, for a radio, anywhere in its group); 1: the target comes
#: after the focused element (press Tab); -1: before it (Shift+Tab).
_WHERE_IS_FOCUS = """(el) => {
  const a = document.activeElement;
  if (a === el) return 0;
  if (el.type === "radio" && a && a.type === "radio" && a.name === el.name) return 0;
  if (!a || a === document.body || a === document.documentElement) return 1;
  return (a.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING) ? 1 : -1;
}"""


class KeyboardLearner(Learner):
    """The same learner with no mouse: Tab, Shift+Tab, arrows, Space, Enter and typing only.

    Focus is moved with Tab or Shift+Tab until ``document.activeElement`` is the control wanted
    (found by its label, as before); the page is never clicked and no locator action is used.
    """

    max_presses = 80

    def tab_to(self, target: Locator) -> None:
        element = target.element_handle(timeout=STEP_TIMEOUT_MS)
        keys = []
        for _ in range(self.max_presses):
            where = self.page.evaluate(_WHERE_IS_FOCUS, element)
            if where == 0:
                return
            key = "Tab" if where > 0 else "Shift+Tab"
            keys.append(key)
            self.page.keyboard.press(key)
        raise AssertionError(f"focus never reached {target} with {keys[:5]}…")

    def focused(self, target: Locator) -> bool:
        return bool(target.evaluate("el => el === document.activeElement"))

    def type_into(self, target: Locator, text: str) -> None:
        self.tab_to(target)
        if target.input_value():
            self.page.keyboard.press("Control+A")
            self.page.keyboard.press("Delete")
        self.page.keyboard.type(text)
        expect(target).to_have_value(text)

    def press_button(self, button: Locator, key: str = "Enter") -> None:
        self.tab_to(button)
        self.page.keyboard.press(key)

    def set_box(self, box: Locator, checked: bool) -> None:
        if box.is_checked() != checked:
            self.tab_to(box)
            self.page.keyboard.press("Space")
        expect(box).to_be_checked(checked=checked)

    def choose_radio(self, target: Locator) -> None:
        """Reach the group's tab stop, then arrows (which check as they move), Space at the end."""
        self.tab_to(target)
        for _ in range(20):
            if self.focused(target):
                break
            self.page.keyboard.press("ArrowDown")
        assert self.focused(target), "the arrows never reached the option"
        if not target.is_checked():
            self.page.keyboard.press("Space")
        expect(target).to_be_checked()

    def confirm_answer(self, radio: Locator, button: Locator) -> None:
        self.choose_radio(radio)
        self.press_button(button)

    def choose_in_select(self, select: Locator, label: str) -> None:
        self.tab_to(select)
        labels = select.evaluate("s => [...s.options].map(o => o.label)")
        wanted = labels.index(label)
        for _ in range(len(labels)):
            index = select.evaluate("s => s.selectedIndex")
            if index == wanted:
                break
            self.page.keyboard.press("ArrowDown" if index < wanted else "ArrowUp")
        assert select.evaluate("s => s.selectedIndex") == wanted

    def read_code(self, spec: FieldSpec, close: bool = True) -> str:
        kind = self.code_event(spec).kind
        button, region = self.device(kind)
        if button.get_attribute("aria-expanded") != "true":
            self.press_button(button)
        expect(button).to_have_attribute("aria-expanded", "true")
        items = region.get_by_role("listitem")
        count = sum(m.kind == kind for m in self.run.messages)
        expect(items).to_have_count(count, timeout=STEP_TIMEOUT_MS)
        codes = re.findall(r"(?<!\d)\d{6}(?!\d)", items.last.inner_text())
        assert codes, "no code in the last message"
        if close:
            self.page.keyboard.press("Enter")  # focus is still on the device's button
            expect(button).to_have_attribute("aria-expanded", "false")
        return codes[-1]

    def fill(self, spec: FieldSpec, value: Any) -> None:
        kind = spec.kind
        control = self.field(spec)
        if kind in TEXT_KINDS:
            self.type_into(control, "" if value is None else str(value))
        elif kind == "select":
            self.choose_in_select(control, self.option_label(spec, value))
        elif kind == "consent":
            self.set_box(control, bool(value))
        elif kind in ("radio", "yesno", "upload"):
            self.choose_radio(option(control, "radio", self.option_label(spec, value)))
        elif kind == "checkboxes":
            chosen = set(value or [])
            for opt in spec.options:
                self.set_box(option(control, "checkbox", self.run.text(opt.label)),
                             opt.value in chosen)
        elif kind == "date":
            for part, label in (("day", "Jour"), ("month", "Mois"), ("year", "Année")):
                self.type_into(control.get_by_label(label, exact=True), value[part])
        elif kind == "address":
            for part, label in (("street", "Numéro et nom de la rue"),
                                ("postcode", "Code postal"), ("city", "Ville")):
                self.type_into(control.get_by_label(label, exact=True), value[part])
        else:  # pragma: no cover - a new field kind
            raise AssertionError(f"no way to fill a {kind!r} field")

    def refuse_cookies(self) -> None:
        if not self.run.cookies_pending:
            return
        refuse = self.page.get_by_role("button", name="Tout refuser", exact=True)
        self.press_button(refuse)
        expect(refuse).to_have_count(0, timeout=STEP_TIMEOUT_MS)
        self.run.answer_cookies(False)

    def submit(self, answers: dict[str, Any]) -> None:
        self.press_button(self.continue_button())
        assert self.run.submit(answers), (self.run.current_id, self.run.results)
        self.wait_screen()


# --- axe-core -----------------------------------------------------------------------------------

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
BLOCKING_IMPACTS = {"serious", "critical"}

_RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags},
                                          resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary})),
  }));
}"""


#: Voilà's lab template scrolls ``#rendered_cells``, not the document: what lies below the fold of
#: that box is clipped, and axe's color-contrast rule skips what it cannot see on screen.
SCROLLER = "#rendered_cells"


_CONTENT_HEIGHT = """(sel) => Math.max(document.scrollingElement.scrollHeight,
  (document.querySelector(sel) || document.body).scrollHeight)"""
_FITS = """(sel) => { const s = document.querySelector(sel);
  return !s || s.scrollHeight <= s.clientHeight + 1; }"""
_OVERFLOW = """(sel) => { const s = document.querySelector(sel);
  return s ? s.scrollHeight - s.clientHeight : 0; }"""


def axe_violations(page: Page, axe_path: Path = AXE) -> list[dict[str, Any]]:
    """Run axe-core on the whole page (injected once per document); return its violations.

    The viewport is made as tall as the content for the run (then put back), so that every
    element is on screen and checked by every rule, colour contrast included.
    """
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(axe_path))
    viewport = page.viewport_size
    grown = False
    overflow_before = None
    # The content can still grow while the viewport grows (a message arriving): measure again.
    # Some states overflow by the same amount whatever the height (a box sized on the viewport):
    # growing again would not help, so the loop stops when the overflow no longer shrinks.
    for _ in range(5):
        height = page.evaluate(_CONTENT_HEIGHT, SCROLLER)
        current = page.viewport_size
        if not viewport or not current or height <= current["height"] - 16:
            break
        page.set_viewport_size({"width": viewport["width"], "height": height + 16})
        grown = True
        try:
            page.wait_for_function(_FITS, arg=SCROLLER, timeout=1_000)
            break
        except PlaywrightTimeoutError:
            overflow = page.evaluate(_OVERFLOW, SCROLLER)
            if overflow_before is not None and overflow >= overflow_before:
                break
            overflow_before = overflow
    try:
        return page.evaluate(_RUN_AXE, AXE_TAGS)
    finally:
        if viewport and grown:
            page.set_viewport_size(viewport)


def describe_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"  [{v['impact']}] {v['id']}: {v['help']}")
        for node in v["nodes"][:5]:
            lines.append(f"      {node['target']}")
    return "\n".join(lines)


# --- phone layout -------------------------------------------------------------------------------

#: Everything a learner may find wrong with a screen's layout on a small phone, as data.
_LAYOUT_PROBLEMS = """(minPx) => {
  const problems = [];
  const shown = (el) => el.checkVisibility({visibilityProperty: true})
    && el.getBoundingClientRect().width > 0;
  const name = (el) => `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}`
    + ` "${(el.labels && el.labels[0] ? el.labels[0].textContent : el.textContent || "")
      .trim().slice(0, 40)}"`;
  const root = document.scrollingElement;
  if (root.scrollWidth > root.clientWidth) {
    problems.push(`page scrolls sideways: ${root.scrollWidth} > ${root.clientWidth}`);
  }
  for (const el of document.querySelectorAll("*")) {
    const style = getComputedStyle(el);
    if (["auto", "scroll"].includes(style.overflowX) && el.scrollWidth > el.clientWidth + 1
        && shown(el)) {
      problems.push(`${name(el)} scrolls sideways: ${el.scrollWidth} > ${el.clientWidth}`);
    }
  }
  // Content wider than its own box sticks out of it (a long word in a button, a number…).
  // Not counted: boxes that clip on purpose (overflow hidden, e.g. a document's SPECIMEN mark),
  // decorations hidden from assistive technologies, the 1 px texts for screen readers only.
  for (const el of document.querySelectorAll(".bas *")) {
    const style = getComputedStyle(el);
    if (el.clientWidth > 2 && el.scrollWidth > el.clientWidth + 1 && shown(el)
        && style.display !== "inline" && style.overflowX === "visible"
        && !el.closest("[aria-hidden=true]")) {
      problems.push(`${name(el)}: content ${el.scrollWidth}px wide sticks out of its ${el.clientWidth}px box`);
    }
  }
  const controls = document.querySelectorAll(
    "main input, main select, main textarea, main button, .bas-timeout button");
  for (const el of controls) {
    if (!shown(el)) continue;
    const type = (el.getAttribute("type") || "").toLowerCase();
    const box = type === "radio" || type === "checkbox";
    if (["input", "select", "textarea"].includes(el.tagName.toLowerCase()) && !box) {
      const size = parseFloat(getComputedStyle(el).fontSize);
      if (size < 16) problems.push(`${name(el)}: font-size ${size}px < 16px`);
    }
    // The target of a radio or a checkbox is its label, which is tied to it (a tap on it ticks).
    const target = box && el.labels && el.labels[0] ? el.labels[0] : el;
    const height = target.getBoundingClientRect().height;
    if (height < minPx) problems.push(`${name(el)}: target ${height.toFixed(1)}px high < ${minPx}px`);
  }
  return problems;
}"""


def layout_problems(page: Page, min_target_px: float = 44) -> list[str]:
    """What is wrong with the layout of the page as it is now (empty: nothing)."""
    return page.evaluate(_LAYOUT_PROBLEMS, min_target_px)


# --- every state a learner meets ----------------------------------------------------------------


def covering_runs(cat: Catalogue) -> list[tuple[str, str]]:
    """(scenario, persona) runs that, together, visit every screen the personas can reach."""
    from bacasable.run.autoplay import play_through

    runs = []
    for scenario in cat.scenarios.values():
        seen: set[str] = set()
        for persona_id in scenario.personas:
            path = play_through(Runner(scenario, cat.personas[persona_id])).path
            if not set(path) <= seen:
                runs.append((scenario.id, persona_id))
                seen |= set(path)
    return runs


def visit_every_state(page: Page, workbook: Workbook, learner: Learner, check) -> list[str]:
    """Walk a scenario from the list of exercises, calling ``check(state, arrival)`` in each state.

    States: the list of exercises; every screen on arrival (``arrival`` True; the first one with
    its cookie banner); the persona's card with its details and every document open; the first
    screen with fields sent empty (errors) then with a hint; the simulated phone or mailbox open
    on each code screen, and both open on the receipt. Returns the states' names.
    """
    states = []

    def at(state: str, arrival: bool = False) -> None:
        states.append(state)
        check(state, arrival)

    scenario, persona = learner.scenario, learner.persona
    open_learner_page(page, workbook)
    start = page.get_by_role("button", name=f"Commencer : {scenario.title}", exact=True)
    expect(start.or_(theme_button(page, scenario)).first).to_be_visible(timeout=STEP_TIMEOUT_MS)
    at("catalogue", arrival=True)
    start = start_button(page, scenario)
    expect(start).to_be_enabled(timeout=STEP_TIMEOUT_MS)
    if len(scenario.personas) > 1:
        card = page.get_by_role("article", name=scenario.title, exact=True)
        choice = card.get_by_role("radio", name=re.compile("^" + re.escape(persona.first_name)))
        choice.check()
    start.click()
    learner.wait_screen()
    at(f"{learner.run.current_id} (cookie banner)", arrival=True)

    # The persona's card (opened from the exercise's bar): contact details, the list of
    # documents, every document open.
    region = page.get_by_role("region", name="Votre personnage")
    region.get_by_role("button", name=f"Votre personnage : {persona.first_name}", exact=True).click()
    details = region.get_by_role("button", name=f"Coordonnées de {persona.first_name}", exact=True)
    docs = region.get_by_role("button", name=re.compile(rf"^Documents de {persona.first_name} \("))
    for button in (details, docs):
        button.click()
        expect(button).to_have_attribute("aria-expanded", "true")
    for button in region.get_by_role("button").all():
        if button.get_attribute("aria-expanded") == "false":
            button.click()
            expect(button).to_have_attribute("aria-expanded", "true")
    at("persona card: details and every document open")
    for button in region.get_by_role("button").all()[::-1]:
        if button.get_attribute("aria-expanded") == "true":
            button.click()
    learner.refuse_cookies()

    while not learner.screen.fields:
        learner.play_screen()
        at(learner.run.current_id, arrival=True)
    # The first screen with fields, sent empty: errors; then a hint on its first field.
    learner.continue_button().click()
    summary = page.get_by_role("alert").filter(has_text=re.compile(r"^Il y a \d+ erreur"))
    expect(summary).to_be_visible(timeout=STEP_TIMEOUT_MS)
    at(f"{learner.run.current_id} with errors")
    first = learner.screen.fields[0]
    target = learner.field(first)
    if first.kind in ("radio", "yesno", "upload", "checkboxes"):
        target = target.get_by_role("radio" if first.kind != "checkboxes" else "checkbox").first
    elif first.kind in ("date", "address"):
        target = target.get_by_role("textbox").first
    target.focus()
    learner.form().get_by_role("button", name="J'ai besoin d'aide", exact=True).click()
    hint = page.get_by_role("status").filter(has_text=re.compile("^Indice"))
    expect(hint).to_be_visible(timeout=STEP_TIMEOUT_MS)
    at(f"{learner.run.current_id} with a hint")

    while not learner.finished():
        for spec in learner.screen.fields:
            if spec.kind == "code":
                kind = learner.code_event(spec).kind
                button, _ = learner.device(kind)
                button.click()
                expect(button).to_have_attribute("aria-expanded", "true")
                at(f"{learner.run.current_id}: {kind} panel open")
        learner.play_screen()
        at(learner.run.current_id, arrival=True)
    learner.receipt_number()
    for kind in ("sms", "email"):
        button, _ = learner.device(kind)
        if button.get_attribute("aria-expanded") != "true":
            button.click()
            expect(button).to_have_attribute("aria-expanded", "true")
    at(f"{learner.run.current_id}: phone and mailbox open")
    return states


def _tcp_connections(process: psutil.Process) -> list:
    """A process's TCP connections, with psutil 5 (openfisca-core's pin) as with psutil 6+."""
    read = getattr(process, "net_connections", None) or process.connections
    return read("tcp")
