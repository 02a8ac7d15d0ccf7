"""The facilitator's PIN: 4 to 8 digits, kept in the store as a scrypt hash only.

The hash is stored in the ``settings`` table (key :data:`PIN_SETTING`) as
``scrypt$n$r$p$salt_b64$hash_b64`` (``hashlib.scrypt``, random 16-byte salt, n=2**14, r=8,
p=1, 32-byte key). Checking compares in constant time.

Wrong tries are limited: after :data:`MAX_FAILURES` wrong PINs in a row, :func:`check_pin`
refuses to check for :data:`LOCK_SECONDS` seconds (:class:`PinLockedError`). The count is kept
in memory, per process and per database: restarting the facilitator's kernel resets it. That
is enough against someone trying codes on the console in the room, which is the threat here
(a 4-digit PIN is not meant to resist an attacker who holds the database file).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
import secrets
import threading
import time

from bacasable.store import Store, StoreError

__all__ = [
    "LOCK_SECONDS",
    "MAX_FAILURES",
    "PinLockedError",
    "after_wrong_pin",
    "check_pin",
    "has_pin",
    "remove_pin",
    "seconds_text",
    "seconds_to_wait",
    "set_pin",
]

#: The settings key of the PIN hash.
PIN_SETTING = "facilitator_pin"
#: Wrong tries in a row before checking is suspended.
MAX_FAILURES = 5
#: Seconds checking stays suspended after :data:`MAX_FAILURES` wrong tries.
LOCK_SECONDS = 30.0
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

#: Monotonic clock of the limiter (tests replace it).
_monotonic = time.monotonic
_limiter_lock = threading.Lock()
#: Per database URL: (wrong tries in a row, monotonic time until which checking is suspended).
_failures: dict[str, tuple[int, float]] = {}


def seconds_text(retry_after: float) -> str:
    """Return a wait in whole seconds, at least one: "1 seconde", "30 secondes"."""
    seconds = max(1, math.ceil(retry_after))
    return f"{seconds} seconde{'s' if seconds > 1 else ''}"


def after_wrong_pin(count: int, now: float) -> tuple[int, float]:
    """Return the limiter's state after one more wrong PIN.

    Parameters
    ----------
    count
        Wrong tries in a row so far.
    now
        The time of this try, on the clock the limiter uses.

    Returns
    -------
    count : int
        Wrong tries in a row now (back to 0 when checking gets suspended).
    until : float
        When checking may resume: ``now +`` :data:`LOCK_SECONDS` after :data:`MAX_FAILURES`
        wrong tries, else 0 (not suspended).
    """
    count += 1
    if count >= MAX_FAILURES:
        return 0, now + LOCK_SECONDS
    return count, 0.0


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


def set_pin(store: Store, pin: str) -> None:
    """Set (or change) the facilitator's PIN.

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
    pin = _check_format(pin)
    if is_weak(pin):
        raise StoreError(MSG_WEAK)
    store.set_setting(PIN_SETTING, hash_pin(pin))
    with _limiter_lock:
        _failures.pop(store.url, None)


def has_pin(store: Store) -> bool:
    """Tell whether a facilitator PIN is set.

    Parameters
    ----------
    store
        The outcome store.

    Returns
    -------
    bool
        True when a PIN is set.
    """
    return store.setting(PIN_SETTING) is not None


def remove_pin(store: Store) -> None:
    """Remove the facilitator's PIN (the console will ask for a new one).

    Parameters
    ----------
    store
        The outcome store.
    """
    store.set_setting(PIN_SETTING, None)


def seconds_to_wait(store: Store) -> float:
    """Return how long checking is still suspended for this database (0 when it is not).

    Parameters
    ----------
    store
        The outcome store.

    Returns
    -------
    float
        Seconds.
    """
    with _limiter_lock:
        _count, until = _failures.get(store.url, (0, 0.0))
    return max(0.0, until - _monotonic())


def check_pin(store: Store, pin: str) -> bool:
    """Check the facilitator's PIN.

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

    Raises
    ------
    PinLockedError
        After :data:`MAX_FAILURES` wrong tries in a row, for :data:`LOCK_SECONDS` seconds
        (the PIN is not checked meanwhile).
    """
    key = store.url
    wait = seconds_to_wait(store)
    if wait > 0:
        raise PinLockedError(wait)
    encoded = store.setting(PIN_SETTING)
    ok = (
        encoded is not None
        and isinstance(pin, str)
        and pin.isascii()
        and pin.isdigit()
        and verify_pin_hash(pin, encoded)
    )
    with _limiter_lock:
        if ok:
            _failures.pop(key, None)
        else:
            count, _until = _failures.get(key, (0, 0.0))
            _failures[key] = after_wrong_pin(count, _monotonic())
    return ok
