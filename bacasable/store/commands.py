"""Commands from the facilitator to the room or one learner: pause, message, go to, hint."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.engine import Connection

from . import tables as t
from .base import _Base, _insert, _require, _update
from .errors import MSG_MESSAGE_LONG, MSG_NOT_IN_WORKSHOP, MSG_UNKNOWN_WORKSHOP, StoreError
from .values import _identifier, _plain, _row

#: Marker for "the time of the write" in the workshop values of a command.
_NOW = object()


class _Commands(_Base):
    """The facilitator's commands (part of :class:`~bacasable.store.Store`)."""

    def _command(
        self,
        workshop_id: int,
        kind: str,
        payload: dict[str, Any],
        participant_id: int | None,
        workshop_values: dict[str, Any] | None = None,
    ) -> int:
        """Write a command (and the room's new state) in one transaction; return its id."""
        now = self.now()

        def write(conn: Connection) -> int:
            # The workshop stays locked until the commit: on PostgreSQL too, its commands are
            # committed in the order of their ids, so that a learner's kernel asking for those
            # after the last id it saw (commands_since) never misses one committed late.
            _require(conn, t.workshops, workshop_id, MSG_UNKNOWN_WORKSHOP, lock=True)
            if participant_id is not None:
                found = conn.scalar(
                    select(t.participants.c.workshop_id).where(
                        t.participants.c.id == participant_id
                    )
                )
                if found != workshop_id:
                    raise StoreError(MSG_NOT_IN_WORKSHOP)
            elif workshop_values:
                values = {k: (now if v is _NOW else v) for k, v in workshop_values.items()}
                _update(conn, t.workshops, workshop_id, **values)
            return _insert(
                conn,
                t.commands,
                workshop_id=workshop_id,
                participant_id=participant_id,
                kind=kind,
                payload=payload,
                created_at=now,
            )

        return self._write(write)

    def set_pause(self, workshop_id: int, paused: bool) -> int:
        """Pause or resume the whole room.

        Parameters
        ----------
        workshop_id
            The workshop.
        paused
            True to pause, False to resume.

        Returns
        -------
        int
            The id of the ``pause`` or ``resume`` command written.
        """
        paused = bool(paused)
        return self._command(
            workshop_id, "pause" if paused else "resume", {}, None, {"paused": paused}
        )

    def set_skip_lessons(self, workshop_id: int, skip: bool) -> int:
        """Skip the lessons and quizzes of the scenarios for the whole room, or play them again.

        Parameters
        ----------
        workshop_id
            The workshop.
        skip
            True: the learners' runs leave out the screens of role ``lesson`` and ``quiz``.

        Returns
        -------
        int
            The id of the ``lessons`` command written (payload ``{"skip": …}``); the workshop's
            ``skip_lessons`` becomes ``skip``, for those who join later.
        """
        skip = bool(skip)
        return self._command(workshop_id, "lessons", {"skip": skip}, None, {"skip_lessons": skip})

    def send_message(
        self, workshop_id: int, text: str, participant_id: int | None = None
    ) -> int:
        """Show a short message to the room (or to one learner).

        A message to the room also becomes the workshop's ``message`` (an empty text clears
        it), so that a learner who joins later sees it.

        Parameters
        ----------
        workshop_id
            The workshop.
        text
            The message, 280 characters at most.
        participant_id
            The learner addressed; None for the whole room.

        Returns
        -------
        int
            The id of the ``message`` command written.
        """
        if not isinstance(text, str):
            raise StoreError(MSG_MESSAGE_LONG)
        text = _plain(text).strip()
        if len(text) > t.MESSAGE_LENGTH:
            raise StoreError(MSG_MESSAGE_LONG)
        return self._command(
            workshop_id,
            "message",
            {"text": text},
            participant_id,
            {"message": text or None, "message_at": _NOW},
        )

    def bring_to_screen(
        self, workshop_id: int, screen_id: str, participant_id: int | None = None
    ) -> int:
        """Bring the room (or one learner) to a screen.

        Parameters
        ----------
        workshop_id
            The workshop.
        screen_id
            The screen id; for the whole room it becomes the workshop's ``focus_screen``.
        participant_id
            The learner addressed; None for the whole room.

        Returns
        -------
        int
            The id of the ``goto`` command written.
        """
        screen_id = _identifier(screen_id)
        return self._command(
            workshop_id,
            "goto",
            {"screen_id": screen_id},
            participant_id,
            {"focus_screen": screen_id, "focus_at": _NOW},
        )

    def reveal_hint(
        self,
        workshop_id: int,
        participant_id: int | None = None,
        field_id: str | None = None,
    ) -> int:
        """Show the next hint to the room (or to one learner).

        Parameters
        ----------
        workshop_id
            The workshop.
        participant_id
            The learner addressed; None for the whole room.
        field_id
            The field whose hint to show; None lets the learner's page choose.

        Returns
        -------
        int
            The id of the ``hint`` command written.
        """
        payload = {} if field_id is None else {"field_id": _identifier(field_id)}
        return self._command(workshop_id, "hint", payload, participant_id)

    def commands_since(
        self, workshop_id: int, participant_id: int | None, after_id: int = 0
    ) -> list[dict[str, Any]]:
        """Return the commands a learner has not seen yet, oldest first.

        Parameters
        ----------
        workshop_id
            The workshop.
        participant_id
            The learner: commands to the whole room and to them. None: room commands only.
        after_id
            The id of the last command already seen (0 for all;
            :meth:`last_command_id` on joining, to skip the old ones).

        Returns
        -------
        list of dict
            ``id``, ``kind``, ``payload``, ``participant_id``, ``created_at``.
        """
        c = t.commands.c
        target = c.participant_id.is_(None)
        if participant_id is not None:
            target = or_(target, c.participant_id == participant_id)
        query = (
            select(c.id, c.kind, c.payload, c.participant_id, c.created_at)
            .where(c.workshop_id == workshop_id, c.id > int(after_id or 0), target)
            .order_by(c.id)
        )
        return [_row(r) for r in self._all(query)]

    def last_command_id(self, workshop_id: int) -> int:
        """Return the id of the workshop's latest command (0 when there is none).

        Parameters
        ----------
        workshop_id
            The workshop.

        Returns
        -------
        int
            The id to give :meth:`commands_since` as ``after_id``.
        """
        value = self._read(
            lambda conn: conn.scalar(
                select(func.max(t.commands.c.id)).where(t.commands.c.workshop_id == workshop_id)
            )
        )
        return int(value or 0)
