"""The outcome store: what learners did in a workshop, behind one facade class.

A learner's kernel *writes* (joins, starts attempts, records events, heartbeats); the
facilitator's kernel *reads* the room and *writes* commands and observations. Every kernel
opens its own :class:`Store` on the same database (a SQLite file by default).

Design, in short (see each method for details):

* **One connection per kernel.** SQLite: a :class:`~sqlalchemy.pool.StaticPool` (one
  connection, shared by the kernel's threads and asyncio tasks), every use serialised by a
  lock of the store; an in-memory database lives in that connection. PostgreSQL: a small
  pool (``pool_size=1, max_overflow=1``, pre-ping). A kernel holds one store per database:
  :meth:`Store.shared` returns it. Every method is synchronous and short: an asyncio task
  (the facilitator's board polling) runs a whole call without another task interleaving.
* **Short transactions.** Every public method is one transaction (reports: one per batch).
  Writes on SQLite begin with ``BEGIN IMMEDIATE`` (the write lock is taken at once, so two
  writers queue instead of failing on a lock upgrade); reads begin with ``BEGIN DEFERRED``
  (a consistent snapshot; in WAL mode readers never wait for writers). A learner's click
  costs one transaction.
* **SQLite settings**: WAL journal, ``busy_timeout`` of 30 s, ``synchronous=NORMAL`` (a
  committed transaction survives the process being killed; only a power cut can lose the
  last ones, never corrupting the file), foreign keys on, ``secure_delete`` on.
* **Bounded retries.** A write that still meets "database is locked" is retried a few times
  with a growing, jittered pause; then a :class:`StoreError` with a French message is raised.
  No SQLAlchemy error text ever reaches a user (the original error stays in ``__cause__``).
* **Migrations on open.** :meth:`Store.upgrade` (called by the constructor) applies the
  Alembic revisions of :mod:`bacasable.migrations` in one write transaction, under a file lock
  next to a SQLite database (an advisory lock on PostgreSQL): kernels opening the store at
  the same time wait for each other and the later ones find the schema up to date.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import os
import random
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar, get_args

from sqlalchemy import (
    and_,
    create_engine,
    delete,
    event,
    exc,
    func,
    insert,
    inspect,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.pool import StaticPool

from . import tables as t
from .events import EventType, RunEvent
from .migrations import HEAD_REVISION, VERSION_TABLE

__all__ = [
    "DISCONNECTED_AFTER",
    "JOIN_ALPHABET",
    "Store",
    "StoreError",
]

#: Seconds without a heartbeat or an event after which a learner shows as disconnected.
DISCONNECTED_AFTER = 30

#: The characters of a join code: capitals and digits without 0/O, 1/I/L (easy to misread).
JOIN_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

#: How long SQLite waits for another kernel's write lock before giving up (seconds).
BUSY_TIMEOUT = 30.0

#: How many times a write that met a locked database is tried again.
WRITE_RETRIES = 5

#: How long a kernel waits for the file lock of a first open (seconds); after that it goes on,
#: relying on the database's own lock.
OPEN_LOCK_TIMEOUT = 60.0

#: PostgreSQL advisory lock taken while migrating ("bacas" in ASCII).
_PG_MIGRATION_LOCK = 0x6261636173

#: The event types a run emits (from :data:`bacasable.events.EventType`).
EVENT_TYPES = frozenset(get_args(EventType))

#: Autonomy levels, as the facilitator's console may label them.
AUTONOMY_LABELS = {
    "seul": "seul",
    "indices": "avec des indices",
    "aide_animateur": "avec l'aide de l'animateur",
    "fait_par_animateur": "fait par l'animateur",
}

_BEGIN_OPTION = "bacasable_sqlite_begin"

#: The stores of this process by URL, for :meth:`Store.shared`.
_SHARED: dict[str, Store] = {}
_SHARED_LOCK = threading.Lock()

T = TypeVar("T")


class StoreError(Exception):
    """An expected problem, with a plain-French message the interface can show as is.

    Parameters
    ----------
    message
        The message for the user, in French.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        #: The message for the user, in French.
        self.message = message


