"""Alembic environment of the outcome store: runs the revisions on a given connection or URL.

:class:`bacasable.store.Store` passes its own connection, already inside a write transaction
(``BEGIN IMMEDIATE`` on SQLite, an advisory lock on PostgreSQL): Alembic then neither begins
nor commits, and the whole upgrade is one transaction that concurrent openers wait for.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool

from bacasable.store.migrations import VERSION_TABLE
from bacasable.store.tables import metadata

config = context.config


def _configure(**kw) -> None:
    context.configure(
        target_metadata=metadata,
        version_table=VERSION_TABLE,
        # SQLite cannot ALTER most things: later revisions use batch operations.
        render_as_batch=True,
        compare_type=True,
        **kw,
    )


def run_migrations_offline() -> None:
    """Write the SQL of the migrations instead of running it (``alembic upgrade --sql``)."""
    _configure(url=config.get_main_option("sqlalchemy.url"), literal_binds=True,
               dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run the migrations on the given connection, or on a new one to ``sqlalchemy.url``."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url"), poolclass=pool.NullPool)
    try:
        with engine.connect() as conn:
            _configure(connection=conn)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
