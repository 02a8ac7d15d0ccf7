"""A live workshop, end to end: the facilitator's console and three phones on the real server.

One facilitator page (1280×800) opens ``animateur.ipynb``, types the PIN (set beforehand in the
server's store) and starts a France Travail workshop at 1366×768 (the form in view, its themes
folded; no theme: the fold opens on the error); the test reads the join code on the page.
Three learner pages (375×667, each in its own context, so its own kernel) open the learner's
page with ``?code=CODE``, join under a pseudonym, start the exercise and pass its first screen,
one after an error. Then, each time within a bounded wait:

- the board shows the three tiles with their progress (a bar, « Écran 2 sur N ») and errors,
  and its header where the group is (« Où en est le groupe : Écran 2 : 3 »);
- pause: every phone shows "Pause — regardez l'écran"; resume: it goes;
- "Amener à cet écran": every phone shows that screen's heading (and the tiles say so);
- a learner raises the hand: the tile shows it and comes first (« Main levée »; the others go
  by name); the facilitator answers: the hand is down on both sides;
- an observation (autonomy + note) typed in a tile is found in the store.

No request may leave the machine (the pages also refuse them).
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
from browser_support import (
    PAGE_TIMEOUT_MS,
    STEP_TIMEOUT_MS,
    Learner,
    catalogue,
    open_learner_page,
    spaced,
    start_button,
    wait_for,
)
from playwright.sync_api import Locator, Page, expect

from bacasable.store import Store
from bacasable.workshop.network import LEARNER_NOTEBOOK
from bacasable.workshop.pin_policy import set_facilitator_pin

pytestmark = pytest.mark.browser

CATALOGUE = catalogue()
SCENARIO = "france-travail-inscription"
DESKTOP = {"width": 1280, "height": 800}
LAPTOP = {"width": 1366, "height": 768}
PIN = "739184"
WORKSHOP_TITLE = "Atelier en direct (test)"
#: Pseudonym → persona played; the last one makes an error on the first screen.
LEARNERS = {"Tournesol": "karim", "Colibri": "lucas", "Marin 12": "karim"}
CLUMSY = "Marin 12"
#: The screen the facilitator brings everyone to (not the one they would reach next).
GOTO_SCREEN = "coordonnees"
NOTE = "A trouvé seule le numéro de sécurité sociale."
PAUSE_TITLE = "Pause — regardez l'écran"


# --- the facilitator's console ------------------------------------------------------------------


def console_url(workbook) -> str:
    return workbook.url().replace(LEARNER_NOTEBOOK, "animateur.ipynb")


def open_console(page: Page, workbook) -> None:
    """Open the console (a cold kernel: not preheated) and type the PIN."""
    page.goto(console_url(workbook), wait_until="domcontentloaded", timeout=PAGE_TIMEOUT_MS)
    pin = page.get_by_label("Code PIN de l'animateur", exact=True)
    expect(pin).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    pin.fill(PIN)
    page.get_by_role("button", name="Ouvrir la console", exact=True).click()
    expect(page.get_by_role("heading", level=2, name="Nouvel atelier")).to_be_visible(
        timeout=STEP_TIMEOUT_MS)


def start_workshop(page: Page) -> str:
    """Fill "Nouvel atelier" with the France Travail scenario, start it; return the join code.

    On a laptop (1366×768), from the exercise ticked down to « Démarrer l'atelier », the form
    holds in one screen: its nineteen themes are folded, the fold says how many are chosen. A form sent without a theme opens
    the fold and puts the focus on the first theme.
    """
    title = CATALOGUE.scenarios[SCENARIO].title
    page.set_viewport_size(LAPTOP)
    start = page.get_by_role("button", name="Démarrer l'atelier", exact=True)
    fold = page.locator("summary").filter(has_text="Thèmes du compte rendu")
    expect(fold).to_have_text("Thèmes du compte rendu (1 choisi)")
    themes = page.get_by_role("group", name="Thèmes du compte rendu (au moins un)")
    expect(themes).to_be_hidden()
    fold.click()
    themes.get_by_role("checkbox", checked=True).uncheck()
    expect(fold).to_have_text("Thèmes du compte rendu (aucun choisi)")
    fold.click()
    expect(themes).to_be_hidden()

    page.get_by_label("Titre de l'atelier (obligatoire)").fill(WORKSHOP_TITLE)
    page.get_by_label("Lieu", exact=True).fill("Médiathèque (test)")
    exercises = page.get_by_role("group", name="Exercices proposés (au moins un)")
    exercise = exercises.get_by_role("checkbox", name=re.compile("^" + spaced(title)))
    exercise.check()
    # The exercise ticked at the top of the screen: the button is in view, no wall of
    # checkboxes in between.
    exercise.evaluate("box => box.scrollIntoView({block: 'start'})")
    expect(start).to_be_in_viewport()
    start.click()
    expect(themes).to_contain_text("Choisissez au moins un thème.", timeout=STEP_TIMEOUT_MS)
    first_theme = themes.get_by_role("checkbox").first
    expect(first_theme).to_be_focused()
    first_theme.check()
    expect(fold).to_have_text("Thèmes du compte rendu (1 choisi)")
    start.click()
    expect(page.get_by_role("heading", level=2, name=f"Atelier « {WORKSHOP_TITLE} »")).to_be_visible(
        timeout=STEP_TIMEOUT_MS)
    shown = page.get_by_label(re.compile(r"^Code de l'atelier\s: "))
    expect(shown).to_have_text(re.compile(r"^\w{3} \w{3}$"))
    code = shown.inner_text().replace(" ", "")
    expect(page.get_by_role("status")).to_contain_text(f"Code : {code[:3]} {code[3:]}")
    return code


def tile(page: Page, pseudonym: str) -> Locator:
    """A learner's tile on the board (its name: pseudonym, then "(n° 12)")."""
    room = page.get_by_role("region", name="La salle", exact=True)
    return room.get_by_role("listitem", name=re.compile("^" + re.escape(pseudonym) + r" \("))


