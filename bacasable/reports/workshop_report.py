"""The report of one workshop: who came, what each did, where people stopped, erred, lingered."""

from __future__ import annotations

import dataclasses
from typing import Any

import pandas as pd

from . import labels
from .diagnostic import DIAGNOSTIC_COLUMNS, LEVEL_COLUMNS, diagnostic_levels, diagnostic_table
from .frames import Frames, empty_table, load_frames, local_times
from .quiz import QUIZ_COLUMNS, quiz_table
from .runs import DONE, ENTERED, _scenario, run_table, scenario_title

#: The columns of each table of :class:`WorkshopReport`, in order.
COLUMNS: dict[str, tuple[str, ...]] = {
    "attendance": ("pseudonym", "joined_at", "last_seen_at", "runs", "completed_runs"),
    "learners": (
        "pseudonym", "scenario_id", "scenario_title", "persona_id", "status", "completed",
        "autonomy", "alone", "minutes", "errors", "hints", "screens_done", "screen_count",
    ),
    "funnel": (
        "scenario_id", "scenario_title", "position", "screen_id", "screen_title", "reached",
        "done", "stopped_here", "errors", "hints",
    ),
    "errors": (
        "scenario_id", "screen_id", "screen_title", "field_id", "field_label", "error_kind",
        "error_label", "count", "learners",
    ),
    "screen_times": (
        "scenario_id", "scenario_title", "position", "screen_id", "screen_title", "runs",
        "median_seconds", "mean_seconds",
    ),
    "observations": ("pseudonym", "scenario_title", "autonomy", "note", "created_at"),
    "quiz": QUIZ_COLUMNS,
    "diagnostic": DIAGNOSTIC_COLUMNS,
    "diagnostic_levels": LEVEL_COLUMNS,
}


@dataclasses.dataclass
class WorkshopReport:
    """Every table of a workshop's report (column names: :data:`COLUMNS`).

    Column names are English; :func:`bacasable.reports.labels.french` gives the French
    headings. Times are local (:data:`~bacasable.reports.frames.TIMEZONE`), without zone.
    How a run's time, autonomy and "done alone" are decided: :mod:`bacasable.reports.runs`.
    """

    #: The workshop, as :meth:`Store.workshop <bacasable.store.Store.workshop>` returns it.
    workshop: dict[str, Any]
    #: One row per learner, in the order they joined.
    attendance: pd.DataFrame
    #: One row per run (a learner can do several exercises, or one twice).
    learners: pd.DataFrame
    #: One row per screen of each exercise done, in the exercise's order.
    funnel: pd.DataFrame
    #: One row per screen, field and kind of error; the most frequent first.
    errors: pd.DataFrame
    #: One row per screen validated at least once: time spent there by run.
    screen_times: pd.DataFrame
    #: The facilitator's observations, oldest first.
    observations: pd.DataFrame
    #: One row per quiz someone answered: how many runs answered, how many right at once.
    quiz: pd.DataFrame
    #: One row per diagnostic (« Par où commencer ? ») that ended: level, score, competences.
    diagnostic: pd.DataFrame
    #: How many learners at each level the diagnostic advised (one row, or none).
    diagnostic_levels: pd.DataFrame

    def title(self) -> str:
        """Return "Bilan de l'atelier « Atelier CAF » du 12 novembre 2026"."""
        return f"Bilan de l'atelier « {self.workshop['title']} » du " + labels.long_date(
            self.workshop["date"]
        )

    def tables(self) -> dict[str, pd.DataFrame]:
        """Return the tables by name, in the order of :data:`COLUMNS`."""
        return {name: getattr(self, name) for name in COLUMNS}


def build_workshop_report(store: Any, workshop_id: int, catalogue: Any) -> WorkshopReport:
    """Build the report of one workshop from the store.

    Parameters
    ----------
    store
        The outcome store (:class:`~bacasable.store.Store`).
    workshop_id
        The workshop.
    catalogue
        The scenarios (:class:`~bacasable.scenario.loader.Catalogue`) for titles, screen order and
        field labels; an exercise it no longer has is shown by its ids.

    Returns
    -------
    WorkshopReport
        The tables; empty tables (with their columns) for a workshop nobody joined.

    Raises
    ------
    StoreError
        When there is no such workshop (a French message).
    """
    workshop = store.workshop(workshop_id)
    frames = load_frames(store, workshop_id=workshop_id)
    return report_from_frames(workshop, frames, catalogue)


