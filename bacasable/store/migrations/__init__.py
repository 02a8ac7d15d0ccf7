"""The Alembic migrations of the outcome store, shipped inside the package.

No ``alembic.ini`` is needed: :func:`alembic_config` builds the configuration in code, with
the script location computed from this folder. :class:`bacasable.store.Store` applies the
migrations when it opens a database.

To write a new revision after changing :mod:`bacasable.store.tables` (then review it by hand, and
update :data:`HEAD_REVISION`)::

    from alembic import command
    from bacasable.store.migrations import alembic_config
    command.revision(alembic_config("sqlite:///scratch.sqlite"), "what changed",
                     autogenerate=True, rev_id="0002")

(``scratch.sqlite`` upgraded to the previous head first, with ``command.upgrade(cfg, "head")``.)
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from alembic.config import Config
    from sqlalchemy.engine import Connection

#: The folder of this package: Alembic's ``script_location``.
MIGRATIONS_DIR = Path(__file__).resolve().parent

#: The newest revision. :class:`bacasable.store.Store` compares it with the database's without
#: importing Alembic (a learner's kernel opens the store at every start); a test checks it.
HEAD_REVISION = "0007"

#: The table where Alembic records the database's revision.
VERSION_TABLE = "alembic_version"


def alembic_config(url: str | None = None, connection: Connection | None = None) -> Config:
    """Build the Alembic configuration of the outcome store, without an ``alembic.ini``.

    Parameters
    ----------
    url
        SQLAlchemy URL of the database, used when no ``connection`` is given.
    connection
        An open connection to run the migrations on (inside its current transaction).

    Returns
    -------
    alembic.config.Config
        A configuration for :mod:`alembic.command` functions.
    """
    from alembic.config import Config

    config = Config()
    # ConfigParser interpolation: a "%" in a path must be doubled.
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    config.set_main_option("version_table", VERSION_TABLE)
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config
