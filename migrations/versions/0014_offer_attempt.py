"""Each offer of a work item to an agent is its own attempt (a re-offer is a new identity).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the column; an item offered now counts as offered once."""
    with op.batch_alter_table("offers") as batch:
        batch.add_column(sa.Column("attempt", sa.Integer(), nullable=False,
                                   server_default=sa.text("0")))
    op.execute("UPDATE offers SET attempt = 1 WHERE offered_user_id IS NOT NULL "
               "OR accepted_by_id IS NOT NULL")


def downgrade() -> None:
    """Drop it."""
    with op.batch_alter_table("offers") as batch:
        batch.drop_column("attempt")
