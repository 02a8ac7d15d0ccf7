"""The facilitator's PIN gate: the only thing on the console page until the right PIN is typed."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import ipywidgets
import traitlets

from bacasable.common.config import BacasableConfig
from bacasable.scenario.loader import Catalogue
from bacasable.store import Store, StoreError
from bacasable.workshop.peer import page_peer
from bacasable.workshop.pin import PinLockedError, has_pin
from bacasable.workshop.pin_policy import (
    check_facilitator_pin,
    locked_message,
    set_facilitator_pin,
)

from .base import Action, ActionWidget, log, module, stylesheet

#: The stylesheet of the console's widgets: the shared one, then the console's own.
CONSOLE_CSS = stylesheet("facilitator/console.css", "facilitator/board.css", "facilitator/nav.css")

#: What the gate asks for.
MODES = ("check", "create", "elsewhere")

MSG_WRONG_PIN = "Ce code PIN n'est pas le bon. Réessayez."
MSG_PIN_MISMATCH = "Les deux codes ne sont pas identiques. Tapez-les à nouveau."
MSG_PIN_EXISTS = "Un code PIN est déjà choisi : tapez-le pour ouvrir la console."
MSG_PIN_SAVED = "Code PIN enregistré. Il vous sera demandé à chaque ouverture de la console."
MSG_CATALOGUE = (
    "Des exercices n'ont pas pu être chargés : vérifiez-les avec « bacasable validate »."
)
MSG_STORE = (
    "Les résultats de l'atelier sont inaccessibles. Fermez cette page et relancez Bac à sable."
)


class PinGate(ActionWidget):
    """Asks the facilitator's PIN (or, on first use, to choose one) and says what went wrong.

    The view sends ``{action: "check", pin}`` or ``{action: "create", pin, confirm}``; the PIN
    travels in that message only, never in a synced trait. What to do with it is the owner's
    business (:class:`GateKeeper`, for the :class:`~widgets.facilitator.console.Console`): see
    :meth:`on_action`.

    Attributes
    ----------
    mode : str
        ``"check"`` (type the PIN), ``"create"`` (choose one: none is set yet) or
        ``"elsewhere"`` (none is set, and it cannot be chosen from this device).
    error : str
        A French message tied to the PIN field ("Ce code n'est pas le bon."), or "".
    status : str
        A polite French message ("Code PIN enregistré…"), or "".
    attempt : int
        Increased at each answer, so that the view clears the fields even when the error
        message stays the same.
    """

    _esm = module("common/pin_gate.js")
    _css = CONSOLE_CSS

    mode = traitlets.Enum(MODES, default_value="check").tag(sync=True)
    error = traitlets.Unicode("").tag(sync=True)
    status = traitlets.Unicode("").tag(sync=True)
    attempt = traitlets.Int(0).tag(sync=True)
    #: The page's title and the button's text: what the PIN opens.
    title = traitlets.Unicode("Console de l'animateur").tag(sync=True)
    button = traitlets.Unicode("Ouvrir la console").tag(sync=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.add_class("bas-widget")

    def answer(self, error: str = "", status: str = "") -> None:
        """Show the result of a try (an error, or a status) and clear the view's fields."""
        self.error = error
        self.status = status
        self.attempt += 1


def guarded(handler: Callable[[Action], None], fallback: Callable[[str], None]) -> Callable:
    """Wrap an action handler so that an unexpected error becomes a French message."""

    def run(content: Action) -> None:
        try:
            handler(content)
        except Exception:
            log.exception("console action failed: %r", content.get("action"))
            fallback("Cette action n'a pas pu aboutir. Réessayez dans un instant.")

    return run


