"""What each run amounts to: status, time, errors, hints, screens done, autonomy, done alone.

Rules every table follows (the facilitator's guide repeats them):

* **Time** of a run: the seconds of its ``finished`` event (the runner's clock, from the first
  screen to the end); for a run that did not finish, the time between its first and last event.
* **Screens done**: the screens validated (``screen_done``) plus the screen the run finished
  on (an end screen, like a receipt, is reached, never validated).
* **Autonomy** of a run: the facilitator's latest observation of that learner *on that
  exercise*; else their latest observation about the learner as a whole (no exercise);
  else "Non observé".
* **Done alone**: the run finished, and its autonomy is "seul"; or, when nobody observed it,
  it finished without any hint.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from . import labels
from .frames import Frames

#: The event types that put a learner on a screen.
ENTERED = ("screen_entered", "resumed")
#: The event types that count a screen as done.
DONE = ("screen_done", "finished")

#: Columns of :func:`run_table`.
RUN_COLUMNS = (
    "attempt_id", "participant_id", "workshop_id", "pseudonym", "scenario_id",
    "scenario_title", "persona_id", "status", "completed", "autonomy_level", "autonomy",
    "alone", "seconds", "minutes", "errors", "hints", "screens_done", "screen_count",
    "last_screen",
)


def scenario_title(catalogue: Any, scenario_id: Any) -> str:
    """Return an exercise's title, or its id when the catalogue no longer has it."""
    scenario = _scenario(catalogue, scenario_id)
    return scenario.title if scenario is not None else str(scenario_id)


def _scenario(catalogue: Any, scenario_id: Any) -> Any:
    scenarios = getattr(catalogue, "scenarios", None) or {}
    return scenarios.get(str(scenario_id))


def screens_done(frames: Frames) -> pd.DataFrame:
    """Return one row per run and screen done: ``attempt_id``, ``scenario_id``, ``screen_id``."""
    ev = frames.events
    done = ev.loc[ev["type"].isin(DONE) & ev["screen_id"].notna(),
                  ["attempt_id", "scenario_id", "screen_id"]]
    return done.drop_duplicates(["attempt_id", "screen_id"]).reset_index(drop=True)


def observed_autonomy(frames: Frames) -> pd.Series:
    """Return the autonomy level of each run (index: attempt id; None when not observed)."""
    attempts, obs = frames.attempts, frames.observations
    out = pd.Series([None] * len(attempts), index=attempts["id"].to_numpy(), dtype=object)
    if obs.empty or attempts.empty:
        return out
    obs = obs.sort_values(["created_at", "id"])
    scenario = obs["scenario_id"].astype(object)
    specific = obs[scenario.notna()].groupby(
        [obs["participant_id"], scenario], sort=False
    )["autonomy"].last()
    general = obs[scenario.isna()].groupby("participant_id")["autonomy"].last()
    keys = list(zip(attempts["participant_id"].tolist(),
                    attempts["scenario_id"].astype(object).tolist(), strict=True))
    found = [specific.get(key) for key in keys]
    fallback = general.reindex(attempts["participant_id"].to_numpy()).to_numpy(dtype=object)
    values = [f if f is not None else (g if isinstance(g, str) else None)
              for f, g in zip(found, fallback, strict=True)]
    return pd.Series(values, index=out.index, dtype=object)


def run_table(frames: Frames, catalogue: Any) -> pd.DataFrame:
    """Return one row per run with what the tables need (:data:`RUN_COLUMNS`).

    Parameters
    ----------
    frames
        The frames of :func:`~bacasable.reports.load_frames`.
    catalogue
        The scenarios (titles, screen counts); None gives ids instead of titles.

    Returns
    -------
    pandas.DataFrame
        In the order runs started. See the module's rules for time, autonomy and alone.
    """
    attempts, ev = frames.attempts, frames.events
    ids = attempts["id"].to_numpy()
    index = pd.Index(ids, name="attempt_id")
    finished_at = attempts["finished_at"].notna().to_numpy()
    abandoned_at = attempts["abandoned_at"].notna().to_numpy()
    status = np.where(finished_at, labels.STATUS_FINISHED,
                      np.where(abandoned_at, labels.STATUS_ABANDONED, labels.STATUS_RUNNING))
    # Time: the finished event's seconds, else the span of the run's events.
    ends = ev[ev["type"] == "finished"].groupby("attempt_id")["seconds"].first()
    grouped = ev.groupby("attempt_id")["at"]
    span = (grouped.max() - grouped.min()).dt.total_seconds()
    seconds = ends.astype("float64").reindex(index)
    seconds = seconds.fillna(span.reindex(index)).fillna(0.0)
    done = screens_done(frames).groupby("attempt_id").size().reindex(index, fill_value=0)
    entered = ev[ev["type"].isin(ENTERED)]
    last_screen = entered.groupby("attempt_id")["screen_id"].last().astype(object)
    last_screen = last_screen.reindex(index)
    level = observed_autonomy(frames).reindex(index)
    hints = attempts["hints"].to_numpy()
    observed = level.notna().to_numpy()
    alone = finished_at & np.where(observed, (level == "seul").to_numpy(), hints == 0)
    pseudonyms = frames.participants.set_index("id")["pseudonym"]
    scenario_ids = attempts["scenario_id"].astype(object).to_numpy()
    known = set(scenario_ids.tolist())
    titles = {sid: scenario_title(catalogue, sid) for sid in known}
    totals = {sid: _screen_total(catalogue, sid) for sid in known}
    counts = attempts["screen_count"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    fallback = np.array([totals[sid] for sid in scenario_ids.tolist()], dtype=float)
    table = pd.DataFrame(
        {
            "attempt_id": ids,
            "participant_id": attempts["participant_id"].to_numpy(),
            "workshop_id": attempts["workshop_id"].to_numpy(),
            "pseudonym": pseudonyms.reindex(attempts["participant_id"].to_numpy()).to_numpy(),
            "scenario_id": scenario_ids,
            "scenario_title": [titles[sid] for sid in scenario_ids.tolist()],
            "persona_id": attempts["persona_id"].astype(object).to_numpy(),
            "status": status,
            "completed": finished_at,
            "autonomy_level": level.to_numpy(),
            "autonomy": [labels.autonomy_label(v) for v in level.to_numpy()],
            "alone": alone.astype(bool),
            "seconds": seconds.to_numpy(),
            "minutes": np.round(seconds.to_numpy() / 60, 1),
            "errors": attempts["errors"].to_numpy(),
            "hints": hints,
            "screens_done": done.to_numpy().astype("int32"),
            "screen_count": np.where(np.isnan(counts), fallback, counts).astype("int32"),
            "last_screen": last_screen.to_numpy(),
        }
    )
    return table[list(RUN_COLUMNS)]


def _screen_total(catalogue: Any, scenario_id: Any) -> int:
    scenario = _scenario(catalogue, scenario_id)
    return len(scenario.screens) if scenario is not None else 0
