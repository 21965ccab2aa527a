"""Document summaries: text read from attachments and long emails, its sentences and facts.

Revision ID: 0039
Revises: 0038
Create Date: 2026-12-08
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from crm.models.base import BigId, UTCDateTime

revision = "0039"
down_revision = "0038"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    """Create document_summaries."""
    op.create_table(
        "document_summaries",
        sa.Column("id", BigId, nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("client_id", BigId, sa.ForeignKey(
            "clients.id", name="fk_document_summaries_client_id_clients"), nullable=False),
        sa.Column("case_id", BigId, sa.ForeignKey(
            "cases.id", ondelete="CASCADE", name="fk_document_summaries_case_id_cases"),
            nullable=False),
        sa.Column("interaction_id", BigId, sa.ForeignKey(
            "interactions.id", ondelete="CASCADE",
            name="fk_document_summaries_interaction_id_interactions"), nullable=False),
        sa.Column("attachment_id", BigId, sa.ForeignKey(
            "attachments.id", ondelete="CASCADE",
            name="fk_document_summaries_attachment_id_attachments"), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("pages", sa.Integer(), nullable=True),
        sa.Column("characters", sa.Integer(), nullable=True),
        sa.Column("sentences", JSON, nullable=False),
        sa.Column("facts", JSON, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_document_summaries"),
        sa.UniqueConstraint("key", name="uq_document_summaries_key"),
    )
    for column in ("case_id", "interaction_id", "attachment_id"):
        op.create_index(f"ix_document_summaries_{column}", "document_summaries", [column])


def downgrade() -> None:
    """Drop it."""
    for column in ("case_id", "interaction_id", "attachment_id"):
        op.drop_index(f"ix_document_summaries_{column}", table_name="document_summaries")
    op.drop_table("document_summaries")
