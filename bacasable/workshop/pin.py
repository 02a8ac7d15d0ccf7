"""The facilitator's PIN: 4 to 8 digits, kept in the store as a scrypt hash only.

The hash is stored in the ``settings`` table (key :data:`PIN_SETTING`) as
``scrypt$n$r$p$salt_b64$hash_b64`` (``hashlib.scrypt``, random 16-byte salt, n=2**14, r=8,
p=1, 32-byte key). Checking compares in constant time.

This module makes, reads and checks the hash; it counts nothing. Wrong tries are counted in
the store, per client, in the same transaction as the check
(:meth:`bacasable.store.Store.pin_try`, rules in :mod:`bacasable.store.pins`), through
:func:`bacasable.workshop.pin_policy.check_facilitator_pin`. A 4-digit PIN is not meant to
resist an attacker who holds the database file.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
import secrets

from bacasable.store import LOCK_SECONDS, MAX_FAILURES, PIN_HASH_SETTING, Store, StoreError

__all__ = [
    "LOCK_SECONDS",
    "MAX_FAILURES",
    "PinLockedError",
    "check_pin",
    "has_pin",
    "pin_matches",
    "remove_pin",
    "seconds_text",
    "set_pin",
]

#: The settings key of the PIN hash.
PIN_SETTING = PIN_HASH_SETTING
#: scrypt parameters for new hashes.
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16
KEY_BYTES = 32

MSG_FORMAT = "Le code doit comporter de 4 à 8 chiffres."
MSG_WEAK = (
    "Ce code est trop facile à deviner (chiffres répétés, suite, année…) : "
    "choisissez-en un autre."
)

#: Well-known PINs that are not sequences nor repetitions.
_COMMON = frozenset({"2580", "0852", "1004", "1122", "1313", "6969", "1379", "1478"})


def seconds_text(retry_after: float) -> str:
    """Return a wait in whole seconds, at least one: "1 seconde", "30 secondes"."""
    seconds = max(1, math.ceil(retry_after))
    return f"{seconds} seconde{'s' if seconds > 1 else ''}"


class PinLockedError(StoreError):
    """Too many wrong PINs: checking is suspended for a while.

    Parameters
    ----------
    retry_after
        Seconds to wait before the next try.
    """

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"Trop d'essais de code. Réessayez dans {seconds_text(retry_after)}.")
        #: Seconds to wait before the next try.
        self.retry_after = retry_after


def is_weak(pin: str) -> bool:
    """Tell whether a PIN of digits is easy to guess.

    Weak: one digit repeated (``0000``), a run up or down (``1234``, ``9876``, ``7890``), a
    shorter block repeated (``1212``, ``123123``), a year from 1900 to 2099 (4 digits), or a
    well-known code (``2580``…).

    Parameters
    ----------
    pin
        The PIN (digits only).

    Returns
    -------
    bool
        True when the PIN should be refused.
    """
    digits = [int(c) for c in pin]
    steps = {(b - a) % 10 for a, b in zip(digits, digits[1:], strict=False)}
    if len(steps) == 1 and steps <= {0, 1, 9}:
        return True
    for size in range(1, len(pin) // 2 + 1):
        if len(pin) % size == 0 and pin[:size] * (len(pin) // size) == pin:
            return True
    if len(pin) == 4 and pin[:2] in ("19", "20"):
        return True
    return pin in _COMMON


def _check_format(pin: object) -> str:
    if not isinstance(pin, str) or not (4 <= len(pin) <= 8) or not pin.isascii():
        raise StoreError(MSG_FORMAT)
    if not pin.isdigit():
        raise StoreError(MSG_FORMAT)
    return pin


def hash_pin(pin: str) -> str:
    """Hash a PIN with scrypt and a new random salt.

    Parameters
    ----------
    pin
        The PIN.

    Returns
    -------
    str
        ``scrypt$n$r$p$salt_b64$hash_b64``.
    """
    salt = secrets.token_bytes(SALT_BYTES)
    key = hashlib.scrypt(
        pin.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=KEY_BYTES
    )
    b64 = base64.b64encode
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${b64(salt).decode()}${b64(key).decode()}"


def verify_pin_hash(pin: str, encoded: str) -> bool:
    """Check a PIN against a hash made by :func:`hash_pin`, in constant time.

    Parameters
    ----------
    pin
        The PIN typed.
    encoded
        The stored hash.

    Returns
    -------
    bool
        True when they match; False also for a hash that cannot be read.
    """
    try:
        scheme, n, r, p, salt_b64, key_b64 = encoded.split("$")
        n, r, p = int(n), int(r), int(p)
        salt = base64.b64decode(salt_b64, validate=True)
        expected = base64.b64decode(key_b64, validate=True)
    except (ValueError, AttributeError):
        return False
    # Bounds, so that a tampered setting cannot make a check take minutes or gigabytes.
    if scheme != "scrypt" or not (2 <= n <= 2**20 and n & (n - 1) == 0) or not (
        1 <= r <= 32 and 1 <= p <= 16 and expected
    ):
        return False
    try:
        key = hashlib.scrypt(
            pin.encode(), salt=salt, n=n, r=r, p=p, dklen=len(expected),
            maxmem=256 * n * r * p + 2**20,
        )
    except (ValueError, MemoryError):
        return False
    return hmac.compare_digest(key, expected)


def check_new_pin(pin: object) -> str:
    """Return ``pin`` if it may become the facilitator's PIN; StoreError (French) if not.

    Parameters
    ----------
    pin
        What was typed: 4 to 8 digits, not easy to guess (see :func:`is_weak`).
    """
    pin = _check_format(pin)
    if is_weak(pin):
        raise StoreError(MSG_WEAK)
    return pin


def set_pin(store: Store, pin: str) -> None:
    """Set (or change) the facilitator's PIN; every wrong try counted so far is forgotten.

    Parameters
    ----------
    store
        The outcome store.
    pin
        4 to 8 digits, not easy to guess (see :func:`is_weak`).

    Raises
    ------
    StoreError
        With a French message when the PIN is not valid or too weak.
    """
    store.set_pin_hash(hash_pin(check_new_pin(pin)))


def has_pin(store: Store) -> bool:
    """Tell whether a facilitator PIN is set in ``store`` (the outcome store)."""
    return store.setting(PIN_SETTING) is not None


def remove_pin(store: Store) -> None:
    """Remove the facilitator's PIN from ``store``: the console will ask for a new one."""
    store.set_pin_hash(None)


def pin_matches(pin: object, encoded: str | None) -> bool:
    """Tell whether ``pin`` (as typed) matches the stored hash ``encoded`` (None: no PIN set).

    Anything but 4 to 8 ASCII digits never matches, and is not hashed.
    """
    return (
        encoded is not None
        and isinstance(pin, str)
        and 4 <= len(pin) <= 8
        and pin.isascii()
        and pin.isdigit()
        and verify_pin_hash(pin, encoded)
    )


def check_pin(store: Store, pin: str) -> bool:
    """Check the facilitator's PIN, without counting the try.

    The console counts its tries: it checks with
    :func:`bacasable.workshop.pin_policy.check_facilitator_pin`.

    Parameters
    ----------
    store
        The outcome store.
    pin
        The PIN typed.

    Returns
    -------
    bool
        True when it is the PIN set; False otherwise, and when no PIN is set.
    """
    return pin_matches(pin, store.setting(PIN_SETTING))
