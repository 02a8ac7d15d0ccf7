"""A small phone (360×640): nothing scrolls sideways, inputs are readable, targets are big.

In every state a learner meets (the same walk as the axe test, see ``visit_every_state``):

- no horizontal scroll: neither the document (``scrollingElement.scrollWidth <= clientWidth``)
  nor any box that scrolls (Voilà scrolls ``#rendered_cells``), and no content sticking out of
  its box (a long word in a button);
- the same with text at 200 %: ``html { font-size: 200% }`` added to the page, as a browser's
  text-size setting does (everything in ``rem``/``em`` doubles, the viewport stays 360 px). Not
  CSS ``zoom``, which scales the whole layout like a pinch and tells nothing about text reflow;
- every text input and list at least 16 px (smaller, iOS zooms into the field), every button,
  input and list at least 44 px high (for a radio or a checkbox: its label, the tap target);
- the simulation notice ("Simulation — rien n'est envoyé") is shown, and in view when a screen
  arrives.
"""

from __future__ import annotations

import pytest
from browser_support import (
    SMALL_PHONE,
    Learner,
    catalogue,
    covering_runs,
    layout_problems,
    simulation_notice,
    visit_every_state,
)
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

CATALOGUE = catalogue()
RUNS = covering_runs(CATALOGUE)
TEXT_200 = "html { font-size: 200% !important; }"


@pytest.mark.parametrize(("scenario_id", "persona_id"), RUNS, ids=[f"{s}-{p}" for s, p in RUNS])
def test_small_phone_layout_in_every_state(open_page, workbook, scenario_id, persona_id):
    page = open_page(SMALL_PHONE)
    learner = Learner(page, CATALOGUE, scenario_id, persona_id)
    problems: dict[str, list[str]] = {}

    def check(state: str, arrival: bool) -> None:
        notice = simulation_notice(page)
        expect(notice).to_be_visible()
        if arrival:
            expect(notice).to_be_in_viewport()
        found = layout_problems(page)
        style = page.add_style_tag(content=TEXT_200)
        try:
            found += [f"text 200 %: {p}" for p in layout_problems(page)]
        finally:
            style.evaluate("node => node.remove()")
        if found:
            problems[state] = found

    states = visit_every_state(page, workbook, learner, check)
    assert len(states) > len(learner.screens_seen)
    assert not problems, "\n".join(f"{state}:\n  " + "\n  ".join(p) for state, p in problems.items())
