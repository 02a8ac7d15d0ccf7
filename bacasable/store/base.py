"""The store's connection: opening, closing, short retried transactions and schema upgrades."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import Table, exc, insert, select, update
from sqlalchemy.engine import URL, Connection, Row, make_url
from sqlalchemy.sql import Select

from .engine import (
    _BEGIN_OPTION,
    WRITE_RETRIES,
    _current_revision,
    _is_busy,
    _make_engine,
    _migrate,
    _tunable,
)
from .errors import (
    MSG_BUSY,
    MSG_CLOSED_STORE,
    MSG_READ,
    MSG_UPGRADE,
    MSG_WRITE,
    StoreError,
)
from .owner import check_owner
from .values import _as_utc, utcnow

T = TypeVar("T")


class _Base:
    """The connection of a :class:`~bacasable.store.Store` and its transactions.

    The parameters are those of :class:`~bacasable.store.Store`; every part of the facade
    talks to the database through :meth:`_write` and :meth:`_read`.
    """

    def __init__(
        self,
        url: str | URL,
        *,
        upgrade: bool = True,
        clock: Callable[[], dt.datetime] | None = None,
        owner: str | None = "",
    ) -> None:
        self._owner = check_owner(owner)
        #: Workshops found by their join code: a learner's kernel reads the one it joins,
        #: whoever owns it (the code is what lets a learner in).
        self._found_by_code: set[int] = set()
        self._url = make_url(url)
        self._clock = clock or utcnow
        self._lock = threading.RLock()
        self._local = threading.local()
        self._closed = False
        #: The SQLAlchemy engine (one connection for SQLite).
        self.engine, self._lock_path = _make_engine(self._url)
        self._is_sqlite = self._url.get_backend_name() == "sqlite"
        dbapi = getattr(self.engine.dialect, "loaded_dbapi", None)
        self._dbapi_error: type[BaseException] = getattr(dbapi, "Error", None) or exc.DBAPIError
        self._write_engine = self.engine.execution_options(**{_BEGIN_OPTION: "IMMEDIATE"})
        if upgrade:
            try:
                self.upgrade()
            except BaseException:
                self.engine.dispose()
                raise

    @property
    def url(self) -> str:
        """The database URL, password hidden."""
        return self._url.render_as_string(hide_password=True)

    @property
    def owner(self) -> str:
        """The facilitator account the store is open for ("" on a laptop: every workshop)."""
        return self._owner

    def close(self) -> None:
        """Close the store's connection; the store cannot be used afterwards."""
        with self._lock:
            self._closed = True
            self.engine.dispose()

    def now(self) -> dt.datetime:
        """Return the store's current time (aware UTC)."""
        return _as_utc(self._clock(), utcnow())

    # --- transactions -----------------------------------------------------------------------

    def _run(
        self,
        fn: Callable[[Connection], T],
        *,
        write: bool,
        retry_conflicts: bool = False,
    ) -> T:
        """Run ``fn(conn)`` in one short transaction, retried on a locked database.

        Writes begin with ``BEGIN IMMEDIATE`` on SQLite. ``fn`` may run more than once (after
        a rollback): it must only talk to the database. With ``retry_conflicts`` an integrity
        error (a unique code or pseudonym taken by a concurrent writer) is tried again too.
        """
        current = getattr(self._local, "conn", None)
        if current is not None:  # a nested call in the same transaction
            return fn(current)
        failed = MSG_WRITE if write else MSG_READ
        for attempt in range(WRITE_RETRIES + 1):
            try:
                with self._lock:
                    if self._closed:
                        raise StoreError(MSG_CLOSED_STORE)
                    engine = self._write_engine if write else self.engine
                    with engine.connect() as conn:
                        self._local.conn = conn
                        try:
                            with conn.begin():
                                return fn(conn)
                        finally:
                            self._local.conn = None
            except StoreError:
                raise
            except exc.IntegrityError as error:
                if retry_conflicts and attempt < WRITE_RETRIES:
                    time.sleep(_tunable("_backoff")(attempt) / 10)
                    continue
                raise StoreError(MSG_WRITE) from error
            except exc.DBAPIError as error:
                if _is_busy(error) and attempt < WRITE_RETRIES:
                    time.sleep(_tunable("_backoff")(attempt))
                    continue
                raise StoreError(MSG_BUSY if _is_busy(error) else failed) from error
            except exc.SQLAlchemyError as error:
                raise StoreError(failed) from error
            except self._dbapi_error as error:  # a driver error SQLAlchemy did not wrap
                if _is_busy(error) and attempt < WRITE_RETRIES:
                    time.sleep(_tunable("_backoff")(attempt))
                    continue
                raise StoreError(failed) from error
        raise AssertionError("unreachable")  # pragma: no cover

    def _write(self, fn: Callable[[Connection], T], *, retry_conflicts: bool = False) -> T:
        return self._run(fn, write=True, retry_conflicts=retry_conflicts)

    def _read(self, fn: Callable[[Connection], T]) -> T:
        return self._run(fn, write=False)

    def _all(self, query: Select) -> list[Row]:
        """Return every row of ``query``, read in one transaction."""
        return self._read(lambda conn: conn.execute(query).all())

    def _get(self, table: Table, row_id: int, message: str) -> Row:
        """Return the row of ``table`` with this ``id``; a StoreError(``message``) if none."""
        row = self._read(lambda conn: _by_id(conn, table, row_id))
        if row is None:
            raise StoreError(message)
        return row

    # --- migrations -------------------------------------------------------------------------

    def revision(self) -> str | None:
        """Return the database's Alembic revision (None for an empty database).

        Returns
        -------
        str or None
            The revision id, e.g. ``"0001"``.
        """
        return self._read(_current_revision)

    def upgrade(self) -> None:
        """Bring the database's schema to the newest revision (nothing to do when it is).

        Safe when many kernels open the store at the same time: on SQLite a file lock beside
        the database serialises the first opens (including the switch to WAL), and the
        migration runs inside one ``BEGIN IMMEDIATE`` transaction that re-reads the revision;
        on PostgreSQL a transaction-scoped advisory lock does the same. The later kernels find
        the schema at head and do nothing. Alembic is imported only when a migration is due.

        Raises
        ------
        StoreError
            When the database cannot be migrated (or was made by a newer version).
        """
        with self._lock, _tunable("_file_lock")(self._lock_path):
            try:
                self._write(_migrate)
            except StoreError as error:
                if error.message in (MSG_WRITE, MSG_READ):
                    raise StoreError(MSG_UPGRADE) from error.__cause__
                raise


