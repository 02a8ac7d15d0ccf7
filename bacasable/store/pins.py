"""Tries of the facilitator's PIN: read, verify and count in one write transaction.

Wrong PINs are counted in the ``pin_tries`` table, per client: "local" for a page opened on
this laptop, "peer:ADDRESS" for a device on the Wi-Fi (see
:class:`bacasable.workshop.peer.Peer`). The rules:

* **Per client.** After :data:`MAX_FAILURES` wrong PINs in a row, the PIN is not checked for
  that client for :data:`LOCK_SECONDS` seconds; a right PIN resets that client's count.
* **Every device on the Wi-Fi together** (the row :data:`REMOTE`): when
  :data:`REMOTE_MAX_FAILURES` wrong PINs come from devices within
  :data:`REMOTE_WINDOW_SECONDS` seconds (counted from the first of them), the PIN is not
  checked for any device for :data:`REMOTE_LOCK_SECONDS` seconds. Many addresses do not
  multiply the budget.
* **This laptop** is suspended by its own wrong PINs only: what devices type never counts
  against it, and nothing they do suspends it.

A try reads the counts, the stored hash, verifies the PIN and writes the new counts in one
write transaction: ``BEGIN IMMEDIATE`` on SQLite, a transaction-scoped advisory lock on
PostgreSQL. Tries from every kernel and every process therefore queue, and none is lost or
counted twice. The verification (a scrypt hash, some 80 ms) runs inside it: the write lock
is held that long, at most :data:`MAX_FAILURES` times per client and
:data:`REMOTE_MAX_FAILURES` times for all devices before they are suspended.

On a shared server each facilitator (the store's owner, :mod:`.owner`) has their own PIN and
their own counts: the hash and the clients are kept under keys of their own.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Literal

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection, Row

from . import tables as t
from .base import _Base
from .errors import MSG_IDENTIFIER, StoreError
from .owner import owner_tag, scoped_key
from .values import _as_utc

__all__ = [
    "LOCK_SECONDS",
    "MAX_FAILURES",
    "PIN_HASH_SETTING",
    "REMOTE",
    "REMOTE_LOCK_SECONDS",
    "REMOTE_MAX_FAILURES",
    "REMOTE_WINDOW_SECONDS",
    "PinTry",
]

#: The settings key of the facilitator PIN's hash (``scrypt$…``, see
#: :mod:`bacasable.workshop.pin`).
PIN_HASH_SETTING = "facilitator_pin"
#: Wrong PINs in a row from one client before its tries are suspended.
MAX_FAILURES = 5
#: Seconds one client's tries stay suspended after :data:`MAX_FAILURES` wrong PINs.
LOCK_SECONDS = 30.0
#: Wrong PINs from all devices (not this laptop) within :data:`REMOTE_WINDOW_SECONDS` before
#: every device's tries are suspended.
REMOTE_MAX_FAILURES = 20
#: The window, in seconds from its first wrong PIN, over which devices' wrong PINs add up.
REMOTE_WINDOW_SECONDS = 600.0
#: Seconds every device's tries stay suspended after :data:`REMOTE_MAX_FAILURES` wrong PINs.
REMOTE_LOCK_SECONDS = 300.0
#: The ``pin_tries`` key under which the wrong PINs of every device add up.
REMOTE = "remote"

#: PostgreSQL advisory lock held by a PIN try until its transaction ends ("bacaspin").
_PG_PIN_LOCK = 0x626163617370696E

Outcome = Literal["ok", "wrong", "locked"]


@dataclasses.dataclass(frozen=True)
class PinTry:
    """What one try of the facilitator's PIN gave."""

    #: "ok" (the right PIN), "wrong" (checked, not the PIN) or "locked" (not checked).
    outcome: Outcome
    #: For "locked": seconds until this client may try again; else 0.
    retry_after: float = 0.0

    @property
    def ok(self) -> bool:
        """The PIN was right."""
        return self.outcome == "ok"

    @property
    def locked(self) -> bool:
        """The PIN was not checked: this client's tries are suspended."""
        return self.outcome == "locked"


def _lock(conn: Connection) -> None:
    """Serialise PIN tries on PostgreSQL (SQLite's ``BEGIN IMMEDIATE`` already does)."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_PIN_LOCK})")


def _wait(row: Row | None, at: dt.datetime) -> float:
    """Return the seconds ``row``'s client is still suspended at ``at`` (0 when it is not)."""
    if row is None or row.locked_until is None:
        return 0.0
    return max(0.0, (row.locked_until - at).total_seconds())


def _after_wrong(
    row: Row | None, at: dt.datetime, limit: int, lock_seconds: float,
    window: float | None = None,
) -> dict:
    """Return the values of a ``pin_tries`` row after one more wrong PIN at ``at``.

    The count starts again after a suspension has ended and, with ``window``, when its first
    wrong PIN is ``window`` seconds old or more. The ``limit``-th wrong PIN suspends the client
    for ``lock_seconds`` (the count stays, for the record, until it starts again).
    """
    failures, first = (0, at) if row is None else (row.failures, row.first_failed_at)
    ended = row is not None and row.locked_until is not None and row.locked_until <= at
    expired = window is not None and first is not None and (at - first).total_seconds() >= window
    if ended or expired or first is None:
        failures, first = 0, at
    failures += 1
    # A try is counted only when its client is not suspended: any suspension has ended.
    locked_until = at + dt.timedelta(seconds=lock_seconds) if failures >= limit else None
    return {"failures": failures, "first_failed_at": first, "last_failed_at": at,
            "locked_until": locked_until}


