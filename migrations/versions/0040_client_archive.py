"""Clients archived instead of deleted (the audit trail keeps referring to them).

Revision ID: 0040
Revises: 0039
Create Date: 2026-12-08
"""

import sqlalchemy as sa
from alembic import op

revision = "0040"
down_revision = "0039"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the column (plain ADD COLUMN keeps SQLite's triggers)."""
    op.add_column("clients", sa.Column("archived_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    """Drop it."""
    with op.batch_alter_table("clients", recreate="never") as batch:
        batch.drop_column("archived_at")
