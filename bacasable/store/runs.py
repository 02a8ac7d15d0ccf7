"""Runs of a scenario (attempts) and their events, recorded and read back for reports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import func, literal, select
from sqlalchemy.engine import Connection

from bacasable.run.events import RunEvent

from . import tables as t
from .base import _Base, _insert, _require, _update
from .errors import MSG_UNKNOWN_ATTEMPT, MSG_UNKNOWN_PARTICIPANT, StoreError
from .values import _check_count, _event_row, _identifier, _row, _since


class _Runs(_Base):
    """The attempts and their events (part of :class:`~bacasable.store.Store`)."""

    def start_attempt(
        self,
        participant_id: int,
        scenario_id: str,
        persona_id: str | None,
        screen_count: int | None,
    ) -> int:
        """Start a run of a scenario.

        Parameters
        ----------
        participant_id
            The learner.
        scenario_id
            The scenario.
        persona_id
            The persona played.
        screen_count
            Number of screens on the expected path (None if unknown).

        Returns
        -------
        int
            The attempt id.

        Raises
        ------
        StoreError
            When there is no such participant or a value is not valid.
        """
        scenario_id = _identifier(scenario_id)
        persona_id = _identifier(persona_id, optional=True)
        _check_count(screen_count)

        def write(conn: Connection) -> int:
            now = self.now()
            _require(conn, t.participants, participant_id, MSG_UNKNOWN_PARTICIPANT)
            return _insert(
                conn,
                t.attempts,
                participant_id=participant_id,
                scenario_id=scenario_id,
                persona_id=persona_id,
                started_at=now,
                updated_at=now,
                screen_count=screen_count,
                errors=0,
                hints=0,
            )

        return self._write(write)

    def attempt(self, attempt_id: int) -> dict[str, Any]:
        """Return one attempt.

        Parameters
        ----------
        attempt_id
            Its id.

        Returns
        -------
        dict
            Every column of ``attempts``.

        Raises
        ------
        StoreError
            When there is no such attempt.
        """
        return _row(self._get(t.attempts, attempt_id, MSG_UNKNOWN_ATTEMPT))

    def resume_attempt(self, participant_id: int, scenario_id: str) -> dict[str, Any] | None:
        """Return the learner's latest unfinished (and not abandoned) run of a scenario.

        Parameters
        ----------
        participant_id
            The learner.
        scenario_id
            The scenario.

        Returns
        -------
        dict or None
            Every column of ``attempts`` (``current_screen``, ``screen_index``,
            ``screen_count``, ``errors``, ``hints``…), or None when there is none to resume.
        """
        a = t.attempts.c
        rows = self._all(
            select(t.attempts)
            .where(
                a.participant_id == participant_id,
                a.scenario_id == scenario_id,
                a.finished_at.is_(None),
                a.abandoned_at.is_(None),
            )
            .order_by(a.id.desc())
            .limit(1)
        )
        return _row(rows[0]) if rows else None

    def record_event(
        self,
        attempt_id: int,
        event: RunEvent,
        screen_index: int | None = None,
        screen_count: int | None = None,
    ) -> int:
        """Record one event of a run (one transaction); see :meth:`record_events`.

        Parameters
        ----------
        attempt_id
            The run.
        event
            The event.
        screen_index, screen_count
            Where the learner is on the expected path now (``Runner.step()``), if known.

        Returns
        -------
        int
            The id of the stored event.
        """
        return self.record_events(attempt_id, [event], screen_index, screen_count)[0]

    def record_events(
        self,
        attempt_id: int,
        events: Iterable[RunEvent],
        screen_index: int | None = None,
        screen_count: int | None = None,
    ) -> list[int]:
        """Record events of a run and update the run's counters, in one short transaction.

        The attempt gets: ``errors`` + the ``field_error`` events, ``hints`` + the
        ``hint_shown`` events, ``current_screen`` = the last screen id seen, ``finished_at`` /
        ``abandoned_at`` on a ``finished`` / ``abandoned`` event, ``placement`` = the level of
        a ``placed`` event (a diagnostic's end), ``screen_index`` /
        ``screen_count`` when given, ``updated_at`` = now. Only the fields of
        :class:`~bacasable.run.events.RunEvent` are stored: ids, kinds, counts and times.

        Parameters
        ----------
        attempt_id
            The run.
        events
            The events, in order.
        screen_index, screen_count
            Where the learner is on the expected path now, if known.

        Returns
        -------
        list of int
            The ids of the stored events, in order.

        Raises
        ------
        StoreError
            For an unknown attempt or an event that is not valid (nothing is stored then).
        """
        rows = [_event_row(e) for e in events]
        _check_count(screen_index)
        _check_count(screen_count)
        if not rows:
            return []
        values: dict[str, Any] = {}
        errors = sum(r["type"] == "field_error" for r in rows)
        hints = sum(r["type"] == "hint_shown" for r in rows)
        a = t.attempts.c
        if errors:
            values["errors"] = a.errors + errors
        if hints:
            values["hints"] = a.hints + hints
        screens = [r["screen_id"] for r in rows if r["screen_id"]]
        if screens:
            values["current_screen"] = screens[-1]
        if screen_index is not None:
            values["screen_index"] = screen_index
        if screen_count is not None:
            values["screen_count"] = screen_count
        for kind, column in (("finished", "finished_at"), ("abandoned", "abandoned_at")):
            ends = [r["at"] for r in rows if r["type"] == kind]
            if ends:
                values[column] = func.coalesce(a[column], literal(ends[0], t.UTCDateTime))
        placed = [r["level"] for r in rows if r["type"] == "placed" and r["level"]]
        if placed:
            values["placement"] = placed[-1]

        def write(conn: Connection) -> list[int]:
            values["updated_at"] = self.now()
            if not _update(conn, t.attempts, attempt_id, **values):
                raise StoreError(MSG_UNKNOWN_ATTEMPT)
            return [_insert(conn, t.events, attempt_id=attempt_id, **row) for row in rows]

        return self._write(write)

    # --- reports ----------------------------------------------------------------------------

    def events_frame_rows(
        self,
        workshop_id: int | None = None,
        since: dt.datetime | dt.date | None = None,
        *,
        batch_size: int = 2000,
    ) -> Iterator[dict[str, Any]]:
        """Yield the stored events as plain rows, for reports (``pandas.DataFrame(rows)``).

        Rows are read in batches of short transactions (no transaction stays open while the
        caller consumes them).

        Parameters
        ----------
        workshop_id
            Only the events of this workshop's participants (None: all).
        since
            Only the events at or after this time.
        batch_size
            Rows read per transaction.

        Yields
        ------
        dict
            ``event_id``, ``attempt_id``, ``participant_id``, ``workshop_id``, ``persona_id``,
            ``type``, ``scenario_id``, ``screen_id``, ``field_id``, ``error_kind``,
            ``hint_level``, ``seconds``, ``answer_id``, ``correct``, ``first_time``, ``at``.
            No pseudonym: join with :meth:`participants`
            when a report needs one.
        """
        e, a, p = t.events.c, t.attempts.c, t.participants.c
        base = (
            select(
                e.id.label("event_id"),
                e.attempt_id,
                a.participant_id,
                p.workshop_id,
                a.persona_id,
                e.type,
                e.scenario_id,
                e.screen_id,
                e.field_id,
                e.error_kind,
                e.hint_level,
                e.seconds,
                e.answer_id,
                e.correct,
                e.first_time,
                e.at,
            )
            .join(t.attempts, a.id == e.attempt_id)
            .join(t.participants, p.id == a.participant_id)
            .order_by(e.id)
            .limit(batch_size)
        )
        if workshop_id is not None:
            base = base.where(p.workshop_id == workshop_id)
        start = _since(since)
        if start is not None:
            base = base.where(e.at >= start)
        last = 0
        while True:
            rows = self._all(base.where(e.id > last))
            for r in rows:
                yield _row(r)
            if len(rows) < batch_size:
                return
            last = rows[-1].event_id
