"""The quiz table of a workshop's report: per question, who answered and who was right at once.

Synthetic workshop, 10 December 2026, exercises « Déclarer ses ressources » (CAF) then « Créer son
compte ameli », written with the helpers of :mod:`synthetic_reports`:

* ameli, quiz-mot-de-passe: Amina right at once; Bruno wrong (prenom-chiffres) then right;
  Chloé wrong twice, then her run is reopened on the quiz (``first_time`` again), then right;
  Diane right at once. → 4 answered, 2 right the first time.
* ameli, quiz-faux-sms: Amina wrong then right. → 1 answered, 0 right the first time.
* CAF, quiz-mois-salaire: Emma right at once. → 1 answered, 1.
* ameli, lecon-nir (a lesson) and quiz-... nobody answered: not listed.
"""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pandas as pd
import pytest
from synthetic_reports import Clock, Run, builtin_catalogue

from bacasable.reports import build_workshop_report
from bacasable.reports.exports import report_sheets, write_report_csv, xlsx_bytes
from bacasable.reports.labels import french
from bacasable.reports.quiz import QUIZ_COLUMNS
from bacasable.store import Store

AMELI = "ameli-compte"
CAF = "caf-declaration-trimestrielle"
DAY = dt.datetime(2026, 12, 10, 9, 0, tzinfo=dt.timezone.utc)


def answer(run: Run, screen_id: str, answer_id: str, correct: bool, first_time: bool) -> None:
    run.emit("quiz_answered", screen_id, wait=5, answer_id=answer_id, correct=correct,
             first_time=first_time)


@pytest.fixture
def workshop():
    clock = Clock(DAY)
    store = Store("sqlite:///:memory:", clock=clock)
    w = store.create_workshop("Atelier santé et CAF", "Centre social", "2026-12-10", [CAF, AMELI])
    ids = {name: store.join(w["id"], name)["id"] for name in
           ("Amina", "Bruno", "Chloé", "Diane", "Emma")}

    def run(name: str, scenario_id: str, persona_id: str) -> Run:
        return Run(store, store.start_attempt(ids[name], scenario_id, persona_id, 12),
                   scenario_id, DAY)

    amina = run("Amina", AMELI, "christine")
    amina.screen("lecon-nir", 20)
    amina.emit("screen_entered", "quiz-mot-de-passe")
    answer(amina, "quiz-mot-de-passe", "solide", True, True)
    amina.emit("screen_entered", "quiz-faux-sms")
    answer(amina, "quiz-faux-sms", "cliquer", False, True)
    answer(amina, "quiz-faux-sms", "ignorer", True, False)
    amina.save()
    bruno = run("Bruno", AMELI, "christine")
    answer(bruno, "quiz-mot-de-passe", "prenom-chiffres", False, True)
    answer(bruno, "quiz-mot-de-passe", "solide", True, False)
    bruno.save()
    chloe = run("Chloé", AMELI, "christine")
    answer(chloe, "quiz-mot-de-passe", "suite", False, True)
    answer(chloe, "quiz-mot-de-passe", "mot-simple", False, False)
    chloe.emit("resumed", "quiz-mot-de-passe")  # a reopened run forgets what it answered
    answer(chloe, "quiz-mot-de-passe", "solide", True, True)
    chloe.save()
    diane = run("Diane", AMELI, "christine")
    answer(diane, "quiz-mot-de-passe", "solide", True, True)
    diane.save()
    emma = run("Emma", CAF, "nadia")
    answer(emma, "quiz-mois-salaire", "octobre", True, True)
    emma.save()
    try:
        yield store, w["id"]
    finally:
        store.close()


@pytest.fixture
def report(workshop):
    store, workshop_id = workshop
    return build_workshop_report(store, workshop_id, builtin_catalogue())


def test_one_row_per_quiz_answered_in_the_workshop_s_order(report):
    quiz = report.quiz
    assert tuple(quiz.columns) == QUIZ_COLUMNS
    ameli = builtin_catalogue().scenarios[AMELI]
    caf = builtin_catalogue().scenarios[CAF]
    position = {s.id: i for i, s in enumerate(ameli.screens, start=1)}
    rows = [tuple(r) for r in quiz[["scenario_id", "screen_id", "position", "answered",
                                    "right_first_time", "right_first_time_rate"]]
            .itertuples(index=False)]
    assert rows == [
        (CAF, "quiz-mois-salaire", [s.id for s in caf.screens].index("quiz-mois-salaire") + 1,
         1, 1, 1.0),
        (AMELI, "quiz-mot-de-passe", position["quiz-mot-de-passe"], 4, 2, 0.5),
        (AMELI, "quiz-faux-sms", position["quiz-faux-sms"], 1, 0, 0.0),
    ]
    assert quiz["question"].tolist() == [
        caf.screen("quiz-mois-salaire").question, "Quel mot de passe est le plus solide ?",
        ameli.screen("quiz-faux-sms").question]
    assert quiz["screen_title"].tolist()[1] == "Petit quiz : un mot de passe solide"
    assert quiz["scenario_title"].tolist() == [caf.title, ameli.title, ameli.title]
    assert {str(t) for t in quiz.dtypes[["answered", "right_first_time"]]} == {"int32"}


def test_a_quiz_the_catalogue_no_longer_has_is_shown_by_its_ids(workshop):
    store, workshop_id = workshop
    report = build_workshop_report(store, workshop_id, None)
    assert report.quiz["screen_title"].tolist() == report.quiz["screen_id"].tolist()
    assert report.quiz["question"].tolist() == ["", "", ""]
    assert report.quiz["answered"].tolist() == [1, 4, 1]


def test_no_quiz_answered_gives_an_empty_table_with_its_columns(workshop):
    store, _ = workshop
    other = store.create_workshop("Atelier vide", "Salle", "2026-12-11", [AMELI])
    report = build_workshop_report(store, other["id"], builtin_catalogue())
    assert report.quiz.empty and tuple(report.quiz.columns) == QUIZ_COLUMNS
    assert str(report.quiz["answered"].dtype) == "int32"


def test_the_quiz_table_in_french_and_in_the_exports(report, tmp_path):
    shown = french(report.quiz)
    assert shown.columns.tolist()[5:] == [
        "Question", "Ont répondu", "Bonne réponse du premier coup", "Part du premier coup"]
    assert shown.columns.is_unique
    paths = {p.name: p for p in write_report_csv(report, tmp_path)}
    csv = pd.read_csv(paths["quiz.csv"], sep=";", decimal=",", encoding="utf-8-sig")
    assert csv["Ont répondu"].tolist() == [1, 4, 1]
    assert csv["Part du premier coup"].tolist() == [1.0, 0.5, 0.0]
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(report_sheets(report))))
    sheet = book["Quiz"]
    assert [c.value for c in sheet[1]][5:7] == ["Question", "Ont répondu"]
    assert [c.value for c in sheet["H"]] == ["Bonne réponse du premier coup", 1, 2, 0]
