"""One scenario with the keyboard alone, from the list of exercises to the receipt.

Tab and Shift+Tab move focus (``document.activeElement`` tells where it is), arrows choose in
radio groups and lists, Space ticks boxes, Enter presses buttons; text is typed into the focused
field. No click: the page counts pointer events and must see none.
"""

from __future__ import annotations

import re

import pytest
from browser_support import (
    STEP_TIMEOUT_MS,
    KeyboardLearner,
    catalogue,
    open_learner_page,
    screen_heading,
    spaced,
    theme_button,
)
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

#: The first one ever played this way, and the actualisation (FranceConnect's flow included).
SCENARIOS = ["france-travail-inscription", "france-travail-actualisation"]

COUNT_POINTER_EVENTS = """() => {
  window.__pointer = 0;
  for (const type of ["pointerdown", "mousedown", "touchstart"]) {
    document.addEventListener(type, () => { window.__pointer += 1; }, true);
  }
}"""


@pytest.mark.parametrize("scenario_id", SCENARIOS)
def test_complete_a_scenario_with_the_keyboard_alone(page, workbook, scenario_id):
    cat = catalogue()
    persona = cat.scenarios[scenario_id].personas[0]
    learner = KeyboardLearner(page, cat, scenario_id, persona)
    open_learner_page(page, workbook)
    start = page.get_by_role("button", name=re.compile(
        r"^Commencer\s: " + spaced(cat.scenarios[scenario_id].title) + "$"))
    theme = theme_button(page, cat.scenarios[scenario_id])
    expect(theme.or_(start).first).to_be_visible(timeout=STEP_TIMEOUT_MS)
    page.evaluate(COUNT_POINTER_EVENTS)
    # With themes, the learner first opens the exercise's theme: its title gets focus.
    if theme.count():
        learner.press_button(theme)
        expect(page.get_by_role("heading", level=2, name=theme.locator(".bas-theme-name")
                                .inner_text(), exact=True)).to_be_focused()
    expect(start).to_be_enabled(timeout=STEP_TIMEOUT_MS)

    # The persona chosen by default is the first one: Tab to "Commencer", Enter.
    learner.press_button(start)
    learner.wait_screen()
    # A new screen puts focus on its title, so that a screen reader reads it first.
    expect(screen_heading(page, learner.title())).to_be_focused()

    while not learner.finished():
        learner.play_screen()
        expect(screen_heading(page, learner.title())).to_be_focused()
    learner.receipt_number()
    assert page.evaluate("window.__pointer") == 0, "the page saw a pointer event"
