"""The facilitator's console: a PIN gate, then start or reopen a workshop, drive the room.

``notebooks/animateur.ipynb`` displays :func:`console`. Until the right PIN is typed, the page
holds the :class:`~widgets.common.pin_gate.PinGate` only: the panel and the board (workshops,
pseudonyms) are not even created, so nothing of them reaches the browser. Voilà lets a page
send only widget (comm) messages to its kernel, never code to run, and each page has its own
kernel: a learner who opens the console's address gets a gate of their own.

Once open, an asyncio task of the kernel polls :meth:`Store.room_version` every
:data:`POLL_SECONDS` and updates the :class:`~widgets.facilitator.board.Board`'s ``tiles`` when the
room
changed (a learner's action shows within a second), and re-reads the room every
:data:`REFRESH_SECONDS` for the durations ("inactif depuis 2 min"). Without a running event
loop (tests), call :meth:`Console.poll_once` and :meth:`Console.refresh`.

Every action catches its errors and shows a French message; nothing shows a traceback.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Mapping
from typing import Any

import ipywidgets

from bacasable.common.config import BacasableConfig
from bacasable.scenario.loader import Catalogue
from bacasable.store import Store, StoreError
from bacasable.workshop.form import form_options
from bacasable.workshop.join_address import remember_host, workshop_host
from bacasable.workshop.readiness import WARMING_SETTING, PoolState, readiness_sentence
from bacasable.workshop.room import RoomWatcher, room_changes, screen_choices
from bacasable.workshop.room_attention import name_key
from widgets.common.pin_gate import GatedApp, guarded
from widgets.common.polling import Polling

from .board import Board
from .console_actions import ConsoleActions
from .console_panel import ConsolePanel, join_card, workshop_card, workshop_rows

__all__ = ["Console", "console"]

#: Seconds between two reads of the room's version.
POLL_SECONDS = 0.4
#: Seconds between two full reads of the room (idle and waiting times).
REFRESH_SECONDS = 5.0

MSG_POLL = "La salle n'a pas pu être mise à jour. Nouvel essai dans un instant…"


class Console(ConsoleActions, GatedApp):
    """The facilitator's whole console, behind the PIN gate.

    Its actions (the panel's and the board's buttons) are those of
    :class:`~widgets.facilitator.console_actions.ConsoleActions`.

    Parameters
    ----------
    store : Store, optional
        The outcome store; default: the configuration's (opened on first use).
    catalogue : Catalogue, optional
        The scenarios; default: loaded from the configured folders once the PIN is right.
    config : BacasableConfig, optional
        Settings (port, data folder, scenario folders); default: from the environment.
    environ : mapping, optional
        The kernel's environment (``SERVER_NAME`` from Voilà); default: ``os.environ``.
    poll : bool
        Start the polling task when a workshop opens and an event loop runs (default).

    Attributes
    ----------
    gate : PinGate
    keeper : GateKeeper
        Answers the gate; calls :meth:`unlock` when the PIN is right.
    panel : ConsolePanel or None
        None until the PIN is right.
    board : Board or None
        None until the PIN is right.
    watcher : RoomWatcher or None
        The room followed, while a workshop is driven.
    workshop_id : int or None
    """

    def __init__(
        self,
        store: Store | None = None,
        catalogue: Catalogue | None = None,
        *,
        config: BacasableConfig | None = None,
        environ: Mapping[str, str] | None = None,
        poll: bool = True,
        **kwargs: Any,
    ) -> None:
        self._poll = poll
        self._polling = Polling(self._follow_step, POLL_SECONDS,
                                what="console: the room could not be read",
                                on_failure=self._say_poll_failed,
                                on_recovery=self._say_poll_works)
        self._last_refresh = time.monotonic()
        self._shown: list[dict[str, Any]] | None = None
        self._host: str | None = None
        self._hosts: list[str] = []
        self.panel: ConsolePanel | None = None
        self.board: Board | None = None
        self.watcher: RoomWatcher | None = None
        self.workshop_id: int | None = None
        super().__init__(store, catalogue, config=config, environ=environ, **kwargs)
        self.add_class("bas-console-app")

    # --- the store ----------------------------------------------------------------------------


    # --- once open ----------------------------------------------------------------------------

    def build(self) -> list[ipywidgets.Widget]:
        """Make the console (the PIN was right): the panel and the board."""
        self.panel = ConsolePanel(form=form_options(self.catalogue))
        self.panel.on_action(guarded(self.handle, self.say_error))
        self.board = Board()
        self.board.on_action(guarded(self.handle, self.say_error))
        return [self.panel]

    def opened(self, status: str, problem: str) -> None:
        """Read the open workshops, then show the first messages."""
        self._load_workshops()
        super().opened(status, problem)

    def _load_workshops(self) -> None:
        assert self.panel is not None
        try:
            found = self.store.list_workshops()
        except StoreError as error:
            self.panel.workshops = []
            self.panel.say(error=error.message)
            return
        self.panel.workshops = workshop_rows(found)

    # --- the workshop driven ------------------------------------------------------------------

    def open_workshop(self, workshop_id: int) -> None:
        """Drive a workshop (new or reopened): join code and QR code, controls, the board.

        Parameters
        ----------
        workshop_id : int
            A workshop not closed.

        Raises
        ------
        StoreError
            When it does not exist or is closed.
        """
        assert self.panel is not None and self.board is not None
        workshop = self.store.workshop(workshop_id)
        if not workshop.get("open"):
            raise StoreError("Cet atelier est terminé : il ne peut pas être repris.")
        self._stop_polling()
        self.workshop_id = workshop["id"]
        self.panel.workshop = workshop_card(workshop, self.catalogue)
        self.panel.screens = (
            screen_choices(self.catalogue, workshop.get("scenario_ids") or [])
            if self.catalogue
            else []
        )
        self.panel.form_errors = {}
        self.panel.confirm_close = False
        self._host, self._hosts = workshop_host(self.store, workshop["id"], self._environ,
                                                fallback=self._host)
        remember_host(self.store, workshop["id"], self._host)  # the wall shows the same address
        self._update_join()
        self.watcher = RoomWatcher(self.store, workshop["id"], self.catalogue)
        self._shown = None
        self.poll_once()
        self.read_readiness()
        self.panel.stage = "workshop"
        self.children = [self.panel, self.board]
        self._start_polling()

    def _update_join(self) -> None:
        assert self.panel is not None
        code = self.panel.workshop.get("code", "")
        self.panel.join = join_card(self._host or "127.0.0.1", self._hosts, self.config.port, code)

    def _leave(self) -> None:
        assert self.panel is not None
        self._stop_polling()
        self.workshop_id = None
        self.watcher = None
        self._shown = None
        self.panel.confirm_close = False
        self.panel.stage = "home"
        self.panel.workshop = {}
        self.panel.join = {}
        self.panel.screens = []
        self.panel.learners = []
        if self.board is not None:
            self.board.show([])
            self.board.announce = ""
        self.children = [self.panel]
        self._load_workshops()

    def _show(self, tiles: list[dict[str, Any]]) -> None:
        assert self.panel is not None and self.board is not None
        changes = room_changes(self._shown, tiles)
        self._shown = [dict(t) for t in tiles]
        self.board.show(tiles, changes)
        # "To whom?" lists go by name: they do not follow the board's order of who needs help.
        learners = [{"id": t["id"], "pseudonym": t["pseudonym"]}
                    for t in sorted(tiles, key=lambda t: (name_key(t["pseudonym"]), t["id"]))]
        if learners != self.panel.learners:
            self.panel.learners = learners
        hands = [{"id": t["id"], "pseudonym": t["pseudonym"], "number": t["number"],
                  "text": t["hand_text"], "disconnected": t["disconnected"]}
                 for t in sorted((t for t in tiles if t["hand"]),
                                 key=lambda t: -(t.get("hand_seconds") or 0))]
        if hands != self.panel.hands:
            self.panel.hands = hands

    def poll_once(self) -> bool:
        """Update the board if the room changed since the last look.

        Returns
        -------
        bool
            True when the tiles were updated.
        """
        if self.watcher is None or self.board is None:
            return False
        tiles = self.watcher.poll_once()
        if tiles is None:
            return False
        self._show(tiles)
        return True

    def refresh(self) -> None:
        """Re-read the room now: the idle and waiting times change with time alone."""
        if self.watcher is None or self.board is None:
            return
        self._show(self.watcher.refresh())
        self.read_readiness()

    def read_readiness(self) -> None:
        """Say how ready the learners' pages are, from what the server wrote in the store."""
        if self.panel is None:
            return
        try:
            state = PoolState.from_json(self.store.setting(WARMING_SETTING))
        except StoreError:
            state = None
        sentence = readiness_sentence(state)
        if sentence != self.panel.readiness:
            self.panel.readiness = sentence

    # --- the polling task ---------------------------------------------------------------------

    def _start_polling(self) -> None:
        self._last_refresh = time.monotonic()
        if self._poll:
            self._polling.start()

    def _stop_polling(self) -> None:
        self._polling.stop()

    def _follow_step(self) -> None:
        """One look at the room: its changes, or everything again every REFRESH_SECONDS."""
        if time.monotonic() - self._last_refresh >= REFRESH_SECONDS:
            self._last_refresh = time.monotonic()
            self.refresh()
            return
        self.poll_once()
        if self.panel is not None and self.panel.readiness.startswith("Prépar"):
            self.read_readiness()  # the count moves while the pages warm

    def _say_poll_failed(self) -> None:
        if self.panel is not None:
            self.panel.say(error=MSG_POLL)

    def _say_poll_works(self) -> None:
        if self.panel is not None and self.panel.error == MSG_POLL:
            self.panel.say()

    def close(self) -> None:
        """Stop following the room and close the widgets."""
        self._stop_polling()
        for widget in (self.gate, self.panel, self.board):
            if widget is not None:
                with contextlib.suppress(Exception):
                    widget.close()
        super().close()




def console() -> Console:
    """Return the facilitator's console (display it as the last expression of a cell).

    Returns
    -------
    Console
        The PIN gate first; the console once the PIN is right.
    """
    return Console()
