"""Nothing a learner types reaches the database file, whatever the field, in a real browser.

A learner in a workshop plays each built-in exercise through. On every screen, first every
field one can type in (text, password, e-mail, phone, NIR, IBAN, amount, number, code, each
part of a date and of an address) gets a distinctive string, and the screen is sent; then the
persona's answers. At the end the database's files (with SQLite's journal) are searched, byte
for byte, for that string: it is nowhere, while the run's events are there.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_support import STEP_TIMEOUT_MS, TEXT_KINDS, Learner, catalogue
from playwright.sync_api import expect
from test_live_workshop import join, start_exercise

from bacasable.store import Store

pytestmark = pytest.mark.browser

CATALOGUE = catalogue()
#: What the learner types everywhere first: found nowhere in the database afterwards.
TYPED = "Zqxw-Secret-7319"
RUNS = [("france-travail-inscription", "karim"), ("caf-prime-activite", "sophie")]
WORKSHOP_TITLE = "Atelier en direct (test)"  # as the join helper expects it


def _typed_everywhere(learner: Learner) -> None:
    """Send the screen with :data:`TYPED` in every field one can type in, the rest right."""
    learner.refuse_cookies()
    answers = learner.answers()
    values = {}
    for spec in learner.screen.fields:
        value = answers.get(spec.id)
        if spec.kind in TEXT_KINDS:
            value = TYPED
        elif spec.kind == "date":
            value = {"day": TYPED, "month": TYPED, "year": TYPED}
        elif spec.kind == "address":
            value = {"street": TYPED, "postcode": TYPED, "city": TYPED}
        if value is None:
            continue
        learner.fill(spec, value)
        values[spec.id] = value
    if not values:
        return
    learner.continue_button().click()
    if learner.run.submit(values):  # every field took it (free texts only): the page moved on
        learner.wait_screen()
        return
    summary = learner.page.get_by_role("alert").filter(has_text="erreur")
    expect(summary.first).to_be_visible(timeout=STEP_TIMEOUT_MS)
    # The persona leaves some optional fields empty: empty them again.
    for spec in learner.screen.fields:
        if spec.id in values and answers.get(spec.id) is None and not spec.required:
            empty = {"day": "", "month": "", "year": ""} if spec.kind == "date" else (
                {"street": "", "postcode": "", "city": ""} if spec.kind == "address" else "")
            learner.fill(spec, empty)


def _database_bytes(db_url: str) -> bytes:
    path = Path(db_url.removeprefix("sqlite:///"))
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


@pytest.mark.parametrize("scenario_id, persona_id", RUNS)
def test_nothing_typed_reaches_the_database(open_page, workbook, scenario_id, persona_id):
    with Store(workbook.config.db_url) as store:
        code = store.create_workshop(WORKSHOP_TITLE, "", "2026-12-06", [scenario_id])["join_code"]
    phone = open_page()
    join(phone, workbook, code, f"Secret {persona_id}")
    learner = Learner(phone, CATALOGUE, scenario_id, persona_id)
    start_exercise(learner)
    kinds: set[str] = set()
    while not learner.finished():
        kinds |= {spec.kind for spec in learner.screen.fields}
        _typed_everywhere(learner)
        if not learner.finished():
            learner.play_screen()
    learner.receipt_number()
    assert kinds & (TEXT_KINDS | {"date", "address"}), kinds
    with Store(workbook.config.db_url) as store:
        workshop = store.workshop_by_code(code)
        events = list(store.events_frame_rows(workshop["id"]))
    assert any(e["type"] == "field_error" for e in events)
    assert any(e["type"] == "finished" for e in events)
    stored = _database_bytes(workbook.config.db_url)
    assert TYPED.encode() not in stored and TYPED.encode("utf-16-le") not in stored
    assert b"Zqxw" not in stored.replace(b"\x00", b"")
