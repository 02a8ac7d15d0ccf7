"""The trainer's editor in a real browser: edit a hint, save, and a learner sees the new hint.

Karim's own hint (``hints_by_persona``) too: France Travail's registration is a shipped exercise,
saved in the trainers' folder (here the copy's, first of ``scenario_dirs``).

The server works on a COPY of the scenario (``scenario_dirs`` pointing at a temporary folder,
which overrides the built-in scenario of the same id): the repository's files are never changed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from browser_support import (
    NOTEBOOKS,
    PAGE_TIMEOUT_MS,
    SMALL_PHONE,
    STEP_TIMEOUT_MS,
    Workbook,
    axe_violations,
    describe_violations,
    free_port,
    layout_problems,
)
from playwright.sync_api import expect
from ruamel.yaml import YAML

from bacasable.common.config import BUILTIN_SCENARIOS, BacasableConfig
from bacasable.server.serve import start_server
from bacasable.store import Store
from bacasable.workshop.network import LEARNER_NOTEBOOK
from bacasable.workshop.pin_policy import set_facilitator_pin

pytestmark = pytest.mark.browser

SCENARIO = "caf-prime-activite"
PERSONA = "nadia"
PIN = "739184"
NEW_HINT = "Regardez dans la fiche de votre personnage si la CAF lui verse une aide."
LAPTOP = {"width": 1366, "height": 900}
SMALL_LAPTOP = {"width": 1366, "height": 768}
PERSONA_HINTS_SCENARIO = "france-travail-inscription"  # shipped: saved in the trainers' folder
KARIM_HINT = "Karim a 34 ans. Il cherche un emploi de cariste."
SHOTS = Path(os.environ.get("BACASABLE_SHOTS") or "/tmp/bacasable-editor")


class EditorWorkbook(Workbook):
    """The real server, as :class:`Workbook` starts it, but on a copy of the scenarios."""

    def __init__(self, data_dir: Path, log: Path, scenarios: Path) -> None:
        Path(data_dir).mkdir(parents=True, exist_ok=True)
        self.config = BacasableConfig(ip="127.0.0.1", data_dir=str(data_dir),
                                      scenario_dirs=[str(scenarios)],
                                      db_url=f"sqlite:///{Path(data_dir) / 'bacasable.sqlite'}")
        self.config.preheat_kernels = 0  # two pages only: no pool to keep the CPU quiet
        self.pool_size = 0
        self.port = free_port()
        self.log = log
        with log.open("w", encoding="utf-8") as out:
            self.process = start_server(self.config, NOTEBOOKS, self.port, stdout=out,
                                        stderr=subprocess.STDOUT)


@pytest.fixture
def copied(tmp_path) -> Path:
    folder = tmp_path / "scenarios"
    folder.mkdir()
    shutil.copyfile(BUILTIN_SCENARIOS / f"{SCENARIO}.yaml", folder / f"{SCENARIO}.yaml")
    return folder


@pytest.fixture
def server(tmp_path, copied):
    workbook = EditorWorkbook(tmp_path / "data", tmp_path / "server.log", copied)
    try:
        workbook.wait_ready()
        yield workbook
    finally:
        workbook.stop()


def open_editor(server, open_page, viewport, scenario: str = SCENARIO):
    """Choose the PIN, open the trainer's page, pass its gate and open ``scenario``."""
    store = Store(server.config.db_url)
    try:
        set_facilitator_pin(store, PIN)
    finally:
        store.close()
    page = open_page(viewport)
    page.goto(server.url().replace(LEARNER_NOTEBOOK, "formateur.ipynb"),
              wait_until="domcontentloaded", timeout=PAGE_TIMEOUT_MS)
    pin = page.get_by_label("Code PIN de l'animateur", exact=True)
    expect(pin).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    assert page.locator(".bas-editor-panel").count() == 0
    pin.fill(PIN)
    pin.press("Enter")
    choice = page.get_by_label("Scénario", exact=True)
    expect(choice).to_be_visible(timeout=STEP_TIMEOUT_MS)
    choice.select_option(scenario)
    page.get_by_role("button", name="Ouvrir", exact=True).click()
    return page


