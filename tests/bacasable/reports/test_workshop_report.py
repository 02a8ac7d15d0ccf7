"""build_workshop_report on the synthetic workshop: the known numbers in every table."""

from __future__ import annotations

import pandas as pd
import pytest
from synthetic_reports import CAF, CAF_PATH, FT, FT_PATH

from bacasable.reports import (
    COLUMN_LABELS,
    WorkshopReport,
    build_workshop_report,
    french,
    load_frames,
)
from bacasable.reports.workshop_report import COLUMNS, report_from_frames
from bacasable.store import StoreError

CAF_TITLE = "Demander la prime d'activité"
FT_TITLE = "S'inscrire à France Travail"


@pytest.fixture(scope="module")
def report(shared_synthetic_workshop) -> WorkshopReport:
    w = shared_synthetic_workshop
    return build_workshop_report(w.store, w.workshop_id, w.catalogue)


def rows(frame: pd.DataFrame, *columns: str) -> list[tuple]:
    return [tuple(r) for r in frame.loc[:, list(columns)].itertuples(index=False)]


def test_every_table_has_exactly_the_contract_columns(report):
    for name, table in report.tables().items():
        assert tuple(table.columns) == COLUMNS[name], name


def test_the_title_names_the_workshop_and_its_day_in_french(report):
    assert report.title() == "Bilan de l'atelier « Atelier CAF et emploi » du 12 novembre 2026"
    assert report.workshop["place"] == "Médiathèque Jean-Macé"


def test_attendance(report):
    assert rows(report.attendance, *COLUMNS["attendance"]) == [
        ("Amina", pd.Timestamp("2026-11-12 10:00"), pd.Timestamp("2026-11-12 10:30"), 1, 1),
        ("Bruno", pd.Timestamp("2026-11-12 10:01"), pd.Timestamp("2026-11-12 10:01"), 1, 0),
        ("Chloé", pd.Timestamp("2026-11-12 10:02"), pd.Timestamp("2026-11-12 10:02"), 1, 1),
        ("Diane", pd.Timestamp("2026-11-12 10:03"), pd.Timestamp("2026-11-12 10:03"), 1, 1),
        ("Emma", pd.Timestamp("2026-11-12 10:04"), pd.Timestamp("2026-11-12 10:04"), 0, 0),
    ]


def test_learners_one_row_per_run(report):
    assert rows(report.learners, *COLUMNS["learners"]) == [
        ("Amina", CAF, CAF_TITLE, "sophie", "Terminé", True, "Non observé", True, 6.5,
         1, 0, 14, 14),
        ("Bruno", CAF, CAF_TITLE, "nadia", "Abandonné", False, "Avec l'aide de l'animateur",
         False, 4.8, 2, 0, 6, 14),
        ("Chloé", CAF, CAF_TITLE, "sophie", "Terminé", True, "Avec les indices", False, 5.3,
         0, 3, 14, 14),
        ("Diane", FT, FT_TITLE, "karim", "Terminé", True, "Seul", True, 6.1, 1, 1, 15, 15),
    ]


def test_alone_follows_the_observation_first_then_the_hints(report):
    alone = dict(zip(report.learners["pseudonym"], report.learners["alone"], strict=True))
    # Amina: not observed, no hint. Chloé: observed "indices" on CAF, which beats her
    # observation "seul" as a whole. Diane: a hint, but observed "seul" as a whole.
    # Bruno: did not finish.
    assert alone == {"Amina": True, "Bruno": False, "Chloé": False, "Diane": True}


def test_funnel_follows_each_exercise_in_its_screen_order(report, synthetic_workshop):
    funnel = report.funnel
    caf = funnel[funnel["scenario_id"] == CAF]
    ft = funnel[funnel["scenario_id"] == FT]
    scenarios = synthetic_workshop.catalogue.scenarios

    assert funnel["scenario_id"].drop_duplicates().tolist() == [CAF, FT]
    assert caf["screen_id"].tolist() == [s.id for s in scenarios[CAF].screens]
    assert caf["position"].tolist() == list(range(1, len(scenarios[CAF].screens) + 1))
    assert ft["screen_id"].tolist() == [s.id for s in scenarios[FT].screens]
    assert set(funnel["scenario_title"]) == {CAF_TITLE, FT_TITLE}
    assert caf.iloc[0]["screen_title"] == scenarios[CAF].screens[0].title


