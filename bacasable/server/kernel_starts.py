"""Learner kernels warm in arrival order, a few at a time, as many as the open workshops expect.

A room arrives at once: thirty phones open their page within seconds of the code appearing on
the wall. Voilà starts every missing kernel at the same time, so on a 2-core laptop each one
takes as long as the whole burst and nobody is served first. Here:

- :class:`StartGate` lets ``width`` learner kernels warm at once; the others wait their turn in
  the order they were asked for (Voilà's pool hands its kernels out in that same order, so the
  first arrivals are usable first). A kernel leaves the gate when its notebook has run up to the
  page request (it connects to ``/voila/query``), when it stops, or after ``timeout`` seconds.
- :class:`RoomWarmer` sizes the learner notebook's pool from the store: the open workshops of
  the day expect so many learners, minus the pages already served since they were opened. A
  workshop created for 20 learners warms 20 kernels before they arrive; closing it gives the
  waiting ones back. It also writes what is ready for the facilitator's console.
"""

from __future__ import annotations

import asyncio
import collections
import itertools
import time
from collections.abc import Callable
from typing import Any

from bacasable.workshop.readiness import PoolState

__all__ = ["Expectation", "RoomWarmer", "StartGate"]

class StartGate:
    """At most ``width`` kernels warming at once; the others wait, first asked, first served.

    Parameters
    ----------
    width
        How many kernels may warm at the same time (one or two per core).
    clock
        Seconds, monotonic (a test's own clock).
    """

    def __init__(self, width: int = 2, clock: Callable[[], float] = time.monotonic) -> None:
        self.width = max(1, int(width))
        self._clock = clock
        self._tickets = itertools.count(1)
        #: ticket → when it entered the gate.
        self._warming: dict[int, float] = {}
        self._waiting: collections.OrderedDict[int, asyncio.Future[None]] = (
            collections.OrderedDict()
        )
        #: How long the last kernels took from entering to leaving (seconds).
        self._durations: collections.deque[float] = collections.deque(maxlen=10)

    @property
    def warming(self) -> int:
        """Kernels warming now."""
        return len(self._warming)

    @property
    def waiting(self) -> int:
        """Kernels waiting for their turn."""
        return len(self._waiting)

    @property
    def full(self) -> bool:
        """A kernel asking now would have to wait."""
        return len(self._warming) >= self.width or bool(self._waiting)

    def seconds_per_kernel(self, default: float = 3.0) -> float:
        """Return the recent mean time a kernel took to warm (``default`` before any)."""
        return sum(self._durations) / len(self._durations) if self._durations else default

    async def enter(self) -> int:
        """Wait for a turn; return the ticket to give back with :meth:`leave`."""
        ticket = next(self._tickets)
        if len(self._warming) < self.width and not self._waiting:
            self._warming[ticket] = self._clock()
            return ticket
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting[ticket] = turn
        try:
            await turn
        except asyncio.CancelledError:
            if self._waiting.pop(ticket, None) is None:  # its turn had come: give it on
                self.leave(ticket)
            raise
        return ticket

    def leave(self, ticket: int) -> None:
        """Give a turn back (twice, or for an unknown ticket: nothing happens)."""
        began = self._warming.pop(ticket, None)
        if began is not None:
            self._durations.append(self._clock() - began)
        while self._waiting and len(self._warming) < self.width:
            next_ticket, turn = self._waiting.popitem(last=False)
            if turn.cancelled():
                continue
            self._warming[next_ticket] = self._clock()
            turn.set_result(None)


#: An open workshop as the warmer sees it: (learners expected, when it was created, epoch s).
Expectation = tuple[int, float]


class RoomWarmer:
    """Keeps the learner notebook's pool as large as the open workshops need.

    The kernels wanted are the learners the open workshops expect, minus the learner pages
    served since the first of them was created. A page taking a kernel lowers the size at
    once (:meth:`page_taken`), before Voilà refills its pool: otherwise each arrival would warm
    one kernel too many, given back a moment later.

    Parameters
    ----------
    manager
        Voilà's kernel manager (``kernel_pools_config``, ``_pools``, ``fill_if_needed``,
        ``shutdown_kernel``).
    notebook
        The pool's notebook (the learner's page).
    base_size
        The pool's size when no workshop expects anyone (``preheat_kernels``).
    workshops
        Returns the open workshops' :data:`Expectation` (from the store; run in a thread).
    gate
        The start gate, for the estimate.
    publish
        Called with the pool's state when it changed (writes it to the store; in a thread).
    clock
        Seconds since the epoch (a test's own clock).
    """

    def __init__(self, manager: Any, notebook: str, base_size: int,
                 workshops: Callable[[], list[Expectation]], gate: StartGate,
                 publish: Callable[[PoolState], None] | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self.manager = manager
        self.notebook = notebook
        self.base_size = max(0, int(base_size))
        self.workshops = workshops
        self.gate = gate
        self.publish = publish
        self._clock = clock
        self._open: list[Expectation] = []
        #: When learner pages were served (only those of the last day are kept).
        self._served: list[float] = []
        self._published: PoolState | None = None

    def _pool(self) -> list[Any]:
        return self.manager._pools.setdefault(self.notebook, [])

    def wanted(self) -> int:
        """Kernels the open workshops still want: expected learners minus pages served."""
        if not self._open:
            return 0
        since = min(created for _, created in self._open)
        served = sum(1 for at in self._served if at >= since)
        return max(0, sum(expected for expected, _ in self._open) - served)

    def page_taken(self) -> None:
        """Count a learner's page being served: one kernel fewer is wanted, from now on."""
        now = self._clock()
        self._served = [at for at in self._served if now - at < 86400] + [now]
        self._set_size(max(self.base_size, self.wanted()))

    def _set_size(self, size: int) -> None:
        pools = dict(self.manager.kernel_pools_config)
        entry = dict(pools.get(self.notebook, {}))
        if entry.get("pool_size") != size:
            entry["pool_size"] = size
            pools[self.notebook] = entry
            self.manager.kernel_pools_config = pools

    def state(self) -> PoolState:
        """Return what is ready and what is being prepared, with the time left."""
        wanted = self.wanted()
        pool = self._pool()
        ready = sum(1 for task in pool if _ready(task))
        preparing = len(pool) - ready
        rounds = -(-max(0, wanted - ready) // self.gate.width)
        return PoolState(wanted=wanted, ready=ready, preparing=preparing,
                         seconds_left=round(rounds * self.gate.seconds_per_kernel()))

    async def tick(self) -> PoolState:
        """Resize the pool once: start what is missing, give back what is no longer wanted."""
        loop = asyncio.get_running_loop()
        self._open = list(await loop.run_in_executor(None, self.workshops))
        size = max(self.base_size, self.wanted())
        self._set_size(size)
        pool = self._pool()
        if len(pool) < size:
            self.manager.fill_if_needed(delay=0, notebook_name=self.notebook)
        elif len(pool) > size:
            await self._give_back(len(pool) - size)
        state = self.state()
        if self.publish is not None and state != self._published:
            await loop.run_in_executor(None, self.publish, state)
            self._published = state
        return state

    async def _give_back(self, count: int) -> None:
        """Shut down up to ``count`` ready kernels no page has taken (the newest first)."""
        pool = self._pool()
        for task in reversed(list(pool)):
            if count <= 0:
                break
            if not _ready(task):
                continue  # still warming: given back at a later tick, once it is ready
            pool.remove(task)
            count -= 1
            await self.manager.shutdown_kernel(task.result()["kernel_id"])


def _ready(task: Any) -> bool:
    return task.done() and not task.cancelled() and task.exception() is None
