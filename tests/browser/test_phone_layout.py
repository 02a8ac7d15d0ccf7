"""A small phone (360×640): nothing scrolls sideways, inputs are readable, targets are big.

In every state a learner meets (``visit_every_state``):

- no horizontal scroll: neither the document (``scrollingElement.scrollWidth <= clientWidth``)
  nor any box that scrolls (Voilà scrolls ``#rendered_cells``), and no content sticking out of
  its box (a long word in a button);
- the same with text at 200 %: ``html { font-size: 200% }`` added to the page, as a browser's
  text-size setting does (everything in ``rem``/``em`` doubles, the viewport stays 360 px). Not
  CSS ``zoom``, which scales the whole layout like a pinch and tells nothing about text reflow;
- every text input and list at least 16 px (smaller, iOS zooms into the field), every button,
  input and list at least 44 px high (for a radio or a checkbox: its label, the tap target);
- the simulation notice ("Simulation — rien n'est envoyé") is shown, and in view when a screen
  arrives;
- no word is broken inside a button: each word of a button's text stays on one line (its box is
  one line high) and inside the button;
- the exercise's bar (persona, phone, mailbox) is one line at most 56 px high, and stays in view
  at the top of the screen once the page is scrolled to its bottom;
- on arrival at each screen after the first, the form's first field is in view, under the bar:
  a screen's own words before it (title, text, question) must leave it room;
- the page's font is the bundled Andika, whose zero is plain.

The same walk runs axe-core (WCAG 2.0/2.1 A and AA, and best practices) in each state: no
violation of impact "serious" or "critical" is allowed; the others are printed (``pytest -s``)
for a person to judge. One walk for both: the walks are the slowest part of the tests. axe checks
colour contrast only for what is on screen; Voilà scrolls an inner box, so the viewport is made
as tall as the content for each run of axe (see ``axe_violations``, which puts it back). A
low-contrast paragraph added at the bottom of the last screen checks that this works.
"""

from __future__ import annotations

import pytest
from browser_support import (
    BLOCKING_IMPACTS,
    SMALL_PHONE,
    Learner,
    axe_violations,
    catalogue,
    covering_runs,
    describe_violations,
    layout_problems,
    simulation_notice,
    visit_every_state,
)
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

CATALOGUE = catalogue()
RUNS = covering_runs(CATALOGUE)
TEXT_200 = "html { font-size: 200% !important; }"

LOW_CONTRAST_AT_THE_BOTTOM = """() => {
  const p = document.createElement("p");
  p.id = "axe-canary";
  p.textContent = "Texte trop pâle pour vérifier axe";
  p.setAttribute("style", "color: #c8c8c8 !important; background: #fff !important");
  document.querySelector(".bas-screen form").append(p);
}"""
#: The exercise's bar: one line of 44 px buttons, at most 56 px high.
BAR_MAX_PX = 56
#: The bar sticks to the top once the page has scrolled past the reading tools above it.
STICKS_AFTER_PX = 120
#: Words of a button cut over two lines, or sticking out of it. Visually hidden text (the
#: names of icons for screen readers) is not drawn and not counted.
_BROKEN_WORDS = r"""() => {
  const problems = [];
  for (const button of document.querySelectorAll(".bas button, button.bas-button")) {
    if (!button.checkVisibility({visibilityProperty: true})) continue;
    const box = button.getBoundingClientRect();
    if (box.width < 2) continue;
    const walker = document.createTreeWalker(button, NodeFilter.SHOW_TEXT);
    for (let text = walker.nextNode(); text; text = walker.nextNode()) {
      const parent = text.parentElement;
      if (parent.getBoundingClientRect().width <= 1 || getComputedStyle(parent).clip !== "auto") continue;
      const style = getComputedStyle(parent);
      const line = parseFloat(style.lineHeight) || 1.25 * parseFloat(style.fontSize);
      for (const match of text.data.matchAll(/\S+/g)) {
        const range = document.createRange();
        range.setStart(text, match.index);
        range.setEnd(text, match.index + match[0].length);
        const word = range.getBoundingClientRect();
        const label = `button "${button.textContent.trim().slice(0, 40)}": "${match[0]}"`;
        if (word.height > 1.5 * line) problems.push(`${label} cut over two lines`);
        if (word.left < box.left - 1 || word.right > box.right + 1) {
          problems.push(`${label} sticks out of the button`);
        }
      }
    }
  }
  return problems;
}"""

#: Text a line could start with « ? », « ! », « ; », « : » or « » », or end with « « »: a plain
#: space where French typography wants a no-break one (options and typed text aside).
_FRENCH_SPACES = r"""() => {
  const found = [];
  for (const root of document.querySelectorAll(".bas")) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let text = walker.nextNode(); text; text = walker.nextNode()) {
      if (text.parentElement.closest("option, textarea, script, style")) continue;
      const match = text.data.match(/.{0,20}(?: [?!;:»]|« ).{0,10}/);
      if (match) found.push(`plain space in French text: "${match[0].trim()}"`);
    }
  }
  return [...new Set(found)];
}"""

