"""Charts: PNG drawn offline, the same bytes for the same data, readable colours, French alt text."""

from __future__ import annotations

import io
import subprocess
import sys
import types

import matplotlib
import pandas as pd
import pytest
from PIL import Image
from synthetic_reports import CAF, FIRST_DAY, FT, Clock, build_synthetic

from bacasable.reports import build_history_report, build_workshop_report, charts
from bacasable.store import Store

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def synthetic():
    """The synthetic workshops, built once for this module (the charts only read them)."""
    clock = Clock(FIRST_DAY)
    store = Store("sqlite:///:memory:", clock=clock)
    yield build_synthetic(store, clock)
    store.close()


@pytest.fixture(scope="module")
def report(synthetic):
    return build_workshop_report(synthetic.store, synthetic.workshop_id, synthetic.catalogue)


@pytest.fixture(scope="module")
def history(synthetic):
    return build_history_report(synthetic.store, synthetic.catalogue)


def size(png: bytes) -> tuple[int, int]:
    return Image.open(io.BytesIO(png)).size


def test_funnel_chart_is_a_png_and_the_same_for_the_same_data(report):
    backend = matplotlib.get_backend()
    png = charts.funnel_chart(report, CAF)
    assert png.startswith(PNG)
    assert charts.funnel_chart(report, CAF) == png  # no date, no version inside
    assert b"Software" not in png and b"matplotlib" not in png.lower()
    width, height = size(png)
    assert width == 900 and height > 600  # 14 screens reached, each one a row
    assert matplotlib.get_backend() == backend  # the kernel's backend is left alone
    assert size(charts.funnel_chart(stand_in(), "s"))[1] < height  # 3 rows: shorter


def test_screen_time_and_difficulty_charts(report, history):
    assert charts.screen_time_chart(report, CAF).startswith(PNG)
    png = charts.difficulty_chart(history)
    assert png.startswith(PNG)
    assert charts.difficulty_chart(history.difficulty) == png


def test_svg_draws_text_as_paths():
    report = stand_in()
    svg = charts.funnel_svg(report, "s")
    assert svg.startswith("<?xml") and "<svg" in svg
    assert "<text" not in svg  # no font needed to show it
    assert charts.funnel_svg(report, "s") == svg
    with pytest.raises(ValueError):
        charts.funnel_chart(report, "s", fmt="gif")


def test_an_exercise_nobody_did_gives_an_empty_chart_not_an_error(report):
    assert charts.funnel_chart(report, "inconnu").startswith(PNG)
    assert charts.screen_time_chart(report, "inconnu").startswith(PNG)
    assert charts.funnel_alt_text(report, "inconnu") == (
        "Graphique vide : personne n'a fait l'exercice « inconnu ».")
    assert charts.screen_time_alt_text(report, "inconnu") == (
        "Graphique vide : aucun écran de l'exercice « inconnu » n'a été validé.")
    empty = pd.DataFrame(columns=["scenario_title", "completion_rate", "errors_per_run", "rank"])
    assert charts.difficulty_chart(empty).startswith(PNG)
    assert charts.difficulty_alt_text(empty) == (
        "Graphique vide : aucun exercice n'a été fait sur la période.")


def test_funnel_alt_text_says_what_the_chart_shows(report):
    assert charts.funnel_alt_text(report, CAF) == (
        "Graphique en barres de l'exercice « Demander la prime d'activité » : pour chacun de "
        "ses 14 écrans atteints, le nombre de parcours arrivés à l'écran, qui l'ont validé et "
        "qui se sont arrêtés là. 3 parcours ont commencé, 2 sont allés jusqu'au bout. "
        "Le plus d'arrêts : 1 à l'écran 9, « Mon logement ».")
    assert charts.chart_alt_text(report, CAF) == charts.funnel_alt_text(report, CAF)
    text = charts.funnel_alt_text(report, FT)
    assert "1 parcours a commencé, 1 est allé jusqu'au bout." in text
    assert text.endswith("Personne ne s'est arrêté en route.")


