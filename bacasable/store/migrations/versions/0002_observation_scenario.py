"""Tie an observation to the exercise the learner was doing, for the reports.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26

A nullable column: observations written before it stay about the learner as a whole.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add ``observations.scenario_id``."""
    with op.batch_alter_table("observations") as batch:
        batch.add_column(sa.Column("scenario_id", sa.String(length=100), nullable=True))


def downgrade() -> None:
    """Drop ``observations.scenario_id``."""
    with op.batch_alter_table("observations") as batch:
        batch.drop_column("scenario_id")
