"""The facilitator's bilan in a real browser, 360 px wide: PIN, a workshop, a CSV, a period.

The server has its own data folder, seeded with the synthetic workshops of
``tests/synthetic_reports.py`` plus a hostile pseudonym written straight into the
database (the store would refuse it: this is the last line of defence). The facilitator opens
``bilan.ipynb``, types the PIN, picks the workshop, finds the tables and the funnel chart with
its alt text, downloads the attendance as CSV (the hostile cell is neutralised), gets a French
message next to a wrong count of the activity report (its counts a grid of small boxes: two a
row at most at 360 px, three or more on a laptop, none sticking out), then shows a period following one
learner. axe-core finds nothing to say on either report. No request leaves the machine (checked by the ``open_page`` fixture too).
"""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest
from browser_support import (
    PAGE_TIMEOUT_MS,
    SMALL_PHONE,
    STEP_TIMEOUT_MS,
    Workbook,
    axe_violations,
    describe_violations,
    drawn,
)
from playwright.sync_api import expect
from sqlalchemy import create_engine, update
from synthetic_reports import FIRST_DAY, Clock, build_synthetic

from bacasable.store import Store, tables
from bacasable.workshop.network import LEARNER_NOTEBOOK
from bacasable.workshop.pin_policy import set_facilitator_pin

pytestmark = pytest.mark.browser

PIN = "739184"
LAPTOP = {"width": 1366, "height": 768}
#: The activity report's fields (label, help, box) that stick out of the page or of their group.
_STICKING_OUT = """() => [...document.querySelectorAll(".bas-bilan-counts .bas-field")]
  .filter((f) => { const r = f.getBoundingClientRect();
    const g = f.closest(".bas-bilan-counts").getBoundingClientRect();
    const box = f.querySelector("input").getBoundingClientRect();
    return r.left < g.left - 1 || r.right > g.right + 1 || r.right > window.innerWidth
      || box.right > r.right + 1 || f.scrollWidth > f.clientWidth + 1; })
  .map((f) => f.textContent)"""
HOSTILE = '=HYPERLINK("x")'
TITLE = "Bilan de l'atelier « Atelier CAF et emploi » du 12 novembre 2026"


@pytest.fixture
def server(tmp_path):
    """A workbook server of its own (no preheated kernel), its store seeded with known data."""
    workbook = Workbook(tmp_path / "data", tmp_path / "server.log", preheat=0)
    try:
        clock = Clock(FIRST_DAY)
        store = Store(workbook.config.db_url, clock=clock)
        try:
            made = build_synthetic(store, clock)
            set_facilitator_pin(store, PIN)
        finally:
            store.close()
        engine = create_engine(workbook.config.db_url)
        try:
            with engine.begin() as conn:
                conn.execute(update(tables.participants)
                             .where(tables.participants.c.id == made.participants["Emma"])
                             .values(pseudonym=HOSTILE))
        finally:
            engine.dispose()
        workbook.wait_ready()
        yield workbook
    finally:
        workbook.stop()