# --- one row by id, inside a transaction ----------------------------------------------------

#: Ids are ``Integer`` columns: 32 bits on PostgreSQL, which refuses to compare them with a
#: larger number (a typed id) instead of finding no row, as SQLite does.
_MAX_ID = 2**31 - 1


def _no_such_id(row_id: Any) -> bool:
    """Tell whether ``row_id`` is an integer too large to be the id of any row."""
    return isinstance(row_id, int) and not -_MAX_ID - 1 <= row_id <= _MAX_ID


def _by_id(conn: Connection, table: Table, row_id: Any, *, lock: bool = False) -> Row | None:
    """Return the row of ``table`` (every column) whose ``id`` is ``row_id``, or None.

    With ``lock`` the row stays locked until the transaction ends: other locking reads and
    writes of it wait (``SELECT … FOR NO KEY UPDATE`` on PostgreSQL, which lets rows that refer
    to it be written meanwhile; on SQLite, ``BEGIN IMMEDIATE`` already locks the database).
    """
    if _no_such_id(row_id):
        return None
    query = select(table).where(table.c.id == row_id)
    return conn.execute(query.with_for_update(key_share=True) if lock else query).first()


def _require(conn: Connection, table: Table, row_id: Any, message: str, *,
             lock: bool = False) -> None:
    """Raise a StoreError(``message``) when ``table`` has no row with this ``id``.

    ``lock``: as for :func:`_by_id`.
    """
    if _no_such_id(row_id):
        raise StoreError(message)
    query = select(table.c.id).where(table.c.id == row_id)
    if conn.scalar(query.with_for_update(key_share=True) if lock else query) is None:
        raise StoreError(message)


def _insert(conn: Connection, table: Table, **values: Any) -> int:
    """Insert one row into ``table``; return its id."""
    return conn.execute(insert(table).values(**values)).inserted_primary_key[0]


def _update(conn: Connection, table: Table, row_id: Any, **values: Any) -> int:
    """Update the row of ``table`` whose ``id`` is ``row_id``; return 1, or 0 when it is gone."""
    if _no_such_id(row_id):
        return 0
    return conn.execute(update(table).where(table.c.id == row_id).values(**values)).rowcount