# Messages shown to users.
MSG_UNKNOWN_CODE = "Ce code ne correspond à aucun atelier ouvert."
MSG_UNKNOWN_WORKSHOP = "Cet atelier n'existe pas (ou plus)."
MSG_CLOSED_WORKSHOP = "Cet atelier est terminé : on ne peut plus le rejoindre."
MSG_UNKNOWN_PARTICIPANT = "Cette personne n'est pas (ou plus) enregistrée."
MSG_UNKNOWN_ATTEMPT = "Ce parcours n'est pas (ou plus) enregistré."
MSG_NOT_IN_WORKSHOP = "Cette personne ne participe pas à cet atelier."
MSG_PSEUDONYM_EMPTY = "Choisissez un pseudonyme (un prénom inventé, un surnom…)."
MSG_PSEUDONYM_LONG = f"Le pseudonyme doit faire au plus {t.PSEUDONYM_LENGTH} caractères."
MSG_PSEUDONYM_PERSONAL = (
    "Choisissez un pseudonyme, pas une adresse e-mail ni un numéro : "
    "il ne doit pas permettre de vous reconnaître."
)
MSG_PSEUDONYM_CHARS = (
    "Le pseudonyme ne peut contenir que des lettres, des chiffres, des espaces et - ' _ ."
)
MSG_TITLE = "Donnez un titre à l'atelier (200 caractères au plus)."
MSG_PLACE = "Le lieu doit faire au plus 200 caractères."
MSG_DATE = "La date de l'atelier n'est pas valide (attendu : AAAA-MM-JJ)."
MSG_DURATION = "La durée de l'atelier doit être un nombre de minutes entre 1 et 1440."
MSG_LIST = "Liste non valide : des textes courts sont attendus."
MSG_IDENTIFIER = "Identifiant non valide."
MSG_MESSAGE_LONG = f"Le message doit faire au plus {t.MESSAGE_LENGTH} caractères."
MSG_AUTONOMY = (
    "Degré d'autonomie inconnu : choisissez « seul », « avec des indices », "
    "« avec l'aide de l'animateur » ou « fait par l'animateur »."
)
MSG_EVENT = "Cet événement n'est pas reconnu : il n'a pas été enregistré."
MSG_SCREEN_COUNT = "Le nombre d'écrans doit être un entier positif."
MSG_BUSY = "La base de données est occupée. Réessayez dans un instant."
MSG_WRITE = "Les données n'ont pas pu être enregistrées. Réessayez, ou prévenez l'animateur."
MSG_READ = "Les données n'ont pas pu être lues. Réessayez, ou prévenez l'animateur."
MSG_UPGRADE = "La base de données n'a pas pu être préparée. Prévenez l'animateur."
MSG_TOO_NEW = (
    "La base de données vient d'une version plus récente de Bac à sable : "
    "mettez Bac à sable à jour."
)
MSG_CLOSED_STORE = "Le stockage des résultats est fermé."


def utcnow() -> dt.datetime:
    """Return the current time, aware, in UTC."""
    return dt.datetime.now(dt.timezone.utc)


# --- small helpers --------------------------------------------------------------------------


def _as_utc(value: dt.datetime | float | int | None, default: dt.datetime) -> dt.datetime:
    """Return a datetime (naive = UTC) or a POSIX timestamp as an aware UTC datetime."""
    if value is None:
        return default
    if isinstance(value, (int, float)):
        return dt.datetime.fromtimestamp(value, dt.timezone.utc)
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc)


def _since(value: dt.datetime | dt.date | float | None) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime.combine(value, dt.time(), dt.timezone.utc)
    return _as_utc(value, utcnow())


def _jsonable(value: Any) -> Any:
    """Datetimes and dates as ISO 8601 text, recursively: a value ``json.dumps`` accepts."""
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def _identifier(value: Any, *, optional: bool = False) -> str | None:
    """Check a scenario, screen, field or persona id (a short text) and return it."""
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > t.ID_LENGTH:
        raise StoreError(MSG_IDENTIFIER)
    return value.strip()


def _short_list(values: Iterable[Any], *, max_len: int = t.ID_LENGTH) -> list[str]:
    if isinstance(values, str):
        raise StoreError(MSG_LIST)
    out = []
    for v in values:
        if not isinstance(v, str) or not v.strip() or len(v) > max_len:
            raise StoreError(MSG_LIST)
        out.append(v.strip())
    return out


def _clean_pseudonym(pseudonym: Any) -> str:
    """Check a pseudonym: 1 to 30 characters, no e-mail address, no number of 5 digits or more."""
    if not isinstance(pseudonym, str):
        raise StoreError(MSG_PSEUDONYM_EMPTY)
    name = " ".join(pseudonym.split())
    if not name:
        raise StoreError(MSG_PSEUDONYM_EMPTY)
    if len(name) > t.PSEUDONYM_LENGTH:
        raise StoreError(MSG_PSEUDONYM_LONG)
    if "@" in name or sum(ch.isdigit() for ch in name) > 4:
        raise StoreError(MSG_PSEUDONYM_PERSONAL)
    if not all(ch.isalnum() or ch in " -'’_." for ch in name):
        raise StoreError(MSG_PSEUDONYM_CHARS)
    return name


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
    return code in {"40001", "40P01"}