#: The bar at the top of the exercise, once the page is scrolled to its bottom (then back).
_BAR_AT_THE_BOTTOM = """() => {
  const bar = document.querySelector(".bas-bar");
  if (!bar || !bar.checkVisibility()) return null;
  let root = bar.parentElement;  // the box that scrolls: Voilà's panel, else the page
  while (root && !["auto", "scroll"].includes(getComputedStyle(root).overflowY)) {
    root = root.parentElement;
  }
  root = root || document.scrollingElement;
  const before = root.scrollTop;
  root.scrollTop = root.scrollHeight;
  const box = bar.getBoundingClientRect();
  const edge = root === document.scrollingElement ? 0 : Math.max(0, root.getBoundingClientRect().top);
  const tops = [...bar.querySelectorAll("button.bas-button--bar")]
    .filter((b) => b.checkVisibility()).map((b) => Math.round(b.getBoundingClientRect().top));
  const scrolled = root.scrollTop;
  root.scrollTop = before;
  return {top: box.top, bottom: box.bottom, height: box.height, lines: new Set(tops).size,
          scrolled, edge, viewport: window.innerHeight};
}"""

#: Where the form's first field is, against the bar and the bottom of the screen.
_FIRST_FIELD = """() => {
  const form = document.querySelector(".bas-screen .bas-form");
  const field = form && [...form.querySelectorAll("input, select, textarea")]
    .find((el) => el.type !== "hidden");
  if (!field) return null;
  let box = field.getBoundingClientRect();
  if (!box.height && field.labels && field.labels[0]) box = field.labels[0].getBoundingClientRect();
  const bar = document.querySelector(".bas-bar");
  return {name: field.name || field.id, top: box.top, bottom: box.bottom,
          title: form.querySelector("h1").getBoundingClientRect().top,
          under: bar ? bar.getBoundingClientRect().bottom : 0, viewport: window.innerHeight};
}"""

#: The page's text is drawn with the bundled Andika, loaded from the server.
_FONT = """async () => {
  await document.fonts.ready;
  const used = getComputedStyle(document.querySelector(".bas")).fontFamily;
  const loaded = [...document.fonts].some((f) => f.family.replace(/"/g, "") === "Andika"
    && f.status === "loaded");
  return {used, loaded};
}"""


def bar_problems(page) -> list[str]:
    """The exercise's bar: one line, slim, and in view at the top after scrolling down."""
    bar = page.evaluate(_BAR_AT_THE_BOTTOM)
    if bar is None:
        return []
    problems = []
    if bar["height"] > BAR_MAX_PX or bar["lines"] != 1:
        problems.append(f"the bar is {bar['height']:.0f}px high on {bar['lines']} lines")
    # A page that scrolls less than the tools above the bar leaves the bar in its place.
    stuck = bar["scrolled"] < STICKS_AFTER_PX or abs(bar["top"] - bar["edge"]) <= 1
    if not stuck or bar["top"] < bar["edge"] - 1 or bar["bottom"] > bar["viewport"]:
        problems.append(f"the bar is not at the top after scrolling to the bottom: {bar}")
    return problems


def first_field_problems(page) -> list[str]:
    """On arrival at a screen: its first field is in view, under the bar."""
    field = page.evaluate(_FIRST_FIELD)
    if field is None:
        return []
    if field["top"] >= field["under"] - 1 and field["bottom"] <= field["viewport"] + 1:
        return []
    return [f"the first field is not in view on arrival ({field['bottom'] - field['viewport']:.0f}"
            f" px too low; the title at {field['title']:.0f} px): {field['name']}"]


@pytest.mark.parametrize(("scenario_id", "persona_id"), RUNS, ids=[f"{s}-{p}" for s, p in RUNS])
def test_every_state_on_a_small_phone_layout_and_axe(open_page, workbook, axe_path, scenario_id,
                                                     persona_id):
    page = open_page(SMALL_PHONE)
    learner = Learner(page, CATALOGUE, scenario_id, persona_id)
    problems: dict[str, list[str]] = {}
    blocking: dict[str, list] = {}
    others: dict[str, list] = {}

    def check(state: str, arrival: bool) -> None:
        if state == "catalogue":
            font = page.evaluate(_FONT)
            assert font["used"].replace('"', '').startswith("Andika,") and font["loaded"], font
        notice = simulation_notice(page)
        expect(notice).to_be_visible()
        found = []
        if arrival:
            expect(notice).to_be_in_viewport()
            if state != "catalogue" and "(cookie banner)" not in state:  # after the first screen
                found += first_field_problems(page)
        found += layout_problems(page) + page.evaluate(_BROKEN_WORDS) + bar_problems(page)
        found += page.evaluate(_FRENCH_SPACES)
        style = page.add_style_tag(content=TEXT_200)
        try:
            found += [f"text 200 %: {p}" for p in layout_problems(page)]
        finally:
            style.evaluate("node => node.remove()")
        if found:
            problems[state] = found
        violations = axe_violations(page, axe_path)
        if serious := [v for v in violations if v["impact"] in BLOCKING_IMPACTS]:
            blocking[state] = serious
        if minor := [v for v in violations if v["impact"] not in BLOCKING_IMPACTS]:
            others[state] = minor

    states = visit_every_state(page, workbook, learner, check)
    print(f"\naxe on {scenario_id} with {persona_id}: {len(states)} states")
    for state, violations in others.items():
        print(f"{state} (not blocking):\n{describe_violations(violations)}")
    assert len(states) > len(learner.screens_seen)
    assert {"recapitulatif", learner.run.current_id} <= set(states)
    assert not problems, "\n".join(f"{state}:\n  " + "\n  ".join(p) for state, p in problems.items())
    assert not blocking, "serious or critical axe violations:\n" + "\n".join(
        f"{state}:\n{describe_violations(v)}" for state, v in blocking.items())

    # The check sees the bottom of a long page too.
    page.evaluate(LOW_CONTRAST_AT_THE_BOTTOM)
    canary = [v for v in axe_violations(page, axe_path) if v["id"] == "color-contrast"]
    assert canary and any("#axe-canary" in n["target"] for n in canary[0]["nodes"])