def test_funnel_counts_on_the_caf_exercise(report):
    caf = report.funnel[report.funnel["scenario_id"] == CAF].set_index("screen_id")
    counts = caf[["reached", "done", "stopped_here", "errors", "hints"]]
    expected = {screen: (0, 0, 0, 0, 0) for screen in caf.index}
    for screen in CAF_PATH[:6]:  # everyone
        expected[screen] = (3, 3, 0, 0, 0)
    expected["identite"] = (3, 3, 0, 1, 0)  # Amina's date of birth
    expected["logement"] = (3, 2, 1, 2, 0)  # Bruno stopped there after 2 errors
    for screen in CAF_PATH[7:]:  # Amina and Chloé
        expected[screen] = (2, 2, 0, 0, 0)
    expected["ressources"] = (2, 2, 0, 0, 2)
    expected["banque"] = (2, 2, 0, 0, 1)
    assert {s: tuple(int(v) for v in r) for s, r in counts.iterrows()} == expected


def test_funnel_counts_a_run_once_per_screen_even_after_going_back(report):
    ft = report.funnel[report.funnel["scenario_id"] == FT].set_index("screen_id")
    for screen in FT_PATH:
        assert ft.loc[screen, ["reached", "done", "stopped_here"]].tolist() == [1, 1, 0]
    assert ft.loc["identite", "hints"] == 1
    assert ft.loc["banque", "errors"] == 1
    assert ft.loc["inscription-automatique", ["reached", "done"]].tolist() == [0, 0]
    assert int(ft["errors"].sum()) == 1 and int(ft["hints"].sum()) == 1


def test_errors_most_frequent_first_with_labels(report):
    assert rows(report.errors, *COLUMNS["errors"]) == [
        (CAF, "logement", "Mon logement", "loyer",
         "Montant de votre loyer par mois, sans les charges", "format", "Mal écrit", 2, 1),
        (CAF, "identite", "Mon identité", "date-naissance", "Date de naissance", "format",
         "Mal écrit", 1, 1),
        (FT, "banque", "Mes coordonnées bancaires", "iban", "IBAN", "checksum",
         "Un chiffre est faux", 1, 1),
    ]


def test_screen_times_per_run(report):
    times = report.screen_times
    caf = times[times["scenario_id"] == CAF].set_index("screen_id")
    ft = times[times["scenario_id"] == FT].set_index("screen_id")

    # The end screens are entered, never validated: no time there.
    assert caf.index.tolist() == CAF_PATH[:-1]
    assert ft.index.tolist() == FT_PATH[:-1]
    assert caf["position"].tolist() == [1, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]
    for screen in CAF_PATH[:6]:  # Amina 30 s, Bruno 40 s, Chloé 20 s
        assert caf.loc[screen, ["runs", "median_seconds", "mean_seconds"]].tolist() == [
            3, 30.0, 30.0]
    assert caf.loc["logement", ["runs", "median_seconds", "mean_seconds"]].tolist() == [
        2, 25.0, 25.0]
    assert caf.loc["ressources", ["median_seconds", "mean_seconds"]].tolist() == [55.0, 55.0]
    # Diane: 25 s, then 5 s more after going back.
    assert ft.loc["identite", ["runs", "median_seconds"]].tolist() == [1, 30.0]
    assert ft.loc["coordonnees", "median_seconds"] == 25.0
    assert set(times["scenario_title"]) == {CAF_TITLE, FT_TITLE}


