"""The projected walkthrough in a real browser, at 1920×1080, driven by the keyboard alone.

The facilitator opens ``projection.ipynb``, types the PIN, picks a scenario and a persona, then
steps through the whole walkthrough with → only (as a presenter remote does) until the receipt:
the highlight moves from element to element, the callouts appear, the type is large, H and N
toggle the highlight and the notes, and the handout is written into the data folder.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from browser_support import PAGE_TIMEOUT_MS, STEP_TIMEOUT_MS, catalogue
from playwright.sync_api import expect

from bacasable.store import Store
from bacasable.workshop.network import LEARNER_NOTEBOOK
from bacasable.workshop.pin_policy import set_facilitator_pin
from bacasable.workshop.walkthrough import Walkthrough

pytestmark = pytest.mark.browser

CATALOGUE = catalogue()
SCENARIO = "caf-prime-activite"
PERSONA = "nadia"
PROJECTOR = {"width": 1920, "height": 1080}
PIN = "739184"

#: The highlighted element: its field id (or "title"), and whether it is on screen.
CURRENT = """() => {
  const el = document.querySelector('.bas-projection .bas-proj-current');
  if (!el) return null;
  return el.dataset.field || (el.classList.contains('bas-title') ? 'title:' + el.textContent : '?');
}"""


def test_projection_walkthrough_with_the_keyboard(open_page, workbook):
    started = time.monotonic()
    store = Store(workbook.config.db_url)
    try:
        set_facilitator_pin(store, PIN)
    finally:
        store.close()
    walk = Walkthrough(CATALOGUE.scenarios[SCENARIO], CATALOGUE.personas[PERSONA])
    page = open_page(PROJECTOR)
    page.goto(workbook.url().replace(LEARNER_NOTEBOOK, "projection.ipynb"),
              wait_until="domcontentloaded", timeout=PAGE_TIMEOUT_MS)

    # Nothing but the PIN gate first.
    pin = page.get_by_label("Code PIN de l'animateur", exact=True)
    expect(pin).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    assert page.locator(".bas-projector").count() == 0
    expect(page.get_by_role("heading", name="Projection pas à pas")).to_be_visible()
    pin.fill(PIN)
    pin.press("Enter")

    # Pick the scenario and the persona.
    expect(page.get_by_role("heading", name="Présenter une démarche pas à pas")).to_be_visible(
        timeout=STEP_TIMEOUT_MS)
    page.get_by_label("Exercice", exact=True).select_option(SCENARIO)
    page.get_by_label("Persona", exact=True).select_option(PERSONA)
    page.get_by_role("button", name="Présenter", exact=True).click()
    first_title = walk.steps[0].view["screen"]["title"]
    expect(page.locator(".bas-screen h1")).to_have_text(first_title, timeout=STEP_TIMEOUT_MS)
    for name in ("Champ suivant (→)", "Champ précédent (←)", "Écran suivant (Page ↓)",
                 "Écran précédent (Page ↑)", "Surlignage (H)", "Notes (N)", "Plein écran (F)",
                 "Fiche pratique"):
        expect(page.get_by_role("button", name=name, exact=True)).to_be_visible()

    # Large type, readable from the back of the room.
    sizes = page.evaluate("""() => ['.bas-screen .bas-intro, .bas-screen p', '.bas-screen label',
        '.bas-proj-callout-text', '.bas-proj-toolbar button'].map((sel) => {
          const el = document.querySelector(sel);
          return el ? parseFloat(getComputedStyle(el).fontSize) : 0; })""")
    assert min(sizes) >= 24, sizes

    # The notes and highlight toggles.
    page.locator("body").click(position={"x": 5, "y": 5})
    expect(page.locator(".bas-proj-current")).to_have_count(1, timeout=STEP_TIMEOUT_MS)
    page.keyboard.press("h")
    expect(page.locator(".bas-proj-current")).to_have_count(0, timeout=STEP_TIMEOUT_MS)
    expect(page.get_by_role("button", name="Surlignage (H)")).to_have_attribute(
        "aria-pressed", "false")
    page.keyboard.press("h")
    expect(page.locator(".bas-proj-current")).to_have_count(1, timeout=STEP_TIMEOUT_MS)
    notes = page.locator(".bas-proj-notes")
    expect(notes).to_have_count(1, timeout=STEP_TIMEOUT_MS)  # the first screen has notes
    page.keyboard.press("n")
    expect(notes).to_have_count(0, timeout=STEP_TIMEOUT_MS)
    page.keyboard.press("n")
    expect(notes).to_have_count(1, timeout=STEP_TIMEOUT_MS)

    # The whole walkthrough with → alone, until the receipt.
    moves = sum(1 + len(s.screen.fields) for s in walk.steps) - 1
    seen = [page.evaluate(CURRENT)]
    for _ in range(moves):
        walk.next_field()
        page.keyboard.press("ArrowRight")
        expect(page.locator(".bas-proj-position")).to_have_text(walk.label(),
                                                                 timeout=STEP_TIMEOUT_MS)
        expected = walk.field.id if walk.field else None
        if expected:
            expect(page.locator(f'.bas-proj-current[data-field="{expected}"]')).to_have_count(
                1, timeout=STEP_TIMEOUT_MS)
        else:
            expect(page.locator(".bas-screen h1.bas-proj-current")).to_have_text(
                walk.step.view["screen"]["title"], timeout=STEP_TIMEOUT_MS)
        expect(page.locator(".bas-proj-bubble")).to_have_text(walk.callout(),
                                                              timeout=STEP_TIMEOUT_MS)
        expect(page.locator(".bas-proj-callout-text")).to_have_text(walk.callout())
        seen.append(page.evaluate(CURRENT))
    assert walk.at_end and walk.screen.role == "receipt"
    expect(page.locator(".bas-screen h1")).to_have_text(walk.step.view["screen"]["title"])
    assert all(a != b for a, b in zip(seen, seen[1:], strict=False)), seen

    # The handout, from its button.
    page.get_by_role("button", name="Fiche pratique", exact=True).click()
    name = f"fiche-{SCENARIO}-{PERSONA}.html"
    expect(page.get_by_role("link", name=f"Télécharger la fiche pratique ({name})")).to_be_visible(
        timeout=STEP_TIMEOUT_MS)
    handout = Path(workbook.config.data_dir) / "fiches" / name
    assert handout.is_file() and "Fiche pratique" in handout.read_text(encoding="utf-8")
    assert time.monotonic() - started < 90
