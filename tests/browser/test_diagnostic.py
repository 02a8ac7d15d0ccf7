"""A learner does the diagnostic « Par où commencer ? » on a small phone (360×640) and is placed.

From the list of exercises, where its card comes first, above the themes: some tasks done
alone, one with a hint, two left with « Je ne sais pas faire »; then the level advised in plain
words, the exercises to do next with their reasons, the competences done and to practise.
axe-core finds no violation on the new screens (the list with the card, a task, the result)
and nothing scrolls sideways or is too small to tap there.
"""

from __future__ import annotations

import re

import pytest
from browser_support import (
    SMALL_PHONE,
    STEP_TIMEOUT_MS,
    Learner,
    axe_violations,
    catalogue,
    describe_violations,
    drawn,
    layout_problems,
    open_learner_page,
    screen_heading,
    start_button,
)
from playwright.sync_api import expect

from bacasable.run.diagnostic import DiagnosticRunner

pytestmark = pytest.mark.browser

CATALOGUE = catalogue()
SCENARIO = CATALOGUE.scenarios["diagnostic"]
GIVE_UP = "Je ne sais pas faire"


def no_violation(page, axe_path, state: str) -> None:
    violations = axe_violations(page, axe_path)
    assert not violations, f"axe on {state}:\n{describe_violations(violations)}"
    assert layout_problems(page) == [], state


def test_a_learner_does_the_diagnostic_on_a_phone_and_is_placed(open_page, workbook, axe_path):
    page = open_page(SMALL_PHONE)
    learner = Learner(page, CATALOGUE, SCENARIO.id, "christine")
    learner.run = DiagnosticRunner(SCENARIO, learner.persona)  # the answer key may give up too
    open_learner_page(page, workbook)

    # The card « Par où commencer ? » comes first, above the themes.
    start = start_button(page, SCENARIO)
    expect(start).to_be_enabled(timeout=STEP_TIMEOUT_MS)
    first_card = page.get_by_role("article").first
    expect(first_card.get_by_role("heading", level=2)).to_have_text("Par où commencer ?")
    themes = page.get_by_role("heading", name="Choisissez un thème")
    assert first_card.bounding_box()["y"] < themes.bounding_box()["y"]
    no_violation(page, axe_path, "the list of exercises")
    start.click()
    learner.wait_screen()
    learner.play_screen()  # the welcome

    # Task 1 done alone; task 2 with a hint; task 3 left.
    assert learner.run.current_id == "menu"
    expect(learner.form().get_by_role("button", name=GIVE_UP, exact=True)).to_be_visible()
    no_violation(page, axe_path, "a task")
    learner.play_screen()
    learner.field(learner.screen.fields[0]).focus()
    learner.form().get_by_role("button", name="J'ai besoin d'aide", exact=True).click()
    hint = page.get_by_role("status").filter(has_text=re.compile("^Indice 1 sur 3"))
    expect(hint).to_be_visible(timeout=STEP_TIMEOUT_MS)
    assert learner.run.hint()
    learner.play_screen()
    for left in ("naissance", "faux-sms"):
        while learner.run.current_id != left:
            learner.play_screen()
        give_up = learner.form().get_by_role("button", name=GIVE_UP, exact=True)
        expect(give_up).to_have_accessible_description(
            drawn("Ce n'est pas grave : vous passez à la tâche suivante."))
        give_up.click()
        assert learner.run.give_up()
        learner.wait_screen()
    while not learner.finished():
        learner.play_screen()

    # 7 tasks alone (14 points), one with a hint (1), two left: 15, « intermédiaire ».
    result = learner.run.result()
    assert (result.score, result.level) == (15, "intermediaire")
    expect(screen_heading(page, "Votre résultat")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Niveau conseillé : intermédiaire")).to_be_visible()
    expect(page.get_by_text("Vous pouvez commencer par les exercices du niveau intermédiaire.",
                            exact=True)).to_be_visible()
    following = page.get_by_role("region", name="Les exercices à faire ensuite")
    expect(following.get_by_role("listitem")).to_have_text([
        f"{CATALOGUE.scenarios[n.scenario].title} : {n.reason}"
        for n in SCENARIO.diagnostic.next.intermediaire])
    done = page.get_by_role("region", name="Ce que vous avez fait").get_by_role("listitem")
    expect(done).to_have_text(["Vous avez fait 8 tâches sur 10.", "7 tâches sans aide.",
                               "1 tâche avec un indice ou après une erreur.",
                               "2 tâches à apprendre."])
    practise = page.get_by_role("region", name="Ce que vous allez travailler")
    expect(practise).to_contain_text("4.2 Protéger les données personnelles et la vie privée")
    expect(page.get_by_role("region", name="Ce que vous savez faire")).to_contain_text(
        "1.2 Gérer des données")
    expect(page.get_by_role("button", name="Choisir un exercice", exact=True)).to_be_visible()
    no_violation(page, axe_path, "the result")
