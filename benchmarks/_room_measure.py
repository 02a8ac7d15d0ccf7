"""The room-load benchmark's measures from outside: memory and CPU of the server's processes, the
events the store kept, the board's tiles matched with the learners' actions."""

from __future__ import annotations

import contextlib
import re
import threading
import time
from collections.abc import Iterable
from typing import Any

import psutil

from benchmarks._support import Server, describe

MB = 2**20
#: A tile's place on the board, as the learner's action makes it: (screen, errors, hints).
Key = tuple[int, int, int]


# --- memory -----------------------------------------------------------------------------------


def pss(pid: int) -> int | None:
    """A process's proportional set size in bytes (``/proc/PID/smaps_rollup``), None if unread."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        return None
    return None


def _kind(proc: psutil.Process, root: int) -> str:
    if proc.pid == root:
        return "server"
    with contextlib.suppress(psutil.Error):
        command = " ".join(proc.cmdline())
        if "ipykernel_launcher" in command:
            return "kernel"
        if "kernel_zygote" in command:  # the kernels' parent: its pages are theirs
            return "parent"
    return "other"


def memory(server: Server) -> dict[str, Any]:
    """RSS and PSS of the server, of each kernel and of the other processes of its tree (MB).

    Shared pages count whole in each RSS and are split among their users in PSS: the sum of
    the PSS is what the tree takes from the laptop.
    """
    out: dict[str, Any] = {kind: {"count": 0, "rss_mb": [], "pss_mb": []}
                           for kind in ("server", "kernel", "parent", "other")}
    for proc in server.tree():
        with contextlib.suppress(psutil.Error):
            rss, share = proc.memory_info().rss, pss(proc.pid)
            group = out[_kind(proc, server.process.pid)]
            group["count"] += 1
            group["rss_mb"].append(rss / MB)
            group["pss_mb"].append((share if share is not None else rss) / MB)
    for group in out.values():
        group["rss_total_mb"] = sum(group["rss_mb"])
        group["pss_total_mb"] = sum(group["pss_mb"])
    out["pss_total_mb"] = sum(out[k]["pss_total_mb"]
                              for k in ("server", "kernel", "parent", "other"))
    return out


class MemoryWatch(threading.Thread):
    """Samples the tree's memory every ``interval`` seconds; keeps the sample of highest PSS."""

    def __init__(self, server: Server, interval: float = 5.0) -> None:
        super().__init__(daemon=True)
        self.server, self.interval = server, interval
        self.peak: dict[str, Any] | None = None
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.wait(self.interval):
            sample = memory(self.server)
            if self.peak is None or sample["pss_total_mb"] > self.peak["pss_total_mb"]:
                self.peak = sample

    def stop(self) -> dict[str, Any] | None:
        self._stop_event.set()
        self.join(timeout=30)
        return self.peak


# --- CPU ----------------------------------------------------------------------------------------


def _cpu(proc: psutil.Process) -> tuple[float, float]:
    """(own, reaped children's) CPU seconds of a process."""
    t = proc.cpu_times()
    return t.user + t.system, t.children_user + t.children_system


def cpu_snapshot(server: Server) -> dict[str, Any]:
    """CPU seconds so far of every process of the server's tree, and of this process."""
    procs: dict[tuple[int, float], tuple[str, float, float]] = {}
    tree = server.tree()
    for proc in tree:
        with contextlib.suppress(psutil.Error):
            own, reaped = _cpu(proc)
            procs[(proc.pid, proc.create_time())] = (_kind(proc, server.process.pid), own, reaped)
    me = psutil.Process()
    served = {proc.pid for proc in tree}
    browsers = {}  # Playwright's driver and Chromium: this process's other children
    for child in me.children(recursive=True):
        with contextlib.suppress(psutil.Error):
            if child.pid not in served:
                browsers[(child.pid, child.create_time())] = sum(_cpu(child))
    return {"at": time.monotonic(), "procs": procs, "generator": _cpu(me)[0],
            "browsers": browsers}


