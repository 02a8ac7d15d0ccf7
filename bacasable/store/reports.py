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

if TYPE_CHECKING:  # pandas is imported on first use: a learner's kernel never needs it
    import pandas as pd

#: Runs whose events are read in one transaction: about 30 events each, so some 30 000 rows.
ATTEMPTS_PER_BATCH = 1000

MSG_PERIOD_DATE = "La période doit être donnée par des dates (jour, mois, année)."
MSG_PERIOD_ORDER = "La date de début de la période est après sa date de fin."


def _day(value: Any) -> dt.date | None:
    """Return a period bound as a date (a datetime gives its day)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise StoreError(MSG_PERIOD_DATE)


class _Reports(_Base):
    """What the reports read, as DataFrames (part of :class:`~bacasable.store.Store`).

    A selection is one workshop (``workshop_id``) or the workshops whose day lies between
    ``since`` and ``until`` (both included, either may be None). People who practised alone,
    outside any workshop, are not in any selection. Every method reads in short transactions.
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

    def report_workshops(
        self,
        workshop_id: int | None = None,
        since: dt.date | str | None = None,
        until: dt.date | str | None = None,
    ) -> pd.DataFrame:
        """Return the selected workshops, oldest day first.

        Parameters
        ----------
        workshop_id
            One workshop (a StoreError when it does not exist), or None.
        since, until
            The first and last day of the period (included), or None.

        Returns
        -------
        pandas.DataFrame
            Every column of ``workshops`` but the room's state (``paused``, ``message``…).

        Raises
        ------
        StoreError
            For an unknown workshop or a period that is not valid (French message).
        """
        w = t.workshops.c
        query = (
            select(
                w.id, w.join_code, w.title, w.place, w.date, w.scenario_ids, w.themes,
                w.level, w.duration_minutes, w.equipment, w.created_at, w.closed_at,
            )
            .where(w.id.in_(self._selection(workshop_id, since, until)))
            .order_by(w.date, w.id)
        )
        frame = self._frame(query)
        if workshop_id is not None and frame.empty:
            raise StoreError(MSG_UNKNOWN_WORKSHOP)
        return frame

    def report_participants(
        self,
        workshop_id: int | None = None,
        since: dt.date | str | None = None,
        until: dt.date | str | None = None,
    ) -> pd.DataFrame:
        """Return the participants of the selected workshops, in the order they joined.

        Returns
        -------
        pandas.DataFrame
            ``id``, ``workshop_id``, ``pseudonym``, ``created_at``, ``last_seen_at``.
        """
        p = t.participants.c
        query = (
            select(p.id, p.workshop_id, p.pseudonym, p.created_at, p.last_seen_at)
            .where(p.workshop_id.in_(self._selection(workshop_id, since, until)))
            .order_by(p.id)
        )
        return self._frame(query)

    def report_attempts(
        self,
        workshop_id: int | None = None,
        since: dt.date | str | None = None,
        until: dt.date | str | None = None,
    ) -> pd.DataFrame:
        """Return the runs of the selected workshops' participants, in the order they started.

        Returns
        -------
        pandas.DataFrame
            Every column of ``attempts`` plus the participant's ``workshop_id``.
        """
        a, p = t.attempts.c, t.participants.c
        query = (
            select(t.attempts, p.workshop_id)
            .join(t.participants, p.id == a.participant_id)
            .where(p.workshop_id.in_(self._selection(workshop_id, since, until)))
            .order_by(a.id)
        )
        return self._frame(query)

    def report_observations(
        self,
        workshop_id: int | None = None,
        since: dt.date | str | None = None,
        until: dt.date | str | None = None,
    ) -> pd.DataFrame:
        """Return the facilitators' observations in the selected workshops, oldest first.

        Returns
        -------
        pandas.DataFrame
            Every column of ``observations`` (``scenario_id`` when the schema has it) plus
            the learner's ``pseudonym``.
        """
        o, p = t.observations.c, t.participants.c
        query = (
            select(t.observations, p.pseudonym)
            .join(t.participants, p.id == o.participant_id)
            .where(o.workshop_id.in_(self._selection(workshop_id, since, until)))
            .order_by(o.created_at, o.id)
        )
        return self._frame(query)

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
            ``field_id``, ``error_kind``, ``hint_level``, ``seconds`` and ``at``; ``at`` is
            left as the database gives it (ISO text on SQLite) for a fast, vectorised parse.
        """
        e = t.events.c
        columns = select(
            e.id.label("event_id"), e.attempt_id, e.type, e.scenario_id, e.screen_id,
            e.field_id, e.error_kind, e.hint_level, e.seconds,
            # Parsing a million timestamps one by one in Python is what makes reads slow.
            type_coerce(e.at, String).label("at"),
        )
        ids = sorted(int(i) for i in attempt_ids)
        for start in range(0, len(ids), max(1, attempts_per_batch)):
            chunk = ids[start:start + attempts_per_batch]
            query = columns.where(e.attempt_id.in_(chunk)).order_by(e.attempt_id, e.id)
            yield self._frame(query)
