"""Count wrong facilitator PINs per client, in one table, instead of one shared setting.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03

The former count, shared by every device (the ``facilitator_pin_failures`` setting), is
removed: anyone on the Wi-Fi could keep it full and the facilitator out of the console.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

#: The setting that held the former count ("count|until").
OLD_SETTING = "facilitator_pin_failures"


def upgrade() -> None:
    """Create ``pin_tries``; drop the former count from ``settings``."""
    op.create_table(
        "pin_tries",
        sa.Column("client", sa.String(length=100), nullable=False),
        sa.Column("failures", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("first_failed_at", sa.DateTime(), nullable=True),
        sa.Column("last_failed_at", sa.DateTime(), nullable=True),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("client", name=op.f("pk_pin_tries")),
    )
    op.execute(
        sa.text("DELETE FROM settings WHERE key = :key").bindparams(key=OLD_SETTING)
    )


def downgrade() -> None:
    """Drop ``pin_tries`` (the wrong tries counted are forgotten)."""
    op.drop_table("pin_tries")