def test_observations(report):
    assert rows(report.observations, *COLUMNS["observations"]) == [
        ("Chloé", "Tout l'atelier", "Seul", "À l'aise avec la souris.",
         pd.Timestamp("2026-11-12 10:05")),
        ("Diane", "Tout l'atelier", "Seul", "", pd.Timestamp("2026-11-12 10:05")),
        ("Bruno", CAF_TITLE, "Avec l'aide de l'animateur",
         "=SOMME(A1:A2) Besoin d'aide pour le loyer.", pd.Timestamp("2026-11-12 10:15")),
        ("Chloé", CAF_TITLE, "Avec les indices", "A demandé des indices.",
         pd.Timestamp("2026-11-12 10:16")),
    ]


def test_the_second_workshop(synthetic_workshop):
    w = synthetic_workshop
    report = build_workshop_report(w.store, w.second_workshop_id, w.catalogue)

    assert report.title() == "Bilan de l'atelier « Atelier emploi » du 26 novembre 2026"
    assert rows(report.learners, "pseudonym", "persona_id", "status", "completed", "autonomy",
                "alone", "minutes", "errors", "hints", "screens_done", "screen_count") == [
        ("chloe", "lucas", "Terminé", True, "Non observé", True, 0.7, 0, 0, 2, 2),
        ("Farid", "karim", "En cours", False, "Non observé", False, 0.3, 1, 0, 0, 15),
    ]
    verification = report.funnel.set_index("screen_id").loc["verification"]
    assert verification[["reached", "done", "stopped_here", "errors"]].tolist() == [2, 1, 1, 1]
    automatic = report.funnel.set_index("screen_id").loc["inscription-automatique"]
    assert automatic[["reached", "done", "stopped_here"]].tolist() == [1, 1, 0]
    assert rows(report.errors, "screen_id", "field_id", "error_label", "count") == [
        ("verification", "situation", "Laissé vide", 1)
    ]
    assert report.observations.empty
    assert tuple(report.observations.columns) == COLUMNS["observations"]


def test_a_workshop_nobody_joined_gives_empty_tables(synthetic_workshop):
    w = synthetic_workshop
    empty = w.store.create_workshop("Atelier vide", "Salle", "2026-12-01", [CAF])
    report = build_workshop_report(w.store, empty["id"], w.catalogue)
    for name, table in report.tables().items():
        assert table.empty, name
        assert tuple(table.columns) == COLUMNS[name], name


def test_an_exercise_missing_from_the_catalogue_is_shown_by_its_ids(synthetic_workshop):
    w = synthetic_workshop
    report = build_workshop_report(w.store, w.workshop_id, None)
    assert set(report.learners["scenario_title"]) == {CAF, FT}
    caf = report.funnel[report.funnel["scenario_id"] == CAF]
    # Only the screens someone reached, in the order they were first met.
    assert caf["screen_id"].tolist()[:3] == CAF_PATH[:3]
    assert (caf["screen_title"] == caf["screen_id"]).all()
    assert report.errors.iloc[0][["field_label", "error_label"]].tolist() == ["loyer",
                                                                               "Mal écrit"]
    assert report.learners["screen_count"].tolist() == [14, 14, 14, 15]


def test_an_unknown_workshop_says_so_in_french(synthetic_workshop):
    with pytest.raises(StoreError, match="Cet atelier n'existe pas"):
        build_workshop_report(synthetic_workshop.store, 999, synthetic_workshop.catalogue)


def test_frames_already_read_give_the_same_report(synthetic_workshop, report):
    w = synthetic_workshop
    frames = load_frames(w.store, workshop_id=w.workshop_id)
    again = report_from_frames(w.store.workshop(w.workshop_id), frames, w.catalogue)
    for name, table in report.tables().items():
        pd.testing.assert_frame_equal(table, again.tables()[name])


def test_french_headings_are_unique_in_every_table(report):
    for name, table in report.tables().items():
        shown = french(table)
        assert all(column in COLUMN_LABELS for column in table.columns), name
        assert shown.columns.tolist() == [COLUMN_LABELS[c] for c in table.columns]
        assert shown.columns.is_unique, name
    assert french(report.learners).columns[0] == "Pseudonyme"
    # french() copies: the report keeps its English names.
    assert report.learners.columns[0] == "pseudonym"
