"""Event-to-board latency with 30 learners, and the store's write throughput on SQLite.

**Latency.** 30 learner *processes* (``multiprocessing``, spawn), each with a
:class:`~bacasable.workshop.session.LearnerSession` on one temporary SQLite file, join one workshop
and
play the real France Travail scenario at a human pace: one action every 0.5-2 s (random), the
answers of :func:`bacasable.run.autoplay.answers_for_screen`, sometimes a screen sent empty (errors)
or a hint asked; a finished run starts again. Each action runs inside ``session.batch()`` (one
transaction, as the learner's page does) and each learner also calls ``session.poll_once()``
about every second (commands, heartbeat), as its kernel does. Every action that changes the
learner's tile (run, screen index, errors, hints) is stamped with its wall-clock time.

In the main process, the facilitator's loop does what ``widgets/console.py`` does: sleep
``POLL_SECONDS``, then ``RoomWatcher.poll_once()`` (``refresh()`` every ``REFRESH_SECONDS``).
Each time the board changes, the time and every tile's (run, screen index, errors, hints) are
noted. An action's latency is the time from its stamp to the first board that shows it (the
widget message to the browser comes on top: see ``round_trip``). Same measure with 1 learner
(the baseline), same pace, same run.

**Write throughput.** ``record_event`` (one event, one transaction) in a loop for a few seconds:
from 1 process, then from 30 processes at once (each its own store and run). Then
``record_events`` of 10 events per transaction, from 1 and from 30 processes.

The machine's load average is printed with each measure: other work on it shows in the figures.

Run alone: ``python -m benchmarks.board_latency``.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import queue
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks._support import describe, header, median, p95, ratio, save

LEARNERS = 30
PLAY_SECONDS = 60.0
BASELINE_SECONDS = 30.0
#: One action every PACE seconds (uniform), as a person reading and typing on a phone.
PACE = (0.5, 2.0)
#: How often a learner's kernel polls the store (``widgets.learner.join.WorkshopLink`` interval).
LEARNER_POLL = 1.0
#: Of the actions: a screen sent empty (errors), a hint asked; the rest: the right answers.
EMPTY_SHARE, HINT_SHARE = 0.10, 0.08
#: After the play: the board keeps polling this long for the last actions.
GRACE = 2.0
WRITE_SECONDS = 3.0
BATCH = 10
TARGET_P95 = 1.0
SCENARIO = "france-travail-inscription"
#: Seconds given to the workers to start (imports) and to open their stores.
START_TIMEOUT = 150.0


# --- in each worker process ----------------------------------------------------------------------


def _worker(index: int, tasks: Any, results: Any) -> None:
    """A learner's process: imports once, then runs the tasks it is sent until ``None``."""
    import bacasable.run.autoplay  # noqa: F401 - import now, before the clock runs
    import bacasable.run.runner  # noqa: F401
    import bacasable.store  # noqa: F401
    import bacasable.workshop.session  # noqa: F401

    results.put(("ready", index, None))
    while True:
        task = tasks.get()
        if task is None:
            return
        kind, args = task
        try:
            out = _learn(index, **args) if kind == "learn" else _write(index, **args)
        except Exception as exc:  # noqa: BLE001 - reported by the main process
            out = {"error": f"{type(exc).__name__}: {exc}"}
        results.put((kind, index, out))


def _sleep_polling(session: Any, until: float, last_poll: list[float]) -> None:
    """Sleep until ``until`` (wall clock), polling the store about every second meanwhile."""
    while True:
        now = time.time()
        if now >= until:
            return
        if now - last_poll[0] >= LEARNER_POLL:
            session.poll_once()
            last_poll[0] = time.time()
            continue
        time.sleep(min(until, last_poll[0] + LEARNER_POLL) - now)


