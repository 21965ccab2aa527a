"""Notices: in-app notices kept until their person reads them.

Revision ID: 0041
Revises: 0040
Create Date: 2026-12-08
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from crm.models.base import BigId, UTCDateTime

revision = "0041"
down_revision = "0040"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the table and its index (a person's unread)."""
    op.create_table(
        "notices",
        sa.Column("id", BigId, nullable=False),
        sa.Column("user_id", BigId, sa.ForeignKey(
            "users.id", ondelete="CASCADE", name="fk_notices_user_id_users"), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("case_id", BigId, sa.ForeignKey(
            "cases.id", ondelete="CASCADE", name="fk_notices_case_id_cases"), nullable=True),
        sa.Column("data", sa.JSON().with_variant(
            postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("read_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_notices"),
    )
    op.create_index("ix_notices_user_id_read_at", "notices", ["user_id", "read_at"])


def downgrade() -> None:
    """Drop it."""
    op.drop_index("ix_notices_user_id_read_at", table_name="notices")
    op.drop_table("notices")
