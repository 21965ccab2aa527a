"""When a queued send is due again: one column for every medium's retry backoff.

Revision ID: 0021
Revises: 0018
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from crm.models.base import UTCDateTime

revision = "0021"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the column (a retry pending at upgrade time is simply due after the grace)."""
    # A plain ADD COLUMN: a batch copy of the table would drop its triggers on SQLite.
    op.add_column("interactions", sa.Column("next_attempt_at", UTCDateTime(timezone=True)))


def downgrade() -> None:
    """Drop it."""
    with op.batch_alter_table("interactions", recreate="never") as batch:
        batch.drop_column("next_attempt_at")