def _learn(index: int, url: str, code: str, scenario: Any, personas: list[Any], start_at: float,
           stop_at: float, seed: int) -> dict[str, Any]:
    """Join, wait for ``start_at``, play until ``stop_at``; return the stamped actions."""
    from bacasable.run.autoplay import answers_for_screen
    from bacasable.run.runner import Runner
    from bacasable.store import Store
    from bacasable.workshop.session import LearnerSession

    rng = random.Random(seed)
    store = Store(url)
    session = LearnerSession(store)
    joined = session.join(code, f"Apprenant {index + 1}")
    if not hasattr(joined, "participant"):
        raise RuntimeError(f"could not join: {joined}")
    counts = {"field_error": 0, "hint_shown": 0}

    def count(event: Any) -> None:
        if event.type in counts:
            counts[event.type] += 1

    actions: list[tuple[float, float, tuple[int, int, int, int], str]] = []
    runner = None
    runs = 0

    def key() -> tuple[int, int, int, int]:
        return (session.attempt_id or -1, runner.step()[0], counts["field_error"],
                counts["hint_shown"])

    last_poll = [time.time()]
    _sleep_polling(session, start_at + rng.uniform(0, PACE[1]), last_poll)
    while time.time() < stop_at:
        t0 = time.time()
        if runner is None or runner.status != "running":
            for name in counts:
                counts[name] = 0
            runner = Runner(scenario, personas[(index + runs) % len(personas)], seed=seed + runs)
            runner.subscribe(count)
            runs += 1
            session.attach(runner)  # the run's first events, one transaction
            kind = "start"
        else:
            before = key()
            draw = rng.random()
            with session.batch():
                if draw < EMPTY_SHARE:
                    runner.submit({})
                    kind = "empty"
                elif draw < EMPTY_SHARE + HINT_SHARE:
                    runner.hint()
                    kind = "hint"
                else:
                    runner.submit(answers_for_screen(runner))
                    kind = "submit"
            if key() == before:  # nothing the board shows changed (a screen with no hint)
                _sleep_polling(session, t0 + rng.uniform(*PACE), last_poll)
                continue
        actions.append((t0, time.time(), key(), kind))
        _sleep_polling(session, t0 + rng.uniform(*PACE), last_poll)
    session.flush()
    store.close()
    return {"participant_id": session.participant_id, "actions": actions, "runs": runs,
            "pending": session.outbox.pending}


def _write(index: int, url: str, workshop_id: int, batch: int, start_at: float,
           stop_at: float) -> dict[str, Any]:
    """Record events in a loop from ``start_at`` to ``stop_at``; return counts and durations."""
    from bacasable.run.events import RunEvent
    from bacasable.store import Store

    store = Store(url)
    pid = store.join(workshop_id, f"Écrivain {index + 1}")["id"]
    aid = store.start_attempt(pid, SCENARIO, None, 12)
    events = [RunEvent(type="field_ok", scenario_id=SCENARIO, screen_id="identite",
                       field_id="nom") for _ in range(batch)]
    time.sleep(max(0.0, start_at - time.time()))
    written, durations = 0, []
    while True:
        t0 = time.perf_counter()
        if time.time() >= stop_at:
            break
        if batch == 1:
            store.record_event(aid, events[0], 3, 12)
        else:
            store.record_events(aid, events, 3, 12)
        durations.append(time.perf_counter() - t0)
        written += batch
    store.close()
    return {"events": written, "transactions": len(durations), "durations": durations}


# --- the main process ----------------------------------------------------------------------------


class Pool:
    """``n`` spawned worker processes, each with its own task queue."""

    def __init__(self, n: int) -> None:
        ctx = mp.get_context("spawn")
        self.results = ctx.Queue()
        self.tasks = [ctx.Queue() for _ in range(n)]
        self.procs = [ctx.Process(target=_worker, args=(i, self.tasks[i], self.results),
                                  daemon=True) for i in range(n)]
        begun = time.monotonic()
        for proc in self.procs:
            proc.start()
        ready = self.collect("ready", n, START_TIMEOUT)
        self.start_seconds = time.monotonic() - begun
        assert len(ready) == n

    def collect(self, kind: str, n: int, timeout: float) -> dict[int, Any]:
        out: dict[int, Any] = {}
        deadline = time.monotonic() + timeout
        while len(out) < n:
            try:
                got, index, value = self.results.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                raise RuntimeError(f"{n - len(out)} worker(s) did not answer {kind!r}") from None
            if got == kind:
                if isinstance(value, dict) and "error" in value:
                    raise RuntimeError(f"worker {index}: {value['error']}")
                out[index] = value
        return out

    def run(self, kind: str, args: list[dict[str, Any]], timeout: float) -> dict[int, Any]:
        for i, a in enumerate(args):
            self.tasks[i].put((kind, a))
        return self.collect(kind, len(args), timeout)

    def close(self) -> None:
        for q in self.tasks:
            q.put(None)
        for proc in self.procs:
            proc.join(timeout=10)
            if proc.is_alive():
                proc.terminate()


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.1f} / {five:.1f} / {fifteen:.1f}"


def _board_key(raw: dict[str, Any]) -> tuple[int, int, int, int]:
    return (raw["attempt_id"] or -1, raw["screen_index"] or 0, int(raw["errors"] or 0),
            int(raw["hints"] or 0))


