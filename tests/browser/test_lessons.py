"""A lesson and a quiz in Chromium on a small phone (360×640), as a new user meets them.

Christine creates her ameli account: the lesson on the social security number shows her carte
Vitale; then the quiz on a strong password, answered wrong (its explanation shows kindly, no error
summary, no field in error), then right (« Bonne réponse. », then « Continuer »). axe-core finds
no violation in each of these states, whatever its impact; nothing sticks out on the small phone.
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
    layout_problems,
    open_learner_page,
)
from playwright.sync_api import expect

from bacasable.run.quiz import CHECK_LABEL, NOT_QUITE, RIGHT, TRY_AGAIN

pytestmark = pytest.mark.browser

CATALOGUE = catalogue()
SCENARIO, PERSONA = "ameli-compte", "christine"


def no_violation(page, axe_path, state: str) -> None:
    violations = axe_violations(page, axe_path)
    assert violations == [], f"{state}:\n{describe_violations(violations)}"
    assert layout_problems(page) == [], state


def test_a_lesson_with_its_picture_then_a_quiz_wrong_then_right(open_page, workbook, axe_path):
    page = open_page(SMALL_PHONE)
    learner = Learner(page, CATALOGUE, SCENARIO, PERSONA)
    open_learner_page(page, workbook, scenario=SCENARIO, persona=PERSONA)
    learner.wait_screen()
    while learner.run.current_id != "lecon-nir":
        learner.play_screen()

    # The lesson: short sentences, an example, Christine's carte Vitale, « J'ai compris ».
    form = learner.form()
    nir = learner.run.text("{nir_formatted}")
    expect(form.get_by_text("Le numéro de sécurité sociale a 15 chiffres.")).to_be_visible()
    expect(form.get_by_text(f"Le numéro de Christine : {nir}")).to_be_visible()
    picture = form.get_by_role(
        "figure", name="Le numéro de sécurité sociale est sur la carte Vitale de Christine.")
    expect(picture).to_be_visible()
    expect(picture).to_contain_text("Document fictif — SPECIMEN")
    expect(picture.get_by_role("definition").filter(has_text=nir)).to_be_visible()
    expect(learner.continue_button()).to_have_text("J'ai compris")
    no_violation(page, axe_path, "lesson")
    learner.play_screen()
    while learner.run.current_id != "quiz-mot-de-passe":
        learner.play_screen()

    # The quiz: a radio group named by its question, a button that checks the answer.
    screen = learner.screen
    group = learner.quiz_group()
    expect(group).to_be_visible()
    expect(group.get_by_role("radio")).to_have_count(len(screen.answers))
    check = learner.form().get_by_role("button", name=CHECK_LABEL, exact=True)
    no_violation(page, axe_path, "quiz on arrival")

    # Wrong: the screen stays and says why, kindly, in a live region; no error anywhere.
    wrong = next(a for a in screen.answers if a.id == "suite")
    learner.answer_quiz(wrong.id)
    said = page.get_by_role("status").filter(has_text=NOT_QUITE)
    expect(said).to_contain_text(wrong.explanation)
    expect(said).to_contain_text(TRY_AGAIN)
    expect(page.get_by_role("alert").filter(has_text=re.compile("erreur"))).to_have_count(0)
    expect(learner.form().locator("[aria-invalid=true]")).to_have_count(0)
    expect(page.get_by_role("heading", level=1, name=screen.title, exact=True)).to_be_visible()
    expect(check).to_be_focused()
    expect(check).to_have_text(CHECK_LABEL)
    no_violation(page, axe_path, "quiz answered wrong")

    # Right: « Bonne réponse. » and its explanation, the same button now goes on.
    right = next(a for a in screen.answers if a.correct)
    learner.answer_quiz(right.id)
    said = page.get_by_role("status").filter(has_text=RIGHT)
    expect(said).to_contain_text(right.explanation)
    expect(page.get_by_role("status").filter(has_text=NOT_QUITE)).to_have_count(0)
    go_on = learner.continue_button()
    expect(go_on).to_have_text("Continuer", timeout=STEP_TIMEOUT_MS)
    expect(go_on).to_be_focused()
    no_violation(page, axe_path, "quiz answered right")
    learner.submit({})  # waits for the next screen's heading
    assert learner.run.current_id == "coordonnees"
