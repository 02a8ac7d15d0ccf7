"""On a phone, an SMS arrives as a notification in view, opens as a sheet over the form, and
closing it puts the learner back in the code field: the code is read and typed without
scrolling (360 × 640)."""

from __future__ import annotations

import re

import pytest
from browser_support import (
    SMALL_PHONE,
    STEP_TIMEOUT_MS,
    Learner,
    catalogue,
    open_learner_page,
)
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

CATALOGUE = catalogue()
SCENARIO, PERSONA = "france-travail-inscription", "karim"


def test_the_sms_is_a_notification_then_a_sheet_then_back_to_the_code(open_page, workbook):
    page = open_page(SMALL_PHONE)
    learner = Learner(page, CATALOGUE, SCENARIO, PERSONA)
    open_learner_page(page, workbook, scenario=SCENARIO, persona=PERSONA)
    learner.wait_screen()
    while not any(f.kind == "code" for f in learner.screen.fields):
        learner.play_screen()
    spec = next(f for f in learner.screen.fields if f.kind == "code")
    scroll = page.evaluate("scrollY")

    # The notification is in view, where the learner is.
    toast = page.get_by_role("button", name="Nouveau SMS — touchez pour le lire", exact=True)
    expect(toast).to_be_in_viewport(timeout=STEP_TIMEOUT_MS)
    toast.click()
    expect(toast).to_be_hidden()

    # The phone opens as a sheet over the form: the page did not move, the code is in view.
    button, region = learner.device("sms")
    expect(button).to_have_attribute("aria-expanded", "true")
    message = region.get_by_role("listitem").last
    expect(message).to_be_in_viewport()
    assert page.evaluate("scrollY") == scroll
    code = re.findall(r"(?<!\d)\d{6}(?!\d)", message.inner_text())[-1]
    expect(button).to_have_text("Téléphone")

    # Closing it puts focus back in the code field, in view: the code is typed at once.
    region.get_by_role("button", name="Fermer le téléphone", exact=True).click()
    field = learner.field(spec)
    expect(field).to_be_focused()
    expect(field).to_be_in_viewport()
    page.keyboard.type(code)
    expect(field).to_have_value(code)
    learner.submit(learner.answers())  # the next screen comes: the code was the right one


def test_a_date_is_three_boxes_on_one_line_with_an_example_that_matches(open_page, workbook):
    page = open_page(SMALL_PHONE)
    learner = Learner(page, CATALOGUE, SCENARIO, PERSONA)
    open_learner_page(page, workbook, scenario=SCENARIO, persona=PERSONA)
    learner.wait_screen()
    while not any(f.kind == "date" for f in learner.screen.fields):
        learner.play_screen()
    spec = next(f for f in learner.screen.fields if f.kind == "date")
    group = learner.field(spec)
    tops = [round(group.get_by_label(name, exact=True).bounding_box()["y"])
            for name in ("Jour", "Mois", "Année")]
    assert len(set(tops)) == 1, tops
    expect(group).to_contain_text(re.compile(r"Exemple\s: \d\d \d\d \d{4}"))
