"""The facilitator's board: one tile per learner, and a cheap version to poll for changes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select

from . import tables as t
from .base import _Base
from .devices import HANDOVER_ASKED
from .values import _as_utc

#: Seconds without a heartbeat or an event after which a learner shows as disconnected.
DISCONNECTED_AFTER = 30


class _Board(_Base):
    """The room as the facilitator sees it (part of :class:`~bacasable.store.Store`)."""

    def room(
        self, workshop_id: int, now: dt.datetime | float | None = None
    ) -> list[dict[str, Any]]:
        """Return one tile per participant of a workshop, for the facilitator's board.

        Parameters
        ----------
        workshop_id
            The workshop.
        now
            The time to compute durations at (aware, naive UTC, or a POSIX timestamp);
            default: the store's clock.

        Returns
        -------
        list of dict
            In the order participants joined, with ``participant_id``, ``pseudonym``,
            ``attempt_id``, ``scenario_id``, ``persona_id``, ``screen_id``, ``screen_index``,
            ``screen_count``, ``errors``, ``hints`` (of their latest run), ``screen_errors``
            (the errors of that run on the screen it is on); ``idle_seconds``
            (since their last event, or the start of the run, or joining); ``seen_seconds``
            (since their last heartbeat or event); ``hand_raised`` and ``hand_waiting_seconds``;
            ``handover_asked`` (another device asks for this learner's run); ``done`` (latest
            run finished), ``abandoned``; ``disconnected`` (no heartbeat nor
            event for more than :data:`DISCONNECTED_AFTER` seconds); ``placement`` (the level
            their latest diagnostic advised, whatever they do now; None without one).
        """
        at = _as_utc(now, self.now())
        p, a = t.participants.c, t.attempts.c
        latest = (
            select(func.max(t.attempts.c.id))
            .where(t.attempts.c.participant_id == p.id)
            .correlate(t.participants)
            .scalar_subquery()
        )
        placed = t.attempts.alias("placed")
        placement = (
            select(placed.c.placement)
            .where(placed.c.participant_id == p.id, placed.c.placement.is_not(None))
            .order_by(placed.c.id.desc())
            .limit(1)
            .correlate(t.participants)
            .scalar_subquery()
        )
        e = t.events.c
        screen_errors = (  # errors of the latest run on the screen it is on now
            select(func.count(e.id))
            .where(e.attempt_id == a.id, e.type == "field_error", e.screen_id == a.current_screen)
            .correlate(t.attempts)
            .scalar_subquery()
        )
        query = (
            select(
                p.id.label("participant_id"),
                p.pseudonym,
                p.created_at.label("joined_at"),
                p.last_seen_at,
                p.hand_raised_at,
                p.hand_answered_at,
                p.handover_state,
                a.id.label("attempt_id"),
                a.scenario_id,
                a.persona_id,
                a.current_screen.label("screen_id"),
                a.screen_index,
                a.screen_count,
                a.errors,
                a.hints,
                screen_errors.label("screen_errors"),
                a.finished_at,
                a.abandoned_at,
                a.updated_at,
                placement.label("placement"),
            )
            .select_from(t.participants.outerjoin(t.attempts, a.id == latest))
            .where(p.workshop_id == workshop_id)
            .order_by(p.id)
        )
        rows = self._all(query)
        tiles = []
        for r in rows:
            activity = r.updated_at or r.joined_at
            seen = max(r.last_seen_at, activity)
            raised = r.hand_raised_at is not None and r.hand_answered_at is None
            tiles.append(
                {
                    "participant_id": r.participant_id,
                    "pseudonym": r.pseudonym,
                    "attempt_id": r.attempt_id,
                    "scenario_id": r.scenario_id,
                    "persona_id": r.persona_id,
                    "screen_id": r.screen_id,
                    "screen_index": r.screen_index,
                    "screen_count": r.screen_count,
                    "errors": r.errors or 0,
                    "hints": r.hints or 0,
                    "screen_errors": r.screen_errors or 0,
                    "idle_seconds": max(0.0, (at - activity).total_seconds()),
                    "seen_seconds": max(0.0, (at - seen).total_seconds()),
                    "hand_raised": raised,
                    "hand_waiting_seconds": (
                        max(0.0, (at - r.hand_raised_at).total_seconds()) if raised else None
                    ),
                    "handover_asked": r.handover_state == HANDOVER_ASKED,
                    "done": r.finished_at is not None,
                    "abandoned": r.abandoned_at is not None,
                    "disconnected": (at - seen).total_seconds() > DISCONNECTED_AFTER,
                    "placement": r.placement,
                }
            )
        return tiles

    def room_version(self, workshop_id: int) -> str:
        """Return a cheap value that changes whenever the room's stored data changes.

        The board polls it and refreshes its tiles only when it changed. It covers joins,
        departures (deletions), runs started, events recorded (every event updates its
        attempt's ``updated_at`` and counters), hands raised or answered and handovers asked.
        Durations (idle, disconnected) change with time alone: the board refreshes them on a
        timer.

        Parameters
        ----------
        workshop_id
            The workshop.

        Returns
        -------
        str
            An opaque text; compare it with the previous one.
        """
        p, a = t.participants.c, t.attempts.c
        query = (
            select(
                func.count(func.distinct(p.id)),
                func.max(p.id),
                func.max(p.hand_raised_at),
                func.max(p.hand_answered_at),
                func.max(p.handover_at),
                func.count(a.id),
                func.max(a.id),
                func.max(a.updated_at),
                func.coalesce(func.sum(a.errors + a.hints), 0),
            )
            .select_from(t.participants.outerjoin(t.attempts, a.participant_id == p.id))
            .where(p.workshop_id == workshop_id)
        )
        row = self._read(lambda conn: conn.execute(query).one())
        return "|".join("" if v is None else str(v) for v in row)
