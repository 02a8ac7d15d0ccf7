"""The store under a real room: many learner processes on one SQLite file, and crashes.

Learners are separate processes (``spawn``), as Voilà kernels are: each opens its own Store.
``test_store_postgres.py`` runs the same checks on PostgreSQL.
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
import queue
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap

import pytest
from sqlalchemy import func, select

from bacasable.store import Store
from bacasable.store import tables as t
from bacasable.store.migrations import HEAD_REVISION

LEARNERS = 30
EVENTS_EACH = 50
OPENERS = 10


#: The learners' and openers' code, written to a small module that the spawned processes
#: import (importing this test module would make each of them import pytest too).
WORKERS = textwrap.dedent(
    """
    import contextlib
    import random
    import time
    import traceback

    import bacasable.store as store_module
    from bacasable.run.events import RunEvent
    from bacasable.store import Store


    def learner(url, workshop_id, index, n_events, barrier, results):
        # One learner's kernel: open the store, join, start a run, record events one by one.
        try:
            barrier.wait(timeout=120)
            with Store(url) as store:
                pid = store.join(workshop_id, f"Apprenant {index}")["id"]
                aid = store.start_attempt(pid, "france-travail", "alice", 5)
                ids = []
                for k in range(n_events):
                    error = k % 5 == 0
                    event = RunEvent("field_error" if error else "screen_entered",
                                     "france-travail", f"s{k % 5}", "f" if error else None,
                                     "format" if error else None)
                    ids.append(store.record_event(aid, event, screen_index=k % 5 + 1))
                    if k % 10 == 0:
                        store.heartbeat(pid)
                    time.sleep(random.uniform(0, 0.003))
            results.put((index, "ok", ids, aid))
        except BaseException:
            results.put((index, "error", traceback.format_exc(), None))


    def opener(url, index, use_file_lock, barrier, results):
        # A kernel opening a brand-new database at the same time as others.
        try:
            if not use_file_lock:
                store_module._file_lock = lambda path, timeout=0: contextlib.nullcontext()
            barrier.wait(timeout=120)
            with Store(url) as store:
                revision = store.revision()
                pid = store.join(None, f"Ouvreur {index}")["id"]
            results.put((index, "ok", revision, pid))
        except BaseException:
            results.put((index, "error", traceback.format_exc(), None))
    """
)


@pytest.fixture
def workers(tmp_path_factory, monkeypatch):
    folder = tmp_path_factory.mktemp("workers")
    (folder / "bacasable_store_workers.py").write_text(WORKERS, encoding="utf-8")
    monkeypatch.syspath_prepend(str(folder))  # spawned processes get the parent's sys.path
    module = importlib.import_module("bacasable_store_workers")
    yield module
    sys.modules.pop("bacasable_store_workers", None)


def _run_all(target, args_of, n: int) -> list[tuple]:
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(n)
    results = ctx.Queue()
    procs = [ctx.Process(target=target, args=(*args_of(i), barrier, results)) for i in range(n)]
    for p in procs:
        p.start()
    out = []
    try:
        for _ in range(n):
            out.append(results.get(timeout=120))
    except queue.Empty:  # pragma: no cover - reported by the assertion below
        pass
    for p in procs:
        p.join(timeout=30)
        if p.is_alive():  # pragma: no cover
            p.kill()
    assert len(out) == n, f"{n - len(out)} worker(s) did not report"
    return out


def check_learners_write_at_once(url: str, workers, learners: int, events_each: int) -> None:
    """Learner processes record events on one database at once: every event is stored once."""
    with Store(url) as store:
        wid = store.create_workshop("Atelier", "Salle", "2026-03-02", ["france-travail"])["id"]

    out = _run_all(workers.learner, lambda i: (url, wid, i, events_each), learners)

    failures = [r[2] for r in out if r[1] != "ok"]
    assert failures == []
    ids = [i for r in out for i in r[2]]
    assert len(ids) == len(set(ids)) == learners * events_each
    with Store(url) as store:
        with store.engine.connect() as conn:
            stored = set(conn.scalars(select(t.events.c.id)))
            assert conn.scalar(select(func.count()).select_from(t.events)) == len(ids)
        assert stored == set(ids)
        tiles = store.room(wid)
        assert len(tiles) == learners
        assert all(tile["errors"] == events_each // 5 for tile in tiles)
        assert all(tile["screen_index"] == 5 for tile in tiles)
        assert store.revision() == HEAD_REVISION


def check_first_opens(url: str, workers, openers: int, use_file_lock: bool = True) -> None:
    """Processes open a new, empty database at once: it is migrated once, all can write."""
    out = _run_all(workers.opener, lambda i: (url, i, use_file_lock), openers)

    assert [r[2] for r in out if r[1] != "ok"] == []
    assert {r[2] for r in out} == {HEAD_REVISION}
    with Store(url) as store:
        assert store.revision() == HEAD_REVISION
        with store.engine.connect() as conn:
            assert conn.scalar(select(func.count()).select_from(t.participants)) == openers
            assert conn.exec_driver_sql("SELECT count(*) FROM alembic_version").scalar() == 1
            if conn.dialect.name == "sqlite":
                assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"


def test_thirty_learners_write_at_once(tmp_path, workers):
    check_learners_write_at_once(f"sqlite:///{tmp_path / 'room.sqlite'}", workers,
                                 LEARNERS, EVENTS_EACH)


@pytest.mark.parametrize("use_file_lock", [True, False], ids=["file-lock", "database-lock"])
def test_concurrent_first_opens_all_succeed(tmp_path, workers, use_file_lock):
    check_first_opens(f"sqlite:///{tmp_path / 'new' / 'fresh.sqlite'}", workers, OPENERS,
                      use_file_lock)


KILLED_LEARNER = textwrap.dedent(
    """
    import sys

    from bacasable.run.events import RunEvent
    from bacasable.store import Store

    store = Store(sys.argv[1])
    pid = store.join(int(sys.argv[2]), sys.argv[3])["id"]
    aid = store.start_attempt(pid, "france-travail", "alice", 5)
    print("attempt", aid, flush=True)
    k = 0
    while True:
        kind = "field_error" if k % 3 == 0 else "screen_entered"
        ids = store.record_events(aid, [RunEvent(kind, "france-travail", "s", "f", "format"),
                                        RunEvent("hint_shown", "france-travail", "s", "f",
                                                 hint_level=1)])
        # Printed only once the transaction is committed.
        print(*ids, flush=True)
        k += 1
    """
)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_kill_9_loses_no_committed_event(tmp_path):
    path = tmp_path / "killed.sqlite"
    url = f"sqlite:///{path}"
    with Store(url) as store:
        wid = store.create_workshop("Atelier", "Salle", "2026-03-02", ["france-travail"])["id"]

    reported: list[int] = []
    for round_ in range(3):
        proc = subprocess.Popen(
            [sys.executable, "-c", KILLED_LEARNER, url, str(wid), f"Coupé {round_}"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        try:
            header = proc.stdout.readline()
            assert header.startswith("attempt"), proc.stderr.read()
            lines = 0
            target = random.randint(50, 150)
            while lines < target:
                line = proc.stdout.readline()
                assert line.endswith("\n"), proc.stderr.read()
                reported.extend(int(x) for x in line.split())
                lines += 1
            assert proc.poll() is None  # still writing: killed mid-run
            os.kill(proc.pid, signal.SIGKILL)
            rest = proc.stdout.read()
        finally:
            proc.kill()
            proc.wait()
        assert proc.returncode == -signal.SIGKILL
        for line in rest.splitlines(keepends=True):
            if line.endswith("\n"):  # a line cut by the kill is not a report
                reported.extend(int(x) for x in line.split())

    # Another process opens the file as it was left: every reported event is there, whole.
    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = {row[0] for row in con.execute("SELECT id FROM events")}
        attempts = con.execute("SELECT id, errors, hints FROM attempts").fetchall()
        counts = dict(con.execute(
            "SELECT attempt_id, sum(type = 'field_error') FROM events GROUP BY attempt_id"))
        hints = dict(con.execute(
            "SELECT attempt_id, sum(type = 'hint_shown') FROM events GROUP BY attempt_id"))
    finally:
        con.close()
    assert reported and set(reported) <= stored
    assert len(stored) - len(set(reported)) <= 2 * 3  # at most one unreported batch per kill
    # Counters and events were committed together: they agree after the crash.
    for aid, errors, hint_count in attempts:
        assert (errors, hint_count) == (counts.get(aid, 0), hints.get(aid, 0))
    with Store(url) as store:
        assert len(store.room(wid)) == 3
