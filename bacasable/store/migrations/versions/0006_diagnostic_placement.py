"""A diagnostic's outcome: the level it advises, kept with its run and in its ``placed`` event.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-12

``attempts`` gets ``placement`` and ``events`` gets ``level``: "debutant", "intermediaire" or
"avance", set when a diagnostic (« Par où commencer ? ») ends; null for every other run and
event. Both are added and dropped in place (``ALTER TABLE``), never by copying the table: on
SQLite, dropping the old ``attempts`` would delete (ON DELETE CASCADE) every event.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add ``attempts.placement`` and ``events.level``."""
    op.add_column("attempts", sa.Column("placement", sa.String(length=20), nullable=True))
    op.add_column("events", sa.Column("level", sa.String(length=20), nullable=True))


def downgrade() -> None:
    """Drop them (an older version knows no diagnostic)."""
    op.drop_column("events", "level")
    op.drop_column("attempts", "placement")
