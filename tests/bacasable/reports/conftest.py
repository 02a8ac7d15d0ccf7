"""Fixtures of the reports' tests: the synthetic workshops of :mod:`synthetic_reports`."""

from __future__ import annotations

from typing import Any

import pytest
from synthetic_reports import FIRST_DAY, Clock, build_synthetic

from bacasable.store import Store


@pytest.fixture
def synthetic_workshop() -> Any:
    """The two known workshops of this module, in a fresh in-memory store (free to change)."""
    clock = Clock(FIRST_DAY)
    store = Store("sqlite:///:memory:", clock=clock)
    try:
        yield build_synthetic(store, clock)
    finally:
        store.close()


@pytest.fixture(scope="session")
def shared_synthetic_workshop() -> Any:
    """The same workshops, built once per session: only for tests that read, never write."""
    clock = Clock(FIRST_DAY)
    store = Store("sqlite:///:memory:", clock=clock)
    try:
        yield build_synthetic(store, clock)
    finally:
        store.close()
