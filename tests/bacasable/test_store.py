"""The outcome store: every method of the facade, on SQLite (in memory, a file) and PostgreSQL.

PostgreSQL runs on the server of the test session (``tests/bacasable/conftest.py``); the tests
of what only PostgreSQL does are in ``test_store_postgres.py``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
import threading
import time

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import event as sa_event
from sqlalchemy import exc, func, inspect, select
from sqlalchemy.pool import StaticPool

import bacasable.store as store_module
from bacasable.common.config import BacasableConfig
from bacasable.run.events import RunEvent
from bacasable.store import (
    DISCONNECTED_AFTER,
    JOIN_ALPHABET,
    Store,
    StoreError,
    new_join_code,
    normalise_join_code,
)
from bacasable.store import tables as t
from bacasable.store.devices import PseudonymTaken
from bacasable.store.migrations import HEAD_REVISION, alembic_config

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone.utc)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, start: dt.datetime = T0) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> dt.datetime:
        self.now += dt.timedelta(seconds=seconds)
        return self.now

    def ts(self) -> float:
        return self.now.timestamp()


@pytest.fixture
def clock() -> Clock:
    return Clock()


def new_database(request, tmp_path, where: str) -> str:
    """Return the URL of a new, empty database: "memory", "file" (SQLite) or "postgres"."""
    if where == "memory":
        return "sqlite:///:memory:"
    if where == "file":
        return f"sqlite:///{tmp_path / 'b.sqlite'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture(params=["file", "postgres"])
def db_url(request, tmp_path) -> str:
    """A new, empty database that outlives a store: a SQLite file, or a PostgreSQL database."""
    return new_database(request, tmp_path, request.param)


@pytest.fixture(params=["memory", "file", "postgres"])
def store(request, tmp_path, clock):
    with Store(new_database(request, tmp_path, request.param), clock=clock) as s:
        yield s


#: For the tests of what the store does on SQLite only (its ``BEGIN`` statements).
SQLITE_ONLY = pytest.mark.parametrize("store", ["memory", "file"], indirect=True)


@pytest.fixture
def workshop(store):
    return store.create_workshop(
        "Atelier emploi", "Médiathèque", dt.date(2026, 3, 2), ["france-travail", "caf"],
        themes=["emploi"], level="debutant", duration_minutes=90, equipment=["ordinateur"],
    )


def ev(clock: Clock, type_: str, screen: str | None = None, **kw) -> RunEvent:
    return RunEvent(type=type_, scenario_id="france-travail", screen_id=screen, at=clock.ts(), **kw)


def count(store: Store, table) -> int:
    with store.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(table))


# --- schema ---------------------------------------------------------------------------------

EXPECTED_COLUMNS = {
    "workshops": {"id", "join_code", "title", "place", "date", "scenario_ids", "themes", "level",
                  "duration_minutes", "equipment", "created_at", "closed_at", "paused",
                  "message", "message_at", "focus_screen", "focus_at", "skip_lessons",
                  "expected_learners", "owner"},
    "participants": {"id", "workshop_id", "pseudonym", "created_at", "last_seen_at",
                     "hand_raised_at", "hand_answered_at", "device_hash", "handover_hash",
                     "handover_state", "handover_at"},
    "attempts": {"id", "participant_id", "scenario_id", "persona_id", "started_at",
                 "finished_at", "abandoned_at", "current_screen", "screen_index",
                 "screen_count", "errors", "hints", "updated_at", "placement"},
    "events": {"id", "attempt_id", "type", "scenario_id", "screen_id", "field_id", "error_kind",
               "hint_level", "seconds", "answer_id", "correct", "first_time", "level", "at"},
    "observations": {"id", "participant_id", "workshop_id", "scenario_id", "autonomy", "note",
                     "created_at"},
    "commands": {"id", "workshop_id", "participant_id", "kind", "payload", "created_at"},
    "settings": {"key", "value"},
    "pin_tries": {"client", "failures", "first_failed_at", "last_failed_at", "locked_until"},
}


def test_no_column_can_hold_what_a_learner_typed(store):
    # The events table holds exactly the fields of a RunEvent: ids, kinds, counts, times.
    assert EXPECTED_COLUMNS["events"] == {c.name for c in t.events.columns}
    assert set(RunEvent.__dataclass_fields__) | {"id", "attempt_id"} == EXPECTED_COLUMNS["events"]
    # Every table, in the metadata and in the migrated database, has exactly these columns.
    assert {name: {c.name for c in table.columns} for name, table in t.metadata.tables.items()} \
        == EXPECTED_COLUMNS
    with store.engine.connect() as conn:
        insp = inspect(conn)
        for name, columns in EXPECTED_COLUMNS.items():
            assert {c["name"] for c in insp.get_columns(name)} == columns


def test_every_column_is_documented():
    lines = open(t.__file__, encoding="utf-8").read().splitlines()
    starts = ("Column(", "_cascade(", "_closed(")
    columns = [i for i, line in enumerate(lines)
               if line.startswith("    ") and line.strip().startswith(starts)]
    assert len(columns) == sum(len(table.columns) for table in t.metadata.tables.values())
    for i in columns:
        above = [line.strip() for line in lines[max(0, i - 2):i]]
        assert any(line.startswith("#:") for line in above), lines[i]
    for table in t.metadata.tables.values():
        definition = next(i for i, line in enumerate(lines) if line.startswith(f"{table.name} ="))
        assert lines[definition - 1].startswith("#:"), table.name


def test_hot_queries_have_indexes(store):
    with store.engine.connect() as conn:
        insp = inspect(conn)
        indexed = {name: [tuple(i["column_names"]) for i in insp.get_indexes(name)]
                   for name in ("events", "participants", "commands")}
    assert ("attempt_id",) in indexed["events"]
    assert ("workshop_id",) in indexed["participants"]
    assert ("workshop_id", "id") in indexed["commands"]


def test_sqlite_connection_settings(tmp_path):
    with Store(f"sqlite:///{tmp_path / 'x.sqlite'}") as s, s.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert isinstance(s.engine.pool, StaticPool)


@SQLITE_ONLY
def test_writes_begin_immediate_and_reads_deferred(store, workshop):
    seen = []
    sa_event.listen(store.engine, "before_cursor_execute",
                    lambda conn, cursor, statement, *a: seen.append(statement))
    store.heartbeat(store.join(workshop["id"], "Léa")["id"])
    store.room(workshop["id"])
    begins = [s for s in seen if s.startswith("BEGIN")]
    assert begins == ["BEGIN IMMEDIATE", "BEGIN IMMEDIATE", "BEGIN DEFERRED"]


# --- migrations -----------------------------------------------------------------------------


def test_upgrade_creates_alembic_version_at_head(db_url):
    url = db_url
    s = Store(url, upgrade=False)
    assert s.revision() is None
    s.upgrade()
    assert s.revision() == HEAD_REVISION
    script = ScriptDirectory.from_config(alembic_config(url))
    assert script.get_current_head() == HEAD_REVISION
    with s.engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == HEAD_REVISION
    s.close()


def test_upgrade_twice_is_a_no_op(db_url):
    url = db_url
    with Store(url) as s:
        statements = []
        sa_event.listen(s.engine, "before_cursor_execute",
                        lambda conn, cursor, statement, *a: statements.append(statement))
        s.upgrade()
        s.upgrade()
        assert s.revision() == HEAD_REVISION
        assert not [x for x in statements if x.lstrip().upper().startswith(("CREATE", "ALTER"))]
    with Store(url) as again:  # reopening is a no-op too
        assert again.revision() == HEAD_REVISION


@pytest.mark.parametrize("where", ["memory", "file", "postgres"])
def test_migrated_database_matches_tables_py(request, tmp_path, where):
    with Store(new_database(request, tmp_path, where)) as s, s.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, t.metadata) == []


def test_downgrade_then_upgrade(db_url):
    from alembic import command

    url = db_url
    Store(url).close()
    command.downgrade(alembic_config(url), "base")
    with Store(url) as s:
        assert s.revision() == HEAD_REVISION
        assert s.create_workshop("A", "", "2026-01-01", [])["id"] == 1


def test_downgrade_one_revision_and_back_keeps_the_data(db_url, clock):
    # 0002 adds a column: SQLite copies the table (batch mode), PostgreSQL alters it in place.
    from alembic import command

    with Store(db_url, clock=clock) as s:
        w = s.create_workshop("A", "", "2026-01-01", ["caf"])
        pid = s.join(w["id"], "Marie")["id"]
        first = s.record_observation(pid, "seul", "ok", scenario_id="caf")["id"]
    command.downgrade(alembic_config(db_url), "0001")
    with Store(db_url, upgrade=False, clock=clock) as s:
        assert s.revision() == "0001"
        with s.engine.connect() as conn:
            assert "scenario_id" not in {c["name"] for c in inspect(conn).get_columns("observations")}
        s.upgrade()
        assert s.revision() == HEAD_REVISION
        assert [(o["id"], o["note"], o["scenario_id"]) for o in s.observations(w["id"])] == [
            (first, "ok", None)]
        assert s.record_observation(pid, "indices", scenario_id="caf")["id"] == first + 1


def test_from_config_creates_the_data_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("BACASABLE_DB", raising=False)
    folder = tmp_path / "deep" / "data"
    config = BacasableConfig(data_dir=str(folder))
    with Store.from_config(config) as s:
        assert folder.is_dir()
        assert (folder / "bacasable.sqlite").is_file()
        assert s.revision() == HEAD_REVISION


def test_a_kernel_shares_one_store_per_database(db_url):
    url = db_url
    first = Store.shared(url)
    assert Store.shared(url) is first
    first.close()
    second = Store.shared(url)
    assert second is not first and second.revision() == HEAD_REVISION
    second.close()


# --- workshops ------------------------------------------------------------------------------


def test_create_workshop(store, workshop, clock):
    assert workshop["title"] == "Atelier emploi"
    assert workshop["place"] == "Médiathèque"
    assert workshop["date"] == dt.date(2026, 3, 2)
    assert workshop["scenario_ids"] == ["france-travail", "caf"]
    assert workshop["themes"] == ["emploi"]
    assert workshop["equipment"] == ["ordinateur"]
    assert workshop["duration_minutes"] == 90
    assert workshop["created_at"] == clock.now
    assert workshop["open"] and not workshop["paused"]
    assert store.workshop(workshop["id"]) == workshop


def test_join_codes_use_an_unambiguous_alphabet(store):
    assert not set("0O1IL") & set(JOIN_ALPHABET)
    assert len(set(JOIN_ALPHABET)) == len(JOIN_ALPHABET) == 31
    codes = {new_join_code() for _ in range(3000)}
    assert all(len(c) == 6 and set(c) <= set(JOIN_ALPHABET) for c in codes)
    assert len(codes) > 2990  # random, not a counter
    assert set("".join(codes)) == set(JOIN_ALPHABET)  # every character is used
    made = [store.create_workshop(f"A{i}", "", "2026-01-01", [])["join_code"] for i in range(20)]
    assert len(set(made)) == 20
    assert all(set(c) <= set(JOIN_ALPHABET) and len(c) == 6 for c in made)


def test_join_codes_are_unique_even_when_the_random_source_repeats(store, monkeypatch):
    first = store.create_workshop("A", "", "2026-01-01", [])["join_code"]
    other = "ZZZZZ9" if first != "ZZZZZ9" else "YYYYY8"
    sequence = iter([first, first, other])
    monkeypatch.setattr(store_module, "new_join_code", lambda: next(sequence))
    assert store.create_workshop("B", "", "2026-01-01", [])["join_code"] == other


def test_workshop_by_code_is_case_and_space_tolerant(store, workshop):
    code = workshop["join_code"]
    spaced = f"  {code[:3].lower()} {code[3:].lower()} "
    assert store.workshop_by_code(spaced)["id"] == workshop["id"]
    assert store.workshop_by_code(f"{code[:3]}-{code[3:]}")["id"] == workshop["id"]


@pytest.mark.parametrize("code", ["", "ABC", "ABCDEFG", "AB0DEF", None, 123456])
def test_unknown_join_code(store, workshop, code):
    with pytest.raises(StoreError) as info:
        store.workshop_by_code(code)
    assert info.value.message == "Ce code ne correspond à aucun atelier ouvert."


def test_closed_workshop_cannot_be_found_nor_joined(store, workshop, clock):
    clock.advance(60)
    closed = store.close_workshop(workshop["id"])
    assert closed["closed_at"] == clock.now and not closed["open"]
    with pytest.raises(StoreError, match="aucun atelier ouvert"):
        store.workshop_by_code(workshop["join_code"])
    with pytest.raises(StoreError, match="Cet atelier est terminé"):
        store.join(workshop["id"], "Marie")
    # Closing twice keeps the first time.
    clock.advance(60)
    assert store.close_workshop(workshop["id"])["closed_at"] == closed["closed_at"]


def test_unknown_workshop(store):
    for call in (lambda: store.workshop(999), lambda: store.close_workshop(999),
                 lambda: store.join(999, "Marie"), lambda: store.set_pause(999, True)):
        with pytest.raises(StoreError) as info:
            call()
        assert info.value.message == "Cet atelier n'existe pas (ou plus)."


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"title": "  "}, "Donnez un titre"),
        ({"title": "x" * 201}, "Donnez un titre"),
        ({"date": "02/03/2026"}, "La date de l'atelier n'est pas valide"),
        ({"duration_minutes": 0}, "La durée de l'atelier"),
        ({"scenario_ids": "france-travail"}, "Liste non valide"),
        ({"themes": [""]}, "Liste non valide"),
        ({"place": "p" * 201}, "Le lieu"),
    ],
)
def test_create_workshop_refuses_bad_values_in_french(store, kwargs, message):
    args = {"title": "Atelier", "place": "Ici", "date": "2026-03-02", "scenario_ids": ["a"]}
    args.update(kwargs)
    with pytest.raises(StoreError, match=message):
        store.create_workshop(**args)
    assert store.list_workshops() == []


def test_list_workshops(store, clock):
    a = store.create_workshop("Premier", "", "2026-03-01", [])
    clock.advance(86400)
    b = store.create_workshop("Second", "", "2026-03-02", [])
    store.join(b["id"], "Marie")
    store.join(b["id"], "Paul")
    listed = store.list_workshops()
    assert [w["id"] for w in listed] == [b["id"], a["id"]]
    assert [w["participant_count"] for w in listed] == [2, 0]
    assert [w["id"] for w in store.list_workshops(since=clock.now)] == [b["id"]]
    assert [w["id"] for w in store.list_workshops(since=T0.date())] == [b["id"], a["id"]]


# --- driving the room -----------------------------------------------------------------------


def test_driving_the_room_writes_commands_and_state(store, workshop, clock):
    wid = workshop["id"]
    marie = store.join(wid, "Marie")["id"]
    paul = store.join(wid, "Paul")["id"]
    start = store.last_command_id(wid)
    assert start == 0

    clock.advance(1)
    pause = store.set_pause(wid, True)
    assert store.workshop(wid)["paused"] is True
    resume = store.set_pause(wid, False)
    assert store.workshop(wid)["paused"] is False
    room_msg = store.send_message(wid, "  On fait une pause café  ")
    w = store.workshop(wid)
    assert w["message"] == "On fait une pause café" and w["message_at"] == clock.now
    to_marie = store.send_message(wid, "Bravo Marie", participant_id=marie)
    assert store.workshop(wid)["message"] == "On fait une pause café"  # private: not the room's
    goto = store.bring_to_screen(wid, "identity")
    w = store.workshop(wid)
    assert w["focus_screen"] == "identity" and w["focus_at"] == clock.now
    hint_paul = store.reveal_hint(wid, participant_id=paul, field_id="nir")
    hint_all = store.reveal_hint(wid)
    assert store.last_command_id(wid) == hint_all

    seen_by_marie = store.commands_since(wid, marie, start)
    assert [c["id"] for c in seen_by_marie] == [pause, resume, room_msg, to_marie, goto, hint_all]
    assert [c["kind"] for c in seen_by_marie] == ["pause", "resume", "message", "message",
                                                  "goto", "hint"]
    assert seen_by_marie[2]["payload"] == {"text": "On fait une pause café"}
    assert seen_by_marie[3]["payload"] == {"text": "Bravo Marie"}
    assert seen_by_marie[3]["participant_id"] == marie
    assert seen_by_marie[4]["payload"] == {"screen_id": "identity"}
    seen_by_paul = store.commands_since(wid, paul, goto)
    assert [(c["id"], c["payload"]) for c in seen_by_paul] == [
        (hint_paul, {"field_id": "nir"}), (hint_all, {})]
    assert store.commands_since(wid, paul, hint_all) == []
    assert [c["id"] for c in store.commands_since(wid, None, 0)] == [
        pause, resume, room_msg, goto, hint_all]

    store.send_message(wid, "")
    assert store.workshop(wid)["message"] is None


def test_commands_to_someone_of_another_workshop_are_refused(store, workshop):
    other = store.create_workshop("Autre", "", "2026-01-01", [])
    stranger = store.join(other["id"], "Zoé")["id"]
    with pytest.raises(StoreError, match="ne participe pas à cet atelier"):
        store.send_message(workshop["id"], "Bonjour", participant_id=stranger)
    with pytest.raises(StoreError, match="au plus 280 caractères"):
        store.send_message(workshop["id"], "x" * 281)
    assert store.last_command_id(workshop["id"]) == 0


# --- participants ---------------------------------------------------------------------------


PHONE = "a1" * 16  # a device token, as join.js makes it
OTHER_PHONE = "b2" * 16


def test_join_and_resume_from_the_same_device(store, workshop, clock):
    marie = store.join(workshop["id"], "Marie", PHONE)
    assert marie["pseudonym"] == "Marie" and marie["resumed"] is False
    assert marie["workshop_id"] == workshop["id"] and marie["created_at"] == clock.now
    clock.advance(120)
    again = store.join(workshop["id"], "  marie ", PHONE)
    assert again["id"] == marie["id"] and again["resumed"] is True
    assert again["pseudonym"] == "Marie" and again["last_seen_at"] == clock.now
    accents = store.join(workshop["id"], "Élodie", OTHER_PHONE)
    assert store.join(workshop["id"], "élodie", OTHER_PHONE)["id"] == accents["id"]
    assert [p["pseudonym"] for p in store.participants(workshop["id"])] == ["Marie", "Élodie"]
    # The store keeps the token's hash, never the token.
    assert marie["device_hash"] == hashlib.sha256(PHONE.encode()).hexdigest()
    assert PHONE not in str(store.export_participant(marie["id"]))


def test_a_pseudonym_is_a_name_not_a_key(store, workshop):
    store.join(workshop["id"], "Marie", PHONE)
    for device in (OTHER_PHONE, None, "pas un jeton"):
        with pytest.raises(PseudonymTaken) as taken:
            store.join(workshop["id"], "MARIE", device)
        assert taken.value.message == "MARIE est déjà pris. Essayez MARIE2."
    store.join(workshop["id"], "Marie2", OTHER_PHONE)
    with pytest.raises(PseudonymTaken, match="Essayez Marie3"):
        store.join(workshop["id"], "Marie", OTHER_PHONE)
    assert store.participant_of_device(workshop["id"], PHONE)["pseudonym"] == "Marie"
    assert store.participant_of_device(workshop["id"], "c3" * 16) is None


def test_a_run_is_handed_over_only_when_the_facilitator_allows_it(store, workshop):
    marie = store.join(workshop["id"], "Marie", PHONE)
    assert store.owns(marie["id"], PHONE) and not store.owns(marie["id"], OTHER_PHONE)
    with pytest.raises(StoreError, match="navigation privée"):
        store.ask_handover(marie["id"], None)
    store.ask_handover(marie["id"], OTHER_PHONE)
    assert [t["handover_asked"] for t in store.room(workshop["id"])] == [True]
    assert store.handover_answer(marie["id"], OTHER_PHONE) is None  # not answered yet
    assert store.answer_handover(marie["id"], allow=False)
    assert store.handover_answer(marie["id"], OTHER_PHONE) == "refused"
    assert store.owns(marie["id"], PHONE)
    store.ask_handover(marie["id"], OTHER_PHONE)
    assert store.answer_handover(marie["id"], allow=True)
    assert not store.answer_handover(marie["id"], allow=True)  # nothing waits any more
    assert store.handover_answer(marie["id"], OTHER_PHONE) == "allowed"
    assert store.owns(marie["id"], OTHER_PHONE) and not store.owns(marie["id"], PHONE)
    assert store.join(workshop["id"], "marie", OTHER_PHONE)["resumed"] is True
    with pytest.raises(PseudonymTaken):
        store.join(workshop["id"], "marie", PHONE)
    assert [t["handover_asked"] for t in store.room(workshop["id"])] == [False]


def test_joining_alone_always_makes_a_new_participant(store):
    a = store.join(None, "Marie")
    b = store.join(None, "Marie")
    assert a["id"] != b["id"] and a["workshop_id"] is None


@pytest.mark.parametrize(
    ("pseudonym", "message"),
    [
        ("", "Choisissez un pseudonyme"),
        ("   ", "Choisissez un pseudonyme"),
        (None, "Choisissez un pseudonyme"),
        ("x" * 31, "au plus 30 caractères"),
        ("marie.durand@exemple.fr", "pas une adresse e-mail ni un numéro"),
        ("06 12 34 56 78", "pas une adresse e-mail ni un numéro"),
        ("Marie <b>", "ne peut contenir que des lettres"),
    ],
)
def test_pseudonym_is_checked(store, workshop, pseudonym, message):
    with pytest.raises(StoreError, match=message):
        store.join(workshop["id"], pseudonym)
    assert store.participants(workshop["id"]) == []


def test_pseudonyms_are_unique_per_workshop_in_the_database(store, workshop):
    pid = store.join(workshop["id"], "Marie")["id"]
    with pytest.raises(exc.IntegrityError), store.engine.begin() as conn:
        conn.execute(t.participants.insert().values(
            workshop_id=workshop["id"], pseudonym="Marie", created_at=T0, last_seen_at=T0))
    assert [p["id"] for p in store.participants(workshop["id"])] == [pid]


def test_heartbeat_and_hands(store, workshop, clock):
    pid = store.join(workshop["id"], "Marie")["id"]
    clock.advance(10)
    assert store.heartbeat(pid) is True
    assert store.participant(pid)["last_seen_at"] == clock.now
    assert store.heartbeat(999) is False
    store.raise_hand(pid)
    p = store.participants(workshop["id"])[0]
    assert p["hand_raised"] and p["hand_raised_at"] == clock.now
    clock.advance(5)
    store.answer_hand(pid)
    p = store.participants(workshop["id"])[0]
    assert not p["hand_raised"] and p["hand_answered_at"] == clock.now
    store.raise_hand(pid)  # again
    assert store.participant(pid)["hand_raised"]
    with pytest.raises(StoreError, match="Cette personne n'est pas"):
        store.raise_hand(999)
    with pytest.raises(StoreError, match="Cette personne n'est pas"):
        store.participant(999)


# --- attempts and events --------------------------------------------------------------------


def test_attempt_counters_follow_the_events(store, workshop, clock):
    pid = store.join(workshop["id"], "Marie")["id"]
    aid = store.start_attempt(pid, "france-travail", "alice", 5)
    attempt = store.attempt(aid)
    assert attempt["screen_count"] == 5 and attempt["errors"] == 0 and attempt["hints"] == 0
    assert attempt["current_screen"] is None and attempt["started_at"] == clock.now

    first = store.record_event(aid, ev(clock, "started"))
    clock.advance(3)
    ids = store.record_events(aid, [ev(clock, "screen_entered", "start")], screen_index=1)
    assert ids == [first + 1]
    store.record_event(aid, ev(clock, "field_error", "start", field_id="status",
                              error_kind="format"))
    store.record_event(aid, ev(clock, "hint_shown", "start", field_id="status", hint_level=1))
    store.record_events(aid, [
        ev(clock, "field_error", "start", field_id="status", error_kind="choice"),
        ev(clock, "screen_done", "start", seconds=12.5),
        ev(clock, "screen_entered", "identity"),
    ], screen_index=2, screen_count=4)
    attempt = store.attempt(aid)
    assert (attempt["errors"], attempt["hints"]) == (2, 1)
    assert attempt["current_screen"] == "identity"
    assert (attempt["screen_index"], attempt["screen_count"]) == (2, 4)
    assert attempt["updated_at"] == clock.now and attempt["finished_at"] is None
    assert count(store, t.events) == 7

    resumed = store.resume_attempt(pid, "france-travail")
    assert resumed["id"] == aid and resumed["current_screen"] == "identity"
    assert store.resume_attempt(pid, "caf") is None

    clock.advance(5)
    store.record_event(aid, ev(clock, "finished", "done", seconds=60.0), screen_index=4)
    assert store.attempt(aid)["finished_at"] == clock.now
    assert store.resume_attempt(pid, "france-travail") is None
    clock.advance(5)
    store.record_event(aid, ev(clock, "finished", "done"))  # a second one keeps the first time
    assert store.attempt(aid)["finished_at"] == clock.now - dt.timedelta(seconds=5)


def test_resume_gives_the_latest_unfinished_run(store, workshop, clock):
    pid = store.join(workshop["id"], "Marie")["id"]
    old = store.start_attempt(pid, "france-travail", "alice", 5)
    store.record_event(old, ev(clock, "screen_entered", "start"))
    new = store.start_attempt(pid, "france-travail", "bob", 5)
    store.record_event(new, ev(clock, "screen_entered", "identity"), screen_index=2)
    resumed = store.resume_attempt(pid, "france-travail")
    assert resumed["id"] == new and resumed["persona_id"] == "bob"
    assert resumed["screen_index"] == 2
    store.record_event(new, ev(clock, "abandoned", "identity"))
    assert store.attempt(new)["abandoned_at"] is not None
    assert store.resume_attempt(pid, "france-travail")["id"] == old


def test_record_events_is_one_transaction(store, workshop, clock):
    pid = store.join(workshop["id"], "Marie")["id"]
    aid = store.start_attempt(pid, "france-travail", "alice", 5)
    statements = []
    sa_event.listen(store.engine, "before_cursor_execute",
                    lambda conn, cursor, statement, *a: statements.append(statement))
    commits = []
    sa_event.listen(store.engine, "commit", lambda conn: commits.append(1))
    store.record_events(aid, [ev(clock, "screen_done", "start", seconds=3.0),
                              ev(clock, "screen_entered", "identity")], screen_index=2)
    sqlite_begin = ["BEGIN IMMEDIATE"] if store.engine.dialect.name == "sqlite" else []
    assert [s for s in statements if s.startswith("BEGIN")] == sqlite_begin
    assert len(commits) == 1
    assert len([s for s in statements if s.startswith("INSERT INTO events")]) == 2
    assert len([s for s in statements if s.startswith("UPDATE attempts")]) == 1


def test_bad_events_store_nothing(store, workshop, clock):
    pid = store.join(workshop["id"], "Marie")["id"]
    aid = store.start_attempt(pid, "france-travail", "alice", 5)
    with pytest.raises(StoreError) as info:
        store.record_events(aid, [ev(clock, "screen_entered", "start"),
                                  RunEvent(type="typed_text", scenario_id="x")])  # type: ignore
    assert info.value.message == "Cet événement n'est pas reconnu : il n'a pas été enregistré."
    with pytest.raises(StoreError, match="Ce parcours n'est pas"):
        store.record_event(999, ev(clock, "screen_entered", "start"))
    with pytest.raises(StoreError, match="n'est pas reconnu"):
        store.record_event(aid, "clic")  # type: ignore[arg-type]
    with pytest.raises(StoreError, match="n'est pas reconnu"):
        store.record_event(aid, ev(clock, "screen_entered", "s" * 101))
    assert count(store, t.events) == 0
    assert store.attempt(aid)["current_screen"] is None
    with pytest.raises(StoreError, match="Cette personne n'est pas"):
        store.start_attempt(999, "france-travail", "alice", 5)
    with pytest.raises(StoreError, match="nombre d'écrans"):
        store.start_attempt(pid, "france-travail", "alice", -1)
    with pytest.raises(StoreError, match="Ce parcours n'est pas"):
        store.attempt(999)


def test_a_mapping_event_keeps_only_the_run_event_fields(store, workshop, clock):
    pid = store.join(workshop["id"], "Marie")["id"]
    aid = store.start_attempt(pid, "france-travail", "alice", 5)
    store.record_event(aid, {"type": "field_error", "scenario_id": "france-travail",
                             "screen_id": "identity", "field_id": "nir", "error_kind": "checksum",
                             "value": "1 90 04 69 383 123 45", "at": clock.ts()})
    with store.engine.connect() as conn:
        row = conn.execute(select(t.events)).one()._mapping
    assert "1 90 04" not in json.dumps({k: str(v) for k, v in row.items()})
    assert row["error_kind"] == "checksum"


# --- the room -------------------------------------------------------------------------------


def test_room_tiles(store, workshop, clock):
    wid = workshop["id"]
    marie = store.join(wid, "Marie")["id"]
    paul = store.join(wid, "Paul")["id"]
    zoe = store.join(wid, "Zoé")["id"]
    aid = store.start_attempt(marie, "france-travail", "alice", 5)
    store.record_events(aid, [ev(clock, "screen_entered", "identity"),
                              ev(clock, "field_error", "identity", field_id="nir",
                                 error_kind="format"),
                              ev(clock, "hint_shown", "identity", field_id="nir", hint_level=1)],
                        screen_index=2, screen_count=5)
    done = store.start_attempt(paul, "caf", "bob", 3)
    store.record_event(done, ev(clock, "finished", "receipt", seconds=30.0), screen_index=3)
    store.raise_hand(zoe)

    clock.advance(20)
    store.heartbeat(marie)
    tiles = {tile["pseudonym"]: tile for tile in store.room(wid)}
    assert list(tiles) == ["Marie", "Paul", "Zoé"]
    m = tiles["Marie"]
    assert (m["participant_id"], m["attempt_id"], m["scenario_id"], m["persona_id"]) == (
        marie, aid, "france-travail", "alice")
    assert (m["screen_id"], m["screen_index"], m["screen_count"]) == ("identity", 2, 5)
    assert (m["errors"], m["hints"]) == (1, 1)
    assert m["idle_seconds"] == pytest.approx(20)
    assert m["seen_seconds"] == 0
    assert not m["hand_raised"] and not m["done"] and not m["disconnected"]
    assert tiles["Paul"]["done"] and not tiles["Paul"]["disconnected"]
    z = tiles["Zoé"]
    assert z["attempt_id"] is None and z["errors"] == 0 and z["screen_id"] is None
    assert z["hand_raised"] and z["hand_waiting_seconds"] == pytest.approx(20)

    # With the ``now`` parameter: 31 s after Marie's heartbeat she is disconnected, Zoé too.
    later = clock.now + dt.timedelta(seconds=DISCONNECTED_AFTER + 1)
    tiles = {tile["pseudonym"]: tile for tile in store.room(wid, now=later)}
    assert tiles["Marie"]["disconnected"] and tiles["Marie"]["idle_seconds"] == pytest.approx(51)
    assert tiles["Paul"]["disconnected"] and tiles["Zoé"]["disconnected"]
    # Exactly 30 s is still connected; a timestamp works as well as a datetime.
    edge = (clock.now + dt.timedelta(seconds=DISCONNECTED_AFTER)).timestamp()
    assert not {t_["pseudonym"]: t_ for t_ in store.room(wid, now=edge)}["Marie"]["disconnected"]
    # An event is a sign of life too.
    clock.advance(100)
    store.record_event(aid, ev(clock, "screen_done", "identity", seconds=4.0))
    tile = store.room(wid)[0]
    assert not tile["disconnected"] and tile["idle_seconds"] == 0
    assert store.room(999) == []


def test_room_version_changes_with_the_room(store, workshop, clock):
    wid = workshop["id"]
    versions = [store.room_version(wid)]

    def changed() -> bool:
        versions.append(store.room_version(wid))
        return versions[-1] != versions[-2]

    marie = store.join(wid, "Marie")["id"]
    assert changed()
    assert not changed()
    clock.advance(1)
    aid = store.start_attempt(marie, "france-travail", "alice", 5)
    assert changed()
    clock.advance(1)
    store.record_event(aid, ev(clock, "screen_entered", "start"))
    assert changed()
    clock.advance(1)
    store.raise_hand(marie)
    assert changed()
    clock.advance(1)
    store.answer_hand(marie)
    assert changed()
    store.room(wid)
    store.heartbeat(marie)  # a heartbeat alone does not redraw the board
    assert not changed()
    store.delete_participant(marie)
    assert changed()
    other = store.create_workshop("Autre", "", "2026-01-01", [])
    store.join(other["id"], "Paul")
    assert not changed()


# --- observations ---------------------------------------------------------------------------


def test_observations(store, workshop, clock):
    marie = store.join(workshop["id"], "Marie")["id"]
    obs = store.record_observation(marie, "indices", "  A hésité sur le NIR  ")
    assert obs["note"] == "A hésité sur le NIR" and obs["workshop_id"] == workshop["id"]
    long = store.record_observation(marie, "seul", "x" * 800)
    assert len(long["note"]) == 500
    listed = store.observations(workshop["id"])
    assert [(o["id"], o["autonomy"], o["pseudonym"]) for o in listed] == [
        (obs["id"], "indices", "Marie"), (long["id"], "seul", "Marie")]
    assert listed[0]["created_at"] == clock.now
    with pytest.raises(StoreError) as info:
        store.record_observation(marie, "très bien")
    assert "Degré d'autonomie inconnu" in info.value.message
    with pytest.raises(StoreError, match="Cette personne n'est pas"):
        store.record_observation(999, "seul")
    for level in t.AUTONOMY_LEVELS:
        store.record_observation(marie, level)
    assert len(store.observations(workshop["id"])) == 6


def test_an_observation_is_about_the_exercise_on_screen(store, workshop, clock):
    marie = store.join(workshop["id"], "Marie")["id"]
    # Before any exercise: about the learner as a whole.
    assert store.record_observation(marie, "seul")["scenario_id"] is None
    store.start_attempt(marie, "france-travail", "karim", 5)
    clock.advance(60)
    store.start_attempt(marie, "caf", "sophie", 6)
    assert store.record_observation(marie, "indices")["scenario_id"] == "caf"
    chosen = store.record_observation(marie, "seul", scenario_id="france-travail")
    assert chosen["scenario_id"] == "france-travail"
    assert [o["scenario_id"] for o in store.observations(workshop["id"])] == [
        None, "caf", "france-travail"]


# --- RGPD -----------------------------------------------------------------------------------


def _populate(store: Store, clock: Clock, title: str) -> tuple[dict, int, int]:
    w = store.create_workshop(title, "", "2026-03-02", ["france-travail"])
    pid = store.join(w["id"], "Marie")["id"]
    aid = store.start_attempt(pid, "france-travail", "alice", 5)
    store.record_events(aid, [ev(clock, "started"), ev(clock, "screen_entered", "start")])
    store.record_observation(pid, "seul", "ok")
    store.send_message(w["id"], "Bonjour")
    store.send_message(w["id"], "Bravo", participant_id=pid)
    return w, pid, aid


def test_purge_deletes_old_workshops_with_everything_in_them(store, clock):
    old, old_pid, _ = _populate(store, clock, "Ancien")
    store.close_workshop(old["id"])
    alone_old = store.join(None, "Solo")["id"]
    clock.advance(40 * 86400)
    kept, kept_pid, kept_aid = _populate(store, clock, "Récent")
    alone_new = store.join(None, "Solo")["id"]
    before = {name: count(store, table) for name, table in t.metadata.tables.items()}
    assert store.purge(dt.timedelta(days=30)) == 1
    assert [w["id"] for w in store.list_workshops()] == [kept["id"]]
    assert [p["id"] for p in store.participants(kept["id"])] == [kept_pid]
    with pytest.raises(StoreError):
        store.participant(old_pid)
    with pytest.raises(StoreError):
        store.participant(alone_old)
    assert store.participant(alone_new)["id"] == alone_new
    after = {name: count(store, table) for name, table in t.metadata.tables.items()}
    assert after == {
        "workshops": 1, "participants": 2, "attempts": 1, "events": 2, "observations": 1,
        "commands": 2, "settings": before["settings"], "pin_tries": before["pin_tries"],
    }
    assert store.attempt(kept_aid)["participant_id"] == kept_pid
    assert store.purge(dt.timedelta(days=30)) == 0
    with pytest.raises(StoreError, match="durée de conservation"):
        store.purge(30)  # type: ignore[arg-type]


def test_export_participant_is_json_ready_and_complete(store, clock):
    w, pid, aid = _populate(store, clock, "Atelier")
    other = store.join(w["id"], "Paul")["id"]
    store.record_observation(other, "indices", "secret de Paul")
    data = store.export_participant(pid)
    text = json.dumps(data)  # JSON-ready
    assert "Paul" not in text
    assert data["participant"]["pseudonym"] == "Marie"
    assert data["workshop"] == {"id": w["id"], "title": "Atelier", "place": "",
                                "date": "2026-03-02"}
    assert [a["id"] for a in data["attempts"]] == [aid]
    assert [e["type"] for e in data["events"]] == ["started", "screen_entered"]
    assert [o["note"] for o in data["observations"]] == ["ok"]
    assert [c["payload"] for c in data["commands"]] == [{"text": "Bravo"}]
    assert data["participant"]["created_at"] == T0.isoformat()
    with pytest.raises(StoreError, match="Cette personne n'est pas"):
        store.export_participant(999)


def test_delete_participant_removes_everything_about_them(store, clock):
    w, pid, aid = _populate(store, clock, "Atelier")
    paul = store.join(w["id"], "Paul")["id"]
    paul_run = store.start_attempt(paul, "caf", "bob", 3)
    store.record_event(paul_run, ev(clock, "started"))
    assert store.delete_participant(pid) is True
    assert store.delete_participant(pid) is False
    assert [p["id"] for p in store.participants(w["id"])] == [paul]
    assert count(store, t.attempts) == 1 and count(store, t.events) == 1
    assert count(store, t.observations) == 0
    assert [c["participant_id"] for c in store.commands_since(w["id"], paul, 0)] == [None]
    assert count(store, t.commands) == 1
    with pytest.raises(StoreError):
        store.attempt(aid)


def test_deleted_data_is_not_left_in_the_file(tmp_path, clock):
    path = tmp_path / "rgpd.sqlite"
    with Store(f"sqlite:///{path}", clock=clock) as s:
        w = s.create_workshop("Atelier", "", "2026-03-02", [])
        pid = s.join(w["id"], "Pseudoquisevoit")["id"]
        s.delete_participant(pid)
        data = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file())
        assert b"Pseudoquisevoit" not in data


# --- what PostgreSQL refuses -----------------------------------------------------------------


def test_what_postgresql_refuses_is_handled_alike_on_every_database(store, workshop, clock):
    # PostgreSQL refuses NUL characters in a text and ids over 32 bits, where SQLite stored
    # them or found no row: the store cleans or checks them first, the same way everywhere.
    wid = workshop["id"]
    pid = store.join(wid, "Marie")["id"]
    aid = store.start_attempt(pid, "france-travail", "alice", 5)
    made = store.create_workshop("Atelier\x00 emploi", "Salle\x00", "2026-03-02", [])
    assert (made["title"], made["place"]) == ("Atelier emploi", "Salle")
    store.send_message(wid, "Bon\x00jour")
    assert store.workshop(wid)["message"] == "Bonjour"
    assert store.record_observation(pid, "seul", "ok\x00")["note"] == "ok"
    for scenario in ("s" * 101, "  ", "caf\x00"):
        with pytest.raises(StoreError, match="Identifiant non valide"):
            store.record_observation(pid, "seul", scenario_id=scenario)
    with pytest.raises(StoreError, match="Identifiant non valide"):
        store.start_attempt(pid, "caf\x00", "alice", 5)
    for bad in (ev(clock, "hint_shown", "s", field_id="f", hint_level=2**40),
                ev(clock, "screen_entered", "s\x00"),
                ev(clock, "field_error", "s", field_id="f", error_kind="format\x00")):
        with pytest.raises(StoreError, match="n'est pas reconnu"):
            store.record_event(aid, bad)
    with pytest.raises(StoreError, match="Identifiant non valide"):
        store.set_setting("clé\x00", "v")
    with pytest.raises(StoreError, match="n'ont pas pu être enregistrées"):
        store.set_setting("clé", "v\x00")
    huge = 2**40
    for call, message in [
        (lambda: store.workshop(huge), "Cet atelier n'existe pas"),
        (lambda: store.close_workshop(huge), "Cet atelier n'existe pas"),
        (lambda: store.join(huge, "Marie"), "Cet atelier n'existe pas"),
        (lambda: store.reveal_hint(huge), "Cet atelier n'existe pas"),
        (lambda: store.participant(huge), "Cette personne n'est pas"),
        (lambda: store.export_participant(huge), "Cette personne n'est pas"),
        (lambda: store.record_observation(huge, "seul"), "Cette personne n'est pas"),
        (lambda: store.raise_hand(huge), "Cette personne n'est pas"),
        (lambda: store.start_attempt(huge, "caf", "alice", 5), "Cette personne n'est pas"),
        (lambda: store.attempt(huge), "Ce parcours n'est pas"),
        (lambda: store.record_event(huge, ev(clock, "started")), "Ce parcours n'est pas"),
    ]:
        with pytest.raises(StoreError, match=message):
            call()
    assert store.heartbeat(huge) is False and store.delete_participant(huge) is False
    assert count(store, t.events) == 0


# --- reports --------------------------------------------------------------------------------


def test_events_frame_rows(store, clock):
    w1, p1, a1 = _populate(store, clock, "Un")
    clock.advance(3600)
    w2, p2, a2 = _populate(store, clock, "Deux")
    rows = list(store.events_frame_rows())
    assert [r["attempt_id"] for r in rows] == [a1, a1, a2, a2]
    assert set(rows[0]) == {"event_id", "attempt_id", "participant_id", "workshop_id",
                            "persona_id", "type", "scenario_id", "screen_id", "field_id",
                            "error_kind", "hint_level", "seconds", "answer_id", "correct",
                            "first_time", "at"}
    assert rows[0]["workshop_id"] == w1["id"] and rows[0]["participant_id"] == p1
    assert [r["workshop_id"] for r in store.events_frame_rows(workshop_id=w2["id"])] == [
        w2["id"]] * 2
    assert len(list(store.events_frame_rows(since=clock.now))) == 2
    assert [r["event_id"] for r in store.events_frame_rows(batch_size=3)] == [
        r["event_id"] for r in rows]
    # Nothing is held open between rows: the store can be used while iterating.
    for _row in store.events_frame_rows(batch_size=1):
        store.heartbeat(p1)


# --- errors ---------------------------------------------------------------------------------


def test_settings(store):
    assert store.setting("x") is None and store.setting("x", "d") == "d"
    store.set_setting("x", "1")
    store.set_setting("x", "2")
    assert store.setting("x") == "2"
    store.set_setting("x", None)
    assert store.setting("x") is None


def test_a_closed_store_says_so_in_french(tmp_path):
    s = Store("sqlite:///:memory:")
    s.close()
    with pytest.raises(StoreError) as info:
        s.list_workshops()
    assert info.value.message == "Le stockage des résultats est fermé."


def test_a_locked_database_is_retried_then_reported_in_french(tmp_path, monkeypatch):
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT", 0.05)
    monkeypatch.setattr(store_module, "_backoff", lambda attempt: 0.01)
    path = tmp_path / "locked.sqlite"
    s = Store(f"sqlite:///{path}")
    w = s.create_workshop("Atelier", "", "2026-03-02", [])
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreError) as info:
            s.join(w["id"], "Marie")
        assert info.value.message == "La base de données est occupée. Réessayez dans un instant."
        assert isinstance(info.value.__cause__, exc.OperationalError)
        assert "locked" not in str(info.value)
        # Reads are not blocked by a writer (WAL).
        assert s.workshop(w["id"])["title"] == "Atelier"
    finally:
        other.execute("ROLLBACK")
    # A lock released while retrying: the write goes through.
    monkeypatch.setattr(store_module, "_backoff", lambda attempt: 0.1)
    other.execute("BEGIN IMMEDIATE")
    threading.Timer(0.15, lambda: other.execute("ROLLBACK")).start()
    assert s.join(w["id"], "Marie")["pseudonym"] == "Marie"
    other.close()
    s.close()


def test_an_unexpected_database_error_never_shows_its_text(store, workshop):
    with store.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE observations")
    pid = store.join(workshop["id"], "Marie")["id"]
    with pytest.raises(StoreError) as info:
        store.record_observation(pid, "seul")
    assert info.value.message.startswith("Les données n'ont pas pu être enregistrées")
    assert "observations" not in info.value.message
    with pytest.raises(StoreError) as info:
        store.observations(workshop["id"])
    assert info.value.message.startswith("Les données n'ont pas pu être lues")


def test_driver_errors_are_retried_or_reported_in_french(store, monkeypatch):
    monkeypatch.setattr(store_module, "_backoff", lambda attempt: 0)
    driver = store.engine.dialect.loaded_dbapi  # sqlite3 or psycopg
    calls = []

    def flaky(conn):
        calls.append(1)
        if len(calls) < 3:
            raise driver.OperationalError("database is locked")
        return "ok"

    assert store._write(flaky) == "ok" and len(calls) == 3

    def broken(conn):
        raise driver.DatabaseError("disk I/O error")

    with pytest.raises(StoreError) as info:
        store._write(broken)
    assert info.value.message.startswith("Les données n'ont pas pu être enregistrées")
    assert "disk" not in info.value.message


def test_a_database_that_cannot_be_opened_is_reported_in_french(tmp_path):
    (tmp_path / "a-folder.sqlite").mkdir()
    with pytest.raises(StoreError) as info:
        Store(f"sqlite:///{tmp_path / 'a-folder.sqlite'}")
    assert info.value.message == "La base de données n'a pas pu être préparée. Prévenez l'animateur."


def test_a_database_from_a_newer_version_is_reported(tmp_path):
    url = f"sqlite:///{tmp_path / 'new.sqlite'}"
    Store(url).close()
    con = sqlite3.connect(tmp_path / "new.sqlite")
    con.execute("UPDATE alembic_version SET version_num = '9999'")
    con.commit()
    con.close()
    with pytest.raises(StoreError) as info:
        Store(url)
    assert "version plus récente" in info.value.message


def test_one_store_shared_by_threads(db_url, clock):
    with Store(db_url) as s:
        w = s.create_workshop("Atelier", "", "2026-03-02", [])
        errors: list[BaseException] = []

        def learner(i: int) -> None:
            try:
                pid = s.join(w["id"], f"T{i}")["id"]
                aid = s.start_attempt(pid, "france-travail", "alice", 5)
                for _ in range(25):
                    s.record_event(aid, RunEvent("field_error", "france-travail", "s", "f",
                                                 "format"))
                    s.room(w["id"])
            except BaseException as error:  # pragma: no cover - reported below
                errors.append(error)

        threads = [threading.Thread(target=learner, args=(i,)) for i in range(4)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        assert errors == []
        assert count(s, t.events) == 100
        assert [tile["errors"] for tile in s.room(w["id"])] == [25] * 4


def test_the_board_polls_from_asyncio_tasks_while_the_kernel_writes(store, workshop, clock):
    import asyncio

    wid = workshop["id"]
    pid = store.join(wid, "Marie")["id"]
    aid = store.start_attempt(pid, "france-travail", "alice", 5)
    seen: list[str] = []

    async def board() -> None:
        for _ in range(20):
            seen.append(store.room_version(wid))
            store.room(wid)
            await asyncio.sleep(0)

    async def learner() -> None:
        for _ in range(20):
            clock.advance(1)
            store.record_event(aid, ev(clock, "field_error", "s", field_id="f",
                                      error_kind="format"))
            await asyncio.sleep(0)

    async def main() -> None:
        await asyncio.gather(board(), learner(), board())

    asyncio.run(main())
    assert store.attempt(aid)["errors"] == 20
    assert len(set(seen)) > 2  # the board saw the room change while it polled


# --- properties -----------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(list(JOIN_ALPHABET)), min_size=6, max_size=6),
       st.lists(st.sampled_from(["", " ", "  ", "-"]), min_size=7, max_size=7),
       st.lists(st.booleans(), min_size=6, max_size=6))
def test_a_join_code_survives_case_and_spaces(chars, gaps, lower):
    code = "".join(chars)
    typed = "".join(g + (c.lower() if low else c) for g, c, low in zip(gaps, chars, lower, strict=False))
    assert normalise_join_code(typed + gaps[-1]) == code


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_a_pseudonym_is_accepted_or_refused_in_french(text):
    try:
        name = store_module._clean_pseudonym(text)
    except StoreError as error:
        assert error.message.startswith(("Choisissez", "Le pseudonyme"))
    else:
        assert 1 <= len(name) <= 30 and "@" not in name and name == name.strip()


def test_time_is_utc_aware(store, workshop):
    pid = store.join(workshop["id"], "Marie")["id"]
    aid = store.start_attempt(pid, "france-travail", "alice", 5)
    now = time.time()
    store.record_event(aid, RunEvent("started", "france-travail", at=now))
    row = next(store.events_frame_rows())
    assert row["at"].tzinfo is dt.timezone.utc
    assert row["at"].timestamp() == pytest.approx(now, abs=1e-5)


def test_a_workshop_keeps_how_many_learners_it_expects(store):
    said = store.create_workshop("Atelier", "", "2026-03-02", ["caf"], expected_learners=12)
    assert store.workshop(said["id"])["expected_learners"] == 12
    unsaid = store.create_workshop("Atelier", "", "2026-03-02", ["caf"])
    assert unsaid["expected_learners"] is None
    listed = {w["id"]: w["expected_learners"] for w in store.list_workshops()}
    assert listed[said["id"]] == 12
    for wrong in (0, 61, "12", True, 2.5):
        with pytest.raises(StoreError, match="participants attendus"):
            store.create_workshop("Atelier", "", "2026-03-02", ["caf"], expected_learners=wrong)
