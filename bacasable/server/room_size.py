"""What the server reads and writes in the store to warm the learners' kernels.

The server process asks the store, every few seconds, how many learners today's open workshops
expect (:func:`room_expectations`), and writes what is ready for the console
(:func:`pool_publisher`). Both run in a worker thread of the server (see
:class:`~bacasable.server.kernel_starts.RoomWarmer`); a store that cannot be read counts as
"nobody expected", so a broken database never stops the learners' pages.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from typing import Any

from bacasable.workshop.readiness import WARMING_SETTING, PoolState

from .kernel_starts import Expectation

__all__ = ["pool_publisher", "room_expectations"]

log = logging.getLogger(__name__)

#: A workshop older than this no longer warms kernels, even left open (a forgotten one).
OPEN_FOR = dt.timedelta(hours=12)


def _store_opener(config: Any) -> Callable[[], Any]:
    """Return a function giving one Store, made on first use (in the worker thread)."""
    lock = threading.Lock()
    made: list[Any] = []

    def store() -> Any:
        with lock:
            if not made:
                from bacasable.store import Store

                made.append(Store.from_config(config))
            return made[0]

    return store


def room_expectations(config: Any) -> Callable[[], list[Expectation]]:
    """Return a function listing the open workshops' (learners expected, created at)."""
    store = _store_opener(config)

    def read() -> list[Expectation]:
        since = dt.datetime.now(dt.timezone.utc) - OPEN_FOR
        try:
            workshops = store().list_workshops(since=since)
        except Exception:
            log.warning("could not read the open workshops: no kernel warmed for them",
                        exc_info=True)
            return []
        return [(int(w["expected_learners"]), w["created_at"].timestamp())
                for w in workshops
                if w.get("open") and w.get("expected_learners")]

    return read


def pool_publisher(config: Any) -> Callable[[PoolState], None]:
    """Return a function writing the pool's state where the console reads it."""
    store = _store_opener(config)

    def publish(state: PoolState) -> None:
        try:
            store().set_setting(WARMING_SETTING, state.to_json())
        except Exception:
            log.warning("could not write the kernels' state for the console", exc_info=True)

    return publish
