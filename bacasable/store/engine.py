"""Engines for SQLite and PostgreSQL: pragmas, ``BEGIN IMMEDIATE``, locks, retries, migrations."""

from __future__ import annotations

import contextlib
import os
import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from sqlalchemy import create_engine, event, inspect
from sqlalchemy.engine import URL, Connection, Engine
from sqlalchemy.pool import StaticPool

from .errors import MSG_TOO_NEW, StoreError
from .migrations import HEAD_REVISION, VERSION_TABLE

#: How long SQLite waits for another kernel's write lock before giving up (seconds).
BUSY_TIMEOUT = 30.0

#: How many times a write that met a locked database is tried again.
WRITE_RETRIES = 5

#: How long a kernel waits for the file lock of a first open (seconds); after that it goes on,
#: relying on the database's own lock.
OPEN_LOCK_TIMEOUT = 60.0

#: PostgreSQL advisory lock taken while migrating ("bacas" in ASCII).
_PG_MIGRATION_LOCK = 0x6261636173

#: Execution option carrying the ``BEGIN`` mode of a SQLite transaction.
_BEGIN_OPTION = "bacasable_sqlite_begin"


def _tunable(name: str) -> Any:
    """Return ``bacasable.store.<name>``, looked up at call time.

    ``BUSY_TIMEOUT``, ``_backoff``, ``_file_lock`` and ``new_join_code`` are read through the
    package rather than bound at import, so that patching them on :mod:`bacasable.store` (as
    the tests do, for short timeouts or predictable codes) reaches every module of it.
    """
    return getattr(sys.modules[__package__], name)


def _busy_timeout_pragma() -> str:
    """Return the ``PRAGMA`` that sets SQLite's wait for a lock to :data:`BUSY_TIMEOUT`."""
    return f"PRAGMA busy_timeout = {int(_tunable('BUSY_TIMEOUT') * 1000)}"


def _is_busy(error: BaseException) -> bool:
    """Tell whether an error is a lock or serialisation conflict worth trying again."""
    if getattr(error, "connection_invalidated", False):
        return True
    text = str(getattr(error, "orig", error)).lower()
    if "database is locked" in text or "database table is locked" in text or "busy" in text:
        return True
    code = getattr(getattr(error, "orig", None), "pgcode", None) or getattr(
        getattr(error, "orig", None), "sqlstate", None
    )
    # Serialisation failure, deadlock, lock wait over ``lock_timeout`` (PostgreSQL).
    return code in {"40001", "40P01", "55P03"}


def _backoff(attempt: int) -> float:
    return min(2.0, 0.05 * 2**attempt) * (0.5 + random.random())


def _lock_file(handle: IO[bytes], lock: bool) -> None:
    """Take (without waiting; OSError when held elsewhere) or release an exclusive file lock."""
    if os.name == "nt":  # pragma: no cover - Windows
        import msvcrt

        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK if lock else msvcrt.LK_UNLCK, 1)
    else:
        import fcntl

        fcntl.flock(handle.fileno(), (fcntl.LOCK_EX | fcntl.LOCK_NB) if lock else fcntl.LOCK_UN)


