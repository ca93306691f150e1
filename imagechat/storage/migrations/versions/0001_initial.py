"""Initial schema: users, threads, steps, elements, feedbacks.

Revision ID: 0001_initial
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None

JSON = sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True), "postgresql")
ID = sa.String(255)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("identifier", sa.String(255), nullable=False),
        sa.Column("display_name", sa.String(255), nullable=True),
        sa.Column("password_hash", sa.Text(), nullable=True),
        sa.Column("is_admin", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("metadata", JSON, nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("identifier", name="uq_users_identifier"),
    )
    op.create_table(
        "threads",
        sa.Column("id", ID, nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("user_id", sa.String(36), nullable=True),
        sa.Column("metadata", JSON, nullable=True),
        sa.Column("tags", JSON, nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_threads"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_threads_user_id_users", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_threads_user_id_updated_at", "threads", ["user_id", "updated_at"])
    op.create_table(
        "steps",
        sa.Column("id", ID, nullable=False),
        sa.Column("thread_id", ID, nullable=False),
        sa.Column("parent_id", ID, nullable=True),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("type", sa.String(64), nullable=True),
        sa.Column("input", sa.Text(), nullable=True),
        sa.Column("output", sa.Text(), nullable=True),
        sa.Column("metadata", JSON, nullable=True),
        sa.Column("modes", JSON, nullable=True),
        sa.Column("is_error", sa.Boolean(), nullable=True),
        sa.Column("streaming", sa.Boolean(), nullable=True),
        sa.Column("wait_for_answer", sa.Boolean(), nullable=True),
        sa.Column("show_input", sa.String(64), nullable=True),
        sa.Column("language", sa.String(64), nullable=True),
        sa.Column("default_open", sa.Boolean(), nullable=True),
        sa.Column("auto_collapse", sa.Boolean(), nullable=True),
        sa.Column("created_at", sa.String(64), nullable=True),
        sa.Column("start", sa.String(64), nullable=True),
        sa.Column("end", sa.String(64), nullable=True),
        sa.Column("generation", JSON, nullable=True),
        sa.Column("tags", JSON, nullable=True),
        sa.Column("command", sa.String(255), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_steps"),
        sa.ForeignKeyConstraint(
            ["thread_id"], ["threads.id"], name="fk_steps_thread_id_threads", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_steps_thread_id_created_at", "steps", ["thread_id", "created_at"])
    op.create_table(
        "elements",
        sa.Column("id", ID, nullable=False),
        sa.Column("thread_id", ID, nullable=False),
        sa.Column("for_id", ID, nullable=True),
        sa.Column("type", sa.String(32), nullable=True),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("display", sa.String(32), nullable=True),
        sa.Column("size", sa.String(32), nullable=True),
        sa.Column("language", sa.String(64), nullable=True),
        sa.Column("page", sa.Integer(), nullable=True),
        sa.Column("mime", sa.String(255), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("object_key", sa.Text(), nullable=True),
        sa.Column("chainlit_key", sa.String(255), nullable=True),
        sa.Column("auto_play", sa.Boolean(), nullable=True),
        sa.Column("player_config", JSON, nullable=True),
        sa.Column("props", JSON, nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_elements"),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["threads.id"],
            name="fk_elements_thread_id_threads",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_elements_thread_id", "elements", ["thread_id"])
    op.create_index("ix_elements_for_id", "elements", ["for_id"])
    op.create_table(
        "feedbacks",
        sa.Column("id", ID, nullable=False),
        sa.Column("for_id", ID, nullable=False),
        sa.Column("thread_id", ID, nullable=True),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_feedbacks"),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["threads.id"],
            name="fk_feedbacks_thread_id_threads",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_feedbacks_for_id", "feedbacks", ["for_id"])


def downgrade() -> None:
    op.drop_table("feedbacks")
    op.drop_table("elements")
    op.drop_table("steps")
    op.drop_table("threads")
    op.drop_table("users")
