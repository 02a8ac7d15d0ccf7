"""A workshop's expected number of learners, and the facilitator account it belongs to.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06

``workshops`` gets ``expected_learners`` (how many the facilitator expects: the server warms
that many learner kernels before they arrive; null when not said) and ``owner`` (the facilitator
account that created it on a shared server, e.g. its JupyterHub user name; "" on a laptop).
Both are added and dropped in place (``ALTER TABLE``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add ``workshops.expected_learners`` and ``workshops.owner``."""
    op.add_column("workshops", sa.Column("expected_learners", sa.Integer(), nullable=True))
    op.add_column(
        "workshops",
        sa.Column("owner", sa.String(length=100), nullable=False, server_default=""),
    )
    op.create_index("ix_workshops_owner", "workshops", ["owner"])


def downgrade() -> None:
    """Drop them (an older version warms no kernels and knows one facilitator)."""
    op.drop_index("ix_workshops_owner", table_name="workshops")
    op.drop_column("workshops", "owner")
    op.drop_column("workshops", "expected_learners")
