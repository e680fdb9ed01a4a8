"""The local queue keeps a message's trace context in a column of its own, beside the body.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 01:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("queue_messages") as batch:
        batch.add_column(sa.Column("trace_context", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("queue_messages") as batch:
        batch.drop_column("trace_context")