def cpu_between(before: dict[str, Any], after: dict[str, Any]) -> dict[str, float]:
    """CPU seconds used between two snapshots: server, kernels, other processes, load generator.

    A process started in between counts from zero; one that ended and was reaped counts in its
    parent's children's time (a kernel's short-lived children in the kernel's, an ended kernel
    in ``ended``).
    """
    used = {"server": 0.0, "kernel": 0.0, "other": 0.0, "ended": 0.0}
    for key, (kind, own, reaped) in after["procs"].items():
        _, own0, reaped0 = before["procs"].get(key, (kind, 0.0, 0.0))
        if kind == "parent":  # the kernels' parent: its own CPU is the kernels'
            used["kernel"] += own - own0
            used["ended"] += reaped - reaped0
        elif kind == "server":
            used["server"] += own - own0
            used["ended"] += reaped - reaped0
        else:
            used[kind] += (own - own0) + (reaped - reaped0)
    seconds = after["at"] - before["at"]
    total = sum(used.values())
    return {**used, "total": total, "seconds": seconds,
            "cores": total / seconds if seconds > 0 else 0.0,
            "generator": after["generator"] - before["generator"],
            "browsers": sum(v - before["browsers"].get(k, 0.0)
                            for k, v in after["browsers"].items())}


# --- the store ----------------------------------------------------------------------------------


def stored_events(db_url: str, workshop_id: int) -> dict[str, int]:
    """Events the store holds for each pseudonym of a workshop."""
    from bacasable.store import Store

    with Store(db_url) as store:
        names = {p["id"]: p["pseudonym"] for p in store.participants(workshop_id)}
        counts = {name: 0 for name in names.values()}
        for row in store.events_frame_rows(workshop_id):
            counts[names[row["participant_id"]]] += 1
    return counts


def wait_stored(db_url: str, workshop_id: int, sent: dict[str, int],
                timeout: float = 15.0) -> dict[str, int]:
    """The stored counts once they match ``sent``, or as they are after ``timeout`` seconds.

    A write the store refused waits in the kernel's outbox and is retried at its next poll.
    """
    deadline = time.monotonic() + timeout
    while True:
        counts = stored_events(db_url, workshop_id)
        if all(counts.get(name, 0) == n for name, n in sent.items()) or (
                time.monotonic() > deadline):
            return counts
        time.sleep(0.5)


# --- the board ----------------------------------------------------------------------------------

_SCREEN_NUMBER = re.compile(r"(\d+)")


def tile_key(tile: dict[str, Any]) -> Key:
    """(screen number, errors, hints) of a board tile (``format_tile``'s "Écran 3 sur 17 : …")."""
    found = _SCREEN_NUMBER.search(str(tile.get("screen") or ""))
    return (int(found.group(1)) if found else 0, int(tile.get("errors") or 0),
            int(tile.get("hints") or 0))


def shows(tile: Key | None, wanted: Key) -> bool:
    """Whether a tile shows an action: at or past its screen, errors and hints.

    Within one run none of the three goes down (no learner goes back) and every action
    matched raised one of them: a tile at or past all three was read after the action.
    """
    return tile is not None and all(a >= b for a, b in zip(tile, wanted, strict=True))


def board_latencies(actions: Iterable[tuple[float, str, Key]],
                    snapshots: list[tuple[float, dict[str, Key]]]) -> tuple[list[float], int]:
    """Seconds from each action to the first board that shows it; and how many never showed."""
    latencies, missed = [], 0
    for t0, who, wanted in actions:
        seen = next((t for t, tiles in snapshots if t >= t0 and shows(tiles.get(who), wanted)),
                    None)
        if seen is None:
            missed += 1
        else:
            latencies.append(seen - t0)
    return latencies, missed


def figures(values: list[float]) -> dict[str, Any] | None:
    """``describe`` of a list, None when empty."""
    return describe(values) if values else None
