"""The store's rows as memory-lean pandas frames, read batch by batch: what reports start from."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from bacasable.store.reports import REPORT_TABLES

#: Times in the tables are shown in this zone (the store keeps UTC), without the zone.
TIMEZONE = "Europe/Paris"

#: Text columns of the events, kept as categoricals (a few hundred distinct values at most).
EVENT_TEXT_COLUMNS = ("type", "scenario_id", "screen_id", "field_id", "error_kind", "answer_id")
#: Yes/no columns of the events (a quiz's answer: right, first try), missing elsewhere.
EVENT_FLAG_COLUMNS = ("correct", "first_time")

#: Columns of :attr:`Frames.events`, in order.
EVENT_COLUMNS = (
    "event_id", "attempt_id", "participant_id", "workshop_id", "persona_id", *EVENT_TEXT_COLUMNS,
    "hint_level", "seconds", *EVENT_FLAG_COLUMNS, "at",
)


@dataclasses.dataclass
class Frames:
    """The selected workshops and everything their learners left, as pandas frames.

    Ids are ``int32``, texts that repeat are categoricals, seconds ``float32``, yes/no
    ``boolean`` (missing where it does not apply), times ``datetime64`` in UTC: a million
    events take about 40 MB.
    """

    #: One row per event: :data:`EVENT_COLUMNS`, ordered by run then by event id.
    events: pd.DataFrame
    #: One row per run: every column of ``attempts`` plus ``workshop_id``.
    attempts: pd.DataFrame
    #: One row per learner: ``id``, ``workshop_id``, ``pseudonym``, ``created_at``,
    #: ``last_seen_at``.
    participants: pd.DataFrame
    #: One row per observation: every column of ``observations`` (``scenario_id`` always
    #: there, None for an older database) plus ``pseudonym``.
    observations: pd.DataFrame
    #: One row per workshop, oldest day first.
    workshops: pd.DataFrame


def load_frames(
    store: Any,
    *,
    workshop_id: int | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> Frames:
    """Read one workshop, or the workshops of a period, into memory-lean frames.

    Events are read a few hundred runs at a time and packed at once (categorical codes,
    ``int32``, ``float32``): a million events never exist as a million Python objects.

    Parameters
    ----------
    store
        The outcome store (:class:`~bacasable.store.Store`).
    workshop_id
        One workshop; None for every workshop of the period.
    since, until
        First and last day of the period (the workshops' day, both included), or None.

    Returns
    -------
    Frames
        The frames; empty ones (with their columns) when nothing was selected.

    Raises
    ------
    StoreError
        For an unknown workshop or a period that is not valid (a French message).
    """
    workshops, participants, attempts, observations = (
        store.report_table(table, workshop_id, since, until) for table in REPORT_TABLES
    )
    workshops = _times(_ints(workshops, ["id", "duration_minutes"]), ["created_at", "closed_at"])
    if "date" in workshops:
        workshops["date"] = pd.to_datetime(workshops["date"]).dt.date
    participants = _times(
        _ints(participants, ["id", "workshop_id"]), ["created_at", "last_seen_at"]
    )
    # Each read is its own short transaction: someone joining meanwhile could have runs or
    # observations whose learner was not read yet; they wait for the next report.
    attempts = _lean_attempts(attempts[attempts["participant_id"].isin(participants["id"])])
    observations = observations[observations["participant_id"].isin(participants["id"])]
    observations = observations.reset_index(drop=True)
    if "scenario_id" not in observations:
        observations["scenario_id"] = None
    observations = _times(
        _ints(observations, ["id", "participant_id", "workshop_id"]), ["created_at"]
    )
    events = _pack_events(store.report_event_batches(attempts["id"].tolist()), attempts)
    return Frames(events, attempts, participants, observations, workshops)


# --- packing ------------------------------------------------------------------------------


def _ints(frame: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    for column in columns:
        if column in frame:
            frame[column] = frame[column].astype("int32")
    return frame


def _times(frame: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    for column in columns:
        if column in frame:
            frame[column] = _utc(frame[column])
    return frame


def _utc(values: Any) -> pd.Series:
    """Parse times (ISO text from SQLite, datetimes from elsewhere) as UTC, vectorised."""
    series = pd.Series(values)
    if isinstance(series.dtype, pd.DatetimeTZDtype):
        return series.dt.tz_convert("UTC")
    if series.empty or series.isna().all():
        return series.astype("datetime64[us, UTC]")
    return pd.to_datetime(series, utc=True, format="ISO8601")


def _lean_attempts(attempts: pd.DataFrame) -> pd.DataFrame:
    attempts = attempts.reset_index(drop=True)
    attempts = _ints(attempts, ["id", "participant_id", "workshop_id", "errors", "hints"])
    for column in ("scenario_id", "persona_id", "current_screen"):
        attempts[column] = attempts[column].astype("category")
    for column in ("screen_index", "screen_count"):
        attempts[column] = attempts[column].astype("Int32")
    return _times(
        attempts, ["started_at", "finished_at", "abandoned_at", "updated_at"]
    )


class _Codes:
    """Categorical codes shared by every batch of one column: value → code, growing."""

    def __init__(self) -> None:
        self.values: list[str] = []
        self._index: dict[str, int] = {}
        self.parts: list[np.ndarray] = []

    def add(self, column: pd.Series) -> None:
        codes, uniques = pd.factorize(column, use_na_sentinel=True)
        known = np.empty(len(uniques) + 1, dtype=np.int32)
        known[-1] = -1  # a missing value keeps the code -1 (index -1 below)
        for i, value in enumerate(uniques):
            code = self._index.get(value)
            if code is None:
                code = self._index[value] = len(self.values)
                self.values.append(value)
            known[i] = code
        self.parts.append(known[codes])

    def categorical(self) -> pd.Categorical:
        codes = np.concatenate(self.parts) if self.parts else np.empty(0, dtype=np.int32)
        # Categories in sorted order, so that equal frames compare equal whatever the reading.
        order = sorted(range(len(self.values)), key=self.values.__getitem__)
        remap = np.empty(len(self.values) + 1, dtype=np.int32)
        remap[-1] = -1
        remap[np.array(order, dtype=np.int64)] = np.arange(len(order), dtype=np.int32)
        return pd.Categorical.from_codes(
            remap[codes], categories=[self.values[i] for i in order]
        )


def _pack_events(batches: Iterable[pd.DataFrame], attempts: pd.DataFrame) -> pd.DataFrame:
    """Pack event batches as they come: only the packed arrays stay in memory."""
    texts = {name: _Codes() for name in EVENT_TEXT_COLUMNS}
    numbers: dict[str, list[np.ndarray]] = {
        "event_id": [], "attempt_id": [], "hint_level": [], "seconds": [], "at": [],
        **{name: [] for name in EVENT_FLAG_COLUMNS},
    }
    for batch in batches:
        if batch.empty:
            continue
        numbers["event_id"].append(batch["event_id"].to_numpy(np.int32))
        numbers["attempt_id"].append(batch["attempt_id"].to_numpy(np.int32))
        numbers["hint_level"].append(
            pd.to_numeric(batch["hint_level"]).to_numpy(np.float32, na_value=np.nan)
        )
        numbers["seconds"].append(
            pd.to_numeric(batch["seconds"]).to_numpy(np.float32, na_value=np.nan)
        )
        numbers["at"].append(_utc(batch["at"]).to_numpy("datetime64[ns]"))
        for name in EVENT_FLAG_COLUMNS:
            numbers[name].append(
                pd.array(batch[name], dtype="boolean").to_numpy(np.float32, na_value=np.nan)
            )
        for name, codes in texts.items():
            codes.add(batch[name])
    joined = {
        name: np.concatenate(parts) if parts else np.empty(0, dtype=_EMPTY[name])
        for name, parts in numbers.items()
    }
    attempt_ids = joined["attempt_id"]
    # Who and where come from the run: one lookup per event instead of a join in SQL.
    row = pd.Index(attempts["id"].to_numpy()).get_indexer(attempt_ids)
    personas = attempts["persona_id"]
    frame = pd.DataFrame(
        {
            "event_id": joined["event_id"],
            "attempt_id": attempt_ids,
            "participant_id": attempts["participant_id"].to_numpy(np.int32)[row],
            "workshop_id": attempts["workshop_id"].to_numpy(np.int32)[row],
            "persona_id": pd.Categorical.from_codes(
                personas.cat.codes.to_numpy()[row], categories=personas.cat.categories
            ),
        }
    )
    for name, codes in texts.items():
        frame[name] = codes.categorical()
    frame["hint_level"] = pd.array(joined["hint_level"], dtype="Float32").astype("Int8")
    frame["seconds"] = joined["seconds"]
    for name in EVENT_FLAG_COLUMNS:
        frame[name] = pd.array(joined[name], dtype="Float32").astype("boolean")
    frame["at"] = pd.DatetimeIndex(joined["at"]).tz_localize("UTC")
    return frame[list(EVENT_COLUMNS)]


_EMPTY = {
    "event_id": np.int32, "attempt_id": np.int32, "hint_level": np.float32,
    "seconds": np.float32, "at": "datetime64[ns]", **dict.fromkeys(EVENT_FLAG_COLUMNS, np.float32),
}


#: The dtype of each report column that is not text (for empty tables: same dtypes as full).
COLUMN_TYPES: dict[str, str] = {
    **dict.fromkeys(
        ("id", "workshop_id", "participants", "runs", "completed_runs", "errors", "hints",
         "screens_done", "screen_count", "position", "reached", "done", "stopped_here", "count",
         "learners", "rank", "learners_practised", "learners_alone", "answered",
         "right_first_time"), "int32"),
    **dict.fromkeys(
        ("minutes", "median_seconds", "mean_seconds", "completion_rate", "errors_per_run",
         "hints_per_run", "median_minutes", "right_first_time_rate"), "float64"),
    **dict.fromkeys(("completed", "alone"), "bool"),
    **dict.fromkeys(("joined_at", "last_seen_at", "created_at"), "datetime64[us]"),
}


def empty_table(columns: Iterable[str]) -> pd.DataFrame:
    """Return a table without rows, with these columns and their usual dtypes."""
    return pd.DataFrame(
        {name: pd.Series(dtype=COLUMN_TYPES.get(name, object)) for name in columns}
    )


def local_times(values: pd.Series) -> pd.Series:
    """Return UTC times as naive times of :data:`TIMEZONE`, for tables and exports."""
    return _utc(values).dt.tz_convert(TIMEZONE).dt.tz_localize(None)
