"""A live workshop under stress: learner kernels as real processes on one SQLite file.

Each learner is a separate process (``spawn``), as Voilà kernels are, running a
LearnerSession and a real Runner through the real France Travail scenario.
"""

from __future__ import annotations

import datetime as dt
import importlib
import multiprocessing
import os
import queue
import signal
import subprocess
import sys
import textwrap
from collections import Counter

import pytest

from bacasable.common.config import BUILTIN_SCENARIOS
from bacasable.run.runner import Runner
from bacasable.scenario.loader import load_catalogue
from bacasable.store import DISCONNECTED_AFTER, Store
from bacasable.workshop.session import LearnerSession

LEARNERS = 30
SCENARIO = "france-travail-inscription"

#: The processes' code, in a small module the spawned processes import (importing this test
#: module would make each of them import pytest too).
WORKERS = textwrap.dedent(
    """
    import json
    import logging
    import random
    import traceback

    from bacasable.run.autoplay import answers_for_screen
    from bacasable.run.runner import Runner
    from bacasable.store import Store
    from bacasable.workshop.session import LearnerSession


    class Collect(logging.Handler):
        # Every warning or error the learner's side logged: a store failure it met.
        def __init__(self):
            super().__init__(logging.WARNING)
            self.seen = []

        def emit(self, record):
            self.seen.append(record.getMessage() + (f" {record.exc_info[1]!r}"
                                                    if record.exc_info else ""))


    def learner(url, code, index, scenario, persona, barrier, results):
        # One learner's kernel: join, play the scenario with some wrong submits and hints.
        collect = Collect()
        logging.getLogger("bacasable").addHandler(collect)
        errors = []
        try:
            store = Store(url)
            session = LearnerSession(store)
            barrier.wait(timeout=120)
            joined = session.join(code, f"Apprenant {index}")
            if not hasattr(joined, "workshop"):
                errors.append(joined.message)
            runner = Runner(scenario, persona, seed=index)
            before = 0  # a new run: the events emitted before attach are written too
            session.attach(runner)
            rng = random.Random(index)
            for step in range(200):
                if runner.status != "running":
                    break
                with session.batch():  # one learner action
                    if rng.random() < 0.3:
                        runner.submit({})  # a deliberate wrong submit
                    if rng.random() < 0.15:
                        runner.hint()
                    runner.submit(answers_for_screen(runner))
                if step % 3 == 0:
                    session.poll_once()
            session.poll_once()
            if not session.flush():
                errors.append("events left unwritten")
            results.put((index, errors + collect.seen, session.attempt_id,
                         len(runner.log) - before, session.outbox.stored,
                         session.outbox.pending, runner.status))
            store.close()
        except BaseException:
            results.put((index, errors + collect.seen + [traceback.format_exc()], None, 0, 0,
                         0, None))


    def facilitator(url, workshop_id, now, command, results):
        # One facilitator's kernel: read the room (at a fixed time), maybe send commands.
        try:
            with Store(url) as store:
                if command:
                    store.set_pause(workshop_id, True)
                    store.send_message(workshop_id, "Regardez l'écran")
                tiles = store.room(workshop_id, now=now)
                commands = [(c["kind"], c["payload"]) for c in store.commands_since(workshop_id,
                                                                                    None)]
                results.put(("ok", json.dumps([tiles, commands, store.workshop(workshop_id)],
                                              default=str, sort_keys=True)))
        except BaseException:
            results.put(("error", traceback.format_exc()))
    """
)


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue([BUILTIN_SCENARIOS])


@pytest.fixture
def workers(tmp_path_factory, monkeypatch):
    folder = tmp_path_factory.mktemp("workers")
    (folder / "bacasable_learner_workers.py").write_text(WORKERS, encoding="utf-8")
    monkeypatch.syspath_prepend(str(folder))  # spawned processes get the parent's sys.path
    # A spawned process re-imports the parent's main module: here pytest's (0.3 s each).
    main = sys.modules["__main__"]
    monkeypatch.setattr(main, "__spec__", None, raising=False)
    monkeypatch.delattr(main, "__file__", raising=False)
    module = importlib.import_module("bacasable_learner_workers")
    yield module
    sys.modules.pop("bacasable_learner_workers", None)


