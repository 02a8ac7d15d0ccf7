"""A learner's side of a live workshop: join by code, write the runs' events, read commands.

Data flows one way. The learner's kernel writes (joining, attempts, the events of its runs,
heartbeats, a raised hand) and reads only what the facilitator addressed to the room or to
this learner (:mod:`bacasable.workshop.commands`). It never reads other learners, and never stores
what was typed: a :class:`~bacasable.run.events.RunEvent` carries ids, kinds, counts and times.

:class:`LearnerSession` is pure Python: the widget layer shows what it returns and applies
the commands :meth:`LearnerSession.poll_once` hands back. A store failure never reaches the
learner's exercise: events wait in the :class:`~bacasable.workshop.outbox.Outbox` and are written
again
on the next poll. The store (SQLAlchemy) is imported only when a workshop is joined, so that
a learner practising alone never loads it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .commands import Command, HandAnswered, SkipLessons, parse_command
from .joining import _Joining
from .outbox import Outbox, Run
from .outcomes import MSG_HAND, Joined, Problem
from .run_history import screens_done

if TYPE_CHECKING:  # the store pulls in SQLAlchemy: only when a workshop is joined
    from bacasable.run.runner import Runner
    from bacasable.store import Store

__all__ = ["Joined", "LearnerSession", "Problem"]

#: Seconds between two checks that this device still holds the run (not handed over).
OWNER_CHECK_EVERY = 2.0

log = logging.getLogger(__name__)

class LearnerSession(_Joining):
    """One learner in one workshop, seen from their kernel.

    Parameters
    ----------
    store : Store or callable, optional
        The store, or a function returning it (called when first needed). Default: this
        kernel's shared store of ``BacasableConfig().db_url``.
    clock : callable, optional
        Monotonic seconds, for the heartbeat's timing (tests pass a fake clock).
    heartbeat_every : float
        Seconds between two heartbeats sent by :meth:`poll_once`.
    max_pending : int
        Events kept in memory while the store cannot be written.

    Examples
    --------
    >>> session = LearnerSession(store)
    >>> joined = session.join("ABC234", "Tournesol")
    >>> resumed = session.attach(runner)      # every event of the run is written from now on
    >>> commands = session.poll_once()        # about every second, by an asyncio task
    """

    def __init__(
        self,
        store: Store | Callable[[], Store] | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        heartbeat_every: float = 5.0,
        max_pending: int = 1000,
    ) -> None:
        self._store: Store | None = None if callable(store) else store
        self._factory = store if callable(store) else None
        self._clock = clock
        self.heartbeat_every = heartbeat_every
        #: The events on their way to the store.
        self.outbox = Outbox(self._open, max_pending=max_pending, on_failure=self._failed)
        self._failing = False
        self._after = 0
        self._last_beat = 0.0
        self._hand = False
        self._runs: list[Run] = []
        #: The participant and the workshop once joined (None before).
        self.participant: dict[str, Any] | None = None
        self.workshop: dict[str, Any] | None = None
        #: True once the store said this participant no longer exists (deleted meanwhile).
        self.gone = False
        #: True once the run was handed over to another device: this one writes no more.
        self.moved = False
        self._owner_checked = 0.0
        self._skip_lessons: bool | None = None

    # --- state ------------------------------------------------------------------------------

    @property
    def joined(self) -> bool:
        """Whether :meth:`join` succeeded."""
        return self.participant is not None and self.workshop is not None

    @property
    def participant_id(self) -> int | None:
        """The learner's id in the store, once joined."""
        return None if self.participant is None else int(self.participant["id"])

    @property
    def workshop_id(self) -> int | None:
        """The workshop's id, once joined."""
        return None if self.workshop is None else int(self.workshop["id"])

    @property
    def scenario_ids(self) -> list[str]:
        """The scenarios the workshop offers, in order (empty before joining)."""
        return list((self.workshop or {}).get("scenario_ids") or [])

    @property
    def attempt_id(self) -> int | None:
        """The stored run the latest attached runner writes to (None before it is started)."""
        return self._runs[-1].attempt_id if self._runs else None

    @property
    def connected(self) -> bool:
        """False while the store cannot be reached or events wait to be written."""
        return not self._failing and not self.outbox.pending

    @property
    def skip_lessons(self) -> bool:
        """Whether the lessons and quizzes are skipped (the last command, else on joining)."""
        if self._skip_lessons is not None:
            return self._skip_lessons
        return bool((self.workshop or {}).get("skip_lessons"))

    def _skip(self, command: SkipLessons) -> None:
        """Apply the facilitator's choice to every run of this learner (from the next screen)."""
        self._skip_lessons = command.skip
        for run in self._runs:
            run.runner.skip_lessons = command.skip

    @property
    def hand_raised(self) -> bool:
        """Whether the learner's hand is up, as far as this kernel knows."""
        return self._hand

    def batch(self) -> AbstractContextManager[None]:
        """Gather the events of one learner action and write them in one transaction."""
        return self.outbox.batch()

    def flush(self) -> bool:
        """Write the events waiting; True when none is left (see :meth:`Outbox.flush`)."""
        return self.outbox.flush()

    # --- the store --------------------------------------------------------------------------

    def _open(self) -> Store:
        if self._store is None:
            if self._factory is not None:
                self._store = self._factory()
            else:
                from bacasable.common.config import BacasableConfig
                from bacasable.store import Store

                config = BacasableConfig()
                Path(config.data_dir).expanduser().mkdir(parents=True, exist_ok=True)
                self._store = Store.shared(config.db_url)
        return self._store

    def _failed(self, what: str, error: BaseException) -> None:
        """Note a failure: logged once with its traceback, then quietly until it recovers."""
        if not self._failing:
            log.warning("workshop store: %s failed; retrying on the next poll", what,
                        exc_info=error)
        else:
            log.debug("workshop store: %s failed again: %s", what, error)
        self._failing = True

    # --- writing a run ----------------------------------------------------------------------

    def attach(self, runner: Runner) -> bool:
        """Write every event of ``runner`` to the store, resuming its unfinished run if any.

        When the learner has an unfinished run of this scenario with this persona, ``runner``
        is put back at the start of the screen they were on (screens done, errors and hints
        restored) and its events go on in that run; what the new runner emitted before
        (``started``…) is not written. Otherwise a new run is started with all its events.

        Parameters
        ----------
        runner : Runner
            A runner just created for one of the workshop's scenarios.

        Returns
        -------
        bool
            True when an unfinished run was resumed. Before joining, nothing is written.
        """
        if not self.joined:
            return False
        runner.skip_lessons = self.skip_lessons
        scenario = runner.scenario
        previous = None
        # The events of a run left just before (abandoned on "Recommencer") come first.
        if self.outbox.flush():
            try:
                previous = self._open().resume_attempt(self.participant_id, scenario.id)
            except Exception as error:
                self._failed("looking for a run to resume", error)
        known = {s.id for s in scenario.screens}
        if (
            previous is not None
            and all(run.attempt_id != previous["id"] for run in self._runs)  # not one of ours
            and previous.get("persona_id") in (None, runner.persona.id)
            and previous.get("current_screen") in known
        ):
            try:
                rows = list(self._open().events_frame_rows(self.workshop_id))
            except Exception as error:
                self._failed("reading the run to resume", error)
            else:
                target = previous["current_screen"]
                done = screens_done(rows, previous["id"], known)
                run = Run(runner, self.participant_id, int(previous["id"]),
                          previous.get("screen_count"))
                self._runs.append(run)
                runner.subscribe(self.outbox.listener(run), replay=False)
                if target != scenario.screens[0].id:
                    runner.answer_cookies(False)  # answered long ago, on the first screen
                with self.outbox.batch():
                    return runner.resume(done, target, errors=int(previous.get("errors") or 0),
                                         hints=int(previous.get("hints") or 0))
        run = Run(runner, self.participant_id, None, runner.step()[1])
        self._runs.append(run)
        with self.outbox.batch():
            runner.subscribe(self.outbox.listener(run), replay=True)
        return False

    # --- the room ---------------------------------------------------------------------------

    def poll_once(self, *, alive: bool = True) -> list[Command]:
        """Write what waits, read the new commands, send a heartbeat when due; never raises.

        Call it about every second (an asyncio task in the learner's kernel). It applies only
        the skip of lessons and quizzes itself, to its runs; the widget layer applies the
        commands returned.

        Parameters
        ----------
        alive : bool
            Whether the learner's page showed a sign of life lately. A kernel outlives its
            closed tab: without a sign, no heartbeat is sent, and the facilitator's board
            shows the learner disconnected after ``DISCONNECTED_AFTER`` seconds.

        Returns
        -------
        list of Command
            The new commands for the room or for this learner, oldest first, then
            :class:`~bacasable.workshop.commands.HandAnswered` when the raised hand was answered.
        """
        if not self.joined or self.gone:
            return []
        written = self.outbox.flush()
        try:
            store = self._open()
            rows = store.commands_since(self.workshop_id, self.participant_id, self._after)
            answered = self._hand and not store.participant(self.participant_id)["hand_raised"]
        except Exception as error:
            self._failed("reading commands", error)
            return []
        commands = []
        for row in rows:
            self._after = max(self._after, int(row["id"]))
            command = parse_command(row)
            if isinstance(command, SkipLessons):
                self._skip(command)
            if command is not None:
                commands.append(command)
        if answered:
            self._hand = False
            commands.append(HandAnswered())
        beat = True
        if alive and self._clock() - self._last_beat >= self.heartbeat_every:
            beat = self.heartbeat()
        if written and beat and self._failing:
            log.info("workshop store reachable again")
            self._failing = False
        if self.device and self._clock() - self._owner_checked >= OWNER_CHECK_EVERY:
            self._owner_checked = self._clock()
            if not self.still_here():
                log.info("participant %s continues on another device", self.participant_id)
                self.moved = self.gone = True
                self.outbox.stop()
        return commands

    def heartbeat(self) -> bool:
        """Tell the store that this learner's page is alive; never raises.

        Returns
        -------
        bool
            False when it could not be told, or the participant no longer exists.
        """
        if not self.joined:
            return False
        try:
            alive = self._open().heartbeat(self.participant_id)
        except Exception as error:
            self._failed("heartbeat", error)
            return False
        self._last_beat = self._clock()
        if not alive:
            log.warning("participant %s no longer exists: the session stops", self.participant_id)
            self.gone = True
        return alive

    def raise_hand(self) -> Problem | None:
        """Raise the learner's hand on the facilitator's board.

        Returns
        -------
        Problem or None
            None when done; otherwise what to tell the learner.
        """
        return self._hand_to(True)

    def lower_hand(self) -> Problem | None:
        """Lower the learner's hand (recorded as answered, as the facilitator would).

        Returns
        -------
        Problem or None
            None when done; otherwise what to tell the learner.
        """
        return self._hand_to(False)

    def _hand_to(self, up: bool) -> Problem | None:
        if not self.joined:
            return Problem(MSG_HAND)
        try:
            store = self._open()
            if up:
                store.raise_hand(self.participant_id)
            else:
                store.answer_hand(self.participant_id)
        except Exception as error:
            self._failed("raising the hand" if up else "lowering the hand", error)
            return Problem(MSG_HAND)
        self._hand = up
        return None
