"""A learner's run belongs to a device: its token's hash, and another device's request.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06

A pseudonym is a name, not a key: the device that joined under it comes back to it, another
device asks the facilitator to hand the run over. Participants who joined before this revision
have no device: their pseudonym can only be taken over with the facilitator's « Autoriser ».
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

COLUMNS = ("device_hash", "handover_hash", "handover_state", "handover_at")


def upgrade() -> None:
    """Add the device and handover columns to ``participants``."""
    with op.batch_alter_table("participants") as batch:
        batch.add_column(sa.Column("device_hash", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("handover_hash", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("handover_state", sa.String(length=10), nullable=True))
        batch.add_column(sa.Column("handover_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    """Drop them (a device no longer finds its run by itself)."""
    with op.batch_alter_table("participants") as batch:
        for name in reversed(COLUMNS):
            batch.drop_column(name)
