"""The outcome store on PostgreSQL: what SQLite's tests cannot show.

Every test of ``test_store.py`` that uses its ``store`` or ``db_url`` fixture also runs on
PostgreSQL (``[postgres]``): migrations to head, downgrade and upgrade, the comparison with
``tables.py``, a workshop from creation to closing, observations, commands, the board, purge,
export and deletion. This module adds what is PostgreSQL's own: the test server itself, locks
held too long, concurrent kernels (processes and connections), the server's time zone, and the
reports, which must give the same tables as on SQLite.

The server is the test session's (``conftest.py``, :mod:`postgres_server`).
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import dataclasses
import datetime as dt
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pandas as pd
import pytest
import test_store_concurrency as concurrency
from postgres_server import running_server
from sqlalchemy import create_engine, func, select, type_coerce
from sqlalchemy import event as sa_event
from sqlalchemy import exc as sa_exc
from synthetic_reports import FIRST_DAY, SECOND_DAY, Clock, build_synthetic
from test_store import T0

import bacasable.store as store_module
from bacasable.reports import build_history_report, build_workshop_report, load_frames
from bacasable.store import Store, StoreError, utcnow
from bacasable.store import tables as t

#: The learner and opener processes of ``test_store_concurrency.py`` (a fixture).
workers = concurrency.workers


# --- the test server ------------------------------------------------------------------------


def _running(pid: int) -> bool:
    """Tell whether a process runs (a zombie, which its parent has yet to reap, does not)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError):
        return False


def test_the_test_server_is_private_unprivileged_and_far_from_utc(postgres_server):
    engine = create_engine(postgres_server.url())
    with engine.connect() as conn:
        settings = dict(conn.exec_driver_sql(
            "SELECT name, setting FROM pg_settings WHERE name IN "
            "('listen_addresses', 'TimeZone', 'unix_socket_directories')").all())
    engine.dispose()
    assert settings == {"listen_addresses": "", "TimeZone": "Pacific/Chatham",
                        "unix_socket_directories": str(postgres_server.folder)}
    owner = Path(f"/proc/{postgres_server.pid()}").stat().st_uid
    assert owner != 0
    if postgres_server.account is not None:  # the tests run as root
        assert owner == postgres_server.account.pw_uid


def test_a_server_is_stopped_and_removed_even_when_its_block_fails():
    with pytest.raises(ZeroDivisionError), running_server() as server:
        pid = server.pid()
        assert pid is not None and _running(pid) and server.folder.is_dir()
        1 / 0  # noqa: B018
    assert not server.folder.exists() and not _running(pid)


#: A test session that starts a server, then is killed before it can stop it.
KILLED_SESSION = textwrap.dedent(
    """
    import sys, time
    sys.path.insert(0, sys.argv[1])
    from postgres_server import PostgresServer
    server = PostgresServer().start()
    print(server.folder, server.pid(), flush=True)
    time.sleep(120)
    """
)


