"""Debt accounts as collections work them: original balance, dates, the `active` status.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

_DATES = ("charge_off_date", "statute_of_limitations_on", "validation_notice_sent_on",
          "validated_on")


def upgrade() -> None:
    """Add the account's figures and dates; an `open` account is now called `active`."""
    with op.batch_alter_table("debt_accounts") as batch:
        batch.add_column(sa.Column("original_balance_cents", sa.BigInteger(), nullable=False,
                                   server_default="0"))
        for name in _DATES:
            batch.add_column(sa.Column(name, sa.Date()))
    op.execute("UPDATE debt_accounts SET original_balance_cents = balance_cents")
    op.execute("UPDATE debt_accounts SET status = 'active' WHERE status = 'open'")


def downgrade() -> None:
    """Drop them again."""
    op.execute("UPDATE debt_accounts SET status = 'open' WHERE status = 'active'")
    with op.batch_alter_table("debt_accounts") as batch:
        for name in (*_DATES, "original_balance_cents"):
            batch.drop_column(name)
