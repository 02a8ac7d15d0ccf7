"""Tries of the facilitator's PIN in the store: one transaction, counted per client.

The rules (``bacasable/store/pins.py``) on SQLite and PostgreSQL, then pages trying at once:
threads and processes (``spawn``, as Voilà kernels), each with its own store, through the
console's own check (:func:`bacasable.workshop.pin_policy.check_facilitator_pin`, a real
scrypt hash). A count kept per process, or read then written without a lock between, gives
each page its own five tries: these tests then see more than five "wrong" answers.
"""

from __future__ import annotations

import importlib
import multiprocessing
import queue
import sys
import textwrap
import threading

import pytest
from sqlalchemy import select

from bacasable.store import (
    LOCK_SECONDS,
    MAX_FAILURES,
    REMOTE_LOCK_SECONDS,
    REMOTE_MAX_FAILURES,
    REMOTE_WINDOW_SECONDS,
    PinTry,
    Store,
    StoreError,
)
from bacasable.store import tables as t
from bacasable.store.migrations import alembic_config
from bacasable.store.pins import REMOTE
from bacasable.workshop.pin_policy import set_facilitator_pin

#: A POSIX time for the tries (the store keeps them as UTC datetimes).
NOW = 1_790_000_000.0
PIN = "4827"
LOCAL = "local"


def new_database(request, tmp_path, where: str) -> str:
    if where == "memory":
        return "sqlite:///:memory:"
    if where == "file":
        return f"sqlite:///{tmp_path / 'pins.sqlite'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture(params=["memory", "file", "postgres"])
def store(request, tmp_path):
    with Store(new_database(request, tmp_path, request.param)) as s:
        s.set_pin_hash(f"plain:{PIN}")
        yield s


@pytest.fixture(params=["file", "postgres"])
def db_url(request, tmp_path) -> str:
    """A database that several stores (kernels) open: a SQLite file, or PostgreSQL."""
    return new_database(request, tmp_path, request.param)