def fact(card: Locator, label: str) -> Locator:
    """The value (``dd``) of a tile's fact ("Où", "Erreurs", "Indices"…)."""
    return card.locator(".bas-tile-fact").filter(
        has=card.page.get_by_text(label, exact=True)).locator("dd")


def check_progress(card: Locator, learner: Learner) -> None:
    """The tile's bar and its words (« Écran 2 sur 9 »), and the screen's title under "Où"."""
    index, count = learner.run.step()
    expect(fact(card, "Où")).to_have_text(learner.title(), timeout=STEP_TIMEOUT_MS)
    expect(card.locator(".bas-tile-progress-text")).to_have_text(f"Écran {index} sur {count}")
    bar = card.get_by_role("progressbar", name=f"Écran {index} sur {count}", exact=True)
    expect(bar).to_have_attribute("value", str(index))
    expect(bar).to_have_attribute("max", str(count))


def group_text(learners: dict[str, Learner]) -> str:
    """The board's header: how many learners on each screen (« Écran 2 : 3 »)."""
    counts = Counter(learner.run.step()[0] for learner in learners.values())
    return "Où en est le groupe : " + " · ".join(
        f"Écran {index} : {n}" for index, n in sorted(counts.items()))


# --- a learner's phone --------------------------------------------------------------------------


def join(page: Page, workbook, code: str, pseudonym: str) -> None:
    open_learner_page(page, workbook, code=code)
    expect(page.get_by_text(WORKSHOP_TITLE, exact=True)).to_be_visible(timeout=STEP_TIMEOUT_MS)
    page.get_by_label("Votre pseudonyme", exact=True).fill(pseudonym)
    page.get_by_role("button", name="Rejoindre l'atelier", exact=True).click()
    expect(page.get_by_role("button", name="Lever la main", exact=True)).to_be_visible(
        timeout=STEP_TIMEOUT_MS)


def start_exercise(learner: Learner) -> None:
    page, scenario = learner.page, learner.scenario
    start = start_button(page, scenario)
    card = page.get_by_role("article", name=scenario.title, exact=True)
    card.get_by_role("radio", name=re.compile("^" + re.escape(learner.persona.first_name))).check()
    start.click()
    learner.wait_screen()


