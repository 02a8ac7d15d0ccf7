"""A learner's run is theirs alone, in a real browser: one phone each, a console on the laptop.

- The same phone reloads the QR code's link: back at its screen, without a question.
- A second phone asks for the same pseudonym: refused with a free one, it cannot drive the
  run; « C'est moi » asks the facilitator, whose « Autoriser » hands the run over; the first
  phone then says the run continues elsewhere.
- Two people asking for « Marie » get « Marie » and « Marie2 ».
- A learner's kernel killed with ``kill -9`` mid-exercise: the page says so in French, and
  « Reprendre » brings the learner back to the screen they were on.

Each phone is its own browser context (its own ``localStorage``, so its own device token).
"""

from __future__ import annotations

import json
import re
import signal

import psutil
import pytest
from browser_support import PAGE_TIMEOUT_MS, STEP_TIMEOUT_MS, Learner, catalogue
from playwright.sync_api import Page, expect
from test_live_workshop import join, open_console, start_exercise, tile

from bacasable.store import Store
from bacasable.workshop.pin_policy import set_facilitator_pin

pytestmark = pytest.mark.browser

CATALOGUE = catalogue()
SCENARIO = "france-travail-inscription"
PIN = "739184"  # as test_live_workshop's console helper types it
WORKSHOP_TITLE = "Atelier en direct (test)"  # as its join helper expects it
DESKTOP = {"width": 1366, "height": 768}
RESUMED = "Vous reprenez là où vous étiez."


@pytest.fixture
def code(workbook) -> str:
    with Store(workbook.config.db_url) as store:
        set_facilitator_pin(store, PIN)
        return store.create_workshop(WORKSHOP_TITLE, "Médiathèque (test)", "2026-12-06",
                                     [SCENARIO])["join_code"]


def on_second_screen(phone: Page, pseudonym: str, workbook, code: str) -> Learner:
    join(phone, workbook, code, pseudonym)
    learner = Learner(phone, CATALOGUE, SCENARIO, "karim")
    start_exercise(learner)
    learner.play_screen()
    return learner


def test_the_same_phone_comes_back_without_a_question(open_page, workbook, code):
    phone = open_page()
    learner = on_second_screen(phone, "Tournesol", workbook, code)
    second = learner.title()
    phone.reload(wait_until="domcontentloaded", timeout=PAGE_TIMEOUT_MS)
    expect(phone.get_by_role("heading", level=1, name=second)).to_be_visible(
        timeout=PAGE_TIMEOUT_MS)
    expect(phone.get_by_text(RESUMED)).to_be_visible()
    expect(phone.get_by_label("Votre pseudonyme", exact=True)).to_have_count(0)
    # The token is the browser's only: not in the address, not the pseudonym.
    assert "Tournesol" not in phone.url and "appareil" not in phone.url
    token = phone.evaluate("() => window.localStorage.getItem('bacasable-appareil')")
    assert re.fullmatch(r"[0-9a-f]{32}", token)
    with Store(workbook.config.db_url) as store:
        assert token not in json.dumps(store.export_participant(
            store.room(store.workshop_by_code(code)["id"])[0]["participant_id"]), default=str)


def test_a_second_phone_takes_over_only_when_the_facilitator_allows_it(open_page, workbook,
                                                                       code):
    first = open_page()
    learner = on_second_screen(first, "Marie", workbook, code)
    second_screen = learner.title()

    other = open_page()
    other.goto(workbook.url(code=code), wait_until="domcontentloaded", timeout=PAGE_TIMEOUT_MS)
    field = other.get_by_label("Votre pseudonyme", exact=True)
    expect(field).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    field.fill("marie")
    other.get_by_role("button", name="Rejoindre l'atelier", exact=True).click()
    expect(other.get_by_text("marie est déjà pris. Essayez marie2.")).to_be_visible(
        timeout=STEP_TIMEOUT_MS)
    expect(field).to_have_attribute("aria-invalid", "true")
    # Refused: no exercise here, nothing to drive Marie's run with.
    expect(other.get_by_role("heading", level=1, name=second_screen)).to_have_count(0)
    expect(other.get_by_role("button", name="Lever la main")).to_have_count(0)
    other.get_by_role("button", name="C'est moi : reprendre ma place sur cet appareil").click()
    expect(other.get_by_text("Demande envoyée à l'animateur.", exact=False)).to_be_visible(
        timeout=STEP_TIMEOUT_MS)

    console = open_page(DESKTOP)
    open_console(console, workbook)
    console.get_by_role("listitem").filter(has_text=f"code {code}").get_by_role(
        "button", name=f"Reprendre l'atelier « {WORKSHOP_TITLE} »").click()
    card = tile(console, "Marie")
    expect(card.get_by_text("Marie veut reprendre sur un autre appareil")).to_be_visible(
        timeout=STEP_TIMEOUT_MS)
    card.get_by_role("button", name="Autoriser", exact=True).click()

    expect(other.get_by_role("heading", level=1, name=second_screen)).to_be_visible(
        timeout=STEP_TIMEOUT_MS)
    expect(other.get_by_text(RESUMED)).to_be_visible()
    expect(first.get_by_role("alert").filter(
        has_text="Votre exercice continue sur un autre appareil")).to_be_visible(
        timeout=STEP_TIMEOUT_MS)
    expect(card.get_by_text("veut reprendre")).to_be_hidden(timeout=STEP_TIMEOUT_MS)


def test_two_people_asking_for_marie_get_marie_and_a_suggestion(open_page, workbook, code):
    first = open_page()
    join(first, workbook, code, "Marie")
    second = open_page()
    second.goto(workbook.url(code=code), wait_until="domcontentloaded", timeout=PAGE_TIMEOUT_MS)
    field = second.get_by_label("Votre pseudonyme", exact=True)
    expect(field).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    field.fill("Marie")
    second.get_by_role("button", name="Rejoindre l'atelier", exact=True).click()
    second.get_by_role("button", name="Prendre « Marie2 »").click()
    expect(second.get_by_text("Votre pseudonyme : Marie2")).to_be_visible(
        timeout=STEP_TIMEOUT_MS)
    expect(first.get_by_text("Votre pseudonyme : Marie", exact=True)).to_be_visible()


def _kernel_of(page: Page, workbook) -> psutil.Process:
    kernel_id = page.evaluate(
        "() => JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId")
    for process in workbook.kernel_processes():
        if kernel_id in " ".join(process.cmdline()):
            return process
    raise AssertionError(f"no kernel process for {kernel_id}")


def test_a_killed_kernel_is_said_in_french_and_the_learner_resumes(open_page, workbook, code):
    phone = open_page()
    learner = on_second_screen(phone, "Coupé", workbook, code)
    second_screen = learner.title()
    _kernel_of(phone, workbook).send_signal(signal.SIGKILL)
    cut = phone.get_by_role("alert").filter(has_text="La connexion avec l'exercice est coupée")
    expect(cut).to_be_visible(timeout=40_000)
    expect(cut).to_contain_text("Vos écrans déjà validés sont gardés.")
    assert "Traceback" not in phone.content()
    cut.get_by_role("button", name="Reprendre", exact=True).click()
    expect(phone.get_by_role("heading", level=1, name=second_screen)).to_be_visible(
        timeout=PAGE_TIMEOUT_MS)
    expect(phone.get_by_text(RESUMED)).to_be_visible()
