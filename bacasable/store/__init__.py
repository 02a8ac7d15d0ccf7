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
  costs one transaction. PostgreSQL (``READ COMMITTED``) locks the workshop's row where
  SQLite's database lock mattered: joins of one workshop queue (one learner per pseudonym),
  and its commands commit in the order of their ids (what :meth:`Store.commands_since` needs).
* **SQLite settings**: WAL journal, ``busy_timeout`` of 30 s, ``synchronous=NORMAL`` (a
  committed transaction survives the process being killed; only a power cut can lose the
  last ones, never corrupting the file), foreign keys on, ``secure_delete`` on.
* **PostgreSQL settings**: ``lock_timeout`` of ``BUSY_TIMEOUT``, as SQLite's ``busy_timeout``
  (PostgreSQL would wait for a lock forever). PostgreSQL refuses NUL characters in a text and
  ids over 32 bits: on every database, texts lose their NULs (ids with one are refused) and a
  row asked for by such an id is not found.
* **Bounded retries.** A write that still meets "database is locked" is retried a few times
  with a growing, jittered pause; then a :class:`StoreError` with a French message is raised.
  No SQLAlchemy error text ever reaches a user (the original error stays in ``__cause__``).
* **Migrations on open.** :meth:`Store.upgrade` (called by the constructor) applies the
  Alembic revisions of :mod:`bacasable.store.migrations` in one write transaction, under a file lock
  next to a SQLite database (an advisory lock on PostgreSQL): kernels opening the store at
  the same time wait for each other and the later ones find the schema up to date.

The modules: :mod:`.engine` (engines, pragmas, locks, retries, migrations), :mod:`.base`
(connection and transactions), :mod:`.errors` (:class:`StoreError`, French messages),
:mod:`.values` (checks and row shapes), one module per part of the facade
(:mod:`.workshops`, :mod:`.commands`, :mod:`.people`, :mod:`.runs`, :mod:`.board`,
:mod:`.privacy`, :mod:`.settings`, :mod:`.pins`), :mod:`.owner` (whose store it is, on a
shared server) and :mod:`.facade`, which assembles
:class:`Store`.
``BUSY_TIMEOUT``, ``_backoff``, ``_file_lock`` and ``new_join_code`` are read from this
package at call time: patch them here.
"""

# Every name of the former single module (and the private ones the tests use), as before.
from .board import DISCONNECTED_AFTER
from .engine import (  # noqa: F401
    BUSY_TIMEOUT,
    OPEN_LOCK_TIMEOUT,
    WRITE_RETRIES,
    _backoff,
    _file_lock,
)
from .errors import (  # noqa: F401
    MSG_AUTONOMY,
    MSG_BUSY,
    MSG_CLOSED_STORE,
    MSG_CLOSED_WORKSHOP,
    MSG_DATE,
    MSG_DURATION,
    MSG_EVENT,
    MSG_IDENTIFIER,
    MSG_LIST,
    MSG_MESSAGE_LONG,
    MSG_NOT_IN_WORKSHOP,
    MSG_PLACE,
    MSG_PSEUDONYM_CHARS,
    MSG_PSEUDONYM_EMPTY,
    MSG_PSEUDONYM_LONG,
    MSG_PSEUDONYM_PERSONAL,
    MSG_READ,
    MSG_RETENTION,
    MSG_SCREEN_COUNT,
    MSG_TITLE,
    MSG_TOO_NEW,
    MSG_UNKNOWN_ATTEMPT,
    MSG_UNKNOWN_CODE,
    MSG_UNKNOWN_PARTICIPANT,
    MSG_UNKNOWN_WORKSHOP,
    MSG_UPGRADE,
    MSG_WRITE,
    StoreError,
)
from .facade import Store
from .pins import (
    LOCK_SECONDS,
    MAX_FAILURES,
    PIN_HASH_SETTING,
    REMOTE_LOCK_SECONDS,
    REMOTE_MAX_FAILURES,
    REMOTE_WINDOW_SECONDS,
    PinTry,
)
from .values import (  # noqa: F401
    AUTONOMY_LABELS,
    EVENT_TYPES,
    JOIN_ALPHABET,
    _clean_pseudonym,
    new_join_code,
    normalise_join_code,
    utcnow,
)

__all__ = [
    "DISCONNECTED_AFTER",
    "JOIN_ALPHABET",
    "LOCK_SECONDS",
    "MAX_FAILURES",
    "PIN_HASH_SETTING",
    "REMOTE_LOCK_SECONDS",
    "REMOTE_MAX_FAILURES",
    "REMOTE_WINDOW_SECONDS",
    "PinTry",
    "Store",
    "StoreError",
]
