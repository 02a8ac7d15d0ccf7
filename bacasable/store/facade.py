"""The :class:`Store` facade: one object per kernel and database, assembled from its parts."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from sqlalchemy.engine import URL, make_url

from .base import _Base
from .board import _Board
from .commands import _Commands
from .devices import _Devices
from .people import _People
from .pins import _Pins
from .privacy import _Privacy
from .reports import _Reports
from .runs import _Runs
from .settings import _Settings
from .workshops import _Workshops

#: The stores of this process by URL and owner, for :meth:`Store.shared`.
_SHARED: dict[tuple[str, str], Store] = {}
_SHARED_LOCK = threading.Lock()


class Store(
    _Workshops, _Commands, _People, _Devices, _Runs, _Board, _Privacy, _Reports, _Settings,
    _Pins, _Base,
):
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
    owner
        The facilitator account the store is open for, on a shared server (a JupyterHub user
        name): the workshops it creates carry it, :meth:`list_workshops`, :meth:`workshop` and
        the reports see only its workshops, and its PIN is its own. "" (the default) on a
        laptop, or for an administrator: every workshop. :meth:`workshop_by_code` finds any
        open workshop whatever its owner: a learner joins with the code.

    Examples
    --------
    >>> with Store("sqlite:///:memory:") as store:
    ...     w = store.create_workshop("Atelier emploi", "Médiathèque", "2026-03-02", ["ft"])
    ...     p = store.join(w["id"], "Marie")
    """

    @classmethod
    def from_config(cls, config: Any, **kwargs: Any) -> Store:
        """Open the store of a :class:`~bacasable.common.config.BacasableConfig` (makes its folder).

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
        kwargs.setdefault("owner", getattr(config, "owner", ""))
        return cls(config.db_url, **kwargs)

    @classmethod
    def shared(cls, url: str | URL, owner: str | None = None) -> Store:
        """Return this process's store for ``url``, opening it on first use.

        A kernel should hold one store (one connection) per database: the widgets of a
        notebook call this instead of :class:`Store` so that they share it. A closed shared
        store is replaced by a new one.

        Parameters
        ----------
        url
            SQLAlchemy URL of the database.
        owner
            Whose store it is (see :class:`Store`); None: the configured one
            (:attr:`BacasableConfig.owner <bacasable.common.config.BacasableConfig.owner>`,
            from ``BACASABLE_OWNER`` or JupyterHub's ``JUPYTERHUB_USER``), as the kernels of a
            facilitator's server on a hub have it.

        Returns
        -------
        Store
            The same object for the same URL and owner, within a process.
        """
        if owner is None:
            from bacasable.common.config import BacasableConfig

            owner = BacasableConfig().owner
        key = make_url(url).render_as_string(hide_password=False), owner
        with _SHARED_LOCK:
            store = _SHARED.get(key)
            if store is None or store._closed:
                store = _SHARED[key] = cls(url, owner=owner)
            return store

    def __repr__(self) -> str:
        if self.owner:
            return f"Store({self.url!r}, owner={self.owner!r})"
        return f"Store({self.url!r})"

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