def test_a_server_is_stopped_and_removed_even_when_its_session_is_killed():
    tests = Path(__file__).resolve().parent.parent
    session = subprocess.Popen([sys.executable, "-c", KILLED_SESSION, str(tests)],
                               stdout=subprocess.PIPE, text=True)
    try:
        folder, pid = session.stdout.readline().split()
    finally:
        session.kill()  # SIGKILL: no teardown, no atexit; the watchdog's pipe ends
        session.wait()
    deadline = time.monotonic() + 30
    while (_running(int(pid)) or Path(folder).exists()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _running(int(pid)) and not Path(folder).exists()


# --- locks ----------------------------------------------------------------------------------


def test_a_lock_held_too_long_is_retried_then_reported_in_french(postgres_url, monkeypatch):
    # PostgreSQL waits for a lock forever by default: the store sets lock_timeout, as SQLite's
    # busy_timeout, and then retries as on SQLite (test_store.py: a locked database).
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT", 0.05)
    monkeypatch.setattr(store_module, "_backoff", lambda attempt: 0.01)
    other_engine = create_engine(postgres_url)
    with Store(postgres_url) as s, other_engine.connect() as other, \
            concurrent.futures.ThreadPoolExecutor(1) as pool:
        w = s.create_workshop("Atelier", "", "2026-03-02", [])
        other.exec_driver_sql("LOCK TABLE participants IN EXCLUSIVE MODE")
        joining = pool.submit(s.join, w["id"], "Marie")
        try:
            with pytest.raises(StoreError) as info:
                joining.result(timeout=10)  # without lock_timeout: waits until released
        finally:
            other.rollback()
        assert info.value.message == "La base de données est occupée. Réessayez dans un instant."
        assert isinstance(info.value.__cause__, sa_exc.OperationalError)
        other.exec_driver_sql("LOCK TABLE participants IN EXCLUSIVE MODE")
        assert s.workshop(w["id"])["title"] == "Atelier"  # reads do not wait
        other.rollback()
        # A lock released while retrying: the write goes through.
        monkeypatch.setattr(store_module, "_backoff", lambda attempt: 0.1)
        other.exec_driver_sql("LOCK TABLE participants IN EXCLUSIVE MODE")
        threading.Timer(0.15, other.rollback).start()
        assert s.join(w["id"], "Marie")["pseudonym"] == "Marie"
    other_engine.dispose()


# --- concurrent kernels ---------------------------------------------------------------------


def test_learner_processes_write_at_once(postgres_url, workers):
    concurrency.check_learners_write_at_once(postgres_url, workers, learners=6, events_each=40)


def test_concurrent_first_opens_migrate_once(postgres_url, workers):
    # No file lock here: PostgreSQL's advisory lock alone serialises the migrations.
    concurrency.check_first_opens(postgres_url, workers, openers=6)


def test_kernels_joining_under_one_pseudonym_make_one_learner(postgres_url):
    # "Marie" and "marie" are one learner on one device (test_store.py: join and resume). Four
    # kernels of that device join at the same instant: on SQLite BEGIN IMMEDIATE queues them;
    # on PostgreSQL the workshop row is locked, or each would see nobody yet and add a "Marie".
    names = ["Marie", "marie", "MARIE", "mARIE"]
    together = threading.Barrier(len(names), timeout=10)

    def clock() -> dt.datetime:  # called by each join inside its transaction, before the lock
        with contextlib.suppress(threading.BrokenBarrierError):
            together.wait()
        return utcnow()

    with Store(postgres_url) as facilitator:
        wid = facilitator.create_workshop("Atelier", "", "2026-03-02", [])["id"]
        kernels = [Store(postgres_url, clock=clock) for _ in names]
        try:
            with concurrent.futures.ThreadPoolExecutor(len(names)) as pool:
                joined = list(pool.map(lambda k, n: k.join(wid, n, "a1" * 16), kernels, names))
        finally:
            for kernel in kernels:
                kernel.close()
        assert len({p["id"] for p in joined}) == 1
        assert sorted(p["resumed"] for p in joined) == [False, True, True, True]
        assert len(facilitator.participants(wid)) == 1


def test_commands_are_committed_in_the_order_of_their_ids(postgres_url):
    # A learner's kernel asks for the commands after the last id it saw. PostgreSQL gives ids
    # when rows are inserted, not committed: the store locks the workshop until the commit, so
    # that a command with a smaller id is never committed after a larger one was seen.
    with Store(postgres_url) as first, Store(postgres_url) as second, \
            Store(postgres_url) as learner:
        wid = first.create_workshop("Atelier", "", "2026-03-02", [])["id"]
        committing, go_on = threading.Event(), threading.Event()

        def slow_commit(conn) -> None:
            committing.set()
            go_on.wait(10)

        sa_event.listen(first.engine, "commit", slow_commit)
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            # Hints: unlike a room message or a pause, they do not update the workshop's row.
            a = pool.submit(first.reveal_hint, wid, None, "premier")
            assert committing.wait(10)
            b = pool.submit(second.reveal_hint, wid, None, "second")
            try:
                time.sleep(0.3)
                assert not b.done()  # the second console waits for the first's commit
                assert learner.commands_since(wid, None, 0) == []
            finally:
                go_on.set()
            assert a.result(10) < b.result(10)
        sa_event.remove(first.engine, "commit", slow_commit)
        assert [c["payload"]["field_id"] for c in learner.commands_since(wid, None, 0)] == [
            "premier", "second"]


# --- times ----------------------------------------------------------------------------------


def test_times_do_not_depend_on_the_server_time_zone(postgres_url):
    paris = dt.timezone(dt.timedelta(hours=1))

    class Clock:
        now = T0.astimezone(paris)  # 10:00 in Paris, 09:00 UTC

        def __call__(self) -> dt.datetime:
            return self.now

    with Store(postgres_url, clock=Clock()) as s:
        w = s.create_workshop("Atelier", "", "2026-03-02", [])
        assert w["created_at"] == T0 and w["created_at"].tzinfo is dt.timezone.utc
        assert [x["id"] for x in s.list_workshops(since=T0)] == [w["id"]]
        assert s.list_workshops(since=T0 + dt.timedelta(seconds=1)) == []
        with s.engine.connect() as conn:
            assert conn.exec_driver_sql("SHOW TimeZone").scalar() == "Pacific/Chatham"
            # Stored as the naive UTC time, whatever the server's zone.
            stored = conn.exec_driver_sql("SELECT created_at FROM workshops").scalar()
            assert stored == T0.replace(tzinfo=None)
            # A time PostgreSQL gives with its zone (timestamptz) is read back in UTC.
            now = conn.scalar(select(type_coerce(func.now(), t.UTCDateTime)))
        assert now.tzinfo is dt.timezone.utc
        assert abs(now - utcnow()) < dt.timedelta(minutes=1)


# --- reports --------------------------------------------------------------------------------


def _synthetic(url: str):
    """The two workshops of :mod:`synthetic_reports`, written into a new store at ``url``."""
    clock = Clock(FIRST_DAY)
    return build_synthetic(Store(url, clock=clock), clock)


def _same_frame(left: pd.DataFrame, right: pd.DataFrame, what: str) -> None:
    try:
        pd.testing.assert_frame_equal(left, right)
    except AssertionError as error:
        raise AssertionError(f"{what}: {error}") from None


def test_reports_give_the_same_tables_as_on_sqlite(postgres_url):
    sqlite, postgres = _synthetic("sqlite:///:memory:"), _synthetic(postgres_url)
    try:
        assert (sqlite.workshop_id, sqlite.second_workshop_id, sqlite.participants) == (
            postgres.workshop_id, postgres.second_workshop_id, postgres.participants)
        # The frames every report starts from (join codes are random).
        frames = {name: load_frames(synthetic.store) for name, synthetic in
                  (("sqlite", sqlite), ("postgres", postgres))}
        for field in dataclasses.fields(frames["sqlite"]):
            left, right = (getattr(frames[name], field.name) for name in ("sqlite", "postgres"))
            _same_frame(left.drop(columns="join_code", errors="ignore"),
                        right.drop(columns="join_code", errors="ignore"), field.name)
        for wid in (sqlite.workshop_id, sqlite.second_workshop_id):
            left = build_workshop_report(sqlite.store, wid, sqlite.catalogue)
            right = build_workshop_report(postgres.store, wid, sqlite.catalogue)
            assert len(left.learners) > 0
            assert {**left.workshop, "join_code": ""} == {**right.workshop, "join_code": ""}
            for name, table in left.tables().items():
                _same_frame(table, right.tables()[name], f"workshop {wid}, {name}")
        periods = [{}, {"since": FIRST_DAY.date(), "until": FIRST_DAY.date()},
                   {"since": SECOND_DAY.date()}, {"pseudonym": "chloe"}]
        for period in periods:
            left = build_history_report(sqlite.store, sqlite.catalogue, **period)
            right = build_history_report(postgres.store, sqlite.catalogue, **period)
            assert len(left.progress) > 0
            for name, table in left.tables().items():
                _same_frame(table, right.tables()[name], f"history {period}, {name}")
    finally:
        sqlite.store.close()
        postgres.store.close()