def test_edit_a_hint_then_a_learner_sees_it(server, copied, open_page):
    # server first: it is stopped after the pages are closed (fixtures end in reverse order)
    builtin = (BUILTIN_SCENARIOS / f"{SCENARIO}.yaml").read_bytes()
    page = open_editor(server, open_page, LAPTOP)
    hint = page.locator('textarea[name="screens.0.fields.0.hints.0"]')
    expect(hint).to_be_visible(timeout=STEP_TIMEOUT_MS)
    expect(page.locator(".bas-editor-preview .bas-screen h1")).to_be_visible()
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)
    hint.fill(NEW_HINT)
    hint.press("Tab")  # leaving the text sends it
    expect(page.get_by_text("Des modifications ne sont pas encore enregistrées.")).to_be_visible(
        timeout=STEP_TIMEOUT_MS)
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_text(f"Modifications enregistrées dans {SCENARIO}.yaml.")).to_be_visible(
        timeout=STEP_TIMEOUT_MS)
    assert NEW_HINT in (copied / f"{SCENARIO}.yaml").read_text(encoding="utf-8")
    assert (BUILTIN_SCENARIOS / f"{SCENARIO}.yaml").read_bytes() == builtin

    learner = open_page()
    learner.goto(server.url(scenario=SCENARIO, persona=PERSONA), wait_until="domcontentloaded",
                 timeout=PAGE_TIMEOUT_MS)
    refuse = learner.get_by_role("button", name="Tout refuser", exact=True)
    expect(refuse).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    refuse.click()
    learner.get_by_role("button", name="J'ai besoin d'aide", exact=True).click()
    expect(learner.get_by_text(NEW_HINT)).to_be_visible(timeout=STEP_TIMEOUT_MS)
    assert (BUILTIN_SCENARIOS / f"{SCENARIO}.yaml").read_bytes() == builtin


def test_add_move_and_remove_a_field(server, copied, open_page):
    before = (copied / f"{SCENARIO}.yaml").read_bytes()
    page = open_editor(server, open_page, LAPTOP)
    preview = page.locator(".bas-editor-preview")
    expect(preview.locator(".bas-screen h1")).to_be_visible(timeout=STEP_TIMEOUT_MS)

    label = "Votre couleur préférée"
    page.get_by_label("Type du nouveau champ", exact=True).select_option("text")
    page.get_by_label("Libellé du nouveau champ", exact=True).fill(label)
    page.get_by_role("button", name="Ajouter le champ", exact=True).click()
    expect(page.get_by_text(f"Champ « {label} » ajouté", exact=False)).to_be_visible(
        timeout=STEP_TIMEOUT_MS)
    expect(preview.get_by_label(label, exact=False)).to_be_visible()

    up = page.get_by_role("button", name=f"Monter le champ « {label} »", exact=True)
    fields = page.locator(".bas-editor-field")
    count = fields.count()
    assert count >= 2
    for position in range(count - 1, 0, -1):  # to the top, the keyboard keeping the focus
        up.click() if position == count - 1 else page.keyboard.press("Enter")
        expect(fields.nth(position - 1)).to_contain_text(label, timeout=STEP_TIMEOUT_MS)
    expect(up).to_be_disabled()
    expect(page.get_by_text(f"Champ « {label} » déplacé", exact=False)).to_be_visible()
    expect(preview.locator("label").first).to_contain_text(label)

    page.get_by_role("button", name=f"Supprimer le champ « {label} »", exact=True).focus()
    page.keyboard.press("Enter")
    no = page.get_by_role("button", name="Annuler", exact=True)
    expect(no).to_be_focused(timeout=STEP_TIMEOUT_MS)  # the safe answer has the focus
    page.keyboard.press("Shift+Tab")
    expect(page.get_by_role("button", name="Oui, supprimer", exact=True)).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_text(f"Champ « {label} » supprimé", exact=False)).to_be_visible(
        timeout=STEP_TIMEOUT_MS)
    expect(preview.get_by_label(label, exact=False)).to_have_count(0)

    # Typing a text, then answering « Oui, supprimer » at once: the text and the removal count.
    other_label = "Votre ville"
    page.get_by_label("Libellé du nouveau champ", exact=True).fill(other_label)
    page.get_by_role("button", name="Ajouter le champ", exact=True).click()
    expect(preview.get_by_label(other_label, exact=False)).to_be_visible(timeout=STEP_TIMEOUT_MS)
    page.get_by_role("button", name=f"Supprimer le champ « {other_label} »", exact=True).click()
    hint = page.locator('textarea[name="screens.0.fields.0.hints.0"]')
    hint.fill(NEW_HINT)
    page.get_by_role("button", name="Oui, supprimer", exact=True).click()
    expect(page.get_by_text(f"Champ « {other_label} » supprimé", exact=False)).to_be_visible(
        timeout=STEP_TIMEOUT_MS)
    expect(hint).to_have_value(NEW_HINT)
    expect(preview.get_by_label(label, exact=False)).to_have_count(0)
    assert page.get_by_text("Un problème est survenu").count() == 0
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)
    # Nothing was saved: the file on disk is untouched until "Enregistrer".
    assert (copied / f"{SCENARIO}.yaml").read_bytes() == before

    # The same page edits personas too.
    personas = page.get_by_role("button", name="Créer ou modifier un persona", exact=True)
    personas.click()
    expect(personas).to_have_attribute("aria-pressed", "true", timeout=STEP_TIMEOUT_MS)
    expect(page.get_by_role("heading", name="Personas fictifs", exact=True)).to_be_visible(
        timeout=STEP_TIMEOUT_MS)
    expect(preview).to_have_count(0)
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)
    page.get_by_role("button", name="Modifier un scénario", exact=True).click()
    expect(preview.locator(".bas-screen h1")).to_be_visible(timeout=STEP_TIMEOUT_MS)