def _save(conn: Connection, client: str, row: Row | None, values: dict) -> None:
    """Write ``values`` to ``client``'s row (a new one if ``row`` is None)."""
    table = t.pin_tries
    if row is None:
        conn.execute(insert(table).values(client=client, **values))
    else:
        conn.execute(update(table).where(table.c.client == client).values(**values))


def _check_client(client: object) -> str:
    if (not isinstance(client, str) or not client or len(client) > t.CLIENT_LENGTH
            or "\x00" in client or client == REMOTE):
        raise StoreError(MSG_IDENTIFIER)
    return client


class _Pins(_Base):
    """Tries of the facilitator's PIN, counted per client (part of :class:`~.Store`).

    The rules are those of :mod:`bacasable.store.pins`.
    """

    def pin_try(
        self,
        client: str,
        local: bool,
        verify: Callable[[str | None], bool],
        *,
        now: float | dt.datetime | None = None,
    ) -> PinTry:
        """Try the facilitator's PIN for ``client``: read, verify and count in one transaction.

        The rules are those of :mod:`bacasable.store.pins`: :data:`MAX_FAILURES` wrong PINs in
        a row suspend ``client`` for :data:`LOCK_SECONDS` s, a right PIN resets it; devices that
        are not ``local`` also add up, and :data:`REMOTE_MAX_FAILURES` wrong PINs of theirs
        within :data:`REMOTE_WINDOW_SECONDS` s suspend them all for
        :data:`REMOTE_LOCK_SECONDS` s. A ``local`` client is suspended by its own wrong PINs
        only. While no PIN is set, a try is wrong and not counted (there is nothing to guess).

        Parameters
        ----------
        client
            The key the tries are counted under: "local", or "peer:ADDRESS" (see
            :attr:`bacasable.workshop.peer.Peer.client`).
        local
            The try comes from this laptop: devices' wrong PINs never suspend it.
        verify
            Called with the stored hash (None when no PIN is set), inside the transaction;
            returns True for the right PIN. It may be called again if the transaction is
            retried: it must not have other effects.
        now
            The time of the try (a POSIX timestamp, or an aware datetime); default: the
            store's clock.

        Returns
        -------
        PinTry
            "ok", "wrong", or "locked" with the seconds to wait (the PIN was not checked).

        Raises
        ------
        StoreError
            With a French message: a ``client`` key that cannot be one, or the database.
        """
        client = scoped_key(_check_client(client), self.owner)
        if len(client) > t.CLIENT_LENGTH:
            raise StoreError(MSG_IDENTIFIER)
        remote_key = scoped_key(REMOTE, self.owner)
        hash_key = scoped_key(PIN_HASH_SETTING, self.owner)
        at = _as_utc(now, self.now())
        table = t.pin_tries

        def attempt(conn: Connection) -> PinTry:
            _lock(conn)
            keys = [client] if local else [client, remote_key]
            rows = {row.client: row for row in conn.execute(
                select(table).where(table.c.client.in_(keys)))}
            mine, remote = rows.get(client), rows.get(remote_key)
            wait = max(_wait(mine, at), 0.0 if local else _wait(remote, at))
            if wait > 0:
                return PinTry("locked", wait)
            encoded = conn.scalar(
                select(t.settings.c.value).where(t.settings.c.key == hash_key))
            if verify(encoded):
                if mine is not None:
                    conn.execute(delete(table).where(table.c.client == client))
                return PinTry("ok")
            if encoded is None:
                return PinTry("wrong")
            _save(conn, client, mine, _after_wrong(mine, at, MAX_FAILURES, LOCK_SECONDS))
            if not local:
                _save(conn, remote_key, remote, _after_wrong(
                    remote, at, REMOTE_MAX_FAILURES, REMOTE_LOCK_SECONDS,
                    REMOTE_WINDOW_SECONDS))
            return PinTry("wrong")

        return self._write(attempt)

    def set_pin_hash(self, encoded: str | None) -> None:
        """Set (or, with None, remove) the PIN's hash and forget every wrong PIN counted.

        One transaction: a try that runs at the same time is counted against the old PIN or
        checks the new one with a clean slate.

        Parameters
        ----------
        encoded
            The hash made by :func:`bacasable.workshop.pin.hash_pin`, or None.
        """
        if encoded is not None and (not isinstance(encoded, str) or "\x00" in encoded):
            raise StoreError(MSG_IDENTIFIER)
        settings = t.settings
        key = scoped_key(PIN_HASH_SETTING, self.owner)
        tries = delete(t.pin_tries)
        if self.owner:  # this facilitator's counts only
            tries = tries.where(t.pin_tries.c.client.startswith(
                owner_tag(self.owner) + "|", autoescape=True))

        def write(conn: Connection) -> None:
            _lock(conn)
            conn.execute(tries)
            conn.execute(delete(settings).where(settings.c.key == key))
            if encoded is not None:
                conn.execute(insert(settings).values(key=key, value=encoded))

        self._write(write)
