"""The console's rules around the PIN: tries counted per client in the store, where one is chosen.

:func:`check_facilitator_pin` checks the PIN and counts the try in one transaction of the
store (:meth:`bacasable.store.Store.pin_try`), under the key of the device the page was asked
from (:func:`bacasable.workshop.peer.page_peer`): every console page is a new kernel, so no
count kept in a process could hold, and a device on the Wi-Fi must not be able to lock this
laptop out. The rules are those of :mod:`bacasable.store.pins`.
:func:`bacasable.workshop.peer.page_peer` tells whether a page is this computer's (the first PIN
is chosen there only).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from bacasable.store import Store

from .peer import Peer
from .pin import PinLockedError, pin_matches, seconds_text, set_pin

__all__ = [
    "check_facilitator_pin",
    "locked_message",
    "set_facilitator_pin",
]


def set_facilitator_pin(store: Store, pin: str) -> None:
    """Set (or change) the facilitator's PIN and forget the wrong tries of every client.

    The arguments and the errors are those of :func:`bacasable.workshop.pin.set_pin`.
    """
    set_pin(store, pin)


def check_facilitator_pin(
    store: Store, pin: str, *, peer: Peer, clock: Callable[[], float] = time.time
) -> bool:
    """Check the facilitator's PIN typed on a page asked from ``peer``, and count the try.

    Reading the counts, checking the PIN and counting a wrong one are one transaction of the
    store, whichever kernel or process tries: five pages typing at once get no more tries
    than one. Per client, :data:`~bacasable.store.pins.MAX_FAILURES` wrong PINs in a row
    suspend checking for :data:`~bacasable.store.pins.LOCK_SECONDS` s; the devices on the
    Wi-Fi together are suspended for :data:`~bacasable.store.pins.REMOTE_LOCK_SECONDS` s
    after :data:`~bacasable.store.pins.REMOTE_MAX_FAILURES` wrong PINs within
    :data:`~bacasable.store.pins.REMOTE_WINDOW_SECONDS` s. This laptop is suspended by its own
    wrong PINs only.

    Parameters
    ----------
    store
        The outcome store.
    pin
        The PIN typed.
    peer
        The device the page was asked from (:func:`bacasable.workshop.peer.page_peer`).
    clock
        Wall-clock time in seconds (shared by every process); for tests.

    Returns
    -------
    bool
        True when it is the PIN set (the client's count starts again).

    Raises
    ------
    PinLockedError
        While checking is suspended for this client (the PIN was not checked).
    """
    result = store.pin_try(
        peer.client, peer.local, lambda encoded: pin_matches(pin, encoded), now=clock()
    )
    if result.locked:
        raise PinLockedError(result.retry_after)
    return result.ok


def locked_message(retry_after: float) -> str:
    """Return "Trop d'essais. Réessayez dans 30 secondes." for a wait of ``retry_after`` s."""
    return f"Trop d'essais. Réessayez dans {seconds_text(retry_after)}."
