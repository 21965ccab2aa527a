"""Investigations keep the red-flag points behind their risk score.

Revision ID: 0044
Revises: 0043
Create Date: 2026-12-08
"""

import sqlalchemy as sa
from alembic import op

from crm.models.base import Json

revision = "0044"
down_revision = "0043"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the column (plain ADD COLUMN keeps SQLite's triggers); existing scores stay as
    they are until their case's flags are next evaluated."""
    op.add_column("investigations", sa.Column("risk_reasons", Json, nullable=False,
                                              server_default="[]"))


def downgrade() -> None:
    """Drop it."""
    with op.batch_alter_table("investigations", recreate="never") as batch:
        batch.drop_column("risk_reasons")
