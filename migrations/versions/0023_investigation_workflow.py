"""Investigation workflow: the escalation's timeline entry, and pinned evidence.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from crm.models.base import BigId, UTCDateTime

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the column and the evidence table; waiting escalations are now `open`."""
    with op.batch_alter_table("investigations") as batch:
        batch.add_column(sa.Column("escalation_id", BigId, sa.ForeignKey(
            "interactions.id", ondelete="SET NULL",
            name="fk_investigations_escalation_id_interactions")))
    # "escalated" used to mean "waiting for the fraud team"; it now means sent up further.
    op.execute("UPDATE investigations SET status = 'open' WHERE status = 'escalated'")
    op.create_table(
        "investigation_evidence",
        sa.Column("id", BigId, nullable=False),
        sa.Column("client_id", BigId, sa.ForeignKey(
            "clients.id", name="fk_investigation_evidence_client_id_clients"), nullable=False),
        sa.Column("investigation_id", BigId, sa.ForeignKey(
            "investigations.id", ondelete="CASCADE",
            name="fk_investigation_evidence_investigation_id_investigations"), nullable=False),
        sa.Column("key", sa.String(48), nullable=False),
        sa.Column("interaction_id", BigId, sa.ForeignKey(
            "interactions.id", ondelete="CASCADE",
            name="fk_investigation_evidence_interaction_id_interactions"), nullable=False),
        sa.Column("attachment_id", BigId, sa.ForeignKey(
            "attachments.id", ondelete="CASCADE",
            name="fk_investigation_evidence_attachment_id_attachments")),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("pinned_by_id", BigId, sa.ForeignKey(
            "users.id", ondelete="SET NULL", name="fk_investigation_evidence_pinned_by_id_users")),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_investigation_evidence"),
        sa.UniqueConstraint("investigation_id", "key",
                            name="uq_investigation_evidence_investigation_id_key"),
    )
    op.create_index("ix_investigation_evidence_investigation_id", "investigation_evidence",
                    ["investigation_id"])


def downgrade() -> None:
    """Drop them again (open investigations stay open)."""
    op.drop_index("ix_investigation_evidence_investigation_id",
                  table_name="investigation_evidence")
    op.drop_table("investigation_evidence")
    with op.batch_alter_table("investigations") as batch:
        batch.drop_column("escalation_id")
