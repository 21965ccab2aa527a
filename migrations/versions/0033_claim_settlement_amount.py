"""The amount a claim's settlement pays.

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0033"
down_revision = "0032"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add claims.settlement_amount_cents (set when a settlement is proposed)."""
    op.add_column("claims", sa.Column("settlement_amount_cents", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    """Drop the column."""
    op.drop_column("claims", "settlement_amount_cents")