def test_the_preview_stays_beside_the_form_and_shows_the_hint_edited(server, open_page):
    page = open_editor(server, open_page, SMALL_LAPTOP)
    preview = page.locator(".bas-editor-preview")
    expect(preview.locator(".bas-screen h1")).to_be_visible(timeout=STEP_TIMEOUT_MS)
    # No key of the file as a label: « Message si … », never « Message d'erreur (mismatch) ».
    expect(page.get_by_label("Message si la personne ne répond pas").first).to_be_visible()
    assert page.get_by_text(re.compile(r"\((required|mismatch|format)\)")).count() == 0

    form = page.locator(".bas-editor-form").bounding_box()
    beside = preview.bounding_box()
    assert form and beside and beside["x"] >= form["x"] + form["width"] - 1, (form, beside)
    assert beside["width"] > 400  # a column, not a strip

    # The second hint of the first field, far down the form: its text box gets the focus.
    box = page.locator('textarea[name="screens.0.fields.0.hints.1"]')
    box.focus()
    field = preview.locator('[data-field="statut"]')
    hint = field.locator('[id$="-hint"]')
    expect(hint).to_contain_text("Indice 2", timeout=STEP_TIMEOUT_MS)
    expect(hint).to_have_class(re.compile("bas-editor-target"))
    expect(field).to_have_class(re.compile("bas-editor-target"))
    expect(box).to_be_focused()  # the preview never takes the focus
    height = SMALL_LAPTOP["height"]
    for shown in (box, hint):  # wholly in view; retried, as the preview may still be redrawing
        expect(shown).to_be_in_viewport(ratio=1, timeout=STEP_TIMEOUT_MS)
    spot = preview.bounding_box()
    assert spot and spot["y"] >= -1 and spot["y"] + spot["height"] <= height + 1, spot  # sticky
    # An error message's box: the message appears under its field in the preview.
    message = page.locator('textarea[name="screens.0.fields.0.errors.mismatch"]')
    message.focus()
    expect(field.locator(".bas-error-text")).to_have_class(re.compile("bas-editor-target"),
                                                           timeout=STEP_TIMEOUT_MS)
    expect(field.locator(".bas-error-text")).to_contain_text(message.input_value())

    # A small phone: one column, the preview right after the text box being edited.
    page.set_viewport_size(SMALL_PHONE)
    box.blur()
    box.focus()
    page.wait_for_function("""() => {
        const pane = document.querySelector(".bas-editor-preview");
        const box = document.querySelector('textarea[name="screens.0.fields.0.hints.1"]');
        return pane && box && box.closest(".bas-field").nextElementSibling === pane; }""",
        timeout=STEP_TIMEOUT_MS)
    under = box.bounding_box()
    pane = preview.bounding_box()
    assert under and pane and 0 <= pane["y"] - (under["y"] + under["height"]) < 80, (under, pane)
    assert pane["y"] < SMALL_PHONE["height"]  # its top in view, under the text box
    problems = [p for p in layout_problems(page) if "target" not in p]
    assert not problems, problems
    box.press("Tab")  # the keyboard steps over the preview, to the next text
    expect(page.locator('textarea[name="screens.0.fields.0.hints.2"]')).to_be_focused()
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)