@pytest.fixture
def room(tmp_path):
    url = f"sqlite:///{tmp_path / 'atelier.sqlite'}"
    with Store(url) as store:
        workshop = store.create_workshop("Atelier emploi", "Médiathèque", "2026-11-26",
                                         [SCENARIO])
    return url, workshop


def _collect(results, n: int, procs) -> list[tuple]:
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
    assert len(out) == n, f"{n - len(out)} process(es) did not report"
    return out


def test_thirty_learner_processes_at_once_lose_no_event(room, workers, catalogue):
    url, workshop = room
    scenario, persona = catalogue.scenarios[SCENARIO], catalogue.personas["karim"]
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(LEARNERS), ctx.Queue()
    procs = [ctx.Process(target=workers.learner, args=(url, workshop["join_code"], i, scenario,
                                                       persona, barrier, results))
             for i in range(LEARNERS)]
    for p in procs:
        p.start()
    out = _collect(results, LEARNERS, procs)

    assert [(r[0], r[1]) for r in out if r[1]] == []  # no "database is locked", no StoreError
    assert all(r[6] == "finished" for r in out)
    assert all(r[5] == 0 and r[4] == r[3] for r in out)  # nothing left waiting
    with Store(url) as store:
        rows = list(store.events_frame_rows(workshop["id"]))
        per_attempt = Counter(row["attempt_id"] for row in rows)
        assert {r[2]: r[3] for r in out} == dict(per_attempt)  # exact counts per attempt
        tiles = store.room(workshop["id"])
        assert len(tiles) == LEARNERS and all(t["done"] for t in tiles)
        errors = Counter(row["attempt_id"] for row in rows if row["type"] == "field_error")
        hints = Counter(row["attempt_id"] for row in rows if row["type"] == "hint_shown")
        assert sum(errors.values()) > 0  # the wrong submits were recorded
        for tile in tiles:  # counters and events were written together
            assert tile["errors"] == errors[tile["attempt_id"]]
            assert tile["hints"] == hints[tile["attempt_id"]]


