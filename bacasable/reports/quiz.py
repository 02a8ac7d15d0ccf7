"""The quizzes of a workshop: for each question, how many runs answered, how many right at once.

A run counts once per quiz: its first answer says whether it was right the first time (a run
reopened on a quiz it had answered may say ``first_time`` twice; its first answer still wins).
Only the quizzes someone answered are listed, in the exercises' order then the screens'.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .frames import Frames, empty_table
from .runs import _scenario, scenario_title

#: The columns of the ``quiz`` table of :class:`~bacasable.reports.WorkshopReport`.
QUIZ_COLUMNS = (
    "scenario_id", "scenario_title", "position", "screen_id", "screen_title", "question",
    "answered", "right_first_time", "right_first_time_rate",
)


def quiz_table(frames: Frames, catalogue: Any, order: list[str]) -> pd.DataFrame:
    """Return one row per quiz answered at least once.

    Parameters
    ----------
    frames
        One workshop's frames (the ``quiz_answered`` events, with ``correct``).
    catalogue
        The scenarios, for the titles, the questions and the screens' positions; a quiz the
        catalogue no longer has is shown by its ids.
    order
        The exercises, in the workshop's order.

    Returns
    -------
    pandas.DataFrame
        :data:`QUIZ_COLUMNS`: ``answered`` (runs that answered), ``right_first_time`` (runs
        whose first answer was right) and ``right_first_time_rate`` (between 0 and 1).
    """
    ev = frames.events
    answers = ev[(ev["type"] == "quiz_answered") & ev["screen_id"].notna()]
    if answers.empty:
        return empty_table(QUIZ_COLUMNS)
    first = answers.drop_duplicates(["attempt_id", "screen_id"], keep="first")
    right = first["correct"].fillna(False).astype(bool)
    counts = pd.DataFrame({
        "scenario_id": first["scenario_id"].astype(str).to_numpy(),
        "screen_id": first["screen_id"].astype(str).to_numpy(),
        "right": right.to_numpy(),
    }).groupby(["scenario_id", "screen_id"], sort=False).agg(
        answered=("right", "size"), right_first_time=("right", "sum"))
    rows = []
    for sid in dict.fromkeys([*order, *counts.index.get_level_values(0)]):
        scenario = _scenario(catalogue, sid)
        layout = [s.id for s in scenario.screens] if scenario is not None else []
        found = [screen_id for key, screen_id in counts.index if key == sid]
        layout += [screen_id for screen_id in found if screen_id not in layout]
        for position, screen_id in enumerate(layout, start=1):
            if screen_id not in found:
                continue
            screen = _screen(scenario, screen_id)
            answered, right_first = (int(v) for v in counts.loc[(sid, screen_id)])
            rows.append((sid, scenario_title(catalogue, sid), position, screen_id,
                         screen.title if screen else screen_id,
                         (screen.question or "") if screen else "", answered, right_first,
                         round(right_first / answered, 2)))
    table = pd.DataFrame(rows, columns=list(QUIZ_COLUMNS))
    return table.astype({"position": "int32", "answered": "int32", "right_first_time": "int32",
                         "right_first_time_rate": "float64"})


def _screen(scenario: Any, screen_id: str) -> Any:
    """Return the scenario's screen with this id, or None (no scenario, or a screen it lost)."""
    if scenario is None:
        return None
    return next((s for s in scenario.screens if s.id == screen_id), None)
