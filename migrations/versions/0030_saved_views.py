"""Saved views: a member of staff's named worklist filters and sort.

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from crm.models.base import BigId, UTCDateTime

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the table (its unique key also finds one person's views)."""
    op.create_table(
        "saved_views",
        sa.Column("id", BigId, nullable=False),
        sa.Column("user_id", BigId, sa.ForeignKey(
            "users.id", ondelete="CASCADE", name="fk_saved_views_user_id_users"),
            nullable=False),
        sa.Column("name", sa.String(60), nullable=False),
        sa.Column("filters", sa.JSON().with_variant(
            postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_saved_views"),
        sa.UniqueConstraint("user_id", "name", name="uq_saved_views_user_id_name"),
    )


def downgrade() -> None:
    """Drop it."""
    op.drop_table("saved_views")
