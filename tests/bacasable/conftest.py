"""Fixtures of the package's tests: a PostgreSQL server for the store, started on first use."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest
from postgres_server import PostgresServer, running_server

_DATABASES = itertools.count(1)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """The PostgreSQL server of the test session (:mod:`postgres_server`), always stopped."""
    with running_server() as server:
        yield server


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """The URL of a new, empty database on :func:`postgres_server`, dropped after the test."""
    name = f"test_{next(_DATABASES)}"
    postgres_server.execute(f"CREATE DATABASE {name}")
    yield postgres_server.url(name)
    # FORCE: a store the test left open does not keep the database.
    postgres_server.execute(f"DROP DATABASE {name} WITH (FORCE)")
