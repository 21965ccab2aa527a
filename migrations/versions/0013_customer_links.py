"""Fraud-ring links between customers: a pair, the reason, who linked them and when.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

from crm.models.base import BigId, UTCDateTime

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the table."""
    op.create_table(
        "customer_links",
        sa.Column("id", BigId, nullable=False),
        sa.Column("client_id", BigId, sa.ForeignKey("clients.id",
                                                    name="fk_customer_links_client_id_clients"),
                  nullable=False),
        sa.Column("customer_id", BigId, sa.ForeignKey(
            "customers.id", ondelete="CASCADE", name="fk_customer_links_customer_id_customers"),
            nullable=False),
        sa.Column("other_id", BigId, sa.ForeignKey(
            "customers.id", ondelete="CASCADE", name="fk_customer_links_other_id_customers"),
            nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_by_id", BigId, sa.ForeignKey(
            "users.id", ondelete="SET NULL", name="fk_customer_links_created_by_id_users")),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("customer_id", "other_id",
                            name="uq_customer_links_customer_id_other_id"),
        sa.CheckConstraint("customer_id < other_id", name="ck_customer_links_ordered_pair"),
        sa.PrimaryKeyConstraint("id", name="pk_customer_links"),
    )
    op.create_index("ix_customer_links_other_id", "customer_links", ["other_id"])


def downgrade() -> None:
    """Drop it."""
    op.drop_index("ix_customer_links_other_id", table_name="customer_links")
    op.drop_table("customer_links")
