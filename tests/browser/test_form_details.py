"""The details of a form that a learner on a phone relies on, checked on a real scenario.

(Moved from tests/widgets/test_browser.py, which served a scenario built in code with plain
``voila``: the same checks now run on the real server and the built-in France Travail scenario.)

- Labels tied to inputs, ``autocomplete`` and ``inputmode`` for the phone's keyboard and
  autofill, the expected format given before typing (the group's description).
- A refused screen: the error summary gets focus and lists each error as a link to its field;
  what was typed stays; each field says what is wrong (``aria-invalid``, description).
- A hint on the field the learner was on.
- A real-looking phone number that is not the persona's: the field is emptied and a warning
  naming the persona is shown.
- A new SMS: the phone's button's name says so ("1 nouveau message") until it is opened.
"""

from __future__ import annotations

import re

import pytest
from browser_support import (
    STEP_TIMEOUT_MS,
    Learner,
    catalogue,
    drawn,
    label_name,
    open_learner_page,
    spaced,
)
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

SCENARIO = "france-travail-inscription"
NOT_KARIMS_PHONE = "06 23 45 67 89"


def test_labels_errors_hints_warnings_and_new_messages(page, workbook):
    cat = catalogue()
    learner = Learner(page, cat, SCENARIO, "karim")
    open_learner_page(page, workbook, scenario=SCENARIO, persona="karim")
    learner.wait_screen()
    while learner.run.current_id != "identite":
        learner.play_screen()

    spec = {f.id: f for f in learner.screen.fields}
    form = learner.form()
    name = learner.field(spec["nom"])
    expect(name).to_have_attribute("autocomplete", "family-name")
    expect(name).to_have_accessible_description(drawn(spec["nom"].help))
    birth = learner.field(spec["date-naissance"])
    expect(birth).to_have_accessible_description(drawn(spec["date-naissance"].help))
    day = birth.get_by_label("Jour", exact=True)
    expect(day).to_have_attribute("autocomplete", "bday-day")
    expect(day).to_have_attribute("inputmode", "numeric")
    expect(learner.field(spec["nir"])).to_have_attribute("inputmode", "numeric")

    # Sent with a wrong name and half a date: the summary takes focus, typed text stays.
    name.fill("Dupont")
    day.fill("14")
    learner.continue_button().click()
    summary = page.locator(".bas-error-summary")
    expect(summary).to_be_focused(timeout=STEP_TIMEOUT_MS)
    expect(summary.get_by_role("heading", level=2)).to_have_text(re.compile(r"^Il y a \d+ erreurs$"))
    expect(name).to_have_value("Dupont")
    expect(day).to_have_value("14")
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(name).to_have_accessible_description(
        drawn(f"Erreur : {spec['nom'].errors['mismatch']}"))
    expect(birth.get_by_label("Mois", exact=True)).to_have_attribute("aria-invalid", "true")
    # Each error of the summary leads to its field.
    link = summary.get_by_role("link", name=re.compile("^" + spaced(spec["nom"].label) + r"\s: "))
    link.click()
    expect(name).to_be_focused()

    # Help on the field the learner is on.
    form.get_by_role("button", name="J'ai besoin d'aide", exact=True).click()
    hint = page.get_by_role("status").filter(has_text=spec["nom"].hints[0])
    expect(hint).to_be_visible(timeout=STEP_TIMEOUT_MS)
    expect(hint).to_contain_text(f"Indice 1 sur {len(spec['nom'].hints)}")
    expect(name).to_have_value("Dupont")
    learner.play_screen()

    # A real-looking phone number that is not Karim's: emptied, and a warning naming him.
    while learner.screen.role == "lesson":  # the short lesson on e-mail addresses comes first
        learner.play_screen()
    assert learner.run.current_id == "coordonnees"
    phone_spec = next(f for f in learner.screen.fields if f.kind == "phone")
    answers = learner.answers()
    learner.fill_screen({phone_spec.id: NOT_KARIMS_PHONE})
    learner.continue_button().click()
    warning = page.get_by_role("alert").filter(has_text="Attention à vos données")
    expect(warning).to_be_visible(timeout=STEP_TIMEOUT_MS)
    expect(warning).to_contain_text("Karim")
    phone_field = learner.form().get_by_label(label_name(phone_spec.label))
    expect(phone_field).to_have_value("")
    learner.fill(phone_spec, answers[phone_spec.id])
    learner.submit(answers)

    # The SMS with the code: the phone's button says it until the phone is opened.
    while not any(f.kind == "code" for f in learner.screen.fields):
        learner.play_screen()
    button, region = learner.device("sms")
    # The count is drawn by the style sheet (a badge); the button's name says it in words.
    expect(button).to_have_accessible_name("Téléphone (1 nouveau message)",
                                           timeout=STEP_TIMEOUT_MS)
    expect(region.get_by_role("status")).to_have_text(re.compile(r"^Nouveau SMS de "))
    learner.play_screen()  # reads the code on the phone, which opens it
    expect(button).to_have_accessible_name("Téléphone")