@contextlib.contextmanager
def _file_lock(path: Path | None, timeout: float = OPEN_LOCK_TIMEOUT) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (a file beside the database), best effort.

    When the file cannot be created (read-only folder) or the lock cannot be had within
    ``timeout`` seconds, go on without it: the database's own write lock still serialises
    the migrations; the file lock only spares concurrent first opens a burst of retries.
    """
    if path is None:
        yield
        return
    try:
        handle = open(path, "a+b")  # noqa: SIM115
    except OSError:
        yield
        return
    locked = False
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                _lock_file(handle, True)
                locked = True
                break
            except OSError:
                if time.monotonic() > deadline:
                    break
                time.sleep(0.01 + random.random() * 0.02)
        yield
    finally:
        if locked:
            with contextlib.suppress(OSError):
                _lock_file(handle, False)
        handle.close()


def _sqlite_file(url: URL) -> Path | None:
    """Return the database file of a SQLite URL; None for an in-memory database."""
    database = url.database or ""
    if database in ("", ":memory:") or url.query.get("mode") == "memory":
        return None
    if database.startswith("file:"):
        database = database[5:].split("?", 1)[0]
    return Path(database)


def _make_engine(url: URL) -> tuple[Engine, Path | None]:
    """Create the engine of one kernel: one SQLite connection, or a tiny PostgreSQL pool.

    Returns the engine and, for a SQLite file, the path of the lock file beside it.
    """
    backend = url.get_backend_name()
    if backend == "sqlite":
        path = _sqlite_file(url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            # One connection per kernel, also for ":memory:" (which lives in it): the store's
            # lock serialises the kernel's threads and asyncio tasks on it.
            poolclass=StaticPool,
            connect_args={"check_same_thread": False, "timeout": _tunable("BUSY_TIMEOUT")},
        )
        wal = path is not None

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection, _record) -> None:
            # We emit BEGIN ourselves (see _on_begin): pysqlite must not.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            try:
                cursor.execute(_busy_timeout_pragma())
                cursor.execute("PRAGMA foreign_keys = ON")
                if wal:
                    for attempt in range(WRITE_RETRIES + 1):
                        try:
                            cursor.execute("PRAGMA journal_mode = WAL")
                            break
                        except Exception as error:  # sqlite3.OperationalError: locked
                            if attempt == WRITE_RETRIES or "locked" not in str(error):
                                raise
                            time.sleep(_tunable("_backoff")(attempt))
                cursor.execute("PRAGMA synchronous = NORMAL")
                cursor.execute("PRAGMA secure_delete = ON")
            finally:
                cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Connection) -> None:
            mode = conn.get_execution_options().get(_BEGIN_OPTION, "DEFERRED")
            conn.exec_driver_sql(f"BEGIN {mode}")

        lock = None if path is None else path.with_name(path.name + ".lock")
        return engine, lock
    if backend == "postgresql":
        engine = create_engine(
            url, pool_size=1, max_overflow=1, pool_pre_ping=True, pool_recycle=1800
        )

        @event.listens_for(engine, "connect")
        def _on_pg_connect(dbapi_connection, _record) -> None:
            # PostgreSQL waits for a lock forever by default: wait BUSY_TIMEOUT, like SQLite,
            # then the write is retried (see _is_busy) and finally reported in French.
            cursor = dbapi_connection.cursor()
            try:
                cursor.execute(f"SET lock_timeout = {int(_tunable('BUSY_TIMEOUT') * 1000)}")
            finally:
                cursor.close()
            dbapi_connection.commit()  # a SET inside a transaction rolled back would not last

        return engine, None
    return create_engine(url, pool_pre_ping=True), None


# --- migrations -----------------------------------------------------------------------------


def _current_revision(conn: Connection) -> str | None:
    if not inspect(conn).has_table(VERSION_TABLE):
        return None
    revisions = conn.exec_driver_sql(f"SELECT version_num FROM {VERSION_TABLE}").scalars().all()
    if len(revisions) != 1:
        return None if not revisions else ",".join(sorted(revisions))
    return revisions[0]


def _migrate(conn: Connection) -> None:
    """Apply the due Alembic revisions in ``conn``'s write transaction (none when at head).

    On PostgreSQL a transaction-scoped advisory lock serialises concurrent kernels first.
    Alembic is imported only when a migration is due.
    """
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_MIGRATION_LOCK})")
    if _current_revision(conn) == HEAD_REVISION:
        return
    from alembic import command
    from alembic.util import CommandError

    from .migrations import alembic_config

    try:
        command.upgrade(alembic_config(connection=conn), "head")
    except CommandError as error:
        raise StoreError(MSG_TOO_NEW) from error
