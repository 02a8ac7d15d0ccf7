"""The console's rules around the PIN: wrong tries limited across kernels, where one is chosen.

:func:`check_facilitator_pin` adds to :func:`bacasable.workshop.pin.check_pin` a limit on wrong
PINs kept
in the database: each console page is a new kernel (a new process), so the per-process limit of
:mod:`bacasable.workshop.pin` alone would let someone on the Wi-Fi try 5 PINs per page opened.
:func:`page_opened_on_this_computer` tells whether the page may choose the first PIN.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping

from bacasable.store import Store

from .network import is_loopback_host
from .pin import PinLockedError, after_wrong_pin, check_pin, seconds_text, set_pin

__all__ = [
    "check_facilitator_pin",
    "locked_message",
    "page_opened_on_this_computer",
    "reset_pin_failures",
    "set_facilitator_pin",
]

#: The settings key of the wrong PINs shared by every kernel: ``"count|until"``.
PIN_FAILURES_SETTING = "facilitator_pin_failures"


def _pin_failures(store: Store) -> tuple[int, float]:
    raw = store.setting(PIN_FAILURES_SETTING) or ""
    try:
        count, until = raw.split("|")
        return int(count), float(until)
    except ValueError:
        return 0, 0.0


def reset_pin_failures(store: Store) -> None:
    """Forget the wrong PINs counted in the database (after a new PIN is set)."""
    if store.setting(PIN_FAILURES_SETTING) is not None:
        store.set_setting(PIN_FAILURES_SETTING, None)


def set_facilitator_pin(store: Store, pin: str) -> None:
    """Set (or change) the facilitator's PIN and forget the wrong tries counted so far.

    The arguments and the errors are those of :func:`bacasable.workshop.pin.set_pin`.
    """
    set_pin(store, pin)
    reset_pin_failures(store)


def check_facilitator_pin(
    store: Store, pin: str, *, clock: Callable[[], float] = time.time
) -> bool:
    """Check the facilitator's PIN, with wrong tries counted in the database.

    :func:`bacasable.workshop.pin.check_pin` counts wrong tries per process; every console page
    opened
    is a new kernel, so the count is also kept in the store's settings: after
    :data:`~bacasable.workshop.pin.MAX_FAILURES` wrong PINs in a row, from any page, checking is
    suspended for :data:`~bacasable.workshop.pin.LOCK_SECONDS` seconds.

    Parameters
    ----------
    store
        The outcome store.
    pin
        The PIN typed.
    clock
        Wall-clock time in seconds (shared by every process); for tests.

    Returns
    -------
    bool
        True when it is the PIN set.

    Raises
    ------
    PinLockedError
        While checking is suspended.
    """
    count, until = _pin_failures(store)
    now = clock()
    if until > now:
        raise PinLockedError(until - now)
    if check_pin(store, pin):
        if count or until:
            store.set_setting(PIN_FAILURES_SETTING, None)
        return True
    count, until = after_wrong_pin(count, now)
    store.set_setting(PIN_FAILURES_SETTING, f"{count}|{until}")
    return False


def locked_message(retry_after: float) -> str:
    """Return "Trop d'essais. Réessayez dans 30 secondes." for a wait of ``retry_after`` s."""
    return f"Trop d'essais. Réessayez dans {seconds_text(retry_after)}."


def page_opened_on_this_computer(environ: Mapping[str, str] | None = None) -> bool:
    """Tell whether the console page was asked for through this computer's loopback address.

    Voilà gives the kernel the request's host as ``SERVER_NAME``. Outside Voilà (tests, a
    notebook) the answer is True. Under Voilà without a known request (a preheated kernel, or
    no ``SERVER_NAME``) it is False: the page may come from any device on the Wi-Fi.
    """
    env = os.environ if environ is None else environ
    under_voila = (
        env.get("SERVER_SOFTWARE", "").startswith("voila")
        or "VOILA_PREHEAT" in env
        or "VOILA_BASE_URL" in env
    )
    if not under_voila:
        return True
    host = env.get("SERVER_NAME")
    if env.get("VOILA_PREHEAT") == "True" or not host:
        return False
    return is_loopback_host(host.strip().lower())
