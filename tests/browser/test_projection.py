"""The projected walkthrough in a real browser, at 1920×1080, driven by the keyboard alone.

The facilitator opens ``projection.ipynb``, types the PIN, picks a scenario and a persona, then
steps through the whole walkthrough with → only (as a presenter remote does) until the receipt:
the highlight moves from element to element, the callouts appear, the type is large, H and N
toggle the highlight and the notes, and the handout is written into the data folder.
"""

from __future__ import annotations

import re
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


def open_projection(open_page, workbook, viewport):
    store = Store(workbook.config.db_url)
    try:
        set_facilitator_pin(store, PIN)
    finally:
        store.close()
    page = open_page(viewport)
    page.goto(workbook.url().replace(LEARNER_NOTEBOOK, "projection.ipynb"),
              wait_until="domcontentloaded", timeout=PAGE_TIMEOUT_MS)

    # Nothing but the PIN gate first.
    pin = page.get_by_label("Code PIN de l'animateur", exact=True)
    expect(pin).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    assert page.locator(".bas-projector").count() == 0
    expect(page.get_by_role("heading", name="Projection pas à pas")).to_be_visible()
    pin.fill(PIN)
    pin.press("Enter")
    return page


def test_projection_walkthrough_with_the_keyboard(open_page, workbook):
    started = time.monotonic()
    walk = Walkthrough(CATALOGUE.scenarios[SCENARIO], CATALOGUE.personas[PERSONA])
    page = open_projection(open_page, workbook, PROJECTOR)

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


#: What the audience must never see: the facilitator's notes, controls and the room's errors.
PRIVATE = ("Notes pour l'animateur", "Erreur fréquente", "Dans la salle", "Champ suivant")

FITS = """() => {
  const screen = document.querySelector('.bas-projection .bas-screen');
  const r = screen.getBoundingClientRect();
  const button = [...screen.querySelectorAll('button')].pop().getBoundingClientRect();
  return {bottom: r.bottom, right: r.right, button: button.bottom,
          width: innerWidth, height: innerHeight, sideways: document.documentElement.scrollWidth};
}"""


def test_the_audience_sees_only_the_site_scaled_to_fit(open_page, workbook):
    page = open_projection(open_page, workbook, {"width": 1280, "height": 720})
    page.get_by_label("Exercice", exact=True).select_option("ameli-compte")
    page.get_by_role("button", name="Présenter", exact=True).click()
    expect(page.locator(".bas-screen h1")).to_have_text("Créer mon compte ameli",
                                                        timeout=STEP_TIMEOUT_MS)
    page.locator("body").click(position={"x": 5, "y": 5})
    title = page.locator(".bas-screen h1")
    for _ in range(5):  # to the identification screen: two fields, notes and a common error
        if title.inner_text() == "Mon identification":
            break
        position = page.locator(".bas-proj-position").inner_text()
        page.keyboard.press("PageDown")
        expect(page.locator(".bas-proj-position")).not_to_have_text(position,
                                                                    timeout=STEP_TIMEOUT_MS)
    expect(title).to_have_text("Mon identification", timeout=STEP_TIMEOUT_MS)
    expect(page.locator(".bas-proj-notes")).to_be_visible()

    # P: the site alone, full width, the whole form and its button on the wall.
    page.keyboard.press("p")
    toolbar = page.get_by_role("toolbar", name="Commandes de la présentation")
    expect(toolbar).to_be_hidden(timeout=STEP_TIMEOUT_MS)
    for text in PRIVATE:
        found = page.get_by_text(text)
        assert not any(found.nth(i).is_visible() for i in range(found.count())), text
    box = page.evaluate(FITS)
    assert box["bottom"] <= box["height"] and box["button"] <= box["height"], box
    assert box["sideways"] <= box["width"], box
    # The keys still move the presentation; Échap gives the panel back.
    page.keyboard.press("ArrowRight")
    expect(page.locator(".bas-proj-position")).to_have_text(re.compile("champ 1 sur 2"),
                                                            timeout=STEP_TIMEOUT_MS)
    page.keyboard.press("Escape")
    expect(toolbar).to_be_visible(timeout=STEP_TIMEOUT_MS)

    # A second window mirrors the screen; the notes stay on the laptop.
    with page.expect_popup() as opened:
        page.get_by_role("button", name="Ouvrir la vue du public (2e fenêtre)").click()
    wall = opened.value
    expect(wall.locator(".bas-screen h1")).to_have_text("Mon identification",
                                                        timeout=STEP_TIMEOUT_MS)
    expect(wall.locator(".bas-proj-current")).to_have_count(1)
    for text in PRIVATE:
        expect(wall.get_by_text(text)).to_have_count(0)
    wall.keyboard.press("PageDown")
    expect(wall.locator(".bas-screen h1")).to_have_text("Mes coordonnées bancaires",
                                                        timeout=STEP_TIMEOUT_MS)
    expect(page.locator(".bas-screen h1")).to_have_text("Mes coordonnées bancaires")
    expect(toolbar).to_be_visible()

    # S, even in the second window: the room screen (the newest open workshop) on both; Échap.
    store = Store(workbook.config.db_url)
    try:
        code = store.create_workshop("Atelier projeté", "Salle", "2026-11-26",
                                     ["ameli-compte"])["join_code"]
    finally:
        store.close()
    wall.keyboard.press("s")
    expect(wall.locator(".bas-wall-code")).to_have_text(f"{code[:3]} {code[3:]}",
                                                        timeout=STEP_TIMEOUT_MS)
    expect(page.locator(".bas-wall-code")).to_be_visible()
    size = wall.evaluate(  # at once: the copy is made again as the room screen changes
        "() => parseFloat(getComputedStyle(document.querySelector('.bas-wall-code')).fontSize)")
    assert size >= 100, size  # the room screen's stylesheet came to the second window
    wall.keyboard.press("Escape")
    expect(page.locator(".bas-wall")).to_have_count(0, timeout=STEP_TIMEOUT_MS)
    expect(wall.locator(".bas-screen h1")).to_have_text("Mes coordonnées bancaires",
                                                        timeout=STEP_TIMEOUT_MS)
