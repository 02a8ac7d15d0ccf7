"""A task of the kernel's event loop that calls one function every few seconds, failures said."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

log = logging.getLogger("bacasable")


class Polling:
    """Call ``step`` every ``seconds`` between :meth:`start` and :meth:`stop`.

    The console and the room screen follow the room this way. A step that raises is logged once
    (with ``what``) and ``on_failure`` is called: a busy or lost store must be said on screen,
    never end the task. The next step that works calls ``on_recovery``.

    Parameters
    ----------
    step : callable
        Called with no argument from the event loop.
    seconds : float
        The pause before each call.
    what : str
        Says, in the log, what could not be done.
    on_failure, on_recovery : callable
        Called when steps start failing, then when one works again.
    """

    def __init__(self, step: Callable[[], None], seconds: float, *, what: str,
                 on_failure: Callable[[], None], on_recovery: Callable[[], None]) -> None:
        self._step = step
        self._seconds = seconds
        self._what = what
        self._on_failure = on_failure
        self._on_recovery = on_recovery
        self._task: asyncio.Task | None = None

    @property
    def running(self) -> bool:
        """Whether the task was started and not stopped."""
        return self._task is not None

    def start(self) -> bool:
        """Start (again) calling ``step``; False when no event loop runs (tests call it by hand)."""
        self.stop()
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return False
        self._task = loop.create_task(self._run())
        return True

    def stop(self) -> None:
        """Stop calling ``step``."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()

    async def _run(self) -> None:
        me = asyncio.current_task()
        failing = False
        while self._task is me:
            await asyncio.sleep(self._seconds)
            if self._task is not me:  # stopped while asleep
                return
            try:
                self._step()
            except Exception:
                if not failing:
                    log.exception("%s", self._what)
                    failing = True
                    self._on_failure()
            else:
                if failing:
                    failing = False
                    self._on_recovery()