class GateKeeper:
    """Answers a :class:`PinGate`'s tries with the store's PIN, and opens the way when right.

    The gate asks for the PIN when one is set, else offers to choose one, but only on a page
    opened on this computer, as the server saw the connection
    (:func:`bacasable.workshop.peer.page_peer`).
    Wrong
    tries are limited across kernels (:func:`bacasable.workshop.pin_policy.check_facilitator_pin`).

    Parameters
    ----------
    gate : PinGate
        The gate answered (its actions are handled from now on).
    store : callable
        Returns the outcome store (it may open it, and fail: the gate then says so).
    environ : mapping
        The kernel's environment (``SERVER_NAME`` from Voilà).
    on_open : callable
        Called once the PIN is right, with a first status ("" or "Code PIN enregistré…").

    Attributes
    ----------
    opened : bool
        The right PIN was typed (or a new one chosen): the gate answers no more.
    """

    def __init__(
        self,
        gate: PinGate,
        store: Callable[[], Store],
        environ: Mapping[str, str],
        on_open: Callable[[str], None],
    ) -> None:
        self.gate = gate
        self._store = store
        self._environ = environ
        self._on_open = on_open
        self.opened = False
        gate.on_action(guarded(self._on_gate, lambda text: gate.answer(text)))
        self.set_mode()

    def set_mode(self) -> None:
        """Ask for the PIN, for a new one, or say it is chosen elsewhere, as the store says."""
        try:
            exists = has_pin(self._store())
        except StoreError as error:
            log.exception("console: store unavailable")
            self.gate.answer(error.message if error.message else MSG_STORE)
            return
        except Exception:
            log.exception("console: store unavailable")
            self.gate.answer(MSG_STORE)
            return
        if exists:
            self.gate.mode = "check"
        elif page_peer(self._environ).local:
            self.gate.mode = "create"
        else:
            self.gate.mode = "elsewhere"

    def _open(self, status: str = "") -> None:
        self.opened = True
        self._on_open(status)

    def _on_gate(self, content: Action) -> None:
        if self.opened:
            return
        action = content.get("action")
        pin = content.get("pin")
        pin = pin if isinstance(pin, str) else ""
        if action == "check":
            self._check(pin)
        elif action == "create":
            confirm = content.get("confirm")
            self._create(pin, confirm if isinstance(confirm, str) else "")

    def _check(self, pin: str) -> None:
        try:
            ok = check_facilitator_pin(self._store(), pin, peer=page_peer(self._environ))
        except PinLockedError as error:
            self.gate.answer(locked_message(error.retry_after))
            return
        except StoreError as error:
            self.gate.answer(error.message)
            return
        if ok:
            self._open()
            return
        if not has_pin(self._store()):
            self.set_mode()
            self.gate.answer()
            return
        self.gate.answer(MSG_WRONG_PIN)

    def _create(self, pin: str, confirm: str) -> None:
        if has_pin(self._store()):
            self.gate.mode = "check"
            self.gate.answer(MSG_PIN_EXISTS)
            return
        if not page_peer(self._environ).local:
            self.gate.mode = "elsewhere"
            self.gate.answer()
            return
        if pin != confirm:
            self.gate.answer(MSG_PIN_MISMATCH)
            return
        try:
            set_facilitator_pin(self._store(), pin)
        except StoreError as error:
            self.gate.answer(error.message)
            return
        self._open(MSG_PIN_SAVED)


class GatedApp(ipywidgets.VBox):
    """A facilitator's page: nothing but the PIN gate until the right PIN, then :meth:`unlock`.

    Each page names its gate with :attr:`GATE_TITLE` and :attr:`GATE_BUTTON`.

    Parameters
    ----------
    store : Store, optional
        The outcome store; by default the configured one, opened on first use.
    catalogue : Catalogue, optional
        The scenarios; by default loaded from the configured folders when unlocked.
    config : BacasableConfig, optional
    environ : mapping, optional
        The kernel's environment (``SERVER_NAME`` from Voilà); default: ``os.environ``.
    """

    #: The gate's title: what the page is.
    GATE_TITLE = "Console de l'animateur"
    #: The gate's button.
    GATE_BUTTON = "Ouvrir la console"

    def __init__(
        self,
        store: Store | None = None,
        catalogue: Catalogue | None = None,
        *,
        config: BacasableConfig | None = None,
        environ: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        self.config = config or BacasableConfig()
        self._environ = os.environ if environ is None else environ
        self._store = store
        self.catalogue = catalogue
        self.unlocked = False
        self.gate = gate = PinGate(title=self.GATE_TITLE, button=self.GATE_BUTTON)
        super().__init__([gate], **kwargs)
        self.keeper = GateKeeper(gate, lambda: self.store, self._environ, self.unlock)

    @property
    def store(self) -> Store:
        """The outcome store (opened on first use)."""
        if self._store is None:
            Path(self.config.data_dir).expanduser().mkdir(parents=True, exist_ok=True)
            self._store = Store.shared(self.config.db_url)
        return self._store

    def load_catalogue(self) -> tuple[Catalogue, str]:
        """Read the configured scenario folders; never raise.

        Returns
        -------
        Catalogue
            What could be read (empty when nothing could).
        str
            A French message when a file could not be read, else "".
        """
        from bacasable.scenario.loader import load_catalogue

        try:
            catalogue = load_catalogue(self.config.all_scenario_dirs())
        except Exception:
            log.exception("%s: could not load the catalogue", type(self).__name__)
            return Catalogue(), MSG_CATALOGUE
        return catalogue, (MSG_CATALOGUE if catalogue.errors else "")

    def unlock(self, status: str = "") -> None:
        """Open the page once the PIN is right: read the catalogue, :meth:`build`, say ``status``.

        Parameters
        ----------
        status : str
            A first message to show ("Code PIN enregistré…").
        """
        if self.unlocked:
            return
        self.unlocked = True
        problem = self.read_catalogue()
        self.children = self.build()
        self.gate.close()
        self.opened(status, problem)

    def read_catalogue(self) -> str:
        """Read the scenarios unless given; return a French problem to show, or ""."""
        if self.catalogue is not None:
            return ""
        self.catalogue, problem = self.load_catalogue()
        return problem

    def build(self) -> list[ipywidgets.Widget]:
        """Make the page's widgets (the PIN was right) and return those to show."""
        raise NotImplementedError

    def opened(self, status: str, problem: str) -> None:
        """Show the first messages on the page's panel, once built."""
        panel = getattr(self, "panel", None)
        if panel is not None:
            panel.say(status, problem)

    def say_error(self, text: str) -> None:
        """Show a French error on the page's panel (what a failed action says)."""
        panel = getattr(self, "panel", None)
        if panel is not None:
            panel.say(error=text)
