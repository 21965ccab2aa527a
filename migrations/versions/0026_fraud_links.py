"""Identifiers rules compare (addresses, devices, third parties) and suggested links.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from crm.models.base import BigId, UTCDateTime

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add fraud_identifiers and link_suggestions."""
    op.create_table(
        "fraud_identifiers",
        sa.Column("id", BigId, nullable=False),
        sa.Column("client_id", BigId, sa.ForeignKey(
            "clients.id", name="fk_fraud_identifiers_client_id_clients"), nullable=False),
        sa.Column("customer_id", BigId, sa.ForeignKey(
            "customers.id", ondelete="CASCADE", name="fk_fraud_identifiers_customer_id_customers"),
            nullable=False),
        sa.Column("claim_id", BigId, sa.ForeignKey(
            "claims.id", ondelete="CASCADE", name="fk_fraud_identifiers_claim_id_claims")),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("value", sa.String(500), nullable=False),
        sa.Column("key", sa.String(500), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_fraud_identifiers"),
    )
    op.create_index("ix_fraud_identifiers_client_kind_key", "fraud_identifiers",
                    ["client_id", "kind", "key"])
    op.create_index("ix_fraud_identifiers_customer_id", "fraud_identifiers", ["customer_id"])
    op.create_table(
        "link_suggestions",
        sa.Column("id", BigId, nullable=False),
        sa.Column("client_id", BigId, sa.ForeignKey(
            "clients.id", name="fk_link_suggestions_client_id_clients"), nullable=False),
        sa.Column("customer_id", BigId, sa.ForeignKey(
            "customers.id", ondelete="CASCADE", name="fk_link_suggestions_customer_id_customers"),
            nullable=False),
        sa.Column("other_id", BigId, sa.ForeignKey(
            "customers.id", ondelete="CASCADE", name="fk_link_suggestions_other_id_customers"),
            nullable=False),
        sa.Column("rule", sa.String(48), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("decided_by_id", BigId, sa.ForeignKey(
            "users.id", ondelete="SET NULL", name="fk_link_suggestions_decided_by_id_users")),
        sa.Column("decision_reason", sa.Text()),
        sa.Column("decided_at", UTCDateTime()),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_link_suggestions"),
        sa.UniqueConstraint("customer_id", "other_id", "key",
                            name="uq_link_suggestions_customer_id_other_id_key"),
        sa.CheckConstraint("customer_id < other_id", name="ck_link_suggestions_ordered_pair"),
    )
    op.create_index("ix_link_suggestions_other_id", "link_suggestions", ["other_id"])


def downgrade() -> None:
    """Drop them again."""
    op.drop_index("ix_link_suggestions_other_id", table_name="link_suggestions")
    op.drop_table("link_suggestions")
    op.drop_index("ix_fraud_identifiers_customer_id", table_name="fraud_identifiers")
    op.drop_index("ix_fraud_identifiers_client_kind_key", table_name="fraud_identifiers")
    op.drop_table("fraud_identifiers")