KILLED_LEARNER = textwrap.dedent(
    """
    import sys
    import time

    from bacasable.run.autoplay import answers_for_screen
    from bacasable.common.config import BUILTIN_SCENARIOS
    from bacasable.scenario.loader import load_catalogue
    from bacasable.run.runner import Runner
    from bacasable.store import Store
    from bacasable.workshop.session import LearnerSession

    catalogue = load_catalogue([BUILTIN_SCENARIOS])
    session = LearnerSession(Store(sys.argv[1]))
    session.device = "c0" * 16  # the phone's token: the same phone comes back below
    session.join(sys.argv[2], "Coupé")
    # Printed only once the transaction is committed.
    session.outbox.on_stored = lambda aid, ids: print(aid, *ids, flush=True)
    runner = Runner(catalogue.scenarios[sys.argv[3]], catalogue.personas["karim"], seed=7)
    session.attach(runner)
    step = 0
    while True:  # half-way through, then stuck on a screen: wrong answers, hints
        with session.batch():
            if step < 6:
                runner.submit(answers_for_screen(runner))
            else:
                runner.submit({})
                runner.hint()
        if step % 5 == 0:
            session.poll_once()
        step += 1
        time.sleep(0.005)
    """
)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_kill_9_mid_scenario_loses_nothing_reported_and_resumes(room, catalogue):
    url, workshop = room
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLED_LEARNER, url, workshop["join_code"], SCENARIO],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    reported: list[int] = []
    attempts = set()
    try:
        for _ in range(40):  # well past the screens played right
            line = proc.stdout.readline()
            assert line.endswith("\n"), proc.stderr.read()
            aid, *ids = (int(x) for x in line.split())
            attempts.add(aid)
            reported.extend(ids)
        assert proc.poll() is None  # still playing: killed mid-scenario
        os.kill(proc.pid, signal.SIGKILL)
        rest = proc.stdout.read()
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    for line in rest.splitlines(keepends=True):
        if line.endswith("\n"):  # a line cut by the kill is not a report
            reported.extend(int(x) for x in line.split()[1:])

    scenario, persona = catalogue.scenarios[SCENARIO], catalogue.personas["karim"]
    with Store(url) as store:
        rows = list(store.events_frame_rows(workshop["id"]))
        assert set(reported) <= {row["event_id"] for row in rows}
        (aid,) = attempts
        attempt = store.attempt(aid)
        assert attempt["finished_at"] is None and attempt["errors"] > 0

        # The board: still there just after, disconnected once 30 s pass without a sign.
        last = max(row["at"] for row in rows)
        (tile,) = store.room(workshop["id"], now=last + dt.timedelta(seconds=5))
        assert tile["disconnected"] is False
        later = last + dt.timedelta(seconds=DISCONNECTED_AFTER + 1)
        (tile,) = store.room(workshop["id"], now=later)
        assert tile["disconnected"] is True and tile["pseudonym"] == "Coupé"

        # The learner reopens the page: same code, same pseudonym, same screen, same counters.
        session = LearnerSession(store)
        session.device = "c0" * 16
        joined = session.join(workshop["join_code"], "coupé")
        assert joined.resumed
        runner = Runner(scenario, persona, seed=8)
        assert session.attach(runner) is True
        assert session.attempt_id == aid
        assert runner.current_id == attempt["current_screen"]
        done = [row["screen_id"] for row in rows if row["type"] == "screen_done"]
        assert runner.history == done
        summary = runner.summary()
        assert (summary["errors"], summary["hints"]) == (attempt["errors"], attempt["hints"])
        resumed = store.attempt(aid)
        assert (resumed["errors"], resumed["hints"]) == (attempt["errors"], attempt["hints"])
        assert store.room(workshop["id"])[0]["disconnected"] is False


def test_facilitator_kernel_restart_loses_nothing(room, workers, catalogue):
    url, workshop = room
    scenario, persona = catalogue.scenarios[SCENARIO], catalogue.personas["karim"]
    with Store(url) as store:  # a small room: two learners, one hand raised
        for name, steps in (("Tournesol", 3), ("Marin 12", 1)):
            session = LearnerSession(store)
            session.join(workshop["join_code"], name)
            runner = Runner(scenario, persona, seed=1)
            session.attach(runner)
            from bacasable.run.autoplay import answers_for_screen

            for _ in range(steps):
                with session.batch():
                    runner.submit({})
                    runner.submit(answers_for_screen(runner))
        session.raise_hand()
        now = store.now().timestamp() + 10

    ctx = multiprocessing.get_context("spawn")
    views = []
    for command in (True, False):  # the first kernel also pauses and writes; then it is gone
        results = ctx.Queue()
        proc = ctx.Process(target=workers.facilitator,
                           args=(url, workshop["id"], now, command, results))
        proc.start()
        views.append(_collect(results, 1, [proc])[0])
        assert proc.exitcode == 0
    assert [v[0] for v in views] == ["ok", "ok"], views
    assert views[0][1] == views[1][1]  # tiles, commands and the workshop: the same
    import json

    tiles, commands, state = json.loads(views[1][1])
    assert [t["pseudonym"] for t in tiles] == ["Tournesol", "Marin 12"]
    assert tiles[1]["hand_raised"] is True and tiles[0]["screen_index"] >= 3
    assert [c[0] for c in commands] == ["pause", "message"] and state["paused"] is True
