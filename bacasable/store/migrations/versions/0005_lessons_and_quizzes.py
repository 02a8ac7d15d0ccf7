"""Lessons and quizzes: the answers to a quiz in the events, the room's choice to skip them.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-10

``events`` gets ``answer_id``, ``correct`` and ``first_time`` (a ``quiz_answered`` event: the
answer's id from the scenario, never a typed text); ``workshops`` gets ``skip_lessons``; the
commands may be of kind ``lessons`` (the facilitator skips the lessons and quizzes, or not).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

OLD_KINDS = ("hint", "message", "goto", "pause", "resume")
NEW_KINDS = (*OLD_KINDS, "lessons")


def _kinds(values: tuple[str, ...]) -> None:
    """Let ``commands.kind`` hold these values (its CHECK constraint, named as in 0001)."""
    enum = sa.Enum(*values, name="command_kind", native_enum=False, create_constraint=True)
    if not _sqlite():  # PostgreSQL changes the constraint in place
        op.drop_constraint(op.f("ck_commands_command_kind"), "commands", type_="check")
        op.create_check_constraint("command_kind", "commands", sa.column("kind").in_(values))
        return
    # SQLite copies the table with the new constraint (ids still never reused: AUTOINCREMENT).
    with op.batch_alter_table("commands", recreate="always",
                              table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.alter_column("kind", type_=enum, existing_nullable=False)


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade() -> None:
    """Add the quiz columns of ``events``, ``workshops.skip_lessons``, the kind ``lessons``."""
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("answer_id", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("correct", sa.Boolean(), nullable=True))
        batch.add_column(sa.Column("first_time", sa.Boolean(), nullable=True))
    # In place, never a copy: on SQLite, dropping the old ``workshops`` would delete (ON DELETE
    # CASCADE) every participant, run and observation.
    op.add_column("workshops", sa.Column("skip_lessons", sa.Boolean(), nullable=False,
                                         server_default=sa.false()))
    _kinds(NEW_KINDS)


def downgrade() -> None:
    """Drop them; the commands of kind ``lessons`` go first (an older version ignores them)."""
    op.execute(sa.text("DELETE FROM commands WHERE kind = 'lessons'"))
    _kinds(OLD_KINDS)
    with op.batch_alter_table("workshops") as batch:
        batch.drop_column("skip_lessons")
    with op.batch_alter_table("events") as batch:
        for name in ("first_time", "correct", "answer_id"):
            batch.drop_column(name)
