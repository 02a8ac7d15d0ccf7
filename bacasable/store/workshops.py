"""Workshops: creating them with a join code, finding, listing and closing them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.engine import Connection, Row

from . import tables as t
from .base import _Base, _by_id, _insert, _require
from .engine import _tunable
from .errors import (
    MAX_EXPECTED,
    MSG_DURATION,
    MSG_EXPECTED,
    MSG_PLACE,
    MSG_TITLE,
    MSG_UNKNOWN_CODE,
    MSG_UNKNOWN_WORKSHOP,
    StoreError,
)
from .values import (
    _identifier,
    _parse_date,
    _plain,
    _short_list,
    _since,
    _workshop_dict,
    normalise_join_code,
)


class _Workshops(_Base):
    """The workshops (part of :class:`~bacasable.store.Store`)."""

    def create_workshop(
        self,
        title: str,
        place: str,
        date: dt.date | str,
        scenario_ids: Sequence[str],
        themes: Sequence[str] = (),
        level: str = "debutant",
        duration_minutes: int = 120,
        equipment: Sequence[str] = (),
        expected_learners: int | None = None,
    ) -> dict[str, Any]:
        """Create a workshop with a new, unique join code.

        Parameters
        ----------
        title
            Title of the workshop (1 to 200 characters).
        place
            Where it takes place (200 characters at most).
        date
            Its day, as a date or ``"AAAA-MM-JJ"``.
        scenario_ids
            The scenarios proposed, in order.
        themes
            Short theme labels.
        level
            Level of the group (``"debutant"``…).
        duration_minutes
            Planned length, 1 to 1440 minutes.
        equipment
            Equipment needed (``"ordinateur"``, ``"tablette"``…).
        expected_learners
            How many learners are expected, 1 to :data:`MAX_EXPECTED` (the server warms as
            many kernels); None when not said.

        Returns
        -------
        dict
            The workshop, as :meth:`workshop` returns it.

        Raises
        ------
        StoreError
            When a value is not valid.
        """
        title = _plain(title).strip() if isinstance(title, str) else ""
        if not title or len(title) > 200:
            raise StoreError(MSG_TITLE)
        place = "" if place is None else place
        if not isinstance(place, str) or len(_plain(place).strip()) > 200:
            raise StoreError(MSG_PLACE)
        place = _plain(place).strip()
        day = _parse_date(date)
        if (
            isinstance(duration_minutes, bool)
            or not isinstance(duration_minutes, int)
            or not 1 <= duration_minutes <= 1440
        ):
            raise StoreError(MSG_DURATION)
        if expected_learners is not None and (
            isinstance(expected_learners, bool)
            or not isinstance(expected_learners, int)
            or not 1 <= expected_learners <= MAX_EXPECTED
        ):
            raise StoreError(MSG_EXPECTED)
        values = {
            "title": title,
            "place": place,
            "date": day,
            "scenario_ids": _short_list(scenario_ids),
            "themes": _short_list(themes),
            "level": _identifier(level)[:40],
            "duration_minutes": duration_minutes,
            "equipment": _short_list(equipment),
            "paused": False,
            "owner": self.owner,
            "expected_learners": expected_learners,
        }

        def write(conn: Connection) -> Row:
            now = self.now()
            for _ in range(50):
                code = _tunable("new_join_code")()
                taken = conn.scalar(
                    select(t.workshops.c.id).where(t.workshops.c.join_code == code)
                )
                if taken is None:
                    break
            wid = _insert(conn, t.workshops, join_code=code, created_at=now, **values)
            return _by_id(conn, t.workshops, wid)

        return _workshop_dict(self._write(write, retry_conflicts=True))

    def workshop(self, workshop_id: int) -> dict[str, Any]:
        """Return a workshop.

        Parameters
        ----------
        workshop_id
            Its id.

        Returns
        -------
        dict
            Every column of ``workshops`` (lists as lists, times as aware UTC datetimes),
            plus ``open`` (not closed).

        Raises
        ------
        StoreError
            When there is no such workshop, or it is another owner's (see :class:`Store`)
            and was not found here by its code.
        """
        row = self._get(t.workshops, workshop_id, MSG_UNKNOWN_WORKSHOP)
        if not self._may_read(row):
            raise StoreError(MSG_UNKNOWN_WORKSHOP)
        return _workshop_dict(row)

    def _may_read(self, row: Row) -> bool:
        """Whether this store may read the workshop ``row``: its own, or one found by code."""
        return not self.owner or row.owner == self.owner or row.id in self._found_by_code

    def _owned(self, query: Any) -> Any:
        """Return ``query`` restricted to this store's owner's workshops (all without one)."""
        return query.where(t.workshops.c.owner == self.owner) if self.owner else query

    def workshop_by_code(self, code: str) -> dict[str, Any]:
        """Return the open workshop with this join code.

        Parameters
        ----------
        code
            The join code as typed: case and spaces (or dashes) do not matter.

        Returns
        -------
        dict
            The workshop, as :meth:`workshop` returns it.

        Raises
        ------
        StoreError
            "Ce code ne correspond à aucun atelier ouvert." when no open workshop has it.
        """
        normalised = normalise_join_code(code)
        if normalised is None:
            raise StoreError(MSG_UNKNOWN_CODE)
        rows = self._all(
            select(t.workshops).where(
                t.workshops.c.join_code == normalised, t.workshops.c.closed_at.is_(None)
            )
        )
        if not rows:
            raise StoreError(MSG_UNKNOWN_CODE)
        # Whoever owns it: the code is what lets a learner in; the join reads it back by id.
        self._found_by_code.add(rows[0].id)
        return _workshop_dict(rows[0])

    def list_workshops(
        self, since: dt.datetime | dt.date | None = None
    ) -> list[dict[str, Any]]:
        """Return the workshops, newest first (only its owner's, for a store with one).

        Parameters
        ----------
        since
            Only those created at or after this time (a date means its midnight UTC).

        Returns
        -------
        list of dict
            Workshops as :meth:`workshop` returns them, plus ``participant_count``.
        """
        count = (
            select(func.count(t.participants.c.id))
            .where(t.participants.c.workshop_id == t.workshops.c.id)
            .scalar_subquery()
            .label("participant_count")
        )
        query = select(t.workshops, count).order_by(
            t.workshops.c.created_at.desc(), t.workshops.c.id.desc()
        )
        start = _since(since)
        if start is not None:
            query = query.where(t.workshops.c.created_at >= start)
        return [_workshop_dict(r) for r in self._all(self._owned(query))]

    def close_workshop(self, workshop_id: int) -> dict[str, Any]:
        """Close a workshop: nobody can join it any more (those in it may finish).

        Parameters
        ----------
        workshop_id
            Its id.

        Returns
        -------
        dict
            The closed workshop.

        Raises
        ------
        StoreError
            When there is no such workshop (or it is another owner's).
        """
        now = self.now()

        def write(conn: Connection) -> Row:
            _require(conn, t.workshops, workshop_id, MSG_UNKNOWN_WORKSHOP)
            if self.owner and _by_id(conn, t.workshops, workshop_id).owner != self.owner:
                raise StoreError(MSG_UNKNOWN_WORKSHOP)  # only its owner closes it
            conn.execute(
                update(t.workshops)
                .where(t.workshops.c.id == workshop_id, t.workshops.c.closed_at.is_(None))
                .values(closed_at=now)
            )
            return _by_id(conn, t.workshops, workshop_id)

        return _workshop_dict(self._write(write))