def _backoff(attempt: int) -> float:
    return min(2.0, 0.05 * 2**attempt) * (0.5 + random.random())


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
                if os.name == "nt":  # pragma: no cover - Windows
                    import msvcrt

                    handle.seek(0)
                    msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
                else:
                    import fcntl

                    fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                locked = True
                break
            except OSError:
                if time.monotonic() > deadline:
                    break
                time.sleep(0.01 + random.random() * 0.02)
        yield
    finally:
        if locked:
            try:
                if os.name == "nt":  # pragma: no cover - Windows
                    import msvcrt

                    handle.seek(0)
                    msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
                else:
                    import fcntl

                    fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
            except OSError:  # pragma: no cover
                pass
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
            connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT},
        )
        wal = path is not None

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection, _record) -> None:
            # We emit BEGIN ourselves (see _on_begin): pysqlite must not.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            try:
                cursor.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT * 1000)}")
                cursor.execute("PRAGMA foreign_keys = ON")
                if wal:
                    for attempt in range(WRITE_RETRIES + 1):
                        try:
                            cursor.execute("PRAGMA journal_mode = WAL")
                            break
                        except Exception as error:  # sqlite3.OperationalError: locked
                            if attempt == WRITE_RETRIES or "locked" not in str(error):
                                raise
                            time.sleep(_backoff(attempt))
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
        return engine, None
    return create_engine(url, pool_pre_ping=True), None


def _row(row: Any) -> dict[str, Any]:
    return dict(row._mapping)


# --- the facade -----------------------------------------------------------------------------


