"""Read-only queries for the reports: workshops, people, runs and events as pandas frames."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import String, select, type_coerce
from sqlalchemy.sql import Select

from . import tables as t
from .base import _Base
from .errors import MSG_UNKNOWN_WORKSHOP, StoreError
from .values import _parse_date

if TYPE_CHECKING:  # pandas is imported on first use: a learner's kernel never needs it
    import pandas as pd

#: Runs whose events are read in one transaction: about 30 events each, so some 30 000 rows.
ATTEMPTS_PER_BATCH = 1000

MSG_PERIOD_DATE = "La période doit être donnée par des dates (jour, mois, année)."
MSG_PERIOD_ORDER = "La date de début de la période est après sa date de fin."


def _day(value: Any) -> dt.date | None:
    """Return a period bound as a date (a datetime gives its day), or None."""
    return None if value is None else _parse_date(value, MSG_PERIOD_DATE)


def _workshops(selection: Select) -> Select:
    w = t.workshops.c
    return (
        select(
            w.id, w.join_code, w.title, w.place, w.date, w.scenario_ids, w.themes,
            w.level, w.duration_minutes, w.equipment, w.created_at, w.closed_at,
        )
        .where(w.id.in_(selection))
        .order_by(w.date, w.id)
    )


def _participants(selection: Select) -> Select:
    p = t.participants.c
    return (
        select(p.id, p.workshop_id, p.pseudonym, p.created_at, p.last_seen_at)
        .where(p.workshop_id.in_(selection))
        .order_by(p.id)
    )


def _attempts(selection: Select) -> Select:
    a, p = t.attempts.c, t.participants.c
    return (
        select(t.attempts, p.workshop_id)
        .join(t.participants, p.id == a.participant_id)
        .where(p.workshop_id.in_(selection))
        .order_by(a.id)
    )


def _observations(selection: Select) -> Select:
    o, p = t.observations.c, t.participants.c
    return (
        select(t.observations, p.pseudonym)
        .join(t.participants, p.id == o.participant_id)
        .where(o.workshop_id.in_(selection))
        .order_by(o.created_at, o.id)
    )


_QUERIES = {
    "workshops": _workshops,
    "participants": _participants,
    "attempts": _attempts,
    "observations": _observations,
}
#: The tables :meth:`_Reports.report_table` reads, in the order a report reads them.
REPORT_TABLES = tuple(_QUERIES)


class _Reports(_Base):
    """What the reports read, as DataFrames (part of :class:`~bacasable.store.Store`).

    A selection is one workshop (``workshop_id``) or the workshops whose day lies between
    ``since`` and ``until`` (both included, either may be None), among the store's owner's
    workshops when it has one. People who practised alone, outside any workshop, are not in any
    selection. Every method reads in short transactions.
    """

    def _selection(
        self,
        workshop_id: int | None,
        since: dt.date | str | None,
        until: dt.date | str | None,
    ) -> Select:
        """Return ``SELECT id FROM workshops`` for the selection (checking its bounds)."""
        first, last = _day(since), _day(until)
        if first is not None and last is not None and first > last:
            raise StoreError(MSG_PERIOD_ORDER)
        w = t.workshops.c
        query = select(w.id)
        if self.owner:  # a facilitator's reports: their own workshops only
            query = query.where(w.owner == self.owner)
        if workshop_id is not None:
            query = query.where(w.id == workshop_id)
        if first is not None:
            query = query.where(w.date >= first)
        if last is not None:
            query = query.where(w.date <= last)
        return query

    def _frame(self, query: Select) -> pd.DataFrame:
        import pandas as pd

        return self._read(lambda conn: pd.read_sql(query, conn))

    def report_table(
        self,
        table: str,
        workshop_id: int | None = None,
        since: dt.date | str | None = None,
        until: dt.date | str | None = None,
    ) -> pd.DataFrame:
        """Return one table of the selection, in the order of :data:`REPORT_TABLES`' queries.

        Parameters
        ----------
        table
            One of :data:`REPORT_TABLES`: ``workshops`` (oldest day first, without the room's
            state), ``participants`` (in the order they joined), ``attempts`` (every column
            plus the participant's ``workshop_id``, in the order they started) or
            ``observations`` (every column plus the learner's ``pseudonym``, oldest first).
        workshop_id
            One workshop (a StoreError when it does not exist), or None.
        since, until
            The first and last day of the period (included), or None.

        Raises
        ------
        StoreError
            For an unknown workshop or a period that is not valid (French message).
        """
        query = _QUERIES[table](self._selection(workshop_id, since, until))
        frame = self._frame(query)
        if table == "workshops" and workshop_id is not None and frame.empty:
            raise StoreError(MSG_UNKNOWN_WORKSHOP)
        return frame

    def report_event_batches(
        self,
        attempt_ids: Sequence[int],
        *,
        attempts_per_batch: int = ATTEMPTS_PER_BATCH,
    ) -> Iterator[pd.DataFrame]:
        """Yield the events of these runs, a few runs at a time (one transaction each).

        A batch holds the events of ``attempts_per_batch`` runs, ordered by run then by
        event id: the caller never holds more than one batch of raw rows.

        Parameters
        ----------
        attempt_ids
            The runs (e.g. the ``id`` column of :meth:`report_attempts`).
        attempts_per_batch
            Runs read per transaction.

        Yields
        ------
        pandas.DataFrame
            ``event_id``, ``attempt_id``, ``type``, ``scenario_id``, ``screen_id``,
            ``field_id``, ``error_kind``, ``hint_level``, ``seconds``, ``answer_id``,
            ``correct``, ``first_time`` and ``at``; ``at`` is
            left as the database gives it (ISO text on SQLite) for a fast, vectorised parse.
        """
        e = t.events.c
        columns = select(
            e.id.label("event_id"), e.attempt_id, e.type, e.scenario_id, e.screen_id,
            e.field_id, e.error_kind, e.hint_level, e.seconds, e.answer_id, e.correct,
            e.first_time,
            # Parsing a million timestamps one by one in Python is what makes reads slow.
            type_coerce(e.at, String).label("at"),
        )
        ids = sorted(int(i) for i in attempt_ids)
        for start in range(0, len(ids), max(1, attempts_per_batch)):
            chunk = ids[start:start + attempts_per_batch]
            query = columns.where(e.attempt_id.in_(chunk)).order_by(e.attempt_id, e.id)
            yield self._frame(query)
