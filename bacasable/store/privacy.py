"""The learners' rights (RGPD): purge old workshops, export or delete what is stored on someone."""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

from sqlalchemy import and_, delete, func, literal, or_, select
from sqlalchemy.engine import Connection

from . import tables as t
from .base import _Base, _by_id
from .engine import _busy_timeout_pragma
from .errors import MSG_RETENTION, MSG_UNKNOWN_PARTICIPANT, StoreError
from .values import _jsonable, _row


class _Privacy(_Base):
    """Retention, export and deletion (part of :class:`~bacasable.store.Store`)."""

    def purge(self, older_than: dt.timedelta) -> int:
        """Delete the workshops closed (or, if never closed, created) more than ``older_than`` ago.

        With them go their participants, attempts, events, observations and commands. People
        who practised alone (no workshop) and were last seen before that are deleted too.

        Parameters
        ----------
        older_than
            How long data is kept, e.g. ``timedelta(days=30)``.

        Returns
        -------
        int
            The number of workshops deleted.
        """
        if not isinstance(older_than, dt.timedelta) or older_than < dt.timedelta(0):
            raise StoreError(MSG_RETENTION)
        cutoff = self.now() - older_than
        w, p = t.workshops.c, t.participants.c

        def write(conn: Connection) -> int:
            old = [
                r[0]
                for r in conn.execute(
                    select(w.id).where(func.coalesce(w.closed_at, w.created_at) < cutoff)
                )
            ]
            people = select(p.id).where(
                or_(
                    p.workshop_id.in_(old),
                    and_(p.workshop_id.is_(None), p.last_seen_at < cutoff),
                )
            )
            _delete_people(conn, people)
            conn.execute(delete(t.observations).where(t.observations.c.workshop_id.in_(old)))
            conn.execute(delete(t.commands).where(t.commands.c.workshop_id.in_(old)))
            conn.execute(delete(t.workshops).where(w.id.in_(old)))
            return len(old)

        count = self._write(write)
        self._checkpoint()
        return count

    def export_participant(self, participant_id: int) -> dict[str, Any]:
        """Return everything stored about one learner, ready for ``json.dumps``.

        Parameters
        ----------
        participant_id
            The learner.

        Returns
        -------
        dict
            ``participant``, ``workshop`` (its title, place and date only: not the others
            in it), ``attempts``, ``events``, ``observations``, ``commands`` (those addressed
            to them), ``exported_at``; times as ISO 8601 text.

        Raises
        ------
        StoreError
            When there is no such participant.
        """

        def read(conn: Connection) -> dict[str, Any]:
            person = _by_id(conn, t.participants, participant_id)
            if person is None:
                raise StoreError(MSG_UNKNOWN_PARTICIPANT)
            workshop = None
            if person.workshop_id is not None:
                w = t.workshops.c
                row = conn.execute(
                    select(w.id, w.title, w.place, w.date).where(w.id == person.workshop_id)
                ).first()
                workshop = None if row is None else _row(row)
            run_ids = select(t.attempts.c.id).where(t.attempts.c.participant_id == participant_id)
            theirs = (
                (t.attempts, t.attempts.c.participant_id == participant_id),
                (t.events, t.events.c.attempt_id.in_(run_ids)),
                (t.observations, t.observations.c.participant_id == participant_id),
                (t.commands, t.commands.c.participant_id == participant_id),
            )
            return {
                "participant": _row(person),
                "workshop": workshop,
                **{
                    table.name: [
                        _row(r)
                        for r in conn.execute(select(table).where(whose).order_by(table.c.id))
                    ]
                    for table, whose in theirs
                },
                "exported_at": self.now(),
            }

        return _jsonable(self._read(read))

    def delete_participant(self, participant_id: int) -> bool:
        """Delete a learner and everything stored about them.

        Parameters
        ----------
        participant_id
            The learner.

        Returns
        -------
        bool
            False when there was nobody to delete.
        """

        def write(conn: Connection) -> bool:
            return _delete_people(conn, select(literal(participant_id))) > 0

        deleted = self._write(write)
        if deleted:
            self._checkpoint()
        return deleted

    def _checkpoint(self) -> None:
        """After a deletion, copy the WAL into the database file and empty it (best effort).

        With ``secure_delete`` on, deleted rows are overwritten in the database file; the WAL
        may still hold the old pages until it is checkpointed. Waits at most one second for
        readers, and gives up silently otherwise (the next automatic checkpoint will do it).
        PostgreSQL has no such setting: its deleted rows stay in its files (and its WAL) until
        the space is reused; nothing is done there.
        """
        if not self._is_sqlite or self._lock_path is None:
            return
        with self._lock, contextlib.suppress(Exception), self.engine.connect() as conn:
            raw = conn.connection.dbapi_connection
            raw.execute("PRAGMA busy_timeout = 1000")
            try:
                raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
            finally:
                raw.execute(_busy_timeout_pragma())


def _delete_people(conn: Connection, people: Any) -> int:
    """Delete participants (a select of ids) and everything about them; return how many."""
    runs = select(t.attempts.c.id).where(t.attempts.c.participant_id.in_(people))
    conn.execute(delete(t.events).where(t.events.c.attempt_id.in_(runs)))
    conn.execute(delete(t.attempts).where(t.attempts.c.participant_id.in_(people)))
    conn.execute(delete(t.observations).where(t.observations.c.participant_id.in_(people)))
    conn.execute(delete(t.commands).where(t.commands.c.participant_id.in_(people)))
    return conn.execute(delete(t.participants).where(t.participants.c.id.in_(people))).rowcount