def test_karims_own_hint_is_edited_saved_then_seen_by_karim(server, copied, open_page):
    shipped = (BUILTIN_SCENARIOS / f"{PERSONA_HINTS_SCENARIO}.yaml").read_bytes()
    page = open_editor(server, open_page, SMALL_LAPTOP, scenario=PERSONA_HINTS_SCENARIO)
    part = page.locator("details", has=page.get_by_text(
        "Indices pour Karim (si elle ou il a besoin d'autres indices)", exact=True)).first
    summary = part.locator("summary")
    expect(summary).to_be_visible(timeout=STEP_TIMEOUT_MS)
    hint = page.get_by_label("Indice 1 pour Karim", exact=True).first
    expect(hint).to_be_hidden()  # folded until opened
    summary.focus()
    page.keyboard.press("Enter")  # the keyboard opens it
    expect(hint).to_be_visible()
    expect(hint).to_have_value("Lisez toutes les phrases de la liste avant de choisir.")
    expect(part.get_by_role("button", name="Retirer l'indice 1 pour Karim", exact=True)).to_be_visible()
    # With the keyboard: Karim's hints taken away, then given back from the common ones.
    part.get_by_role("button", name="Supprimer les indices de Karim", exact=True).focus()
    page.keyboard.press("Enter")
    # Asked first, the focus on « Annuler »; « Oui, supprimer » just before it.
    question = page.get_by_role("alertdialog")
    expect(question).to_contain_text("Supprimer les indices écrits pour Karim",
                                     timeout=STEP_TIMEOUT_MS)
    expect(question.get_by_role("button", name="Annuler")).to_be_focused()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "indices-karim-question-1366.png"))
    page.keyboard.press("Shift+Tab")
    expect(question.get_by_role("button", name="Oui, supprimer")).to_be_focused()
    page.keyboard.press("Enter")
    add = part.get_by_role("button", name="Écrire des indices pour Karim", exact=True)
    expect(add).to_be_focused(timeout=STEP_TIMEOUT_MS)
    expect(hint).to_have_count(0)
    page.keyboard.press("Enter")
    expect(hint).to_be_focused(timeout=STEP_TIMEOUT_MS)  # the first box of the copy
    expect(part.get_by_label("Indice 2 pour Karim", exact=True)).to_have_value(
        "Relisez l'histoire de {first_name} sur sa fiche.")

    hint.fill(KARIM_HINT)
    hint.press("Tab")  # leaving the text sends it
    expect(page.get_by_text("Des modifications ne sont pas encore enregistrées.")).to_be_visible(
        timeout=STEP_TIMEOUT_MS)
    shown = page.locator('.bas-editor-preview [data-field="situation"] [id$="-hint"]')
    hint.focus()  # the preview plays Karim and shows his hint
    expect(shown).to_contain_text(KARIM_HINT, timeout=STEP_TIMEOUT_MS)
    expect(page.locator(".bas-editor-preview")).to_contain_text(
        "Personnage joué dans l'aperçu : Karim.")
    expect(part).to_have_attribute("open", "")  # still open after the redraws
    expect(shown).to_have_class(re.compile("bas-editor-target"))
    SHOTS.mkdir(parents=True, exist_ok=True)
    summary.evaluate("node => node.scrollIntoView({block: 'start'})")
    page.screenshot(path=str(SHOTS / "indices-karim-1366.png"))
    # The preview scrolled to Karim's hint, wholly in view (retried: a late redraw hides it a moment).
    expect(shown).to_be_in_viewport(ratio=1, timeout=STEP_TIMEOUT_MS)
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)

    page.set_viewport_size(SMALL_PHONE)
    hint.blur()
    hint.focus()
    expect(shown).to_be_visible(timeout=STEP_TIMEOUT_MS)
    problems = [p for p in layout_problems(page) if "target" not in p]
    assert not problems, problems
    page.screenshot(path=str(SHOTS / "indices-karim-360.png"))
    summary.evaluate("node => node.scrollIntoView({block: 'start'})")
    page.screenshot(path=str(SHOTS / "indices-karim-360-titre.png"))
    page.set_viewport_size(SMALL_LAPTOP)

    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_text("Modifications enregistrées dans votre dossier", exact=False)
           ).to_be_visible(timeout=STEP_TIMEOUT_MS)
    saved = YAML(typ="safe").load((copied / f"{PERSONA_HINTS_SCENARIO}.yaml").read_text(encoding="utf-8"))
    field = saved["screens"][0]["fields"][0]
    assert field["hints_by_persona"]["karim"][0] == KARIM_HINT
    assert KARIM_HINT not in field["hints"] + field["hints_by_persona"]["lucas"]
    assert (BUILTIN_SCENARIOS / f"{PERSONA_HINTS_SCENARIO}.yaml").read_bytes() == shipped

    learner = open_page()
    learner.goto(server.url(scenario=PERSONA_HINTS_SCENARIO, persona="karim"), wait_until="domcontentloaded",
                 timeout=PAGE_TIMEOUT_MS)
    refuse = learner.get_by_role("button", name="Tout refuser", exact=True)
    expect(refuse).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    refuse.click()
    learner.get_by_role("button", name="J'ai besoin d'aide", exact=True).first.click()
    expect(learner.get_by_text(KARIM_HINT)).to_be_visible(timeout=STEP_TIMEOUT_MS)
    assert (BUILTIN_SCENARIOS / f"{PERSONA_HINTS_SCENARIO}.yaml").read_bytes() == shipped
