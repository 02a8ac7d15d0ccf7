"""The diagnostics (« Par où commencer ? ») of the workshops: each learner's level, per workshop.

* ``diagnostic``: one row per diagnostic run that ended, in the order runs started: the
  learner, the level advised (stored with the run when it ended: what the learner was told),
  the score and the tasks done alone, with help or not done, and the competences done or to
  practise. Score and tasks are counted again from the run's stored events with the rules of
  :mod:`bacasable.run.diagnostic`; a diagnostic the catalogue no longer has leaves them empty.
* ``diagnostic_levels``: one row per workshop where someone ended a diagnostic: how many
  learners at each level (a learner counted once, at their latest diagnostic).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from bacasable.run.diagnostic import place
from bacasable.run.diagnostic_view import LEVEL_NAMES
from bacasable.scenario.diagnostic_schema import LEVELS
from bacasable.scenario.framework import skill_label

from .frames import Frames
from .runs import _scenario, scenario_title

__all__ = [
    "DIAGNOSTIC_COLUMNS",
    "LEVEL_COLUMNS",
    "diagnostic_levels",
    "diagnostic_table",
    "level_label",
]

#: The columns of the ``diagnostic`` table (one row per diagnostic run that ended).
DIAGNOSTIC_COLUMNS = (
    "pseudonym", "scenario_title", "placement", "score", "score_max", "tasks_alone",
    "tasks_helped", "tasks_not_done", "skills_done", "skills_practise",
)
#: The columns of the ``diagnostic_levels`` table (one row per workshop).
LEVEL_COLUMNS = ("workshop_id", "workshop_title", "date", "learners", *LEVELS)

_COUNTS = ("score", "score_max", "tasks_alone", "tasks_helped", "tasks_not_done")
#: Separates the competences in a cell: « 2.4 S'insérer… ; 4.1 Sécuriser… ».
SKILL_SEPARATOR = " ; "


def level_label(level: Any) -> str:
    """Return « Débutant », « Intermédiaire » or « Avancé » (an unknown value as it is)."""
    name = LEVEL_NAMES.get(str(level), str(level))
    return name[:1].upper() + name[1:]


def _empty(columns: tuple[str, ...], counts: tuple[str, ...], dtype: str) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=dtype if c in counts else object) for c in columns})


def _placed(frames: Frames) -> pd.DataFrame:
    attempts = frames.attempts
    if attempts.empty or "placement" not in attempts:
        return attempts.iloc[0:0]
    return attempts[attempts["placement"].notna()].sort_values("id", kind="stable")


def diagnostic_table(frames: Frames, catalogue: Any) -> pd.DataFrame:
    """Return one row per diagnostic run that ended (:data:`DIAGNOSTIC_COLUMNS`).

    Parameters
    ----------
    frames
        The frames of :func:`~bacasable.reports.load_frames`.
    catalogue
        The scenarios: titles, and each diagnostic's tasks and competences.

    Returns
    -------
    pandas.DataFrame
        Counts as ``Int32`` (missing for a diagnostic the catalogue no longer has); the level
        in words (« Débutant »…); the competences as « 4.1 Sécuriser l'environnement
        numérique ; … ».
    """
    placed = _placed(frames)
    if placed.empty:
        return _empty(DIAGNOSTIC_COLUMNS, _COUNTS, "Int32")
    ev = frames.events
    ev = ev[ev["attempt_id"].isin(placed["id"])]
    by_run = {int(k): g for k, g in ev.groupby("attempt_id", sort=False)}
    names = frames.participants.set_index("id")["pseudonym"]
    rows = []
    for run in placed.itertuples(index=False):
        scenario = _scenario(catalogue, run.scenario_id)
        row: dict[str, Any] = {
            "pseudonym": names.get(run.participant_id, ""),
            "scenario_title": scenario_title(catalogue, run.scenario_id),
            "placement": level_label(run.placement),
            **dict.fromkeys(_COUNTS, pd.NA), "skills_done": "", "skills_practise": "",
        }
        if scenario is not None and scenario.diagnostic is not None:
            events = by_run.get(int(run.id))
            records = [] if events is None else events[["type", "screen_id", "correct"]] \
                .astype(object).to_dict("records")
            result = place(scenario, records)
            row.update(score=result.score, score_max=result.most,
                       tasks_alone=result.count("alone"), tasks_helped=result.count("helped"),
                       tasks_not_done=result.count("not_done"))
            for state, column in (("done", "skills_done"), ("practise", "skills_practise")):
                row[column] = SKILL_SEPARATOR.join(
                    skill_label(code) for code, s in result.skills.items() if s == state)
        rows.append(row)
    table = pd.DataFrame(rows, columns=list(DIAGNOSTIC_COLUMNS))
    return table.astype({c: "Int32" for c in _COUNTS})


def diagnostic_levels(frames: Frames) -> pd.DataFrame:
    """Return, for each workshop, how many learners each level has (:data:`LEVEL_COLUMNS`).

    A learner who ended the diagnostic twice in a workshop counts once, at the latest level.
    Workshops where nobody ended one are left out.
    """
    placed = _placed(frames)
    if placed.empty:
        return _empty(LEVEL_COLUMNS, ("workshop_id", "learners", *LEVELS), "int32")
    latest = placed.drop_duplicates("participant_id", keep="last")
    counts = pd.crosstab(latest["workshop_id"], latest["placement"].astype(str))
    counts = counts.reindex(columns=list(LEVELS), fill_value=0)
    ws = frames.workshops.set_index("id")
    ids = [int(i) for i in counts.index]
    table = pd.DataFrame({
        "workshop_id": ids,
        "workshop_title": ws["title"].reindex(ids).to_numpy(),
        "date": ws["date"].reindex(ids).to_numpy(),
        "learners": counts.sum(axis=1).to_numpy(),
        **{level: counts[level].to_numpy() for level in LEVELS},
    })
    return table.astype({c: "int32" for c in ("workshop_id", "learners", *LEVELS)})