def test_bilan_of_a_workshop_at_360_px(server, open_page, axe_path):
    # server first: it is stopped after the page is closed (fixtures end in reverse order)
    page = open_page(SMALL_PHONE)
    page.goto(server.url().replace(LEARNER_NOTEBOOK, "bilan.ipynb"),
              wait_until="domcontentloaded", timeout=PAGE_TIMEOUT_MS)

    # Nothing but the PIN gate first.
    pin = page.get_by_label("Code PIN de l'animateur", exact=True)
    expect(pin).to_be_visible(timeout=PAGE_TIMEOUT_MS)
    assert page.locator(".bas-bilan").count() == 0
    pin.fill(PIN)
    pin.press("Enter")

    # The workshops, newest first; pick the first day's.
    expect(page.get_by_role("heading", level=2, name="Choisir un atelier ou une période")
           ).to_be_visible(timeout=STEP_TIMEOUT_MS)
    expect(page.get_by_role("heading", level=1, name="Bilan des ateliers")).to_have_count(1)
    choice = page.get_by_label("Atelier", exact=True)
    expect(choice.locator("option")).to_have_count(2)
    labels = choice.locator("option").all_inner_texts()
    assert labels == ["26 nov. 2026 — Atelier emploi (2 participants)",
                      "12 nov. 2026 — Atelier CAF et emploi (5 participants)"]
    choice.select_option(label=labels[1])
    page.get_by_role("button", name="Voir le bilan de l'atelier", exact=True).click()
    title = page.get_by_role("heading", level=2, name=TITLE)
    expect(title).to_be_visible(timeout=60_000)  # two charts drawn on a busy machine
    expect(title).to_be_focused()

    # Real tables: caption as the name, column headers, a header for each row.
    learners = page.get_by_role("table", name="Exercices de chaque apprenant", exact=True)
    expect(learners).to_be_visible()
    expect(learners.get_by_role("row")).to_have_count(5)
    expect(learners.get_by_role("columnheader", name="Durée (min)", exact=True)).to_be_visible()
    expect(learners.get_by_role("rowheader", name="Amina", exact=True)).to_be_visible()
    expect(learners.get_by_role("row").nth(1)).to_contain_text("6,5")
    # « Autonomie » and « Fait seul » say what they mean, above the table.
    legend = page.locator(".bas-bilan-table", has=learners).locator(".bas-bilan-legend")
    expect(legend).to_contain_text("Autonomie : ce que l'animateur a noté")
    expect(legend).to_contain_text("Fait seul : a terminé l'exercice sans aide.")
    attendance = page.get_by_role("table", name="Apprenants présents", exact=True)
    expect(attendance.get_by_role("rowheader", name=HOSTILE, exact=True)).to_be_visible()
    for name in ("Parcours écran par écran : Demander la prime d'activité",
                 "Erreurs par écran et par champ",
                 "Temps par écran : Demander la prime d'activité",
                 "Observations notées pendant l'atelier"):
        expect(page.get_by_role("table", name=name, exact=True)).to_have_count(1)

    # The funnel chart: a PNG drawn, with its French alt text.
    chart = page.get_by_role("img", name=re.compile(
        r"^Graphique en barres de l'exercice « Demander la prime d'activité »"))
    expect(chart).to_be_visible()
    assert chart.evaluate("img => img.complete && img.naturalWidth > 0")
    assert chart.get_attribute("src").startswith("data:image/png;base64,")

    # 360 px: the page never scrolls sideways (a wide table scrolls in its own named box).
    assert page.evaluate("() => { const s = document.scrollingElement;"
                         " return s.scrollWidth <= s.clientWidth; }")
    wide = page.locator(".bas-table-wrap[role=region]")
    assert wide.count() >= 1
    assert wide.first.get_attribute("tabindex") == "0"

    # The attendance as CSV: a real download, the hostile cell neutralised.
    button = page.get_by_role("button", name="Télécharger ce tableau (CSV) : Apprenants présents",
                              exact=True)
    with page.expect_download(timeout=STEP_TIMEOUT_MS) as info:
        button.click()
    download = info.value
    assert download.suggested_filename == "bilan-atelier-caf-et-emploi-2026-11-12-presence.csv"
    data = download.path().read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, for French Excel
    frame = pd.read_csv(io.BytesIO(data), sep=";", encoding="utf-8-sig", dtype=str)
    assert frame["Pseudonyme"].tolist() == ["Amina", "Bruno", "Chloé", "Diane", "'" + HOSTILE]
    assert not any(line.startswith(("=", "+", "-", "@"))
                   for line in data.decode("utf-8-sig").splitlines())
    expect(page.get_by_role("status")).to_contain_text(
        "Fichier prêt : bilan-atelier-caf-et-emploi-2026-11-12-presence.csv.")
    expect(page.get_by_role("link", name=re.compile("^Télécharger à nouveau"))).to_be_visible()

    # The contents' links lead to each part; the activity report's counts are checked, the
    # problem said next to its field, which gets the focus.
    page.get_by_role("navigation", name="Sommaire du bilan").get_by_role(
        "link", name="Télécharger", exact=True).click()
    expect(page.get_by_role("heading", level=3, name="Télécharger", exact=True)
           ).to_be_in_viewport()
    # The counts: small boxes in a grid, none sticking out of the page at 360 px, several on
    # a row on a laptop.
    boxes = page.locator(".bas-bilan-counts .bas-input--count")
    assert boxes.count() >= 15
    assert page.evaluate(_STICKING_OUT) == []
    assert max(_per_row(boxes)) <= 2
    page.set_viewport_size(LAPTOP)
    expect(boxes.first).to_be_visible()
    assert page.evaluate(_STICKING_OUT) == []
    assert max(_per_row(boxes)) >= 3
    page.set_viewport_size(SMALL_PHONE)
    women = page.get_by_role("group", name="Genre").get_by_label("Femmes", exact=True)
    women.fill("beaucoup")
    page.get_by_role("button", name="Compte rendu d'activité (CSV)", exact=True).click()
    expect(women).to_have_attribute("aria-invalid", "true", timeout=STEP_TIMEOUT_MS)
    expect(women).to_have_accessible_description(
        drawn("« Genre : femmes » : écrivez un nombre entier (0 ou plus)."))
    expect(women).to_be_focused()

    violations = axe_violations(page, axe_path)
    assert violations == [], describe_violations(violations)

    # A period, one learner followed across workshops (case and accents do not matter).
    page.get_by_label("Du", exact=True).fill("2026-11-01")
    page.get_by_label("Pseudonyme d'un apprenant (facultatif)", exact=True).fill("CHLOE")
    page.get_by_role("button", name="Voir le bilan de la période", exact=True).click()
    expect(page.get_by_role("heading", level=2, name=re.compile(
        "^Bilan des ateliers depuis le 1er novembre 2026"))).to_be_visible(timeout=60_000)
    progress = page.get_by_role("table", name="Progression de CHLOE", exact=True)
    expect(progress.get_by_role("rowheader", name="Chloé", exact=True)).to_have_count(2)
    expect(page.get_by_role("img", name=re.compile(r"^Graphique en barres\s: 2 exercices"))
           ).to_be_visible()
    violations = axe_violations(page, axe_path)
    assert violations == [], describe_violations(violations)
    assert page.record.foreign_requests() == []


def _per_row(boxes) -> list[int]:
    """How many of ``boxes`` share each row of the page (by their top, to the pixel)."""
    tops = [round(b["y"]) for b in (boxes.nth(i).bounding_box() for i in range(boxes.count())) if b]
    return [tops.count(top) for top in dict.fromkeys(tops)]
