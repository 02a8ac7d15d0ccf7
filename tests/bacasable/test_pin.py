"""The facilitator's PIN: format, weak codes, scrypt hash, constant-time check, wrong tries."""

from __future__ import annotations

import base64
import hashlib

import pytest

from bacasable.store import Store, StoreError
from bacasable.workshop import pin
from bacasable.workshop.peer import PEER_VARIABLE, Peer, page_peer
from bacasable.workshop.pin_policy import check_facilitator_pin, set_facilitator_pin


@pytest.fixture
def store():
    with Store("sqlite:///:memory:") as s:
        yield s


class Tick:
    """A wall clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def tick() -> Tick:
    return Tick()


PHONE = Peer("192.168.1.23", local=False)
LAPTOP = Peer("127.0.0.1", local=True)


def test_set_and_check(store):
    assert not pin.has_pin(store)
    assert pin.check_pin(store, "4827") is False  # no PIN set: nothing matches
    pin.set_pin(store, "4827")
    assert pin.has_pin(store)
    assert pin.check_pin(store, "4827") is True
    assert pin.check_pin(store, "4828") is False
    assert pin.check_pin(store, "") is False
    assert pin.check_pin(store, "4827 ") is False
    assert pin.check_pin(store, None) is False  # type: ignore[arg-type]
    pin.set_pin(store, "59371846")  # changing it
    assert pin.check_pin(store, "59371846") and not pin.check_pin(store, "4827")
    pin.remove_pin(store)
    assert not pin.has_pin(store)


def test_the_pin_is_kept_as_a_scrypt_hash_only(store):
    pin.set_pin(store, "4827")
    stored = store.setting(pin.PIN_SETTING)
    assert "4827" not in stored
    scheme, n, r, p, salt_b64, hash_b64 = stored.split("$")
    assert (scheme, n, r, p) == ("scrypt", str(2**14), "8", "1")
    salt = base64.b64decode(salt_b64)
    assert len(salt) == 16
    expected = hashlib.scrypt(b"4827", salt=salt, n=2**14, r=8, p=1, dklen=32)
    assert base64.b64decode(hash_b64) == expected
    # A new salt each time.
    pin.set_pin(store, "4827")
    assert store.setting(pin.PIN_SETTING) != stored
    assert pin.check_pin(store, "4827")


def test_the_comparison_is_constant_time(store, monkeypatch):
    pin.set_pin(store, "4827")
    calls = []
    real = pin.hmac.compare_digest
    monkeypatch.setattr(pin.hmac, "compare_digest", lambda a, b: calls.append(1) or real(a, b))
    pin.check_pin(store, "4827")
    pin.check_pin(store, "1111")
    assert len(calls) == 2


@pytest.mark.parametrize("bad", ["", "123", "123456789", "12a4", "12 34", "١٢٣٤", None, 4827])
def test_format_is_checked_in_french(store, bad):
    with pytest.raises(StoreError) as info:
        pin.set_pin(store, bad)
    assert info.value.message == "Le code doit comporter de 4 à 8 chiffres."
    assert not pin.has_pin(store)


@pytest.mark.parametrize(
    "weak",
    ["0000", "1111", "99999999", "1234", "12345678", "4321", "9876", "7890", "0987",
     "1212", "123123", "2580", "1990", "2024", "1004"],
)
def test_weak_pins_are_refused(store, weak):
    with pytest.raises(StoreError) as info:
        pin.set_pin(store, weak)
    assert "trop facile à deviner" in info.value.message
    assert not pin.has_pin(store)


@pytest.mark.parametrize("good", ["4827", "9157", "305814", "7294018", "59371846"])
def test_ordinary_pins_are_accepted(store, good):
    assert not pin.is_weak(good)
    pin.set_pin(store, good)
    assert pin.check_pin(store, good)


def test_five_wrong_tries_then_a_wait_of_30_seconds(store, tick):
    pin.set_pin(store, "4827")
    for _ in range(pin.MAX_FAILURES - 1):
        assert check_facilitator_pin(store, "0001", peer=PHONE, clock=tick) is False
    assert check_facilitator_pin(store, "0002", peer=PHONE, clock=tick) is False  # the fifth
    with pytest.raises(pin.PinLockedError) as info:
        check_facilitator_pin(store, "4827", peer=PHONE, clock=tick)  # not checked now
    assert info.value.message == "Trop d'essais de code. Réessayez dans 30 secondes."
    assert info.value.retry_after == pytest.approx(30)
    assert isinstance(info.value, StoreError)
    tick.now += 29.5
    with pytest.raises(pin.PinLockedError, match="dans 1 seconde\\."):
        check_facilitator_pin(store, "4827", peer=PHONE, clock=tick)
    tick.now += 0.5
    assert check_facilitator_pin(store, "4827", peer=PHONE, clock=tick) is True
    # A right PIN resets the count.
    for _ in range(pin.MAX_FAILURES - 1):
        check_facilitator_pin(store, "0001", peer=PHONE, clock=tick)
    assert check_facilitator_pin(store, "4827", peer=PHONE, clock=tick) is True
    for _ in range(pin.MAX_FAILURES - 1):
        assert check_facilitator_pin(store, "0001", peer=PHONE, clock=tick) is False
    assert check_facilitator_pin(store, "4827", peer=PHONE, clock=tick) is True


def test_a_device_cannot_lock_the_facilitator_out(store, tick):
    pin.set_pin(store, "4827")
    for _ in range(pin.MAX_FAILURES):
        check_facilitator_pin(store, "0001", peer=PHONE, clock=tick)
    with pytest.raises(pin.PinLockedError):
        check_facilitator_pin(store, "4827", peer=PHONE, clock=tick)
    assert check_facilitator_pin(store, "4827", peer=LAPTOP, clock=tick) is True
    # The page's own peer decides: this laptop's page, as the server told its kernel.
    laptop_page = page_peer({"SERVER_SOFTWARE": "voila/0.5.13", PEER_VARIABLE: "::1"})
    assert check_facilitator_pin(store, "4827", peer=laptop_page, clock=tick) is True
    # An unmarked page (a preheated kernel) is a device: it has its own count.
    unknown = page_peer({"SERVER_SOFTWARE": "voila/0.5.13"})
    assert not unknown.local
    assert check_facilitator_pin(store, "0001", peer=unknown, clock=tick) is False


def test_checking_without_the_console_counts_nothing(store, tick):
    pin.set_pin(store, "4827")
    for _ in range(3 * pin.MAX_FAILURES):
        assert pin.check_pin(store, "0001") is False
    assert check_facilitator_pin(store, "4827", peer=PHONE, clock=tick) is True


@pytest.mark.parametrize("change", ["set", "remove"])
def test_a_new_pin_forgets_every_wrong_try(store, tick, change):
    pin.set_pin(store, "4827")
    for who in (PHONE, LAPTOP):
        for _ in range(pin.MAX_FAILURES):
            check_facilitator_pin(store, "0001", peer=who, clock=tick)
    if change == "set":
        set_facilitator_pin(store, "5931")
    else:
        pin.remove_pin(store)
        assert check_facilitator_pin(store, "4827", peer=PHONE, clock=tick) is False
        set_facilitator_pin(store, "5931")
    assert check_facilitator_pin(store, "5931", peer=PHONE, clock=tick) is True
    assert check_facilitator_pin(store, "5931", peer=LAPTOP, clock=tick) is True


def test_wrong_tries_are_counted_per_database(tmp_path, tick):
    with Store(f"sqlite:///{tmp_path / 'a.sqlite'}") as a, \
            Store(f"sqlite:///{tmp_path / 'b.sqlite'}") as b:
        pin.set_pin(a, "4827")
        pin.set_pin(b, "4827")
        for _ in range(pin.MAX_FAILURES):
            check_facilitator_pin(a, "0001", peer=PHONE, clock=tick)
        with pytest.raises(pin.PinLockedError):
            check_facilitator_pin(a, "4827", peer=PHONE, clock=tick)
        assert check_facilitator_pin(b, "4827", peer=PHONE, clock=tick)


@pytest.mark.parametrize(
    "tampered",
    ["", "scrypt", "bcrypt$16384$8$1$AAAA$AAAA", "scrypt$16384$8$1$!!$AAAA",
     "scrypt$1073741824$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAA==",
     "scrypt$16385$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAA==",
     "scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$"],
)
def test_an_unreadable_hash_never_matches(store, tampered):
    store.set_setting(pin.PIN_SETTING, tampered)
    assert pin.check_pin(store, "4827") is False
