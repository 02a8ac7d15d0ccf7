"""The bilan's diagnostic tables: each learner's level, score and competences; levels per workshop.

Built on the synthetic workshops' helpers (:mod:`synthetic_reports`): a third workshop where
three learners end the built-in diagnostic, written event by event as their runners would.
"""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
import pytest
from synthetic_reports import Clock, Run, builtin_catalogue

from bacasable.reports import build_history_report, build_workshop_report, french
from bacasable.reports.diagnostic import DIAGNOSTIC_COLUMNS, LEVEL_COLUMNS
from bacasable.reports.exports import csv_bytes, report_sheets, xlsx_bytes
from bacasable.store import Store

DAY = dt.datetime(2026, 12, 3, 14, 0, tzinfo=dt.timezone.utc)
ID = "diagnostic"
TASKS = ["menu", "nom", "naissance", "carte-vitale", "email", "faux-sms", "code-sms",
         "document", "rendez-vous", "mot-de-passe"]


def diagnostic(store: Store, participant: int, start: dt.datetime, level: str, *,
               hints: tuple[str, ...] = (), errors: tuple[str, ...] = (),
               give_up: tuple[str, ...] = ()) -> int:
    """One diagnostic run to its end, as a learner's runner writes it."""
    attempt = store.start_attempt(participant, ID, "karim", 13)
    run = Run(store, attempt, ID, start)
    run.screen("accueil", 20)
    for task in TASKS:
        if task in give_up:
            run.emit("screen_entered", task)
            run.emit("gave_up", task, wait=30)
            continue
        run.screen(task, 40, errors=((task, "format"),) if task in errors else (),
                   hints=((task, 1),) if task in hints else ())
    run.screen("recapitulatif", 15)
    run.emit("screen_entered", "resultat")
    run.emit("placed", "resultat", level=level)
    run.emit("finished", "resultat", seconds=run.t - run.start)
    run.save(screen_index=13, screen_count=13)
    return attempt


@pytest.fixture(scope="module")
def diagnosed():
    """Workshop « Par où commencer ? » (3 December 2026): Ana, Ben, Cléo; Dan does nothing."""
    clock = Clock(DAY - dt.timedelta(hours=1))
    store = Store("sqlite:///:memory:", clock=clock)
    workshop = store.create_workshop("Par où commencer ?", "Médiathèque", "2026-12-03", [ID])
    ids = {}
    for minute, name in enumerate(["Ana", "Ben", "Cléo", "Dan"]):
        clock.set(DAY + dt.timedelta(minutes=minute))
        ids[name] = store.join(workshop["id"], name)["id"]
    clock.set(DAY + dt.timedelta(minutes=5))
    # Ana: every task alone (20 points). Ben: 4 alone, 6 « Je ne sais pas faire » (8 points).
    diagnostic(store, ids["Ana"], DAY, "avance")
    diagnostic(store, ids["Ben"], DAY, "debutant", give_up=tuple(TASKS[4:]))
    # Cléo: a first try as a beginner, then a second one: 6 alone, a hint, an error, two left.
    diagnostic(store, ids["Cléo"], DAY, "debutant", give_up=tuple(TASKS[2:]))
    clock.set(DAY + dt.timedelta(minutes=20))
    diagnostic(store, ids["Cléo"], DAY + dt.timedelta(minutes=20), "intermediaire",
               hints=("carte-vitale",), errors=("email",), give_up=("faux-sms", "mot-de-passe"))
    try:
        yield store, workshop["id"]
    finally:
        store.close()


def test_one_row_per_diagnostic_that_ended(diagnosed):
    store, workshop_id = diagnosed
    table = build_workshop_report(store, workshop_id, builtin_catalogue()).diagnostic
    assert list(table.columns) == list(DIAGNOSTIC_COLUMNS)
    rows = table[["pseudonym", "placement", "score", "score_max", "tasks_alone",
                  "tasks_helped", "tasks_not_done"]].astype(object).values.tolist()
    assert rows == [
        ["Ana", "Avancé", 20, 20, 10, 0, 0],
        ["Ben", "Débutant", 8, 20, 4, 0, 6],
        ["Cléo", "Débutant", 4, 20, 2, 0, 8],
        ["Cléo", "Intermédiaire", 14, 20, 6, 2, 2],
    ]
    ana, ben = table.iloc[0], table.iloc[1]
    assert ana["skills_practise"] == ""
    assert ana["skills_done"].split(" ; ")[0] == "1.1 Mener une recherche et une veille d'information"
    # Ben left the e-mail, the codes, the fake SMS, the document, the date and the password.
    assert ben["skills_done"] == (
        "1.1 Mener une recherche et une veille d'information ; "
        "2.4 S'insérer dans le monde numérique")
    assert "4.1 Sécuriser l'environnement numérique" in ben["skills_practise"]


def test_levels_per_workshop_count_each_learner_once_at_the_latest(diagnosed):
    store, workshop_id = diagnosed
    catalogue = builtin_catalogue()
    levels = build_workshop_report(store, workshop_id, catalogue).diagnostic_levels
    assert list(levels.columns) == list(LEVEL_COLUMNS)
    assert levels[["workshop_title", "learners", "debutant", "intermediaire", "avance"]] \
        .values.tolist() == [["Par où commencer ?", 3, 1, 1, 1]]
    period = build_history_report(store, catalogue).diagnostic_levels
    assert period["learners"].tolist() == [3] and period["date"].tolist() == [dt.date(2026, 12, 3)]


def test_french_headings_and_exports_like_the_other_tables(diagnosed):
    store, workshop_id = diagnosed
    report = build_workshop_report(store, workshop_id, builtin_catalogue())
    headings = list(french(report.diagnostic).columns)
    assert headings == [
        "Pseudonyme", "Exercice", "Niveau conseillé", "Score", "Score maximal",
        "Tâches faites sans aide", "Tâches faites avec de l'aide", "Tâches pas faites",
        "Compétences acquises", "Compétences à travailler"]
    back = pd.read_csv(io.BytesIO(csv_bytes(report.diagnostic)), sep=";", decimal=",",
                       encoding="utf-8-sig")
    assert back["Niveau conseillé"].tolist() == ["Avancé", "Débutant", "Débutant",
                                                 "Intermédiaire"]
    assert back["Score"].tolist() == [20, 8, 4, 14]
    workbook = pd.read_excel(io.BytesIO(xlsx_bytes(report_sheets(report))), sheet_name=None)
    assert list(workbook["Par où commencer"].columns) == headings
    assert workbook["Par où commencer"]["Compétences acquises"].iloc[0].startswith("1.1 ")
    assert list(workbook["Niveaux conseillés"].columns)[3:] == [
        "Apprenants", "Débutant", "Intermédiaire", "Avancé"]
    assert workbook["Niveaux conseillés"].iloc[0, 3:].tolist() == [3, 1, 1, 1]


def test_workshops_without_a_diagnostic_have_empty_tables(shared_synthetic_workshop):
    w = shared_synthetic_workshop
    report = build_workshop_report(w.store, w.workshop_id, w.catalogue)
    assert report.diagnostic.empty and list(report.diagnostic.columns) == list(DIAGNOSTIC_COLUMNS)
    assert report.diagnostic_levels.empty
    assert str(report.diagnostic["score"].dtype) == "Int32"
    assert build_history_report(w.store, w.catalogue).diagnostic_levels.empty
