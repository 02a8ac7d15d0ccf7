"""Each built-in scenario, completed in Chromium at phone size as a new user would.

The page is opened by a direct link (``?scenario=ID&persona=ID``) with a preheated kernel. Every
field is found by its visible label or its role; codes are read on the simulated phone or in the
simulated mailbox of the page. With the first persona of each scenario the learner also makes a
mistake, reads the error tied to its field, and asks for help.
"""

from __future__ import annotations

import re

import pytest
from browser_support import (
    STEP_TIMEOUT_MS,
    Learner,
    catalogue,
    drawn,
    open_learner_page,
    simulation_notice,
)
from playwright.sync_api import expect

from bacasable.run.autoplay import play_through
from bacasable.run.fields import FieldContext, check_field
from bacasable.run.runner import Runner

pytestmark = pytest.mark.browser

CATALOGUE = catalogue()
RUNS = [(s.id, p) for s in CATALOGUE.scenarios.values() for p in s.personas]
FIRST = {s.id: s.personas[0] for s in CATALOGUE.scenarios.values()}


def _wrong_nir(nir: str) -> str:
    """The persona's NIR with a wrong key (its last two digits)."""
    key = (int(nir[-2:]) + 1) % 98 or 1
    return f"{nir[:-2]}{key:02d}"


def make_nir_mistake(learner: Learner) -> None:
    """On the screen with the NIR: a wrong key, the error tied to the field, a hint, then fixed."""
    page = learner.page
    spec = next(f for f in learner.screen.fields if f.kind == "nir")
    answers = learner.answers()
    learner.refuse_cookies()
    learner.fill_screen({spec.id: _wrong_nir(answers[spec.id])})
    learner.continue_button().click()

    # The error summary, then the message under the field, tied to it.
    summary = page.get_by_role("alert").filter(has_text="Il y a 1 erreur")
    expect(summary).to_be_visible(timeout=STEP_TIMEOUT_MS)
    nir = learner.field(spec)
    expect(nir).to_have_attribute("aria-invalid", "true")
    message = f"Erreur : {spec.errors['checksum']}"
    expect(nir).to_have_accessible_description(drawn(message))
    error_id = nir.get_attribute("aria-describedby").split()[-1]
    error = page.locator(f"#{error_id}")
    expect(error).to_be_visible()
    expect(error).to_have_text(message)
    # The screen stayed: same title, what was typed is still there.
    expect(page.get_by_role("heading", level=1, name=learner.title(), exact=True)).to_be_visible()
    expect(nir).to_have_value(_wrong_nir(answers[spec.id]))

    # "J'ai besoin d'aide" on that field: the first hint, next to it.
    nir.click()
    learner.form().get_by_role("button", name="J'ai besoin d'aide", exact=True).click()
    hint = page.get_by_role("status").filter(has_text=spec.hints[0])
    expect(hint).to_be_visible(timeout=STEP_TIMEOUT_MS)
    expect(hint).to_contain_text(f"Indice 1 sur {len(spec.hints)}")

    # Fixed: the error goes, the next screen comes.
    nir.fill(answers[spec.id])
    learner.submit(answers)
    expect(nir).to_have_count(0)


def make_code_mistake(learner: Learner) -> None:
    """On a code screen: a code that is not the one received; the error is tied to the field."""
    page = learner.page
    spec = next(f for f in learner.screen.fields if f.kind == "code")
    code = learner.read_code(spec)
    wrong = code[:-1] + str((int(code[-1]) + 1) % 10)
    learner.fill(spec, wrong)
    learner.continue_button().click()
    field = learner.field(spec)
    expect(field).to_have_attribute("aria-invalid", "true", timeout=STEP_TIMEOUT_MS)
    message = f"Erreur : {spec.errors['wrong_code']}"
    expect(field).to_have_accessible_description(drawn(message))
    expect(page.locator(f"#{field.get_attribute('aria-describedby').split()[-1]}")).to_be_visible()
    learner.play_screen()


