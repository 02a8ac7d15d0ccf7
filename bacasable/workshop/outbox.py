"""The events of a learner's runs on their way to the store, retried while it cannot be written.

One short transaction per learner action: the events emitted while handling one action
(:meth:`Outbox.batch`) are written together with ``Store.record_events``; outside a batch,
each event is written at once. When the store fails, the events wait in a small in-memory
queue, in order, and :meth:`Outbox.flush` tries them again (the learner's session calls it on
every poll). Nothing here ever raises into the learner's exercise.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
from collections import deque
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from bacasable.run.events import RunEvent

if TYPE_CHECKING:
    from bacasable.run.runner import Runner
    from bacasable.store import Store

__all__ = ["Outbox", "Run"]

log = logging.getLogger(__name__)

#: Store messages after which writing the same events again cannot succeed.
_PERMANENT = (
    "MSG_EVENT", "MSG_UNKNOWN_ATTEMPT", "MSG_UNKNOWN_PARTICIPANT", "MSG_IDENTIFIER",
    "MSG_SCREEN_COUNT",
)


def store_messages(*names: str) -> set[str]:
    """Return the store's user messages of these constant names (those that exist)."""
    from bacasable import store

    return {text for text in (getattr(store, n, None) for n in names) if isinstance(text, str)}


@dataclasses.dataclass(eq=False)
class Run:
    """One runner written to one stored attempt.

    Attributes
    ----------
    runner : Runner
    participant_id : int
    attempt_id : int or None
        None until the attempt is started (on the first write that succeeds).
    screen_count : int or None
        Screens on the expected path when the run began.
    """

    runner: Runner
    participant_id: int
    attempt_id: int | None = None
    screen_count: int | None = None


class Outbox:
    """The queue of events waiting to be written, in order.

    Parameters
    ----------
    store : callable
        Returns the store (opened on first use).
    max_pending : int
        Events kept while the store cannot be written; beyond, the oldest are dropped
        (logged as an error).
    on_failure : callable, optional
        Called with ``(what, error)`` when a write fails and will be retried.
    on_stored : callable, optional
        Called with ``(attempt_id, event_ids)`` after each successful write.
    """

    def __init__(
        self,
        store: Callable[[], Store],
        *,
        max_pending: int = 1000,
        on_failure: Callable[[str, BaseException], None] | None = None,
        on_stored: Callable[[int, list[int]], None] | None = None,
    ) -> None:
        self._store = store
        self._queue: deque[tuple[Run, RunEvent]] = deque(maxlen=max_pending)
        self._batching = 0
        self.on_failure = on_failure
        self.on_stored = on_stored
        #: How many events were written.
        self.stored = 0
        #: True once :meth:`stop` was called: events are dropped, never written.
        self.stopped = False

    @property
    def pending(self) -> int:
        """How many events wait to be written."""
        return len(self._queue)

    def listener(self, run: Run) -> Callable[[RunEvent], None]:
        """Return the listener to subscribe to ``run.runner``: it queues and writes events.

        Parameters
        ----------
        run : Run
            Where the events go.

        Returns
        -------
        callable
            ``listener(event)``; never raises.
        """

        def on_event(event: RunEvent) -> None:
            if self.stopped:
                return  # the run goes on on another device: this one writes no more
            if len(self._queue) == self._queue.maxlen:
                log.error("workshop store: too many events waiting; the oldest is dropped")
            self._queue.append((run, event))
            if not self._batching:
                self.flush()

        return on_event

    def stop(self) -> None:
        """Write nothing more: drop what waits and every later event (the run moved away)."""
        self.stopped = True
        self._queue.clear()

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Gather the events of one learner action; write them together at the end."""
        self._batching += 1
        try:
            yield
        finally:
            self._batching -= 1
            if not self._batching:
                self.flush()

    def flush(self) -> bool:
        """Write the waiting events, one transaction per run, oldest first; never raises.

        Returns
        -------
        bool
            True when nothing is left waiting.
        """
        while self._queue:
            run = self._queue[0][0]
            group = []
            for item_run, event in self._queue:
                if item_run is not run:
                    break
                group.append(event)
            try:
                ids = self._write(run, group)
            except Exception as error:
                if getattr(error, "message", None) not in store_messages(*_PERMANENT):
                    if self.on_failure is not None:
                        self.on_failure("writing events", error)
                    else:
                        log.warning("workshop store: writing events failed", exc_info=error)
                    return False
                log.error("workshop store refused %d event(s): dropped (%s)", len(group), error)
                ids = []
            for _ in group:
                self._queue.popleft()
            self.stored += len(ids)
            if ids and self.on_stored is not None:
                try:
                    self.on_stored(int(run.attempt_id or 0), ids)
                except Exception:
                    log.exception("on_stored callback failed")
        return True

    def _write(self, run: Run, events: list[RunEvent]) -> list[int]:
        store = self._store()
        if run.attempt_id is None:
            run.attempt_id = store.start_attempt(
                run.participant_id, run.runner.scenario.id, run.runner.persona.id,
                run.screen_count,
            )
        try:
            index, count = run.runner.step()
        except Exception:  # where the learner is is a nicety: the events matter
            log.exception("could not compute the learner's step")
            index = count = None
        return store.record_events(run.attempt_id, events, index, count)
