"""Time and memory to build the reports for 10k, 100k and 1M stored events, against a plain read.

For each size, a temporary SQLite store (the real schema, through ``Store``) is filled with
SQLAlchemy Core ``executemany`` inserts: 5 workshops, learners doing about 3 runs each of the
two built-in scenarios along their real screens, about 30 events a run (screens entered and
validated, some errors and hints; most runs finish, some are abandoned or still running).

Then, each in a fresh child process (so that one measure's memory does not blur the next):

- baseline: ``SELECT`` of every event row, fetched in batches of 50 000 and dropped;
- ``build_history_report`` over every workshop (every event of the store);
- ``build_workshop_report`` of one workshop (a fifth of the events).

Each child reports the time of the measured call (median of a few runs for the small sizes)
and its peak RSS (``ru_maxrss``, imports included: what the facilitator's kernel would need).
Printed: the figures, the ratio to the baseline of the same size, how each grows from one
size to the next, and whether the 1M-event report stays under 1 GB.

Run alone: ``python -m benchmarks.report_build``.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks._support import ROOT, header, median, ratio, save

SIZES = (10_000, 100_000, 1_000_000)
WORKSHOPS = 5
RUNS_PER_LEARNER = 3
INSERT_BATCH = 50_000
FETCH_BATCH = 50_000
LIMIT_MB = 1024
SEED = 6


# --- the data -------------------------------------------------------------------------------


def _paths() -> dict[str, list[tuple[str, list[str]]]]:
    """Each built-in scenario's expected path: (screen id, field ids), end screen last."""
    from bacasable.common.config import BUILTIN_SCENARIOS
    from bacasable.scenario.loader import load_catalogue

    catalogue = load_catalogue([BUILTIN_SCENARIOS])
    skip = {"connexion", "code-connexion", "inscription-automatique", "inscription-impossible"}
    return {
        sid: [(s.id, [f.id for f in s.fields]) for s in scenario.screens if s.id not in skip]
        for sid, scenario in catalogue.scenarios.items()
    }


def generate(path: Path, target: int) -> dict[str, int]:
    """Fill a new SQLite store at ``path`` with about ``target`` events; return the counts."""
    from sqlalchemy import insert

    from bacasable.store import Store
    from bacasable.store import tables as t

    rng = random.Random(SEED)
    paths = _paths()
    scenario_ids = sorted(paths)
    store = Store(f"sqlite:///{path}")
    day = dt.date(2026, 9, 1)
    base = dt.datetime(2026, 9, 1, 9, 0, tzinfo=dt.timezone.utc)
    per_workshop = target // WORKSHOPS
    events: list[dict[str, Any]] = []
    attempts: list[dict[str, Any]] = []
    people: list[dict[str, Any]] = []
    counts = {"workshops": WORKSHOPS, "participants": 0, "attempts": 0, "events": 0}

    def flush(conn: Any, force: bool = False) -> None:
        if people and (force or len(events) >= INSERT_BATCH):
            conn.execute(insert(t.participants), people)
            conn.execute(insert(t.attempts), attempts)
            conn.execute(insert(t.events), events)
            people.clear()
            attempts.clear()
            events.clear()

    with store.engine.begin() as conn:
        for w in range(WORKSHOPS):
            start = base + dt.timedelta(days=7 * w)
            wid = conn.execute(insert(t.workshops).values(
                join_code=f"BENCH{w + 2}", title=f"Atelier {w + 1}", place="Médiathèque",
                date=day + dt.timedelta(days=7 * w), scenario_ids=scenario_ids, themes=[],
                level="debutant", duration_minutes=120, equipment=[], created_at=start,
                paused=False,
            )).inserted_primary_key[0]
            made = 0
            while made < per_workshop:
                counts["participants"] += 1
                pid = counts["participants"]
                people.append({"id": pid, "workshop_id": wid, "pseudonym": f"Apprenant {pid}",
                               "created_at": start, "last_seen_at": start})
                for _ in range(RUNS_PER_LEARNER):
                    counts["attempts"] += 1
                    made += _run(rng, counts, pid, rng.choice(scenario_ids), paths, start,
                                 attempts, events)
                flush(conn)
        flush(conn, force=True)
    store.close()
    return counts


def _run(rng: random.Random, counts: dict[str, int], pid: int, sid: str,
         paths: dict[str, list[tuple[str, list[str]]]], start: dt.datetime,
         attempts: list[dict[str, Any]], events: list[dict[str, Any]]) -> int:
    """Append one run's events (and its attempt row); return how many events it made."""
    aid = counts["attempts"]
    path = paths[sid]
    fate = rng.random()
    stop = rng.randrange(len(path) - 1) if fate > 0.7 else None  # 20 % abandon, 10 % running
    t0 = start + dt.timedelta(seconds=rng.randrange(3600))
    now = t0
    errors = hints = 0
    rows = [{"type": "started", "screen_id": None}]
    for i, (screen_id, fields) in enumerate(path):
        rows.append({"type": "screen_entered", "screen_id": screen_id})
        if i == len(path) - 1:
            rows.append({"type": "finished", "screen_id": screen_id,
                         "seconds": (now - t0).total_seconds()})
            break
        if fields and rng.random() < 0.2:
            errors += 1
            rows.append({"type": "field_error", "screen_id": screen_id,
                         "field_id": rng.choice(fields), "error_kind": rng.choice(_KINDS)})
        if fields and rng.random() < 0.1:
            hints += 1
            rows.append({"type": "hint_shown", "screen_id": screen_id,
                         "field_id": fields[0], "hint_level": 1})
        seconds = float(rng.randrange(10, 120))
        now += dt.timedelta(seconds=seconds)
        if i == stop:
            if fate > 0.9:
                break  # still running
            rows.append({"type": "abandoned", "screen_id": screen_id})
            break
        rows.append({"type": "screen_done", "screen_id": screen_id, "seconds": seconds})
    last = rows[-1]
    for k, row in enumerate(rows):
        counts["events"] += 1
        events.append({
            "id": counts["events"], "attempt_id": aid, "scenario_id": sid,
            "field_id": None, "error_kind": None, "hint_level": None, "seconds": None,
            "at": t0 + dt.timedelta(seconds=k), **row,
        })
    attempts.append({
        "id": aid, "participant_id": pid, "scenario_id": sid, "persona_id": "karim",
        "started_at": t0, "updated_at": now,
        "finished_at": now if last["type"] == "finished" else None,
        "abandoned_at": now if last["type"] == "abandoned" else None,
        "current_screen": last["screen_id"], "screen_count": len(path),
        "errors": errors, "hints": hints,
    })
    return len(rows)