def report_from_frames(workshop: dict[str, Any], frames: Frames, catalogue: Any) -> WorkshopReport:
    """Build a :class:`WorkshopReport` from frames already read (one workshop's)."""
    runs = run_table(frames, catalogue)
    order = _scenario_order(workshop, runs)
    return WorkshopReport(
        workshop=workshop,
        attendance=_attendance(frames, runs),
        learners=_shape(runs, "learners") if len(runs) else _empty("learners"),
        funnel=_funnel(frames, runs, catalogue, order),
        errors=_errors(frames, catalogue),
        screen_times=_screen_times(frames, catalogue, order),
        observations=_observations(frames, catalogue),
        quiz=quiz_table(frames, catalogue, order),
        diagnostic=diagnostic_table(frames, catalogue),
        diagnostic_levels=diagnostic_levels(frames),
    )


def _shape(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """Keep the table's columns, in order, with a fresh index."""
    return frame.loc[:, list(COLUMNS[name])].reset_index(drop=True)


def _empty(name: str) -> pd.DataFrame:
    return empty_table(COLUMNS[name])


def _scenario_order(workshop: dict[str, Any], runs: pd.DataFrame) -> list[str]:
    """Order the exercises done: the workshop's order, then the others by first run."""
    done = list(dict.fromkeys(runs["scenario_id"].tolist()))
    planned = [s for s in workshop.get("scenario_ids") or [] if s in done]
    return planned + [s for s in done if s not in planned]


def _attendance(frames: Frames, runs: pd.DataFrame) -> pd.DataFrame:
    people = frames.participants
    per = runs.groupby("participant_id").agg(
        runs=("attempt_id", "size"), completed_runs=("completed", "sum")
    )
    ids = people["id"].to_numpy()
    table = pd.DataFrame(
        {
            "pseudonym": people["pseudonym"].to_numpy(),
            "joined_at": local_times(people["created_at"]).to_numpy(),
            "last_seen_at": local_times(people["last_seen_at"]).to_numpy(),
            "runs": per["runs"].reindex(ids, fill_value=0).to_numpy().astype("int32"),
            "completed_runs": per["completed_runs"].reindex(ids, fill_value=0)
            .to_numpy().astype("int32"),
        }
    )
    return _shape(table, "attendance")


def screen_layout(catalogue: Any, scenario_id: str, seen: list[str]) -> list[tuple[str, str]]:
    """Return (screen id, title) in the exercise's order, then screens only the events know."""
    scenario = _scenario(catalogue, scenario_id)
    known = [(s.id, s.title) for s in scenario.screens] if scenario is not None else []
    ids = {sid for sid, _ in known}
    return known + [(sid, sid) for sid in seen if sid not in ids]


def _count(frame: pd.DataFrame, by: list[str]) -> dict[tuple[str, str], int]:
    if frame.empty:
        return {}
    sizes = frame.groupby(by, observed=True).size()
    return {(str(k[0]), str(k[1])): int(v) for k, v in sizes.items() if v}


def _screens_met(events: pd.DataFrame) -> dict[str, list[str]]:
    """Return each exercise's screens in the order the runs met them (run by run)."""
    met = events.loc[events["screen_id"].notna(), ["scenario_id", "screen_id"]]
    out: dict[str, list[str]] = {}
    for sid, screen_id in met.drop_duplicates().astype(object).itertuples(index=False):
        out.setdefault(sid, []).append(screen_id)
    return out


def _funnel(frames: Frames, runs: pd.DataFrame, catalogue: Any, order: list[str]) -> pd.DataFrame:
    ev = frames.events
    on_screen = ev[ev["screen_id"].notna()]
    reached = _count(
        on_screen[on_screen["type"].isin(ENTERED)].drop_duplicates(["attempt_id", "screen_id"]),
        ["scenario_id", "screen_id"],
    )
    done = _count(
        on_screen[on_screen["type"].isin(DONE)].drop_duplicates(["attempt_id", "screen_id"]),
        ["scenario_id", "screen_id"],
    )
    errors = _count(on_screen[on_screen["type"] == "field_error"], ["scenario_id", "screen_id"])
    hints = _count(on_screen[on_screen["type"] == "hint_shown"], ["scenario_id", "screen_id"])
    stopped_runs = runs[~runs["completed"] & runs["last_screen"].notna()]
    stopped = _count(stopped_runs, ["scenario_id", "last_screen"])
    seen_by_scenario = _screens_met(on_screen)
    rows = []
    for sid in order:
        title = scenario_title(catalogue, sid)
        layout = screen_layout(catalogue, sid, seen_by_scenario.get(sid, []))
        for position, (screen_id, screen_title) in enumerate(layout, start=1):
            key = (sid, screen_id)
            rows.append((sid, title, position, screen_id, screen_title, reached.get(key, 0),
                         done.get(key, 0), stopped.get(key, 0), errors.get(key, 0),
                         hints.get(key, 0)))
    if not rows:
        return _empty("funnel")
    table = pd.DataFrame(rows, columns=list(COLUMNS["funnel"]))
    return table.astype({c: "int32" for c in COLUMNS["funnel"][5:] + ("position",)})


def _field_labels(catalogue: Any) -> dict[tuple[str, str, str], str]:
    scenarios = getattr(catalogue, "scenarios", None) or {}
    return {(sc.id, s.id, f.id): f.label for sc in scenarios.values()
            for s in sc.screens for f in s.fields}


def _screen_titles(catalogue: Any) -> dict[tuple[str, str], str]:
    scenarios = getattr(catalogue, "scenarios", None) or {}
    return {(sc.id, s.id): s.title for sc in scenarios.values() for s in sc.screens}


def _errors(frames: Frames, catalogue: Any) -> pd.DataFrame:
    ev = frames.events
    wrong = ev[ev["type"] == "field_error"]
    if wrong.empty:
        return _empty("errors")
    keys = ["scenario_id", "screen_id", "field_id", "error_kind"]
    wrong = wrong[keys + ["participant_id"]].astype({k: object for k in keys}).fillna(
        {k: "" for k in keys}
    )
    table = wrong.groupby(keys, sort=False).agg(
        count=("participant_id", "size"), learners=("participant_id", "nunique")
    ).reset_index()
    fields, screens = _field_labels(catalogue), _screen_titles(catalogue)
    where = list(zip(table["scenario_id"], table["screen_id"], table["field_id"], strict=True))
    table["screen_title"] = [screens.get((a, b), b) for a, b, _ in where]
    table["field_label"] = [fields.get(key, key[2]) for key in where]
    table["error_label"] = [labels.error_label(k) for k in table["error_kind"]]
    table = table.astype({"count": "int32", "learners": "int32"})
    table = table.sort_values(
        ["count", "learners", "scenario_id", "screen_id", "field_id", "error_kind"],
        ascending=[False, False, True, True, True, True], kind="stable",
    )
    return _shape(table, "errors")


def _screen_times(frames: Frames, catalogue: Any, order: list[str]) -> pd.DataFrame:
    ev = frames.events
    done = ev[(ev["type"] == "screen_done") & ev["screen_id"].notna() & ev["seconds"].notna()]
    if done.empty:
        return _empty("screen_times")
    # A run that came back to a screen spent the sum of its visits there.
    per_run = done.groupby(["scenario_id", "screen_id", "attempt_id"], observed=True)[
        "seconds"
    ].sum().astype("float64")
    stats = per_run.groupby(level=[0, 1], observed=True).agg(["size", "median", "mean"])
    stats = {(str(a), str(b)): row for (a, b), row in stats.iterrows()}
    met = _screens_met(ev)
    rows = []
    for sid in order:
        layout = screen_layout(catalogue, sid, met.get(sid, []))
        for position, (screen_id, screen_title) in enumerate(layout, start=1):
            row = stats.get((sid, screen_id))
            if row is None:
                continue
            rows.append((sid, scenario_title(catalogue, sid), position, screen_id, screen_title,
                         int(row["size"]), round(float(row["median"]), 1),
                         round(float(row["mean"]), 1)))
    table = pd.DataFrame(rows, columns=list(COLUMNS["screen_times"]))
    return table.astype({"position": "int32", "runs": "int32"})


def _observations(frames: Frames, catalogue: Any) -> pd.DataFrame:
    obs = frames.observations
    if obs.empty:
        return _empty("observations")
    scenario = obs["scenario_id"].astype(object)
    table = pd.DataFrame(
        {
            "pseudonym": obs["pseudonym"].to_numpy(),
            "scenario_title": [
                scenario_title(catalogue, s) if isinstance(s, str) else labels.WHOLE_WORKSHOP
                for s in scenario
            ],
            "autonomy": [labels.autonomy_label(v) for v in obs["autonomy"]],
            "note": obs["note"].fillna("").to_numpy(),
            "created_at": local_times(obs["created_at"]).to_numpy(),
        }
    )
    return _shape(table, "observations")