def _shows(tile: tuple[int, int, int, int] | None, wanted: tuple[int, int, int, int]) -> bool:
    """Whether a tile shows an action: the same run at or past it, or a later run.

    Within a run, screen index, errors and hints never go down, and every action stamped raised
    one of them: a tile at or past all three was read after the action was written.
    """
    if tile is None or wanted[0] < 0:
        return False
    if tile[0] != wanted[0]:
        return tile[0] > wanted[0]
    return all(a >= b for a, b in zip(tile[1:], wanted[1:], strict=True))


def latency(pool: Pool, n: int, seconds: float, catalogue: Any, folder: Path) -> dict[str, Any]:
    """Play ``n`` learners for ``seconds`` while the board polls; return the figures."""
    from bacasable.store import Store
    from bacasable.workshop.room import RoomWatcher
    from widgets.facilitator.console import POLL_SECONDS, REFRESH_SECONDS

    url = f"sqlite:///{folder / f'latency-{n}.sqlite'}"
    store = Store(url)
    workshop = store.create_workshop("Atelier de mesure", "Banc d'essai", "2026-11-26",
                                     [SCENARIO])
    scenario = catalogue.scenarios[SCENARIO]
    personas = [catalogue.personas[p] for p in scenario.personas]
    load = _load()
    start_at = time.time() + 3.0 + 0.1 * n  # time for every learner to join first
    stop_at = start_at + seconds
    args = [{"url": url, "code": workshop["join_code"], "scenario": scenario,
             "personas": personas, "start_at": start_at, "stop_at": stop_at, "seed": 1000 * i}
            for i in range(n)]
    for i, a in enumerate(args):
        pool.tasks[i].put(("learn", a))

    # The facilitator's console: what Console._poll_forever does.
    watcher = RoomWatcher(store, workshop["id"], catalogue)
    snapshots: list[tuple[float, dict[int, tuple[int, int, int, int]]]] = []
    polls_changed: list[float] = []
    polls_same: list[float] = []
    last_refresh = time.monotonic()
    while time.time() < stop_at + GRACE:
        time.sleep(POLL_SECONDS)
        t0 = time.perf_counter()
        if time.monotonic() - last_refresh >= REFRESH_SECONDS:
            last_refresh = time.monotonic()
            tiles = watcher.refresh()
        else:
            tiles = watcher.poll_once()
        took = time.perf_counter() - t0
        if tiles is None:
            polls_same.append(took)
            continue
        polls_changed.append(took)
        if time.time() >= start_at:
            snapshots.append((time.time(), {r["participant_id"]: _board_key(r)
                                            for r in watcher.raw}))
    results = pool.collect("learn", n, 60)
    store.close()

    lat, writes, missed = [], [], 0
    kinds: dict[str, int] = {}
    for res in results.values():
        pid = res["participant_id"]
        for t0, t1, wanted, kind in res["actions"]:
            kinds[kind] = kinds.get(kind, 0) + 1
            writes.append(t1 - t0)
            seen = next((t for t, tiles in snapshots
                         if t >= t0 and _shows(tiles.get(pid), tuple(wanted))), None)
            if seen is None:
                missed += 1
            else:
                lat.append(seen - t0)
    return {
        "learners": n, "play_seconds": seconds, "load_before": load,
        "actions": sum(kinds.values()), "actions_by_kind": kinds,
        "actions_per_second": sum(kinds.values()) / seconds,
        "runs_started": sum(r["runs"] for r in results.values()),
        "events_left_pending": sum(r["pending"] for r in results.values()),
        "never_seen": missed,
        "latency_s": describe(lat) if lat else None,
        "action_write_s": describe(writes) if writes else None,
        "board_poll_changed_s": describe(polls_changed) if polls_changed else None,
        "board_poll_unchanged_s": describe(polls_same) if polls_same else None,
        "poll_seconds": POLL_SECONDS, "refresh_seconds": REFRESH_SECONDS,
        "load_after": _load(),
    }


def throughput(pool: Pool, n: int, batch: int, folder: Path) -> dict[str, Any]:
    """Events/s of ``n`` processes recording ``batch`` events per transaction at once."""
    from bacasable.store import Store

    url = f"sqlite:///{folder / f'write-{n}-{batch}.sqlite'}"
    with Store(url) as store:
        wid = store.create_workshop("Débit", "Banc d'essai", "2026-11-26", [SCENARIO])["id"]
    load = _load()
    start_at = time.time() + 1.5 + 0.05 * n
    stop_at = start_at + WRITE_SECONDS
    args = [{"url": url, "workshop_id": wid, "batch": batch, "start_at": start_at,
             "stop_at": stop_at} for _ in range(n)]
    results = pool.run("write", args, WRITE_SECONDS + 90)
    events = sum(r["events"] for r in results.values())
    durations = [d for r in results.values() for d in r["durations"]]
    per_process = [r["events"] / WRITE_SECONDS for r in results.values()]
    return {
        "processes": n, "batch": batch, "seconds": WRITE_SECONDS, "load_before": load,
        "events": events, "events_per_second": events / WRITE_SECONDS,
        "transactions_per_second": len(durations) / WRITE_SECONDS,
        "transaction_s": {"median": median(durations), "p95": p95(durations),
                          "max": max(durations)},
        "per_process_events_per_second": {"min": min(per_process), "max": max(per_process)},
    }


