"""Login sessions that the server can revoke, and accounts that can be disabled.

A login token (Chainlit's JWT) names one row of `sessions`; logging out, changing the password,
disabling or removing the account deletes the rows, and the token stops working at once instead
of living on until it expires. `id` is the SHA-256 of the session id the token carries, so the
table alone gives nobody a usable session.

Revision ID: 0004_sessions
Revises: 0003_agents
Create Date: 2025-01-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_sessions"
down_revision = "0003_agents"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN (SQLite supports it with a constant default): a batch "move and copy"
    # of users would drop the old table, and with foreign keys on that cascades to every thread.
    op.add_column(
        "users", sa.Column("disabled", sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    op.create_table(
        "sessions",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("user_id", sa.String(36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sessions"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_sessions_user_id_users", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_sessions_user_id", "sessions", ["user_id"])


def downgrade() -> None:
    op.drop_table("sessions")
    op.drop_column("users", "disabled")
