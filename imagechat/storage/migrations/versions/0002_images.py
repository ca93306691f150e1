"""Images table: full images as base64, keyed to user, thread and message (step).

Revision ID: 0002_images
Revises: 0001_initial
Create Date: 2025-01-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002_images"
down_revision = "0001_initial"
branch_labels = None
depends_on = None

JSON = sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True), "postgresql")


def upgrade() -> None:
    # step_id has no FK on purpose: Chainlit writes steps in fire-and-forget tasks, so an image
    # may land before its message row; the data layer deletes images with their step.
    op.create_table(
        "images",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("thread_id", sa.String(255), nullable=False),
        sa.Column("step_id", sa.String(255), nullable=True),
        sa.Column("mime", sa.String(64), nullable=False),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("data_b64", sa.Text(), nullable=False),
        sa.Column("thumb_b64", sa.Text(), nullable=True),
        sa.Column("thumb_mime", sa.String(64), nullable=True),
        sa.Column("prompt", sa.Text(), nullable=True),
        sa.Column("revised_prompt", sa.Text(), nullable=True),
        sa.Column("model", sa.String(255), nullable=True),
        sa.Column("params", JSON, nullable=True),
        sa.Column("cost", sa.Float(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_images"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_images_user_id_users", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["thread_id"], ["threads.id"], name="fk_images_thread_id_threads", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_images_thread_id", "images", ["thread_id"])
    op.create_index("ix_images_step_id", "images", ["step_id"])


def downgrade() -> None:
    op.drop_table("images")