class Store:
    """The outcome store: workshops, participants, attempts, events, observations, commands.

    Parameters
    ----------
    url
        SQLAlchemy URL: ``sqlite:///path/to/bacasable.sqlite`` (the folder is created),
        ``sqlite:///:memory:`` for tests, or ``postgresql+psycopg://…``.
    upgrade
        Apply the migrations on open (the default). Safe when many kernels open at once.
    clock
        Returns the current aware UTC time; for tests.

    Examples
    --------
    >>> with Store("sqlite:///:memory:") as store:
    ...     w = store.create_workshop("Atelier emploi", "Médiathèque", "2026-03-02", ["ft"])
    ...     p = store.join(w["id"], "Marie")
    """

    def __init__(
        self,
        url: str | URL,
        *,
        upgrade: bool = True,
        clock: Callable[[], dt.datetime] | None = None,
    ) -> None:
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

    @classmethod
    def from_config(cls, config: Any, **kwargs: Any) -> Store:
        """Open the store of a :class:`~bacasable.config.BacasableConfig`, creating its data folder.

        Parameters
        ----------
        config
            The configuration: its ``data_dir`` is created, its ``db_url`` opened.
        **kwargs
            Passed to :class:`Store`.

        Returns
        -------
        Store
            The open store.
        """
        Path(config.data_dir).expanduser().mkdir(parents=True, exist_ok=True)
        return cls(config.db_url, **kwargs)

    @classmethod
    def shared(cls, url: str | URL) -> Store:
        """Return this process's store for ``url``, opening it on first use.

        A kernel should hold one store (one connection) per database: the widgets of a
        notebook call this instead of :class:`Store` so that they share it. A closed shared
        store is replaced by a new one.

        Parameters
        ----------
        url
            SQLAlchemy URL of the database.

        Returns
        -------
        Store
            The same object for the same URL, within a process.
        """
        key = make_url(url).render_as_string(hide_password=False)
        with _SHARED_LOCK:
            store = _SHARED.get(key)
            if store is None or store._closed:
                store = _SHARED[key] = cls(url)
            return store

    @property
    def url(self) -> str:
        """The database URL, password hidden."""
        return self._url.render_as_string(hide_password=True)

    def __repr__(self) -> str:
        return f"Store({self.url!r})"

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

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
                    time.sleep(_backoff(attempt) / 10)
                    continue
                raise StoreError(MSG_WRITE) from error
            except exc.DBAPIError as error:
                if _is_busy(error) and attempt < WRITE_RETRIES:
                    time.sleep(_backoff(attempt))
                    continue
                message = MSG_BUSY if _is_busy(error) else (MSG_WRITE if write else MSG_READ)
                raise StoreError(message) from error
            except exc.SQLAlchemyError as error:
                raise StoreError(MSG_WRITE if write else MSG_READ) from error
            except self._dbapi_error as error:  # a driver error SQLAlchemy did not wrap
                if _is_busy(error) and attempt < WRITE_RETRIES:
                    time.sleep(_backoff(attempt))
                    continue
                raise StoreError(MSG_WRITE if write else MSG_READ) from error
        raise AssertionError("unreachable")  # pragma: no cover

    def _write(self, fn: Callable[[Connection], T], *, retry_conflicts: bool = False) -> T:
        return self._run(fn, write=True, retry_conflicts=retry_conflicts)

    def _read(self, fn: Callable[[Connection], T]) -> T:
        return self._run(fn, write=False)

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

        def migrate(conn: Connection) -> None:
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

        with self._lock, _file_lock(self._lock_path):
            try:
                self._write(migrate)
            except StoreError as error:
                if error.message in (MSG_WRITE, MSG_READ):
                    raise StoreError(MSG_UPGRADE) from error.__cause__
                raise

    # --- settings ---------------------------------------------------------------------------

    def setting(self, key: str, default: str | None = None) -> str | None:
        """Return the value of a setting.

        Parameters
        ----------
        key
            Name of the setting.
        default
            Returned when the setting is not set.

        Returns
        -------
        str or None
            The value, or ``default``.
        """
        value = self._read(
            lambda conn: conn.scalar(select(t.settings.c.value).where(t.settings.c.key == key))
        )
        return default if value is None else value

    def set_setting(self, key: str, value: str | None) -> None:
        """Set (or, with None, remove) a setting.

        Parameters
        ----------
        key
            Name of the setting (64 characters at most).
        value
            Its value, as text; None removes it.
        """
        if not isinstance(key, str) or not key or len(key) > 64:
            raise StoreError(MSG_IDENTIFIER)

        def write(conn: Connection) -> None:
            conn.execute(delete(t.settings).where(t.settings.c.key == key))
            if value is not None:
                conn.execute(insert(t.settings).values(key=key, value=str(value)))

        self._write(write)

    # --- workshops --------------------------------------------------------------------------

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

        Returns
        -------
        dict
            The workshop, as :meth:`workshop` returns it.

        Raises
        ------
        StoreError
            When a value is not valid.
        """
        if not isinstance(title, str) or not title.strip() or len(title.strip()) > 200:
            raise StoreError(MSG_TITLE)
        place = "" if place is None else place
        if not isinstance(place, str) or len(place.strip()) > 200:
            raise StoreError(MSG_PLACE)
        place = place.strip()
        day = _parse_date(date)
        if (
            isinstance(duration_minutes, bool)
            or not isinstance(duration_minutes, int)
            or not 1 <= duration_minutes <= 1440
        ):
            raise StoreError(MSG_DURATION)
        values = {
            "title": title.strip(),
            "place": place,
            "date": day,
            "scenario_ids": _short_list(scenario_ids),
            "themes": _short_list(themes),
            "level": _identifier(level)[:40],
            "duration_minutes": duration_minutes,
            "equipment": _short_list(equipment),
            "paused": False,
        }

        def write(conn: Connection) -> int:
            now = self.now()
            for _ in range(50):
                code = new_join_code()
                taken = conn.scalar(
                    select(t.workshops.c.id).where(t.workshops.c.join_code == code)
                )
                if taken is None:
                    break
            wid = conn.execute(
                insert(t.workshops).values(join_code=code, created_at=now, **values)
            ).inserted_primary_key[0]
            return conn.execute(select(t.workshops).where(t.workshops.c.id == wid)).one()

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
            When there is no such workshop.
        """
        row = self._read(
            lambda conn: conn.execute(
                select(t.workshops).where(t.workshops.c.id == workshop_id)
            ).first()
        )
        if row is None:
            raise StoreError(MSG_UNKNOWN_WORKSHOP)
        return _workshop_dict(row)

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
        row = self._read(
            lambda conn: conn.execute(
                select(t.workshops).where(
                    t.workshops.c.join_code == normalised, t.workshops.c.closed_at.is_(None)
                )
            ).first()
        )
        if row is None:
            raise StoreError(MSG_UNKNOWN_CODE)
        return _workshop_dict(row)

    def list_workshops(
        self, since: dt.datetime | dt.date | None = None
    ) -> list[dict[str, Any]]:
        """Return the workshops, newest first.

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
        rows = self._read(lambda conn: conn.execute(query).all())
        return [_workshop_dict(r) for r in rows]

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
            When there is no such workshop.
        """
        now = self.now()

        def write(conn: Connection) -> Any:
            _check_workshop(conn, workshop_id)
            conn.execute(
                update(t.workshops)
                .where(t.workshops.c.id == workshop_id, t.workshops.c.closed_at.is_(None))
                .values(closed_at=now)
            )
            return conn.execute(select(t.workshops).where(t.workshops.c.id == workshop_id)).one()

        return _workshop_dict(self._write(write))

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
            _check_workshop(conn, workshop_id)
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
                conn.execute(
                    update(t.workshops).where(t.workshops.c.id == workshop_id).values(**values)
                )
            return conn.execute(
                insert(t.commands).values(
                    workshop_id=workshop_id,
                    participant_id=participant_id,
                    kind=kind,
                    payload=payload,
                    created_at=now,
                )
            ).inserted_primary_key[0]

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
        text = text.strip()
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
        return [_row(r) for r in self._read(lambda conn: conn.execute(query).all())]

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

    # --- participants -----------------------------------------------------------------------

    def join(self, workshop_id: int | None, pseudonym: str) -> dict[str, Any]:
        """Join a workshop under a pseudonym, or come back to it under the same one.

        The same pseudonym (ignoring case and extra spaces) in the same workshop is the same
        participant: joining again resumes. ``workshop_id=None`` is someone practising alone
        (always a new participant).

        Parameters
        ----------
        workshop_id
            The workshop (open), or None.
        pseudonym
            1 to 30 characters; no e-mail address nor long number.

        Returns
        -------
        dict
            The participant, as :meth:`participants` lists them, plus ``resumed``.

        Raises
        ------
        StoreError
            For an unknown or closed workshop, or a pseudonym that is not valid.
        """
        name = _clean_pseudonym(pseudonym)
        key = name.casefold()

        def write(conn: Connection) -> dict[str, Any]:
            pid, resumed = _join(conn)
            row = conn.execute(select(t.participants).where(t.participants.c.id == pid)).one()
            return {**_participant_dict(row), "resumed": resumed}

        def _join(conn: Connection) -> tuple[int, bool]:
            now = self.now()
            if workshop_id is not None:
                closed = conn.execute(
                    select(t.workshops.c.closed_at).where(t.workshops.c.id == workshop_id)
                ).first()
                if closed is None:
                    raise StoreError(MSG_UNKNOWN_WORKSHOP)
                if closed[0] is not None:
                    raise StoreError(MSG_CLOSED_WORKSHOP)
                known = conn.execute(
                    select(t.participants.c.id, t.participants.c.pseudonym).where(
                        t.participants.c.workshop_id == workshop_id
                    )
                ).all()
                for pid, existing in known:
                    if " ".join(existing.split()).casefold() == key:
                        conn.execute(
                            update(t.participants)
                            .where(t.participants.c.id == pid)
                            .values(last_seen_at=now)
                        )
                        return pid, True
            pid = conn.execute(
                insert(t.participants).values(
                    workshop_id=workshop_id, pseudonym=name, created_at=now, last_seen_at=now
                )
            ).inserted_primary_key[0]
            return pid, False

        return self._write(write, retry_conflicts=True)

    def participant(self, participant_id: int) -> dict[str, Any]:
        """Return one participant.

        Parameters
        ----------
        participant_id
            Their id.

        Returns
        -------
        dict
            Every column of ``participants`` plus ``hand_raised``.

        Raises
        ------
        StoreError
            When there is no such participant.
        """
        row = self._read(
            lambda conn: conn.execute(
                select(t.participants).where(t.participants.c.id == participant_id)
            ).first()
        )
        if row is None:
            raise StoreError(MSG_UNKNOWN_PARTICIPANT)
        return _participant_dict(row)

    def heartbeat(self, participant_id: int) -> bool:
        """Record a sign of life from a learner's page.

        Parameters
        ----------
        participant_id
            The learner.

        Returns
        -------
        bool
            False when the participant no longer exists (deleted meanwhile).
        """
        now = self.now()
        return self._write(
            lambda conn: conn.execute(
                update(t.participants)
                .where(t.participants.c.id == participant_id)
                .values(last_seen_at=now)
            ).rowcount
            > 0
        )

    def raise_hand(self, participant_id: int) -> None:
        """Raise the learner's hand (the facilitator's board shows it until answered).

        Parameters
        ----------
        participant_id
            The learner.

        Raises
        ------
        StoreError
            When there is no such participant.
        """
        now = self.now()
        self._update_participant(
            participant_id, hand_raised_at=now, hand_answered_at=None, last_seen_at=now
        )

    def answer_hand(self, participant_id: int) -> None:
        """Mark the learner's raised hand as answered by the facilitator.

        Parameters
        ----------
        participant_id
            The learner.

        Raises
        ------
        StoreError
            When there is no such participant.
        """
        self._update_participant(participant_id, hand_answered_at=self.now())

    def _update_participant(self, participant_id: int, **values: Any) -> None:
        def write(conn: Connection) -> None:
            done = conn.execute(
                update(t.participants)
                .where(t.participants.c.id == participant_id)
                .values(**values)
            ).rowcount
            if not done:
                raise StoreError(MSG_UNKNOWN_PARTICIPANT)

        self._write(write)

    def participants(self, workshop_id: int) -> list[dict[str, Any]]:
        """Return the participants of a workshop, in the order they joined.

        Parameters
        ----------
        workshop_id
            The workshop.

        Returns
        -------
        list of dict
            Every column of ``participants`` plus ``hand_raised``.
        """
        rows = self._read(
            lambda conn: conn.execute(
                select(t.participants)
                .where(t.participants.c.workshop_id == workshop_id)
                .order_by(t.participants.c.id)
            ).all()
        )
        return [_participant_dict(r) for r in rows]

    # --- attempts and events ----------------------------------------------------------------

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
            found = conn.scalar(
                select(t.participants.c.id).where(t.participants.c.id == participant_id)
            )
            if found is None:
                raise StoreError(MSG_UNKNOWN_PARTICIPANT)
            return conn.execute(
                insert(t.attempts).values(
                    participant_id=participant_id,
                    scenario_id=scenario_id,
                    persona_id=persona_id,
                    started_at=now,
                    updated_at=now,
                    screen_count=screen_count,
                    errors=0,
                    hints=0,
                )
            ).inserted_primary_key[0]

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
        row = self._read(
            lambda conn: conn.execute(
                select(t.attempts).where(t.attempts.c.id == attempt_id)
            ).first()
        )
        if row is None:
            raise StoreError(MSG_UNKNOWN_ATTEMPT)
        return _row(row)

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
        row = self._read(
            lambda conn: conn.execute(
                select(t.attempts)
                .where(
                    a.participant_id == participant_id,
                    a.scenario_id == scenario_id,
                    a.finished_at.is_(None),
                    a.abandoned_at.is_(None),
                )
                .order_by(a.id.desc())
                .limit(1)
            ).first()
        )
        return None if row is None else _row(row)

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
        ``abandoned_at`` on a ``finished`` / ``abandoned`` event, ``screen_index`` /
        ``screen_count`` when given, ``updated_at`` = now. Only the fields of
        :class:`~bacasable.events.RunEvent` are stored: ids, kinds, counts and times.

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

        def write(conn: Connection) -> list[int]:
            values["updated_at"] = self.now()
            if not conn.execute(
                update(t.attempts).where(a.id == attempt_id).values(**values)
            ).rowcount:
                raise StoreError(MSG_UNKNOWN_ATTEMPT)
            stmt = insert(t.events)
            return [
                conn.execute(stmt.values(attempt_id=attempt_id, **row)).inserted_primary_key[0]
                for row in rows
            ]

        return self._write(write)

    # --- the room ---------------------------------------------------------------------------

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
            ``screen_count``, ``errors``, ``hints`` (of their latest run); ``idle_seconds``
            (since their last event, or the start of the run, or joining); ``seen_seconds``
            (since their last heartbeat or event); ``hand_raised`` and ``hand_waiting_seconds``;
            ``done`` (latest run finished), ``abandoned``; ``disconnected`` (no heartbeat nor
            event for more than :data:`DISCONNECTED_AFTER` seconds).
        """
        at = _as_utc(now, self.now())
        p, a = t.participants.c, t.attempts.c
        latest = (
            select(func.max(t.attempts.c.id))
            .where(t.attempts.c.participant_id == p.id)
            .correlate(t.participants)
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
                a.id.label("attempt_id"),
                a.scenario_id,
                a.persona_id,
                a.current_screen.label("screen_id"),
                a.screen_index,
                a.screen_count,
                a.errors,
                a.hints,
                a.finished_at,
                a.abandoned_at,
                a.updated_at,
            )
            .select_from(t.participants.outerjoin(t.attempts, a.id == latest))
            .where(p.workshop_id == workshop_id)
            .order_by(p.id)
        )
        rows = self._read(lambda conn: conn.execute(query).all())
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
                    "idle_seconds": max(0.0, (at - activity).total_seconds()),
                    "seen_seconds": max(0.0, (at - seen).total_seconds()),
                    "hand_raised": raised,
                    "hand_waiting_seconds": (
                        max(0.0, (at - r.hand_raised_at).total_seconds()) if raised else None
                    ),
                    "done": r.finished_at is not None,
                    "abandoned": r.abandoned_at is not None,
                    "disconnected": (at - seen).total_seconds() > DISCONNECTED_AFTER,
                }
            )
        return tiles

    def room_version(self, workshop_id: int) -> str:
        """Return a cheap value that changes whenever the room's stored data changes.

        The board polls it and refreshes its tiles only when it changed. It covers joins,
        departures (deletions), runs started, events recorded (every event updates its
        attempt's ``updated_at`` and counters) and hands raised or answered. Durations
        (idle, disconnected) change with time alone: the board refreshes them on a timer.

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

    # --- observations -----------------------------------------------------------------------

    def record_observation(
        self, participant_id: int, autonomy: str, note: str = ""
    ) -> dict[str, Any]:
        """Record how autonomous a learner was, with a short note.

        Parameters
        ----------
        participant_id
            The learner observed.
        autonomy
            One of ``"seul"``, ``"indices"``, ``"aide_animateur"``, ``"fait_par_animateur"``.
        note
            A short note; cut at 500 characters.

        Returns
        -------
        dict
            The observation (``id``, ``participant_id``, ``workshop_id``, ``autonomy``,
            ``note``, ``created_at``).

        Raises
        ------
        StoreError
            For an unknown participant or autonomy level.
        """
        if autonomy not in t.AUTONOMY_LEVELS:
            raise StoreError(MSG_AUTONOMY)
        text = " ".join(str(note or "").split())[: t.NOTE_LENGTH]

        def write(conn: Connection) -> dict[str, Any]:
            now = self.now()
            found = conn.execute(
                select(t.participants.c.workshop_id).where(t.participants.c.id == participant_id)
            ).first()
            if found is None:
                raise StoreError(MSG_UNKNOWN_PARTICIPANT)
            values = {
                "participant_id": participant_id,
                "workshop_id": found[0],
                "autonomy": autonomy,
                "note": text,
                "created_at": now,
            }
            oid = conn.execute(insert(t.observations).values(**values)).inserted_primary_key[0]
            return {"id": oid, **values}

        return self._write(write)

    def observations(self, workshop_id: int) -> list[dict[str, Any]]:
        """Return the observations of a workshop, oldest first.

        Parameters
        ----------
        workshop_id
            The workshop.

        Returns
        -------
        list of dict
            Every column of ``observations`` plus the learner's ``pseudonym``.
        """
        o = t.observations.c
        query = (
            select(t.observations, t.participants.c.pseudonym)
            .join(t.participants, t.participants.c.id == o.participant_id)
            .where(o.workshop_id == workshop_id)
            .order_by(o.created_at, o.id)
        )
        return [_row(r) for r in self._read(lambda conn: conn.execute(query).all())]

    # --- RGPD -------------------------------------------------------------------------------

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
            raise StoreError("La durée de conservation n'est pas valide.")
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
            person = conn.execute(
                select(t.participants).where(t.participants.c.id == participant_id)
            ).first()
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
            return {
                "participant": _row(person),
                "workshop": workshop,
                "attempts": [
                    _row(r)
                    for r in conn.execute(
                        select(t.attempts)
                        .where(t.attempts.c.participant_id == participant_id)
                        .order_by(t.attempts.c.id)
                    )
                ],
                "events": [
                    _row(r)
                    for r in conn.execute(
                        select(t.events)
                        .where(t.events.c.attempt_id.in_(run_ids))
                        .order_by(t.events.c.id)
                    )
                ],
                "observations": [
                    _row(r)
                    for r in conn.execute(
                        select(t.observations)
                        .where(t.observations.c.participant_id == participant_id)
                        .order_by(t.observations.c.id)
                    )
                ],
                "commands": [
                    _row(r)
                    for r in conn.execute(
                        select(t.commands)
                        .where(t.commands.c.participant_id == participant_id)
                        .order_by(t.commands.c.id)
                    )
                ],
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
        """
        if not self._is_sqlite or self._lock_path is None:
            return
        with self._lock, contextlib.suppress(Exception), self.engine.connect() as conn:
            raw = conn.connection.dbapi_connection
            raw.execute("PRAGMA busy_timeout = 1000")
            try:
                raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
            finally:
                raw.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT * 1000)}")

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
            ``hint_level``, ``seconds``, ``at``. No pseudonym: join with :meth:`participants`
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
            query = base.where(e.id > last)
            rows = self._read(lambda conn, q=query: conn.execute(q).all())
            for r in rows:
                yield _row(r)
            if len(rows) < batch_size:
                return
            last = rows[-1].event_id


# --- module helpers used by the store -------------------------------------------------------

#: Marker for "the time of the write" in the workshop values of a command.
_NOW = object()


def new_join_code() -> str:
    """Return a random join code: 6 characters of :data:`JOIN_ALPHABET` (from ``secrets``)."""
    return "".join(secrets.choice(JOIN_ALPHABET) for _ in range(t.JOIN_CODE_LENGTH))


def normalise_join_code(code: Any) -> str | None:
    """Return a typed join code in canonical form, or None when it cannot be one.

    Case, spaces and dashes do not matter (``" ab2-c3d "`` → ``"AB2C3D"``).
    """
    if not isinstance(code, str):
        return None
    cleaned = "".join(ch for ch in code.upper() if not ch.isspace() and ch not in "-–._")
    if len(cleaned) != t.JOIN_CODE_LENGTH or any(ch not in JOIN_ALPHABET for ch in cleaned):
        return None
    return cleaned


def _parse_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise StoreError(MSG_DATE)


def _check_count(value: Any) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10_000:
        raise StoreError(MSG_SCREEN_COUNT)


def _event_row(event: Any) -> dict[str, Any]:
    """Return the columns of an event: only the fields of a RunEvent, checked."""
    if isinstance(event, RunEvent):
        data = event.as_dict()
    elif isinstance(event, Mapping):
        data = dict(event)
    else:
        raise StoreError(MSG_EVENT)
    try:
        kind = data["type"]
        if kind not in EVENT_TYPES:
            raise StoreError(MSG_EVENT)
        at = float(data.get("at") if data.get("at") is not None else time.time())
        seconds = data.get("seconds")
        if seconds is not None:
            seconds = float(seconds)
            if not math.isfinite(seconds):
                raise StoreError(MSG_EVENT)
        hint_level = data.get("hint_level")
        if hint_level is not None and (isinstance(hint_level, bool) or not isinstance(
            hint_level, int
        )):
            raise StoreError(MSG_EVENT)
        error_kind = data.get("error_kind")
        if error_kind is not None and (not isinstance(error_kind, str) or len(error_kind) > 40):
            raise StoreError(MSG_EVENT)
        return {
            "type": kind,
            "scenario_id": _identifier(data.get("scenario_id")),
            "screen_id": _identifier(data.get("screen_id"), optional=True),
            "field_id": _identifier(data.get("field_id"), optional=True),
            "error_kind": error_kind,
            "hint_level": hint_level,
            "seconds": seconds,
            "at": dt.datetime.fromtimestamp(at, dt.timezone.utc),
        }
    except StoreError as error:
        if error.message == MSG_IDENTIFIER:
            raise StoreError(MSG_EVENT) from None
        raise
    except (KeyError, TypeError, ValueError, OverflowError, OSError):
        raise StoreError(MSG_EVENT) from None


def _current_revision(conn: Connection) -> str | None:
    if not inspect(conn).has_table(VERSION_TABLE):
        return None
    revisions = conn.exec_driver_sql(f"SELECT version_num FROM {VERSION_TABLE}").scalars().all()
    if len(revisions) != 1:
        return None if not revisions else ",".join(sorted(revisions))
    return revisions[0]


def _check_workshop(conn: Connection, workshop_id: int) -> None:
    if conn.scalar(select(t.workshops.c.id).where(t.workshops.c.id == workshop_id)) is None:
        raise StoreError(MSG_UNKNOWN_WORKSHOP)


def _delete_people(conn: Connection, people: Any) -> int:
    """Delete participants (a select of ids) and everything about them; return how many."""
    runs = select(t.attempts.c.id).where(t.attempts.c.participant_id.in_(people))
    conn.execute(delete(t.events).where(t.events.c.attempt_id.in_(runs)))
    conn.execute(delete(t.attempts).where(t.attempts.c.participant_id.in_(people)))
    conn.execute(delete(t.observations).where(t.observations.c.participant_id.in_(people)))
    conn.execute(delete(t.commands).where(t.commands.c.participant_id.in_(people)))
    return conn.execute(delete(t.participants).where(t.participants.c.id.in_(people))).rowcount


def _workshop_dict(row: Any) -> dict[str, Any]:
    out = _row(row)
    out["open"] = out["closed_at"] is None
    return out


def _participant_dict(row: Any) -> dict[str, Any]:
    out = _row(row)
    out["hand_raised"] = out["hand_raised_at"] is not None and out["hand_answered_at"] is None
    return out
