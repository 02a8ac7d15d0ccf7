"""The room screen of the projection page: the join code on the wall, then the group's progress.

The facilitator presses « S » (or the button « Écran de la salle (S) ») on the projection page:
the :class:`RoomScreen` covers the whole screen with the workshop's code, its QR code and
the address to type, and the pseudonyms as people join (as Kahoot and Wooclap do); once
someone started an exercise, how many are on each screen and how many finished
(:func:`bacasable.workshop.wall.wall_view`: never an error, nor a name next to a screen).
« S » or Échap goes back.

While shown, an asyncio task of the kernel polls :meth:`Store.room_version` every
:data:`POLL_SECONDS`, as the console does, and re-reads the room when it changed. Without a
running event loop (tests), call :meth:`RoomScreen.poll_once`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

import traitlets

from bacasable.scenario.loader import Catalogue
from bacasable.store import Store
from bacasable.workshop.join_address import workshop_host
from bacasable.workshop.room import RoomWatcher
from bacasable.workshop.wall import joined_sentence, wall_view
from widgets.common.base import ActionWidget, module, stylesheet
from widgets.common.polling import Polling
from widgets.facilitator.console_panel import grouped, join_card, spaced

__all__ = ["MSG_NO_WORKSHOP", "POLL_SECONDS", "RoomScreen", "newest_open_workshop"]

#: Seconds between two reads of the room's version.
POLL_SECONDS = 0.5

MSG_NO_WORKSHOP = ("Aucun atelier en cours. Démarrez-en un dans la console, "
                   "puis revenez ici.")
MSG_POLL = "La salle n'a pas pu être mise à jour. Nouvel essai dans un instant…"


class RoomScreen(ActionWidget):
    """The full-screen room screen: code, QR code, pseudonyms, then the group's progress.

    The view sends ``{action: "close"}`` (« S », Échap or its button).

    Attributes
    ----------
    workshop : dict
        ``id``, ``title``, ``code`` (``AB2 C3D``), ``code_spoken`` (``A B 2 C 3 D``).
    join : dict
        ``url`` (with the code, in the QR code), ``address`` (to type, without the code),
        ``qr`` (inline SVG).
    room : dict
        :func:`bacasable.workshop.wall.wall_view`.
    announce : dict
        ``text`` (« Léa a rejoint l'atelier. »), ``seq``: said once by screen readers.
    problem : str
        A French message when the room could not be read.
    """

    _esm = module("facilitator/room_screen.js")
    _css = stylesheet("facilitator/room_screen.css")

    workshop = traitlets.Dict().tag(sync=True)
    join = traitlets.Dict().tag(sync=True)
    room = traitlets.Dict().tag(sync=True)
    announce = traitlets.Dict().tag(sync=True)
    problem = traitlets.Unicode("").tag(sync=True)

    def __init__(
        self,
        store: Store,
        catalogue: Catalogue | None = None,
        *,
        port: int = 8866,
        environ: Mapping[str, str] | None = None,
        poll: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.add_class("bas-widget")
        self.store = store
        self.catalogue = catalogue
        self._port = port
        self._environ = environ
        self._poll = poll
        self._polling = Polling(self.poll_once, POLL_SECONDS,
                                what="room screen: the room could not be read",
                                on_failure=self._say_poll_failed,
                                on_recovery=self._say_poll_works)
        self._seen: set[int] | None = None
        self._seq = 0
        self.watcher: RoomWatcher | None = None

    @property
    def workshop_id(self) -> int | None:
        """The workshop followed, None when the room screen is not shown."""
        return self.watcher.workshop_id if self.watcher is not None else None

    def follow(self, workshop_id: int) -> None:
        """Show ``workshop_id``'s code and room, and follow the room until :meth:`stop`.

        Raises
        ------
        StoreError
            When the workshop does not exist or the store cannot be read.
        """
        self.stop()
        found = self.store.workshop(workshop_id)
        code = str(found["join_code"])
        host, hosts = workshop_host(self.store, found["id"], self._environ)
        card = join_card(host, hosts, self._port, code)
        self.workshop = {"id": found["id"], "title": found["title"],
                         "code": grouped(code),
                         "code_spoken": spaced(code)}
        self.join = {"url": card["url"], "address": card["url"].split("?", 1)[0],
                     "qr": card["qr"]}
        self.watcher = RoomWatcher(self.store, found["id"], self.catalogue)
        self._seen = None
        self.announce = {}
        self.problem = ""
        self.poll_once()
        self._start()

    def stop(self) -> None:
        """Stop following the room."""
        self._polling.stop()
        self.watcher = None

    def poll_once(self) -> bool:
        """Show the room again if it changed since the last look; True when it did.

        Raises
        ------
        StoreError
            When the store cannot be read.
        """
        if self.watcher is None or self.watcher.poll_once() is None:
            return False
        tiles = self.watcher.raw
        self.room = wall_view(tiles, self.catalogue)
        ids = {int(t["participant_id"]) for t in tiles}
        if self._seen is not None:
            new = [str(t.get("pseudonym") or "") for t in tiles
                   if int(t["participant_id"]) not in self._seen]
            text = joined_sentence(new)
            if text:
                self._seq += 1
                self.announce = {"text": text, "seq": self._seq}
        self._seen = ids
        return True

    def _start(self) -> None:
        if self._poll:
            self._polling.start()

    def _say_poll_failed(self) -> None:
        self.problem = MSG_POLL  # a busy or lost store: said on the wall, tried again

    def _say_poll_works(self) -> None:
        self.problem = ""

    def close(self) -> None:
        """Stop following the room and close the widget."""
        self.stop()
        with contextlib.suppress(Exception):
            super().close()


def newest_open_workshop(store: Store) -> int | None:
    """Return the id of the open workshop started last, or None (raises StoreError)."""
    for found in store.list_workshops():  # the newest first
        if found.get("open"):
            return int(found["id"])
    return None

