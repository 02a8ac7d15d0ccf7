"""Settings of the store: short named texts kept in the database."""

from __future__ import annotations

from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Connection

from . import tables as t
from .base import _Base
from .errors import MSG_IDENTIFIER, MSG_WRITE, StoreError
from .owner import scoped_key
from .pins import PIN_HASH_SETTING

#: How ready the learners' kernels are, written by the server for the console
#: (:mod:`bacasable.workshop.readiness`): each facilitator's server has its own.
WARMING_SETTING = "noyaux_prets"

#: The settings each facilitator of a shared server has for themselves (see :mod:`.owner`).
OWNER_SETTINGS = frozenset({PIN_HASH_SETTING, WARMING_SETTING})


class _Settings(_Base):
    """Read and write settings (part of :class:`~bacasable.store.Store`)."""

    def setting(self, key: str, default: str | None = None) -> str | None:
        """Return the value of a setting.

        Parameters
        ----------
        key
            Name of the setting (the facilitator's PIN: the store's owner's own).
        default
            Returned when the setting is not set.

        Returns
        -------
        str or None
            The value, or ``default``.
        """
        key = self._setting_key(key)
        value = self._read(
            lambda conn: conn.scalar(select(t.settings.c.value).where(t.settings.c.key == key))
        )
        return default if value is None else value

    def _setting_key(self, key: str) -> str:
        """Return the key ``key`` is kept under: the owner's own for :data:`OWNER_SETTINGS`."""
        return scoped_key(key, self.owner) if key in OWNER_SETTINGS else key

    def set_setting(self, key: str, value: str | None) -> None:
        """Set (or, with None, remove) a setting.

        Parameters
        ----------
        key
            Name of the setting (64 characters at most).
        value
            Its value, as text; None removes it.
        """
        if not isinstance(key, str) or not key or len(key) > 64 or "\x00" in key:
            raise StoreError(MSG_IDENTIFIER)
        if value is not None and "\x00" in str(value):  # PostgreSQL refuses it in a text
            raise StoreError(MSG_WRITE)
        key = self._setting_key(key)

        def write(conn: Connection) -> None:
            conn.execute(delete(t.settings).where(t.settings.c.key == key))
            if value is not None:
                conn.execute(insert(t.settings).values(key=key, value=str(value)))

        self._write(write)
