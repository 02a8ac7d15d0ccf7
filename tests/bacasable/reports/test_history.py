"""build_history_report on the synthetic workshops: workshops, progress, difficulty, skills."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from synthetic_reports import CAF, FT

from bacasable.reports import COLUMN_LABELS, HistoryReport, build_history_report, french
from bacasable.reports.history import COLUMNS, learner_key
from bacasable.reports.skills import FRAMEWORK, screen_skills, skill_label, skill_order
from bacasable.store import StoreError

CAF_TITLE = "Demander la prime d'activité"
FT_TITLE = "S'inscrire à France Travail"
FIRST = dt.date(2026, 11, 12)
SECOND = dt.date(2026, 11, 26)


@pytest.fixture(scope="module")
def history(shared_synthetic_workshop) -> HistoryReport:
    w = shared_synthetic_workshop
    return build_history_report(w.store, w.catalogue)


def rows(frame: pd.DataFrame, *columns: str) -> list[tuple]:
    return [tuple(r) for r in frame.loc[:, list(columns)].itertuples(index=False)]


def test_every_table_has_exactly_the_contract_columns(history):
    for name, table in history.tables().items():
        assert tuple(table.columns) == COLUMNS[name], name


def test_workshops(history, shared_synthetic_workshop):
    w = shared_synthetic_workshop
    assert rows(history.workshops, *COLUMNS["workshops"]) == [
        (w.workshop_id, "Atelier CAF et emploi", FIRST, 5, 4, 3),
        (w.second_workshop_id, "Atelier emploi", SECOND, 2, 2, 1),
    ]


def test_progress_follows_a_learner_across_workshops(history, shared_synthetic_workshop):
    w1, w2 = shared_synthetic_workshop.workshop_id, shared_synthetic_workshop.second_workshop_id
    first, second = "Atelier CAF et emploi", "Atelier emploi"
    assert rows(history.progress, *COLUMNS["progress"]) == [
        ("Amina", w1, first, FIRST, CAF, CAF_TITLE, True, "Non observé", True, 1, 0, 6.5),
        ("Bruno", w1, first, FIRST, CAF, CAF_TITLE, False, "Avec l'aide de l'animateur", False,
         2, 0, 4.8),
        # "chloe" of the second workshop is Chloé: shown as she first wrote her pseudonym.
        ("Chloé", w1, first, FIRST, CAF, CAF_TITLE, True, "Avec les indices", False, 0, 3, 5.3),
        ("Chloé", w2, second, SECOND, FT, FT_TITLE, True, "Non observé", True, 0, 0, 0.7),
        ("Diane", w1, first, FIRST, FT, FT_TITLE, True, "Seul", True, 1, 1, 6.1),
        ("Farid", w2, second, SECOND, FT, FT_TITLE, False, "Non observé", False, 1, 0, 0.3),
    ]


def test_difficulty_ranks_the_hardest_first(history):
    # Both finished 2 runs out of 3; CAF has more errors per run, so it ranks first.
    # Median minutes of the finished runs: CAF (6.5, 5.3), France Travail (6.1, 0.7).
    assert rows(history.difficulty, *COLUMNS["difficulty"]) == [
        (CAF, CAF_TITLE, 3, 0.67, 1.0, 1.0, 5.9, 1),
        (FT, FT_TITLE, 3, 0.67, 0.67, 0.33, 3.4, 2),
    ]


def test_skills_practised_and_reached_alone(history):
    # Practised: a screen of that competence validated (or finished on). Alone: in a run done
    # alone (Amina's CAF, Diane's France Travail, chloe's short France Travail).
    assert rows(history.skills, *COLUMNS["skills"]) == [
        ("1.2", "1.2 Gérer des données", 3, 2),
        ("1.3", "1.3 Traiter des données", 2, 1),
        ("2.1", "2.1 Interagir", 3, 1),
        ("2.4", "2.4 S'insérer dans le monde numérique", 4, 3),
        ("4.1", "4.1 Sécuriser l'environnement numérique", 4, 2),
        ("4.2", "4.2 Protéger les données personnelles et la vie privée", 4, 2),
        ("4.3", "4.3 Protéger la santé, le bien-être et l'environnement", 1, 1),
    ]


def test_one_learner_whatever_the_case_and_accents(shared_synthetic_workshop):
    w = shared_synthetic_workshop
    report = build_history_report(w.store, w.catalogue, pseudonym="  CHLOE ")

    assert report.pseudonym == "CHLOE"
    assert rows(report.progress, "pseudonym", "workshop_id", "scenario_id", "completed",
                "alone") == [
        ("Chloé", w.workshop_id, CAF, True, False),
        ("Chloé", w.second_workshop_id, FT, True, True),
    ]
    assert rows(report.skills, "skill", "learners_practised", "learners_alone") == [
        ("1.2", 1, 0), ("1.3", 1, 0), ("2.1", 1, 0), ("2.4", 1, 1), ("4.1", 1, 0), ("4.2", 1, 0),
    ]
    # The period's workshops and difficulty stay whole, for comparison.
    assert len(report.workshops) == 2
    assert report.difficulty["runs"].tolist() == [3, 3]
    assert report.title() == "Bilan de tous les ateliers : parcours de « CHLOE »"


def test_a_learner_nobody_knows_gives_empty_progress(shared_synthetic_workshop):
    w = shared_synthetic_workshop
    report = build_history_report(w.store, w.catalogue, pseudonym="Zorro")
    assert report.progress.empty and report.skills.empty
    assert tuple(report.progress.columns) == COLUMNS["progress"]


def test_a_period_keeps_its_workshops_only(shared_synthetic_workshop):
    w = shared_synthetic_workshop
    report = build_history_report(w.store, w.catalogue, since=dt.date(2026, 11, 20),
                                  until=dt.date(2026, 11, 30))

    assert report.workshops["id"].tolist() == [w.second_workshop_id]
    assert rows(report.progress, "pseudonym", "completed", "minutes") == [
        ("chloe", True, 0.7), ("Farid", False, 0.3)
    ]
    assert rows(report.difficulty, "scenario_id", "runs", "completion_rate", "errors_per_run",
                "median_minutes", "rank") == [(FT, 2, 0.5, 0.5, 0.7, 1)]
    assert rows(report.skills, "skill", "learners_practised", "learners_alone") == [
        ("2.4", 1, 1)
    ]
    assert report.title() == "Bilan des ateliers du 20 novembre 2026 au 30 novembre 2026"


def test_titles_of_open_periods(shared_synthetic_workshop):
    w = shared_synthetic_workshop
    since = build_history_report(w.store, w.catalogue, since=FIRST)
    until = build_history_report(w.store, w.catalogue, until=SECOND)
    assert since.title() == "Bilan des ateliers depuis le 12 novembre 2026"
    assert until.title() == "Bilan des ateliers jusqu'au 26 novembre 2026"
    first_of_month = build_history_report(w.store, w.catalogue, since=dt.date(2026, 12, 1))
    assert first_of_month.title() == "Bilan des ateliers depuis le 1er décembre 2026"


def test_a_period_without_workshops_gives_empty_tables(shared_synthetic_workshop):
    w = shared_synthetic_workshop
    report = build_history_report(w.store, w.catalogue, since=dt.date(2030, 1, 1))
    for name, table in report.tables().items():
        assert table.empty, name
        assert tuple(table.columns) == COLUMNS[name], name


def test_a_reversed_period_says_so_in_french(shared_synthetic_workshop):
    w = shared_synthetic_workshop
    with pytest.raises(StoreError, match="La date de début de la période est après"):
        build_history_report(w.store, w.catalogue, since=SECOND, until=FIRST)


def test_learner_key_ignores_case_accents_and_spaces():
    assert learner_key("  Zoé   Martin ") == learner_key("ZOE MARTIN") == "zoe martin"
    assert learner_key("Anaïs") == learner_key("anais")
    assert learner_key("O’Neil") == learner_key("o'neil")
    assert learner_key("Zoé") != learner_key("Zoë-Anne")


def test_skill_labels_name_the_public_framework():
    assert skill_label("2.4") == "2.4 S'insérer dans le monde numérique"
    assert skill_label("5.4") == "5.4 (hors du référentiel)"
    assert len(FRAMEWORK) == 16
    assert sorted(["4.1", "1.10", "1.2", "2.4"], key=skill_order) == ["1.2", "1.10", "2.4", "4.1"]


def test_a_screen_without_skills_has_its_scenarios(shared_synthetic_workshop):
    catalogue = shared_synthetic_workshop.catalogue
    mapping = screen_skills(catalogue)
    for scenario in catalogue.scenarios.values():
        for screen in scenario.screens:
            expected = tuple(screen.skills or scenario.skills)
            assert mapping[(scenario.id, screen.id)] == expected
    assert mapping[(CAF, "ressources")] == ("1.3", "2.4")
    assert screen_skills(None) == {}


def test_french_headings_are_unique_in_every_table(history):
    for name, table in history.tables().items():
        assert all(column in COLUMN_LABELS for column in table.columns), name
        assert french(table).columns.is_unique, name
    assert french(history.difficulty).columns[-1] == "Rang (1 = le plus difficile)"
