"""Chat widget settings, the end of a visit with its rating, and languages.

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from crm.models.base import UTCDateTime

revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    """Nullable columns only: existing widgets, visits and users keep their defaults."""
    op.add_column("inbound_addresses", sa.Column("widget", JSON, nullable=True))
    op.add_column("chat_visits", sa.Column("language", sa.String(16), nullable=True))
    op.add_column("chat_visits", sa.Column("ended_at", UTCDateTime(timezone=True)))
    op.add_column("chat_visits", sa.Column("csat_score", sa.Integer(), nullable=True))
    op.add_column("chat_visits", sa.Column("csat_comment", sa.Text(), nullable=True))
    op.add_column("users", sa.Column("locale", sa.String(16), nullable=True))


def downgrade() -> None:
    """Drop the columns."""
    with op.batch_alter_table("users", recreate="never") as batch:
        batch.drop_column("locale")
    with op.batch_alter_table("chat_visits") as batch:
        for name in ("csat_comment", "csat_score", "ended_at", "language"):
            batch.drop_column(name)
    with op.batch_alter_table("inbound_addresses") as batch:
        batch.drop_column("widget")
