"""The facilitator's PIN gate: the only thing on the console page until the right PIN is typed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import traitlets

from ._base import STATIC, Action, ActionWidget, log, module

#: The stylesheet of the console's widgets: the shared one, then the console's own.
CONSOLE_CSS = (STATIC / "bacasable.css").read_text(encoding="utf-8") + (
    STATIC / "console.css"
).read_text(encoding="utf-8")

#: What the gate asks for.
MODES = ("check", "create", "elsewhere")


class PinGate(ActionWidget):
    """Asks the facilitator's PIN (or, on first use, to choose one) and says what went wrong.

    The view sends ``{action: "check", pin}`` or ``{action: "create", pin, confirm}``; the PIN
    travels in that message only, never in a synced trait. What to do with it is the owner's
    business (:class:`~widgets.console.Console`): see :meth:`on_action`.

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

    _esm = module("pin_gate.js")
    _css = CONSOLE_CSS

    mode = traitlets.Enum(MODES, default_value="check").tag(sync=True)
    error = traitlets.Unicode("").tag(sync=True)
    status = traitlets.Unicode("").tag(sync=True)
    attempt = traitlets.Int(0).tag(sync=True)

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
