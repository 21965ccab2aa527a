"""Business hours per client and queue; the case and customer of each audit event.

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from crm.models.base import BigId, UTCDateTime

revision = "0034"
down_revision = "0033"
branch_labels = None
depends_on = None


def _json():
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    """Create business_hours; add the audit trail's case and customer columns (indexed)."""
    op.create_table(
        "business_hours",
        sa.Column("id", BigId, nullable=False),
        sa.Column("client_id", BigId, sa.ForeignKey(
            "clients.id", ondelete="CASCADE", name="fk_business_hours_client_id_clients"),
            nullable=False),
        sa.Column("queue_id", BigId, sa.ForeignKey(
            "routing_queues.id", ondelete="CASCADE",
            name="fk_business_hours_queue_id_routing_queues"), nullable=True),
        sa.Column("scope", sa.String(32), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("weekly", _json(), nullable=False),
        sa.Column("holidays", _json(), nullable=False),
        sa.Column("voice_announcement", sa.Text(), nullable=False),
        sa.Column("voice_language", sa.String(16), nullable=False),
        sa.Column("message_auto_reply", sa.Text(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_business_hours"),
        sa.UniqueConstraint("client_id", "scope", name="uq_business_hours_client_id_scope"),
    )
    # Adding nullable columns rewrites no row, so the append-only triggers are not involved.
    with op.batch_alter_table("audit_events") as batch:
        batch.add_column(sa.Column("case_id", BigId, nullable=True))
        batch.add_column(sa.Column("customer_id", BigId, nullable=True))
        batch.create_index("ix_audit_events_case_id", ["case_id"])
        batch.create_index("ix_audit_events_customer_id", ["customer_id"])


def downgrade() -> None:
    """Drop them."""
    with op.batch_alter_table("audit_events") as batch:
        batch.drop_index("ix_audit_events_customer_id")
        batch.drop_index("ix_audit_events_case_id")
        batch.drop_column("customer_id")
        batch.drop_column("case_id")
    op.drop_table("business_hours")