def make_taken_mistake(learner: Learner) -> None:
    """On the screen choosing an e-mail address: one already taken, the free ones, then fixed."""
    page = learner.page
    spec = next(f for f in learner.screen.fields if any(r.rule == "not_taken" for r in f.rules))
    rule = next(r for r in spec.rules if r.rule == "not_taken")
    taken = learner.run.text(str(rule.value)).split()[0]
    answers = learner.answers()
    learner.refuse_cookies()
    learner.fill_screen({spec.id: taken})
    learner.continue_button().click()

    # The error is tied to the field: the scenario's message, with the free addresses filled.
    result = check_field(spec, taken, FieldContext(persona=learner.persona))
    assert result.error_kind == "taken" and "{" not in result.message
    field = learner.field(spec)
    expect(field).to_have_attribute("aria-invalid", "true", timeout=STEP_TIMEOUT_MS)
    message = f"Erreur : {result.message}"
    expect(field).to_have_accessible_description(drawn(message))
    error = page.locator(f"#{field.get_attribute('aria-describedby').split()[-1]}")
    expect(error).to_be_visible()
    expect(error).to_have_text(message)
    expect(field).to_have_value(taken)

    # "J'ai besoin d'aide" on that field: the first hint, next to it.
    field.click()
    learner.form().get_by_role("button", name="J'ai besoin d'aide", exact=True).click()
    hint = page.get_by_role("status").filter(has_text=learner.run.text(spec.hints[0]))
    expect(hint).to_be_visible(timeout=STEP_TIMEOUT_MS)
    expect(hint).to_contain_text(f"Indice 1 sur {len(spec.hints)}")

    # Fixed with one of the free addresses: the next screen comes.
    field.fill(answers[spec.id])
    learner.submit(answers)
    expect(field).to_have_count(0)


def path_fields(scenario_id: str, persona_id: str) -> list:
    """The fields of the screens this persona goes through (played alone first)."""
    run = Runner(CATALOGUE.scenarios[scenario_id], CATALOGUE.personas[persona_id], seed=1)
    path = play_through(run).path
    return [f for s in CATALOGUE.scenarios[scenario_id].screens if s.id in path for f in s.fields]


@pytest.mark.parametrize(("scenario_id", "persona_id"), RUNS, ids=[f"{s}-{p}" for s, p in RUNS])
def test_complete_scenario_by_labels(page, workbook, scenario_id, persona_id):
    learner = Learner(page, CATALOGUE, scenario_id, persona_id)
    open_learner_page(page, workbook, scenario=scenario_id, persona=persona_id)
    learner.wait_screen()
    mistakes = persona_id == FIRST[scenario_id]
    fields = path_fields(scenario_id, persona_id)
    has_nir = any(f.kind == "nir" for f in fields)
    has_taken = any(r.rule == "not_taken" for f in fields for r in f.rules)
    # A wrong code on the CAF's paths, and on a path with no NIR nor address to choose.
    code_mistake = scenario_id.startswith("caf") or not (has_nir or has_taken)
    nir_done = code_done = taken_done = False
    while not learner.finished():
        expect(simulation_notice(page)).to_be_visible()
        kinds = {f.kind for f in learner.screen.fields}
        rules = {r.rule for f in learner.screen.fields for r in f.rules}
        if mistakes and not nir_done and "nir" in kinds:
            make_nir_mistake(learner)
            nir_done = True
        elif mistakes and not taken_done and "not_taken" in rules:
            make_taken_mistake(learner)
            taken_done = True
        elif mistakes and not code_done and "code" in kinds and code_mistake:
            make_code_mistake(learner)
            code_done = True
        else:
            learner.play_screen()
    expect(simulation_notice(page)).to_be_visible()
    learner.receipt_number()
    # A diagnostic ends on the level it advises, never on « réussi ».
    ending = (re.compile(r"^Niveau conseillé\s: ") if learner.scenario.diagnostic is not None
              else "Bravo, vous avez réussi l'exercice !")
    expect(page.get_by_role("heading", level=2, name=ending)).to_be_visible()
    assert learner.screens_seen == learner.run.history + [learner.run.current_id]
    if mistakes:
        assert nir_done or not has_nir
        assert taken_done or not has_taken
        assert code_done or not code_mistake
        assert nir_done or taken_done or code_done, "the first persona made no mistake"
    assert page.record.requests, "no request recorded"
    assert not page.record.foreign_requests()
