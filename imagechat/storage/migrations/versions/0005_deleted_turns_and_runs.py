"""Deleted answers kept for Undo, and the image generations that are running.

``deleted_turns``: an answer deleted from a conversation (its messages, tool steps, elements,
feedback and images) is moved here whole, so Undo can put it back; the rows are purged once the
undo window has passed (and at start, for what a stopped process left).

``generation_runs``: one row per image generation while it runs, with the process that runs it
(``boot_id``) and when that process last said it still does (``heartbeat_at``). A gallery whose
tiles are still pending but whose run is gone or silent was interrupted (a crash, a restart).
No foreign key to ``threads``: a run may start before Chainlit has written its thread row; rows
are removed when the run ends, and stale ones when found or at start.

Revision ID: 0005_deleted_turns_and_runs
Revises: 0004_sessions
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0005_deleted_turns_and_runs"
down_revision = "0004_sessions"
branch_labels = None
depends_on = None

JSON = sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True), "postgresql")


def upgrade() -> None:
    op.create_table(
        "deleted_turns",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("thread_id", sa.String(255), nullable=False),
        sa.Column("head_id", sa.String(255), nullable=False),
        sa.Column("payload", JSON, nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_deleted_turns"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_deleted_turns_user_id_users", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["threads.id"],
            name="fk_deleted_turns_thread_id_threads",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_deleted_turns_deleted_at", "deleted_turns", ["deleted_at"])
    op.create_index("ix_deleted_turns_head_id", "deleted_turns", ["head_id"])
    op.create_table(
        "generation_runs",
        sa.Column("id", sa.String(255), nullable=False),
        sa.Column("thread_id", sa.String(255), nullable=False),
        sa.Column("boot_id", sa.String(36), nullable=False),
        sa.Column("heartbeat_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_generation_runs"),
    )
    op.create_index("ix_generation_runs_thread_id", "generation_runs", ["thread_id"])


def downgrade() -> None:
    op.drop_table("generation_runs")
    op.drop_table("deleted_turns")