class Verifier:
    """A stand-in for the scrypt check: ``plain:PIN`` matches PIN; counts its calls."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, typed: str):
        def verify(encoded: str | None) -> bool:
            self.calls += 1
            return encoded == f"plain:{typed}"

        return verify


@pytest.fixture
def verifier() -> Verifier:
    return Verifier()


def peer(n: int) -> str:
    return f"peer:192.168.1.{n}"


def rows(store: Store) -> dict[str, tuple[int, float | None]]:
    """Every ``pin_tries`` row: client → (failures, seconds locked from :data:`NOW`, or None)."""
    with store.engine.connect() as conn:
        found = conn.execute(select(t.pin_tries)).all()
    return {r.client: (r.failures, None if r.locked_until is None
                       else round(r.locked_until.timestamp() - NOW, 3)) for r in found}


# --- the rules --------------------------------------------------------------------------------


def test_five_wrong_pins_in_a_row_suspend_that_client_for_30_seconds(store, verifier):
    client = peer(23)
    for k in range(MAX_FAILURES):
        assert store.pin_try(client, False, verifier("0000"), now=NOW + k) == PinTry("wrong")
    assert rows(store)[client] == (MAX_FAILURES, MAX_FAILURES - 1 + LOCK_SECONDS)
    calls = verifier.calls
    # Even the right PIN is not checked now.
    locked = store.pin_try(client, False, verifier(PIN), now=NOW + 10)
    assert locked.locked and not locked.ok
    assert locked.retry_after == pytest.approx(MAX_FAILURES - 1 + LOCK_SECONDS - 10)
    assert verifier.calls == calls
    assert store.pin_try(client, False, verifier(PIN), now=NOW + 33.5).retry_after == (
        pytest.approx(0.5))
    assert store.pin_try(client, False, verifier(PIN), now=NOW + 34) == PinTry("ok")
    assert client not in rows(store)  # a right PIN resets its client


def test_after_a_suspension_the_count_starts_again(store, verifier):
    client = peer(23)
    for _ in range(MAX_FAILURES):
        store.pin_try(client, False, verifier("0000"), now=NOW)
    later = NOW + LOCK_SECONDS
    assert store.pin_try(client, False, verifier("0000"), now=later) == PinTry("wrong")
    assert rows(store)[client] == (1, None)
    for _ in range(MAX_FAILURES - 1):
        assert store.pin_try(client, False, verifier("0000"), now=later).outcome == "wrong"
    assert store.pin_try(client, False, verifier(PIN), now=later).locked


def test_a_right_pin_resets_its_client_only(store, verifier):
    a, b = peer(10), peer(11)
    for client in (a, b):
        for _ in range(MAX_FAILURES - 1):
            assert store.pin_try(client, False, verifier("0000"), now=NOW).outcome == "wrong"
    assert store.pin_try(a, False, verifier(PIN), now=NOW).ok
    assert rows(store)[b] == (MAX_FAILURES - 1, None) and a not in rows(store)
    # b's next wrong PIN is its fifth in a row; a has five again.
    assert store.pin_try(b, False, verifier("0000"), now=NOW).outcome == "wrong"
    assert store.pin_try(b, False, verifier(PIN), now=NOW).locked
    for _ in range(MAX_FAILURES - 1):
        assert store.pin_try(a, False, verifier("0000"), now=NOW).outcome == "wrong"
    assert store.pin_try(a, False, verifier(PIN), now=NOW).ok


def test_a_device_locks_neither_this_laptop_nor_another_device(store, verifier):
    for _ in range(MAX_FAILURES):
        store.pin_try(peer(66), False, verifier("0000"), now=NOW)
    assert store.pin_try(peer(66), False, verifier(PIN), now=NOW).locked
    assert store.pin_try(peer(67), False, verifier("1111"), now=NOW) == PinTry("wrong")
    assert store.pin_try(LOCAL, True, verifier("1111"), now=NOW) == PinTry("wrong")
    assert store.pin_try(LOCAL, True, verifier(PIN), now=NOW) == PinTry("ok")
    assert store.pin_try(peer(67), False, verifier(PIN), now=NOW) == PinTry("ok")
    assert rows(store) == {peer(66): (MAX_FAILURES, LOCK_SECONDS), REMOTE: (MAX_FAILURES + 1, None)}


def test_this_laptop_is_suspended_by_its_own_wrong_pins_only(store, verifier):
    for _ in range(MAX_FAILURES):
        assert store.pin_try(LOCAL, True, verifier("0000"), now=NOW).outcome == "wrong"
    assert store.pin_try(LOCAL, True, verifier(PIN), now=NOW + 1).retry_after == (
        pytest.approx(LOCK_SECONDS - 1))
    # Its wrong PINs do not count against the devices.
    assert rows(store) == {LOCAL: (MAX_FAILURES, LOCK_SECONDS)}
    assert store.pin_try(peer(5), False, verifier(PIN), now=NOW).ok


def test_devices_together_are_slowed_down_but_never_this_laptop(store, verifier):
    # One wrong PIN from each of many addresses: no address reaches five, all of them add up.
    for n in range(REMOTE_MAX_FAILURES):
        assert store.pin_try(peer(n), False, verifier("0000"), now=NOW + n).outcome == "wrong"
    last = NOW + REMOTE_MAX_FAILURES - 1
    assert rows(store)[REMOTE] == (REMOTE_MAX_FAILURES,
                                   REMOTE_MAX_FAILURES - 1 + REMOTE_LOCK_SECONDS)
    for n in (0, 100):  # a device seen before, a new one: neither is checked
        locked = store.pin_try(peer(n), False, verifier(PIN), now=last + 60)
        assert locked.locked and locked.retry_after == pytest.approx(REMOTE_LOCK_SECONDS - 60)
    # This laptop: checked, its wrong PINs counted as its own.
    for _ in range(MAX_FAILURES - 1):
        assert store.pin_try(LOCAL, True, verifier("0000"), now=last + 60).outcome == "wrong"
    assert store.pin_try(LOCAL, True, verifier(PIN), now=last + 60).ok
    # Once the suspension is over, devices are checked again, with a new window.
    assert store.pin_try(peer(100), False, verifier(PIN), now=last + REMOTE_LOCK_SECONDS).ok
    assert store.pin_try(peer(101), False, verifier("0"), now=last + REMOTE_LOCK_SECONDS) == (
        PinTry("wrong"))
    assert rows(store)[REMOTE] == (1, None)


def test_the_devices_window_starts_again_after_10_minutes(store, verifier):
    for n in range(REMOTE_MAX_FAILURES - 1):
        store.pin_try(peer(n), False, verifier("0000"), now=NOW)
    assert rows(store)[REMOTE] == (REMOTE_MAX_FAILURES - 1, None)
    later = NOW + REMOTE_WINDOW_SECONDS
    assert store.pin_try(peer(50), False, verifier("0000"), now=later).outcome == "wrong"
    assert rows(store)[REMOTE] == (1, None)
    for n in range(REMOTE_MAX_FAILURES - 1):
        assert store.pin_try(peer(60 + n), False, verifier("0000"), now=later).outcome == "wrong"
    assert store.pin_try(peer(99), False, verifier(PIN), now=later).locked


def test_without_a_pin_nothing_is_counted(store, verifier):
    store.set_pin_hash(None)
    seen = []
    for _ in range(3 * MAX_FAILURES):
        seen.append(store.pin_try(peer(1), False, lambda encoded: seen.append(encoded) or False,
                                  now=NOW).outcome)
    assert seen == [None, "wrong"] * 3 * MAX_FAILURES
    assert rows(store) == {}


def test_a_new_pin_forgets_every_count(store, verifier):
    for n in range(REMOTE_MAX_FAILURES):
        store.pin_try(peer(n % 4), False, verifier("0000"), now=NOW)
    for _ in range(MAX_FAILURES):
        store.pin_try(LOCAL, True, verifier("0000"), now=NOW)
    assert len(rows(store)) == 6
    store.set_pin_hash("plain:5931")
    assert rows(store) == {}
    assert store.pin_try(peer(0), False, verifier("5931"), now=NOW).ok
    assert store.pin_try(LOCAL, True, verifier(PIN), now=NOW) == PinTry("wrong")


@pytest.mark.parametrize("client", ["", "remote", "x" * 101, "peer:1\x00", None, 12])
def test_a_client_key_that_cannot_be_one_is_refused(store, verifier, client):
    with pytest.raises(StoreError) as info:
        store.pin_try(client, False, verifier(PIN), now=NOW)
    assert info.value.message == "Identifiant non valide."
    assert verifier.calls == 0 and rows(store) == {}


def test_the_migration_removes_the_old_shared_count(db_url):
    from alembic import command

    with Store(db_url) as s:
        s.set_pin_hash(f"plain:{PIN}")
    command.downgrade(alembic_config(db_url), "0002")
    with Store(db_url, upgrade=False) as s:
        s.set_setting("facilitator_pin_failures", "4|0.0")
        s.upgrade()
        assert s.setting("facilitator_pin_failures") is None
        assert s.setting("facilitator_pin") == f"plain:{PIN}"
        assert rows(s) == {}


# --- pages trying at once: threads and processes, each with its own store ------------------

#: A console page's kernel, for the spawned processes (importing this test module would make
#: each of them import pytest too): open the store, wait for the others, type PINs in turn.
WORKERS = textwrap.dedent(
    """
    import traceback

    from bacasable.store import Store
    from bacasable.workshop.peer import Peer
    from bacasable.workshop.pin import PinLockedError
    from bacasable.workshop.pin_policy import check_facilitator_pin


    def page(url, tries, now, barrier, results):
        # tries: (address, local, PIN typed), one after the other, as a page sends them.
        try:
            with Store(url) as store:
                barrier.wait(timeout=120)
                answers = []
                for address, local, typed in tries:
                    try:
                        ok = check_facilitator_pin(store, typed, peer=Peer(address, local),
                                                   clock=lambda: now)
                        answers.append("ok" if ok else "wrong")
                    except PinLockedError:
                        answers.append("locked")
            results.put(("done", answers))
        except BaseException:
            results.put(("error", traceback.format_exc()))
    """
)


@pytest.fixture
def workers(tmp_path_factory, monkeypatch):
    folder = tmp_path_factory.mktemp("pin_workers")
    (folder / "bacasable_pin_workers.py").write_text(WORKERS, encoding="utf-8")
    monkeypatch.syspath_prepend(str(folder))  # spawned processes get the parent's sys.path
    yield importlib.import_module("bacasable_pin_workers")
    sys.modules.pop("bacasable_pin_workers", None)


def run_pages(workers, how: str, url: str, pages: list[list[tuple]]) -> list[str]:
    """Run one page per list of tries, all at once (threads or processes); every answer."""
    n = len(pages)
    if how == "processes":
        ctx = multiprocessing.get_context("spawn")
        barrier, results = ctx.Barrier(n), ctx.Queue()
        runners = [ctx.Process(target=workers.page, args=(url, tries, NOW, barrier, results))
                   for tries in pages]
    else:
        barrier, results = threading.Barrier(n), queue.Queue()
        runners = [threading.Thread(target=workers.page, args=(url, tries, NOW, barrier, results))
                   for tries in pages]
    for runner in runners:
        runner.start()
    out = []
    try:
        for _ in range(n):
            out.append(results.get(timeout=180))
    finally:
        for runner in runners:
            runner.join(timeout=30)
    assert [answer for status, answer in out if status != "done"] == []
    return [a for _status, answers in out for a in answers]


@pytest.mark.parametrize("how", ["threads", "processes"])
def test_pages_of_one_device_share_its_five_tries(db_url, workers, how):
    with Store(db_url) as store:
        set_facilitator_pin(store, PIN)
    device = "192.168.1.23"
    # Three console pages (three kernels) of one device, four wrong PINs each, at once.
    answers = run_pages(workers, how, db_url, [[(device, False, "0000")] * 4] * 3)
    assert sorted(answers) == ["locked"] * 7 + ["wrong"] * MAX_FAILURES
    with Store(db_url) as store:
        assert rows(store)[f"peer:{device}"] == (MAX_FAILURES, LOCK_SECONDS)
        assert rows(store)[REMOTE] == (MAX_FAILURES, None)
    # Neither this laptop nor another device is locked out.
    answers = run_pages(workers, how, db_url, [
        [("127.0.0.1", True, PIN)], [("192.168.1.24", False, PIN)], [(device, False, PIN)]])
    assert sorted(answers) == ["locked", "ok", "ok"]


@pytest.mark.parametrize("how", ["threads", "processes"])
def test_many_devices_at_once_get_twenty_tries_and_this_laptop_still_opens(db_url, workers,
                                                                          how):
    with Store(db_url) as store:
        set_facilitator_pin(store, PIN)
    # Five pages, each trying one wrong PIN from five addresses of its own: 25 addresses.
    pages = [[(f"192.168.{page}.{n}", False, "0000") for n in range(5)] for page in range(5)]
    answers = run_pages(workers, how, db_url, pages)
    assert sorted(answers) == ["locked"] * 5 + ["wrong"] * REMOTE_MAX_FAILURES
    with Store(db_url) as store:
        counted = rows(store)
    assert counted.pop(REMOTE) == (REMOTE_MAX_FAILURES, REMOTE_LOCK_SECONDS)
    assert len(counted) == REMOTE_MAX_FAILURES and set(counted.values()) == {(1, None)}
    # A device with the right PIN waits; this laptop, at the same time, opens.
    answers = run_pages(workers, how, db_url, [
        [("192.168.9.9", False, PIN)], [("127.0.0.1", True, "0000"), ("127.0.0.1", True, PIN)]])
    assert sorted(answers) == ["locked", "ok", "wrong"]
