"""Stored text that looks like HTML stays text on every facilitator page, in a real browser.

A workshop title ``<img src=x onerror=alert(1)>`` (the store takes any title) and the same
pseudonym (written into the database: the store refuses it) are shown by the console's list and board, the projection's
list of workshops and the bilan's tables show them as text: no element is made of them and no
dialog opens.
"""

from __future__ import annotations

import pytest
from browser_support import PAGE_TIMEOUT_MS, STEP_TIMEOUT_MS, Workbook
from playwright.sync_api import Page, expect
from sqlalchemy import create_engine, update

from bacasable.store import Store, tables
from bacasable.workshop.network import LEARNER_NOTEBOOK
from bacasable.workshop.pin_policy import set_facilitator_pin

pytestmark = pytest.mark.browser

HOSTILE = "<img src=x onerror=alert(1)>"
PIN = "739184"
DESKTOP = {"width": 1366, "height": 768}


@pytest.fixture
def server(tmp_path):
    workbook = Workbook(tmp_path / "data", tmp_path / "server.log", preheat=0)
    try:
        with Store(workbook.config.db_url) as store:
            set_facilitator_pin(store, PIN)
            workshop = store.create_workshop(HOSTILE, HOSTILE, "2026-11-26",
                                              ["france-travail-inscription"])
            learner = store.join(workshop["id"], "Marie")
        # The store refuses such a pseudonym (letters, digits, - ' _ . only): write it as a
        # tampered database would hold it.
        engine = create_engine(workbook.config.db_url)
        try:
            with engine.begin() as conn:
                conn.execute(update(tables.participants)
                             .where(tables.participants.c.id == learner["id"])
                             .values(pseudonym=HOSTILE))
        finally:
            engine.dispose()
        workbook.wait_ready()
        workbook.workshop = workshop
        yield workbook
    finally:
        workbook.stop()


def _open(page: Page, server, notebook: str, button: str) -> list[str]:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(server.url().replace(LEARNER_NOTEBOOK, notebook), wait_until="domcontentloaded",
              timeout=PAGE_TIMEOUT_MS)
    field = page.get_by_label("Code PIN de l'animateur", exact=True)
    expect(field).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    field.fill(PIN)
    page.get_by_role("button", name=button, exact=True).click()
    return dialogs


def _no_markup_made(page: Page, dialogs: list[str]) -> None:
    assert page.locator('img[src="x"]').count() == 0
    assert page.locator("[onerror]").count() == 0
    assert dialogs == []


def test_hostile_text_is_shown_as_text_on_every_facilitator_page(server, open_page):
    code = server.workshop["join_code"]

    console = open_page(DESKTOP)
    dialogs = _open(console, server, "animateur.ipynb", "Ouvrir la console")
    resume = console.get_by_role("region", name="Reprendre un atelier")
    expect(resume.get_by_text(HOSTILE, exact=True)).to_be_visible(timeout=STEP_TIMEOUT_MS)
    console.get_by_role("button", name=f"Reprendre l'atelier « {HOSTILE} »").click()
    room = console.get_by_role("region", name="La salle", exact=True)
    expect(room.get_by_text(HOSTILE).first).to_be_visible(timeout=STEP_TIMEOUT_MS)
    _no_markup_made(console, dialogs)

    projection = open_page(DESKTOP)
    dialogs = _open(projection, server, "projection.ipynb", "Ouvrir la projection")
    choice = projection.get_by_label("Atelier en cours (facultatif)", exact=True)
    expect(choice.locator("option", has_text=f"{HOSTILE} (code {code[:3]} {code[3:]})")
           ).to_have_count(1, timeout=STEP_TIMEOUT_MS)
    _no_markup_made(projection, dialogs)

    bilan = open_page(DESKTOP)
    dialogs = _open(bilan, server, "bilan.ipynb", "Ouvrir le bilan")
    bilan.get_by_label("Atelier", exact=True).select_option(index=0)
    bilan.get_by_role("button", name="Voir le bilan de l'atelier", exact=True).click()
    expect(bilan.get_by_role("heading", level=2, name=HOSTILE)).to_be_visible(
        timeout=STEP_TIMEOUT_MS)
    attendance = bilan.get_by_role("table", name="Apprenants présents", exact=True)
    expect(attendance.get_by_role("rowheader", name=HOSTILE, exact=True)).to_be_visible()
    _no_markup_made(bilan, dialogs)