def test_screen_time_alt_text_names_the_longest_screen(report):
    assert charts.screen_time_alt_text(report, CAF) == (
        "Graphique en barres de l'exercice « Demander la prime d'activité » : le temps médian "
        "passé sur chacun des 13 écrans validés. Le plus long : l'écran 11, « Mes ressources "
        "des 3 derniers mois », avec 55 s.")
    assert charts.chart_alt_text(report, CAF, kind="screen_time") == (
        charts.screen_time_alt_text(report, CAF))


def test_difficulty_alt_text_names_the_hardest_and_the_easiest(history):
    assert charts.difficulty_alt_text(history) == (
        "Graphique en barres : 2 exercices classés du plus difficile au plus facile, avec la "
        "part des parcours terminés. Le plus difficile : « Demander la prime d'activité », "
        "67 % de parcours terminés et 1 erreur par parcours. Le plus facile : « S'inscrire à "
        "France Travail », 67 % de parcours terminés.")
    assert charts.chart_alt_text(history) == charts.difficulty_alt_text(history)
    with pytest.raises(ValueError):
        charts.chart_alt_text(history, kind="camembert")


def test_colours_contrast_with_the_background():
    assert charts.contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert charts.contrast_ratio("#ffffff") == pytest.approx(1)
    for colour in charts.PALETTE.values():
        assert charts.contrast_ratio(colour, charts.BACKGROUND) >= 3  # WCAG 1.4.11
    assert charts.contrast_ratio(charts.TEXT_COLOUR, charts.BACKGROUND) >= 7
    series = [colour for _c, _l, colour, _h in charts.FUNNEL_SERIES]
    assert len({charts.PALETTE[c] for c in series}) == 3
    assert [hatch for *_rest, hatch in charts.FUNNEL_SERIES].count("//") == 1


@pytest.mark.parametrize(("seconds", "text"), [
    (None, "—"), (float("nan"), "—"), (0, "0 s"), (44.6, "45 s"), (60, "1 min 00 s"),
    (95.5, "1 min 36 s"), (3725, "1 h 02 min"),
])
def test_seconds_text(seconds, text):
    assert charts.seconds_text(seconds) == text


def test_matplotlib_is_imported_only_to_draw():
    code = ("import sys, bacasable.reports.charts, bacasable.reports; "
            "print('matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


def stand_in() -> types.SimpleNamespace:
    """A report with one small exercise, built by hand."""
    funnel = pd.DataFrame({
        "scenario_id": ["s"] * 3, "scenario_title": ["Essai"] * 3, "position": [1, 2, 3],
        "screen_id": ["a", "b", "c"], "screen_title": ["Un", "Deux", "Trois"],
        "reached": [5, 4, 2], "done": [4, 2, 2], "stopped_here": [1, 2, 0],
        "errors": [0, 3, 0], "hints": [0, 1, 0],
    })
    times = funnel[["scenario_id", "scenario_title", "position", "screen_id", "screen_title"]]
    times = times.assign(runs=[4, 2, 2], median_seconds=[45.0, 95.5, 12.0],
                         mean_seconds=[50.0, 100.0, 12.0])
    learners = pd.DataFrame({"scenario_id": ["s"] * 5, "completed": [True, True] + [False] * 3})
    return types.SimpleNamespace(funnel=funnel, screen_times=times, learners=learners)


def test_stand_in_numbers_in_alt_text():
    report = stand_in()
    assert charts.funnel_alt_text(report, "s").endswith(
        "5 parcours ont commencé, 2 sont allés jusqu'au bout. "
        "Le plus d'arrêts : 2 à l'écran 2, « Deux ».")
    assert charts.screen_time_alt_text(report, "s").endswith(
        "Le plus long : l'écran 2, « Deux », avec 1 min 36 s.")
