"""Reports over time: the workshops of a period, each learner's progress, difficulty, skills.

A learner is followed across workshops by pseudonym only: the same pseudonym, compared
without case, accents nor extra spaces ("Zoé" and " zoe "), is taken as the same person.
This is a limit: two people who chose the same pseudonym are merged, one person who chose
two pseudonyms is split. Nothing else identifies learners, on purpose.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import unicodedata
from typing import Any

import numpy as np
import pandas as pd

from . import labels
from .diagnostic import LEVEL_COLUMNS, diagnostic_levels
from .frames import Frames, empty_table, load_frames
from .runs import run_table, screens_done
from .skills import screen_skills, skill_label, skill_order

#: The columns of each table of :class:`HistoryReport`, in order.
COLUMNS: dict[str, tuple[str, ...]] = {
    "workshops": ("id", "title", "date", "participants", "runs", "completed_runs"),
    "progress": (
        "pseudonym", "workshop_id", "workshop_title", "date", "scenario_id", "scenario_title",
        "completed", "autonomy", "alone", "errors", "hints", "minutes",
    ),
    "difficulty": (
        "scenario_id", "scenario_title", "runs", "completion_rate", "errors_per_run",
        "hints_per_run", "median_minutes", "rank",
    ),
    "skills": ("skill", "skill_label", "learners_practised", "learners_alone"),
    "diagnostic_levels": LEVEL_COLUMNS,
}


def learner_key(pseudonym: Any) -> str:
    """Return the key that follows a learner across workshops: no case, accents, extra spaces.

    >>> learner_key("  Zoé  Martin ") == learner_key("zoe martin")
    True
    """
    text = unicodedata.normalize("NFKD", str(pseudonym or "")).replace("’", "'")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.casefold().split())


@dataclasses.dataclass
class HistoryReport:
    """Every table of a report over a period (column names: :data:`COLUMNS`).

    With a pseudonym, ``progress`` and ``skills`` are that learner's; ``workshops`` and
    ``difficulty`` stay those of the whole period, for comparison. Only workshops count:
    someone practising alone, outside any workshop, is in no report. How a run's time,
    autonomy and "done alone" are decided: :mod:`bacasable.reports.runs`.
    """

    #: First and last day of the period (None: open), and the learner followed, if any.
    since: dt.date | None
    until: dt.date | None
    pseudonym: str | None
    #: One row per workshop of the period, oldest first.
    workshops: pd.DataFrame
    #: One row per run, sorted by learner then date.
    progress: pd.DataFrame
    #: One row per exercise done, the hardest first (``rank`` 1).
    difficulty: pd.DataFrame
    #: One row per competence practised, in the framework's order.
    skills: pd.DataFrame
    #: For each workshop, how many learners at each level a diagnostic advised.
    diagnostic_levels: pd.DataFrame

    def title(self) -> str:
        """Return "Bilan des ateliers du 1 septembre 2026 au 30 novembre 2026" (or similar)."""
        if self.since and self.until:
            text = (f"Bilan des ateliers du {labels.long_date(self.since)} "
                    f"au {labels.long_date(self.until)}")
        elif self.since:
            text = f"Bilan des ateliers depuis le {labels.long_date(self.since)}"
        elif self.until:
            text = f"Bilan des ateliers jusqu'au {labels.long_date(self.until)}"
        else:
            text = "Bilan de tous les ateliers"
        if self.pseudonym:
            text += f" : parcours de « {self.pseudonym} »"
        return text

    def tables(self) -> dict[str, pd.DataFrame]:
        """Return the tables by name, in the order of :data:`COLUMNS`."""
        return {name: getattr(self, name) for name in COLUMNS}


def build_history_report(
    store: Any,
    catalogue: Any,
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
    pseudonym: str | None = None,
) -> HistoryReport:
    """Build the report of the workshops held between two days (both included).

    Parameters
    ----------
    store
        The outcome store (:class:`~bacasable.store.Store`).
    catalogue
        The scenarios (:class:`~bacasable.scenario.loader.Catalogue`): titles and competences.
    since, until
        First and last day of the period; None leaves that end open.
    pseudonym
        Follow one learner (compared without case nor accents); None for everyone.

    Returns
    -------
    HistoryReport
        The tables; empty ones (with their columns) when no workshop is in the period.

    Raises
    ------
    StoreError
        When the period is not valid (a French message).
    """
    frames = load_frames(store, since=since, until=until)
    wanted = pseudonym.strip() if isinstance(pseudonym, str) and pseudonym.strip() else None
    return history_from_frames(frames, catalogue, since=since, until=until, pseudonym=wanted)


def history_from_frames(
    frames: Frames,
    catalogue: Any,
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
    pseudonym: str | None = None,
) -> HistoryReport:
    """Build a :class:`HistoryReport` from frames already read."""
    runs = _with_learners(run_table(frames, catalogue), frames)
    mine = runs if pseudonym is None else runs[runs["learner"] == learner_key(pseudonym)]
    return HistoryReport(
        since=since,
        until=until,
        pseudonym=pseudonym,
        workshops=_workshops(frames, runs),
        progress=_progress(mine),
        difficulty=_difficulty(runs),
        skills=_skills(frames, mine, catalogue),
        diagnostic_levels=diagnostic_levels(frames),
    )


def _empty(name: str) -> pd.DataFrame:
    return empty_table(COLUMNS[name])


def _with_learners(runs: pd.DataFrame, frames: Frames) -> pd.DataFrame:
    """Add ``learner`` (the key), the workshop's title and day, and one name per learner."""
    ws = frames.workshops.set_index("id")
    keys = {p: learner_key(p) for p in set(runs["pseudonym"].tolist())}
    runs = runs.assign(
        learner=[keys[p] for p in runs["pseudonym"].tolist()],
        workshop_title=ws["title"].reindex(runs["workshop_id"].to_numpy()).to_numpy(),
        date=ws["date"].reindex(runs["workshop_id"].to_numpy()).to_numpy(),
    )
    # One learner, one name: as written the first time they came.
    first = runs.sort_values(["date", "participant_id"], kind="stable").drop_duplicates("learner")
    name = dict(zip(first["learner"], first["pseudonym"], strict=True))
    runs["pseudonym"] = [name[key] for key in runs["learner"].tolist()]
    return runs