def _ms(value: float) -> str:
    return f"{value * 1000:.0f} ms"


def _print_latency(r: dict[str, Any]) -> None:
    lat = r["latency_s"]
    print(f"  {r['learners']:>2} learner(s), {r['play_seconds']:.0f} s ({r['load_before']}): "
          f"{r['actions']} actions ({r['actions_per_second']:.1f}/s), "
          f"{r['runs_started']} runs started, never seen: {r['never_seen']}")
    if lat:
        print(f"     event → board: median {_ms(lat['median'])}, p95 {_ms(lat['p95'])}, "
              f"max {_ms(lat['max'])}")
    w, c, s = r["action_write_s"], r["board_poll_changed_s"], r["board_poll_unchanged_s"]
    if w:
        print(f"     learner's action (one transaction): median {_ms(w['median'])}, "
              f"p95 {_ms(w['p95'])}")
    if c:
        print(f"     board poll with a change: median {_ms(c['median'])}, p95 {_ms(c['p95'])} "
              f"({c['n']} polls)", end="")
    if s:
        print(f"; without: median {_ms(s['median'])} ({s['n']} polls)", end="")
    print()


def main() -> dict[str, Any]:
    from bacasable.common.config import BUILTIN_SCENARIOS
    from bacasable.scenario.loader import load_catalogue

    header(f"Event to board with {LEARNERS} learner processes, against 1 learner (SQLite)")
    catalogue = load_catalogue([BUILTIN_SCENARIOS])
    folder = Path(tempfile.mkdtemp(prefix="bacasable-bench-board-"))
    pool = Pool(LEARNERS)
    try:
        print(f"  {LEARNERS} worker processes started in {pool.start_seconds:.1f} s "
              f"(spawn, imports); {_load()}")
        base = latency(pool, 1, BASELINE_SECONDS, catalogue, folder)
        _print_latency(base)
        room = latency(pool, LEARNERS, PLAY_SECONDS, catalogue, folder)
        _print_latency(room)
        if base["latency_s"] and room["latency_s"]:
            p95_room, p95_base = room["latency_s"]["p95"], base["latency_s"]["p95"]
            print(f"  p95 with {LEARNERS} learners: {_ms(p95_room)} "
                  f"({'under' if p95_room < TARGET_P95 else 'OVER'} the {TARGET_P95:.0f} s "
                  f"target); ratio to 1 learner: median ×"
                  f"{ratio(room['latency_s']['median'], base['latency_s']['median']):.2f}, "
                  f"p95 ×{ratio(p95_room, p95_base):.2f}")

        header("Store write throughput on SQLite (events/s)")
        writes = {}
        for n, batch in ((1, 1), (LEARNERS, 1), (1, BATCH), (LEARNERS, BATCH)):
            r = throughput(pool, n, batch, folder)
            writes[f"{n}x{batch}"] = r
            tx = r["transaction_s"]
            print(f"  {n:>2} process(es), {batch:>2} event(s)/transaction: "
                  f"{r['events_per_second']:7.0f} events/s, "
                  f"{r['transactions_per_second']:6.0f} transactions/s; transaction median "
                  f"{_ms(tx['median'])}, p95 {_ms(tx['p95'])}, max {_ms(tx['max'])}")
            each = r["per_process_events_per_second"]
            print(f"     ({r['load_before']}"
                  + (f"; per process {each['min']:.0f} to {each['max']:.0f} events/s"
                     if n > 1 else "") + ")")
        single = writes["1x1"]["events_per_second"]
        print(f"  {LEARNERS} processes / 1 process, single events: ×"
              f"{ratio(writes[f'{LEARNERS}x1']['events_per_second'], single):.2f}; "
              f"batches of {BATCH} / single events, 1 process: ×"
              f"{ratio(writes[f'1x{BATCH}']['events_per_second'], single):.2f}")
    finally:
        pool.close()
        shutil.rmtree(folder, ignore_errors=True)
    data = {"learners": LEARNERS, "pace_seconds": list(PACE), "target_p95_s": TARGET_P95,
            "worker_start_seconds": pool.start_seconds, "baseline": base, "room": room,
            "writes": writes}
    save("board_latency", data)
    return data


if __name__ == "__main__":
    main()
    sys.exit(0)
