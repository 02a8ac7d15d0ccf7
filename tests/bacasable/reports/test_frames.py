"""load_frames: the synthetic workshop read back whole, memory-lean, whatever the batch size."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from bacasable.reports import Frames, load_frames
from bacasable.reports.frames import EVENT_COLUMNS, empty_table, local_times
from bacasable.store import StoreError
from bacasable.store.reports import MSG_PERIOD_DATE, MSG_PERIOD_ORDER

# Events written by the conftest, by type, for the first workshop.
FIRST_COUNTS = {
    "started": 4, "screen_entered": 14 + 7 + 14 + 17, "screen_done": 13 + 6 + 13 + 15,
    "field_error": 1 + 2 + 1, "hint_shown": 3 + 1, "went_back": 1, "finished": 3,
    "abandoned": 1,
}


def test_the_frames_of_one_workshop_hold_its_rows(synthetic_workshop):
    frames = load_frames(synthetic_workshop.store, workshop_id=synthetic_workshop.workshop_id)

    assert isinstance(frames, Frames)
    assert frames.workshops["title"].tolist() == ["Atelier CAF et emploi"]
    assert frames.workshops["date"].tolist() == [dt.date(2026, 11, 12)]
    assert frames.participants["pseudonym"].tolist() == ["Amina", "Bruno", "Chloé", "Diane", "Emma"]
    assert frames.attempts["scenario_id"].astype(str).tolist() == [
        "caf-prime-activite", "caf-prime-activite", "caf-prime-activite",
        "france-travail-inscription",
    ]
    counts = frames.events["type"].value_counts()
    assert {k: int(v) for k, v in counts.items() if v} == FIRST_COUNTS
    assert len(frames.events) == sum(FIRST_COUNTS.values())
    assert set(frames.events["workshop_id"]) == {synthetic_workshop.workshop_id}
    assert len(frames.observations) == 4


def test_events_are_memory_lean(synthetic_workshop):
    events = load_frames(synthetic_workshop.store).events

    assert tuple(events.columns) == EVENT_COLUMNS
    for column in ("event_id", "attempt_id", "participant_id", "workshop_id"):
        assert events[column].dtype == np.int32, column
    for column in ("persona_id", "type", "scenario_id", "screen_id", "field_id", "error_kind"):
        assert isinstance(events[column].dtype, pd.CategoricalDtype), column
    assert events["seconds"].dtype == np.float32
    assert str(events["hint_level"].dtype) == "Int8"
    assert str(events["at"].dtype).startswith("datetime64[") and "UTC" in str(events["at"].dtype)


def test_event_columns_carry_the_known_values(synthetic_workshop):
    events = load_frames(synthetic_workshop.store, workshop_id=synthetic_workshop.workshop_id).events
    bruno = synthetic_workshop.participants["Bruno"]

    errors = events[(events["participant_id"] == bruno) & (events["type"] == "field_error")]
    assert errors["screen_id"].astype(str).tolist() == ["logement", "logement"]
    assert errors["field_id"].astype(str).tolist() == ["loyer", "loyer"]
    assert errors["error_kind"].astype(str).tolist() == ["format", "format"]
    assert set(errors["persona_id"].astype(str)) == {"nadia"}
    hints = events[events["type"] == "hint_shown"]
    assert hints["hint_level"].tolist() == [1, 2, 1, 1]
    assert events["hint_level"].isna().sum() == len(events) - 4
    finished = events[events["type"] == "finished"]
    assert finished["seconds"].tolist() == [390.0, 320.0, 365.0]
    first = events["at"].min()
    assert first == pd.Timestamp("2026-11-12 09:05:00", tz="UTC")


def test_the_batch_size_does_not_change_the_events(synthetic_workshop):
    store = synthetic_workshop.store
    whole = load_frames(store).events
    original = store.report_event_batches

    def one_run_at_a_time(attempt_ids, **_):
        return original(attempt_ids, attempts_per_batch=1)

    store.report_event_batches = one_run_at_a_time
    try:
        small = load_frames(store).events
    finally:
        del store.report_event_batches
    assert_frame_equal(whole, small)


def test_a_period_selects_workshops_by_their_day(synthetic_workshop):
    store = synthetic_workshop.store
    late = load_frames(store, since=dt.date(2026, 11, 20))
    early = load_frames(store, until=dt.date(2026, 11, 12))
    both = load_frames(store, since=dt.date(2026, 11, 12), until=dt.date(2026, 11, 26))
    none = load_frames(store, since=dt.date(2027, 1, 1))

    assert late.workshops["id"].tolist() == [synthetic_workshop.second_workshop_id]
    assert late.participants["pseudonym"].tolist() == ["chloe", "Farid"]
    assert len(late.events) == 5 + 3  # chloe: started, 2 entered, done, finished; Farid: 3
    assert early.workshops["id"].tolist() == [synthetic_workshop.workshop_id]
    assert len(both.workshops) == 2
    assert len(both.events) == len(early.events) + len(late.events)
    assert none.workshops.empty and none.events.empty and none.attempts.empty
    assert tuple(none.events.columns) == EVENT_COLUMNS


def test_the_second_workshop_events_are_counted_by_type(synthetic_workshop):
    events = load_frames(synthetic_workshop.store,
                         workshop_id=synthetic_workshop.second_workshop_id).events
    counts = {k: int(v) for k, v in events["type"].value_counts().items() if v}
    assert counts == {"started": 2, "screen_entered": 3, "screen_done": 1, "finished": 1,
                      "field_error": 1}


def test_observations_carry_their_exercise_or_none(synthetic_workshop):
    obs = load_frames(synthetic_workshop.store,
                      workshop_id=synthetic_workshop.workshop_id).observations

    assert obs["pseudonym"].tolist() == ["Chloé", "Diane", "Bruno", "Chloé"]
    assert obs["scenario_id"].isna().tolist() == [True, True, False, False]
    assert obs["scenario_id"].tolist()[2:] == ["caf-prime-activite", "caf-prime-activite"]


def test_observations_without_an_exercise_column_still_load(synthetic_workshop, monkeypatch):
    store = synthetic_workshop.store
    original = store.report_table

    def older_schema(table, *args):
        frame = original(table, *args)
        return frame.drop(columns=["scenario_id"]) if table == "observations" else frame

    monkeypatch.setattr(store, "report_table", older_schema)
    obs = load_frames(store, workshop_id=synthetic_workshop.workshop_id).observations
    assert obs["scenario_id"].isna().all()
    assert len(obs) == 4


def test_runs_of_someone_who_joined_during_the_reads_wait_for_the_next_report(
    synthetic_workshop, monkeypatch
):
    store = synthetic_workshop.store
    original = store.report_table
    diane = synthetic_workshop.participants["Diane"]

    def read_before_diane(table, *args):
        frame = original(table, *args)
        return frame[frame["id"] != diane] if table == "participants" else frame

    monkeypatch.setattr(store, "report_table", read_before_diane)
    frames = load_frames(store, workshop_id=synthetic_workshop.workshop_id)
    assert diane not in set(frames.attempts["participant_id"])
    assert diane not in set(frames.events["participant_id"])
    assert diane not in set(frames.observations["participant_id"])
    assert len(frames.attempts) == 3


def test_an_unknown_workshop_says_so_in_french(synthetic_workshop):
    with pytest.raises(StoreError, match="Cet atelier n'existe pas"):
        load_frames(synthetic_workshop.store, workshop_id=999)


@pytest.mark.parametrize(
    ("since", "until", "message"),
    [
        (dt.date(2026, 12, 1), dt.date(2026, 11, 1), MSG_PERIOD_ORDER),
        ("hier", None, MSG_PERIOD_DATE),
        (None, 20261101, MSG_PERIOD_DATE),
    ],
)
def test_a_bad_period_says_so_in_french(synthetic_workshop, since, until, message):
    with pytest.raises(StoreError) as raised:
        load_frames(synthetic_workshop.store, since=since, until=until)
    assert raised.value.message == message


def test_a_period_accepts_iso_text_and_datetimes(synthetic_workshop):
    store = synthetic_workshop.store
    text = load_frames(store, since="2026-11-20")
    moment = load_frames(store, since=dt.datetime(2026, 11, 20, 23, 0))
    assert text.workshops["id"].tolist() == moment.workshops["id"].tolist() == [
        synthetic_workshop.second_workshop_id
    ]


def test_local_times_are_paris_time_without_zone():
    utc = pd.Series(pd.to_datetime(["2026-11-12 09:00", "2026-07-01 09:00"], utc=True))
    assert local_times(utc).tolist() == [pd.Timestamp("2026-11-12 10:00"),
                                         pd.Timestamp("2026-07-01 11:00")]
    assert local_times(pd.Series([], dtype=object)).empty


def test_empty_tables_keep_their_dtypes():
    table = empty_table(["pseudonym", "runs", "minutes", "alone", "joined_at"])
    assert table.empty
    assert table.dtypes.astype(str).tolist() == [
        "object", "int32", "float64", "bool", "datetime64[us]"
    ]


def test_the_store_loads_pandas_only_for_reports_and_tables_need_no_widgets():
    code = ("import sys, bacasable.store; before = 'pandas' in sys.modules; "
            "import bacasable.reports.history, bacasable.reports.workshop_report; "
            "print(before, ','.join(m for m in ('ipywidgets', 'matplotlib') "
            "if m in sys.modules) or '-')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.split() == ["False", "-"]
