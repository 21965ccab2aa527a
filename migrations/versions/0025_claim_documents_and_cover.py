"""A claim's sign-off in waiting, the documents asked for on it, its policy's cover changes.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from crm.models.base import BigId, UTCDateTime

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def _user(column: str, table: str) -> sa.Column:
    return sa.Column(column, BigId, sa.ForeignKey("users.id", ondelete="SET NULL",
                                                  name=f"fk_{table}_{column}_users"))


def upgrade() -> None:
    """Add the pending move to claims, and the claim_documents and claim_cover_changes tables."""
    with op.batch_alter_table("claims") as batch:
        batch.add_column(sa.Column("pending_status", sa.String(24)))
        batch.add_column(sa.Column("pending_reason", sa.Text()))
        batch.add_column(sa.Column("decision_id", BigId, sa.ForeignKey(
            "decisions.id", ondelete="SET NULL", name="fk_claims_decision_id_decisions")))
    op.create_table(
        "claim_documents",
        sa.Column("id", BigId, nullable=False),
        sa.Column("client_id", BigId, sa.ForeignKey(
            "clients.id", name="fk_claim_documents_client_id_clients"), nullable=False),
        sa.Column("case_id", BigId, sa.ForeignKey(
            "cases.id", name="fk_claim_documents_case_id_cases"), nullable=False),
        sa.Column("claim_id", BigId, sa.ForeignKey(
            "claims.id", ondelete="CASCADE", name="fk_claim_documents_claim_id_claims"),
            nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("task_id", BigId, sa.ForeignKey(
            "tasks.id", ondelete="SET NULL", name="fk_claim_documents_task_id_tasks")),
        sa.Column("attachment_id", BigId, sa.ForeignKey(
            "attachments.id", ondelete="SET NULL",
            name="fk_claim_documents_attachment_id_attachments")),
        _user("requested_by_id", "claim_documents"),
        _user("received_by_id", "claim_documents"),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("received_at", UTCDateTime()),
        sa.PrimaryKeyConstraint("id", name="pk_claim_documents"),
    )
    op.create_index("ix_claim_documents_claim_id", "claim_documents", ["claim_id"])
    op.create_index("ix_claim_documents_case_status", "claim_documents", ["case_id", "status"])
    op.create_table(
        "claim_cover_changes",
        sa.Column("id", BigId, nullable=False),
        sa.Column("client_id", BigId, sa.ForeignKey(
            "clients.id", name="fk_claim_cover_changes_client_id_clients"), nullable=False),
        sa.Column("claim_id", BigId, sa.ForeignKey(
            "claims.id", ondelete="CASCADE", name="fk_claim_cover_changes_claim_id_claims"),
            nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("sum_insured_cents", sa.BigInteger()),
        sa.Column("note", sa.Text(), nullable=False),
        _user("created_by_id", "claim_cover_changes"),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_claim_cover_changes"),
    )
    op.create_index("ix_claim_cover_changes_claim_id", "claim_cover_changes", ["claim_id"])


def downgrade() -> None:
    """Drop them again."""
    op.drop_index("ix_claim_cover_changes_claim_id", table_name="claim_cover_changes")
    op.drop_table("claim_cover_changes")
    op.drop_index("ix_claim_documents_case_status", table_name="claim_documents")
    op.drop_index("ix_claim_documents_claim_id", table_name="claim_documents")
    op.drop_table("claim_documents")
    with op.batch_alter_table("claims") as batch:
        batch.drop_constraint("fk_claims_decision_id_decisions", type_="foreignkey")
        for name in ("decision_id", "pending_reason", "pending_status"):
            batch.drop_column(name)