def first_screen_with_an_error(learner: Learner) -> None:
    """Send the first screen empty (an error), then filled."""
    learner.refuse_cookies()
    learner.continue_button().click()
    summary = learner.page.get_by_role("alert").filter(has_text=re.compile(r"^Il y a \d+ erreur"))
    expect(summary).to_be_visible(timeout=STEP_TIMEOUT_MS)
    assert not learner.run.submit({})  # the answer key counts the same errors
    learner.play_screen()


def errors_of(learner: Learner) -> int:
    return sum(s.errors for s in learner.run.stats.values())


# --- the test -----------------------------------------------------------------------------------


def test_live_workshop(open_page, workbook):
    store = Store(workbook.config.db_url)
    try:
        set_facilitator_pin(store, PIN)
        _run_workshop(open_page, workbook, store)
    finally:
        store.close()


def _run_workshop(open_page, workbook, store: Store) -> None:
    host = open_page(DESKTOP)
    open_console(host, workbook)
    code = start_workshop(host)
    workshop = store.workshop_by_code(code)
    assert workshop["title"] == WORKSHOP_TITLE and workshop["scenario_ids"] == [SCENARIO]

    # Three phones join with the code of the QR code, start the exercise, pass screen 1.
    learners: dict[str, Learner] = {}
    for pseudonym, persona in LEARNERS.items():
        phone = open_page()
        join(phone, workbook, code, pseudonym)
        learners[pseudonym] = Learner(phone, CATALOGUE, SCENARIO, persona)
    for pseudonym, learner in learners.items():
        start_exercise(learner)
        if pseudonym == CLUMSY:
            first_screen_with_an_error(learner)
        else:
            learner.play_screen()

    # The board: three tiles, where each one is, their errors.
    room = host.get_by_role("region", name="La salle", exact=True)
    expect(room.get_by_role("listitem")).to_have_count(3, timeout=STEP_TIMEOUT_MS)
    for pseudonym, learner in learners.items():
        card = tile(host, pseudonym)
        check_progress(card, learner)
        expect(fact(card, "Erreurs")).to_have_text(str(errors_of(learner)))
        assert (errors_of(learner) > 0) == (pseudonym == CLUMSY)
    expect(room).to_contain_text("3 apprenants")
    groups = room.locator(".bas-board-groups")
    expect(groups).to_have_text(group_text(learners), timeout=STEP_TIMEOUT_MS)
    # People have joined: the code and the controls fold, the board is in the first view.
    host.evaluate("window.scrollTo(0, 0)")
    expect(host.get_by_role("heading", name="La salle", exact=True)).to_be_in_viewport()
    # At 1366×768, down to the first learner's name: the folded parts sit side by side.
    expect(room.get_by_role("listitem").first.get_by_role("heading")).to_be_in_viewport()
    expect(host.get_by_role("button", name="Afficher le code et le QR code")).to_be_visible()
    host.get_by_text("Piloter la salle (pause, écran, message, indice)").click()

    # Pause: every phone is covered; resume: the cover goes.
    host.get_by_role("button", name="Mettre en pause", exact=True).click()
    expect(host.get_by_role("button", name="Reprendre l'exercice", exact=True)).to_be_visible(
        timeout=STEP_TIMEOUT_MS)
    for learner in learners.values():
        cover = learner.page.get_by_role("alert").filter(has_text=PAUSE_TITLE)
        expect(cover).to_be_visible(timeout=STEP_TIMEOUT_MS)
    host.get_by_role("button", name="Reprendre l'exercice", exact=True).click()
    for learner in learners.values():
        expect(learner.page.get_by_text(PAUSE_TITLE)).to_have_count(0, timeout=STEP_TIMEOUT_MS)

    # "Amener tout le monde à un écran": every phone shows that screen's heading.
    scenario = CATALOGUE.scenarios[SCENARIO]
    number = next(i for i, s in enumerate(scenario.screens, 1) if s.id == GOTO_SCREEN)
    target = scenario.screens[number - 1]
    host.get_by_label("Écran", exact=True).select_option(label=f"{number}. {target.title}")
    host.get_by_role("button", name="Amener à cet écran", exact=True).click()
    for learner in learners.values():
        assert learner.run.go_to(GOTO_SCREEN)  # the answer key follows the room
        learner.wait_screen()
    for pseudonym, learner in learners.items():
        check_progress(tile(host, pseudonym), learner)
    expect(groups).to_have_text(group_text(learners), timeout=STEP_TIMEOUT_MS)
    # Nobody needs help: the tiles go by name, none says why it is first.
    tiles = room.get_by_role("listitem")
    expect(tiles.first).to_contain_text(f"{sorted(LEARNERS)[0]} (n° ")
    expect(room.locator(".bas-tile-reason:visible")).to_have_count(0)

    # A raised hand shows on the tile; the facilitator answers it: down on both sides.
    first, learner = next(iter(learners.items()))
    phone = learner.page
    phone.get_by_role("button", name="Lever la main", exact=True).click()
    expect(phone.get_by_role("button", name="Baisser la main", exact=True)).to_be_visible(
        timeout=STEP_TIMEOUT_MS)
    card = tile(host, first)
    answer = card.get_by_role("button", name=f"J'y vais (baisser la main) : {first}", exact=True)
    expect(answer).to_be_visible(timeout=STEP_TIMEOUT_MS)
    # The alert at the top stays in view wherever the facilitator has scrolled.
    alert = host.locator(".bas-hands").get_by_text(f"{first} (n° ")
    host.mouse.wheel(0, 3000)
    expect(alert).to_be_in_viewport(timeout=STEP_TIMEOUT_MS)
    expect(host.locator(".bas-hands").get_by_role("button", name=f"J'y vais : {first}")
           ).to_be_visible()
    expect(card).to_contain_text("Main levée depuis")
    expect(room).to_contain_text("1 main levée")
    # The raised hand comes first on the board, and says why in words.
    expect(tiles.first).to_contain_text(f"{first} (n° ")
    expect(tiles.first.locator(".bas-tile-reason")).to_have_text(
        re.compile("^Main levée depuis "))
    expect(tiles.nth(1)).to_contain_text(f"{sorted(LEARNERS)[0]} (n° ")
    answer.click()
    expect(card.get_by_role("status")).to_have_text(f"Main baissée : allez voir {first}.",
                                                    timeout=STEP_TIMEOUT_MS)
    expect(answer).to_be_hidden()
    expect(alert).to_have_count(0, timeout=STEP_TIMEOUT_MS)
    expect(phone.get_by_role("button", name="Lever la main", exact=True)).to_be_visible(
        timeout=STEP_TIMEOUT_MS)
    people = {p["pseudonym"]: p for p in store.participants(workshop["id"])}
    assert sorted(people) == sorted(LEARNERS)
    assert not people[first]["hand_raised"]

    # An observation typed in a tile is in the store.
    observed = CLUMSY
    card = tile(host, observed)
    card.get_by_text(f"Noter l'autonomie de {observed}", exact=True).click()
    card.get_by_role("radio", name="Avec les indices", exact=True).check()
    card.get_by_label("Note (facultatif, 500 caractères au plus)").fill(NOTE)
    card.get_by_role("button", name="Enregistrer l'observation", exact=True).click()
    expect(card.get_by_role("status")).to_have_text(f"Observation enregistrée pour {observed}.",
                                                    timeout=STEP_TIMEOUT_MS)
    expect(card).to_contain_text("Autonomie notée : avec les indices")
    assert wait_for(lambda: store.observations(workshop["id"]), 5)
    found = store.observations(workshop["id"])
    assert [(o["pseudonym"], o["autonomy"], o["note"]) for o in found] == [
        (observed, "indices", NOTE)]

    # Nothing left the machine.
    for page in (host, *(learner.page for learner in learners.values())):
        assert page.record.requests, "no request recorded"
        assert not page.record.foreign_requests(), page.record.foreign_requests()