_KINDS = ["required", "format", "mismatch", "checksum", "date_invalid"]


# --- one measure, in a child process ----------------------------------------------------------


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def child(kind: str, db: str, repeats: int) -> dict[str, Any]:
    """Run one measure ``repeats`` times in this process; return its times and peak RSS."""
    from sqlalchemy import select

    from bacasable.reports import build_history_report, build_workshop_report
    from bacasable.store import Store
    from bacasable.store import tables as t

    store = Store(f"sqlite:///{db}")
    catalogue = None
    if kind != "select":
        from bacasable.common.config import BUILTIN_SCENARIOS
        from bacasable.scenario.loader import load_catalogue

        catalogue = load_catalogue([BUILTIN_SCENARIOS])
    imports_mb = _peak_mb()
    times, rows = [], 0
    for _ in range(repeats):
        begun = time.perf_counter()
        if kind == "select":
            rows = 0
            with store.engine.connect() as conn:
                result = conn.execution_options(yield_per=FETCH_BATCH).execute(select(t.events))
                for part in result.partitions():
                    rows += len(part)
        elif kind == "history":
            report = build_history_report(store, catalogue)
            rows = int(report.workshops["runs"].sum())
        else:
            report = build_workshop_report(store, 1, catalogue)
            rows = len(report.learners)
        times.append(time.perf_counter() - begun)
        report = None  # noqa: F841 - let the next run start from the same memory
    return {"times": times, "peak_mb": _peak_mb(), "imports_mb": imports_mb, "rows": rows}


def measure(kind: str, db: Path, repeats: int) -> dict[str, Any]:
    """Run :func:`child` in a fresh Python process; return what it printed."""
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.report_build", "--child", kind, str(db), str(repeats)],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


# --- the benchmark ----------------------------------------------------------------------------


def _mb(x: float) -> str:
    return f"{x:7.0f} MB"


def main() -> dict:
    header("Reports: build time and peak memory for 10k, 100k and 1M events")
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="bacasable-bench-report-") as tmp:
        for size in SIZES:
            db = Path(tmp) / f"events-{size}.sqlite"
            begun = time.perf_counter()
            counts = generate(db, size)
            made = time.perf_counter() - begun
            print(f"\n{counts['events']:,} events ({counts['attempts']:,} runs, "
                  f"{counts['participants']:,} learners, {WORKSHOPS} workshops; "
                  f"generated in {made:.1f} s, {db.stat().st_size / 2**20:.0f} MB on disk)")
            repeats = 3 if size < 1_000_000 else 1
            row: dict[str, Any] = {"counts": counts, "generate_s": made}
            for kind in ("select", "history", "workshop"):
                row[kind] = measure(kind, db, repeats)
            base = row["select"]
            print(f"  {'':<34} {'time':>9} {'× select':>9} {'peak RSS':>11} {'× select':>9}")
            for kind, label in (("select", "baseline: SELECT events, batches"),
                                ("history", "build_history_report (all)"),
                                ("workshop", "build_workshop_report (1 of 5)")):
                m = row[kind]
                m["time_s"] = median(m["times"])
                m["time_ratio"] = ratio(m["time_s"], base["time_s"]) if kind != "select" else 1
                m["rss_ratio"] = ratio(m["peak_mb"], base["peak_mb"])
                print(f"  {label:<34} {m['time_s']:8.2f}s {m['time_ratio']:8.2f}× "
                      f"{_mb(m['peak_mb']):>11} {m['rss_ratio']:8.2f}×")
            db.unlink()
            figures[str(size)] = row
    print("\nHow it grows (time of the larger size / time of the smaller, events ×10):")
    for small, big in zip(SIZES, SIZES[1:], strict=False):
        a, b = figures[str(small)], figures[str(big)]
        growth = {k: ratio(b[k]["time_s"], a[k]["time_s"]) for k in ("select", "history",
                                                                     "workshop")}
        print(f"  {small:>9,} → {big:>9,}: select {growth['select']:.1f}×, "
              f"history {growth['history']:.1f}×, workshop {growth['workshop']:.1f}×")
        figures[f"growth_{small}_{big}"] = growth
    top = figures[str(SIZES[-1])]
    peak = top["history"]["peak_mb"]
    under = peak < LIMIT_MB
    print(f"\nThe {SIZES[-1]:,}-event report (history over every event) peaks at "
          f"{peak:.0f} MB of RSS (imports {top['history']['imports_mb']:.0f} MB): "
          + ("under" if under else "OVER") + f" the {LIMIT_MB} MB limit.")
    figures["limit_mb"] = LIMIT_MB
    figures["under_limit"] = under
    save("report_build", figures)
    return figures


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        print(json.dumps(child(sys.argv[2], sys.argv[3], int(sys.argv[4]))))
    else:
        main()
    sys.exit(0)
