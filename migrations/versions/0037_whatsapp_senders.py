"""Admin screens: WhatsApp senders told apart from plain numbers.

Revision ID: 0037
Revises: 0036
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0037"
down_revision = "0036"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the column (plain ADD COLUMN keeps SQLite's triggers)."""
    op.add_column("inbound_addresses", sa.Column("whatsapp", sa.Boolean(), nullable=False,
                                                 server_default=sa.false()))


def downgrade() -> None:
    """Drop it."""
    with op.batch_alter_table("inbound_addresses", recreate="never") as batch:
        batch.drop_column("whatsapp")