def _workshops(frames: Frames, runs: pd.DataFrame) -> pd.DataFrame:
    ws = frames.workshops
    if ws.empty:
        return _empty("workshops")
    ids = ws["id"].to_numpy()
    people = frames.participants.groupby("workshop_id").size().reindex(ids, fill_value=0)
    per = runs.groupby("workshop_id").agg(
        runs=("attempt_id", "size"), completed_runs=("completed", "sum")
    )
    table = pd.DataFrame(
        {
            "id": ids,
            "title": ws["title"].to_numpy(),
            "date": ws["date"].to_numpy(),
            "participants": people.to_numpy().astype("int32"),
            "runs": per["runs"].reindex(ids, fill_value=0).to_numpy().astype("int32"),
            "completed_runs": per["completed_runs"].reindex(ids, fill_value=0)
            .to_numpy().astype("int32"),
        }
    )
    return table.loc[:, list(COLUMNS["workshops"])]


def _progress(runs: pd.DataFrame) -> pd.DataFrame:
    if runs.empty:
        return _empty("progress")
    ordered = runs.sort_values(["learner", "date", "attempt_id"], kind="stable")
    return ordered.loc[:, list(COLUMNS["progress"])].reset_index(drop=True)


def _difficulty(runs: pd.DataFrame) -> pd.DataFrame:
    """Rank the exercises: least often finished first, then most errors, then most hints."""
    if runs.empty:
        return _empty("difficulty")
    finished_minutes = runs["minutes"].where(runs["completed"])
    table = (
        runs.assign(finished_minutes=finished_minutes)
        .groupby("scenario_id", sort=True)
        .agg(
            scenario_title=("scenario_title", "first"),
            runs=("attempt_id", "size"),
            completion_rate=("completed", "mean"),
            errors_per_run=("errors", "mean"),
            hints_per_run=("hints", "mean"),
            median_minutes=("finished_minutes", "median"),
        )
        .reset_index()
    )
    for column in ("completion_rate", "errors_per_run", "hints_per_run", "median_minutes"):
        table[column] = table[column].astype("float64").round(2)
    table = table.sort_values(
        ["completion_rate", "errors_per_run", "hints_per_run", "scenario_id"],
        ascending=[True, False, False, True], kind="stable",
    ).reset_index(drop=True)
    table["runs"] = table["runs"].astype("int32")
    table["rank"] = np.arange(1, len(table) + 1, dtype="int32")
    return table.loc[:, list(COLUMNS["difficulty"])]


def _skills(frames: Frames, runs: pd.DataFrame, catalogue: Any) -> pd.DataFrame:
    """Count the learners who validated a screen of each competence, and those done alone."""
    mapping = screen_skills(catalogue)
    done = screens_done(frames)
    if done.empty or runs.empty or not mapping:
        return _empty("skills")
    facts = runs.set_index("attempt_id")[["learner", "alone"]]
    done = done[done["attempt_id"].isin(facts.index)]
    # One row per learner, screen and "alone": far fewer than screens done.
    done = pd.DataFrame({
        "learner": facts["learner"].reindex(done["attempt_id"].to_numpy()).to_numpy(),
        "alone": facts["alone"].reindex(done["attempt_id"].to_numpy()).to_numpy(),
        "scenario_id": done["scenario_id"].to_numpy(),
        "screen_id": done["screen_id"].to_numpy(),
    }).drop_duplicates()
    practised: dict[str, set[str]] = {}
    alone: dict[str, set[str]] = {}
    rows = zip(done["learner"].tolist(), done["alone"].tolist(),
               done["scenario_id"].astype(object).tolist(),
               done["screen_id"].astype(object).tolist(), strict=True)
    for learner, by_alone, scenario_id, screen_id in rows:
        for skill in mapping.get((scenario_id, screen_id), ()):
            practised.setdefault(skill, set()).add(learner)
            if by_alone:
                alone.setdefault(skill, set()).add(learner)
    if not practised:
        return _empty("skills")
    codes = sorted(practised, key=skill_order)
    return pd.DataFrame(
        {
            "skill": codes,
            "skill_label": [skill_label(c) for c in codes],
            "learners_practised": np.array([len(practised[c]) for c in codes], dtype="int32"),
            "learners_alone": np.array([len(alone.get(c, ())) for c in codes], dtype="int32"),
        }
    )
