"""The composer: uploads waiting for their message, WhatsApp templates, canned reply scope.

Revision ID: 0036
Revises: 0035
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from crm.models.base import BigId, UTCDateTime

revision = "0036"
down_revision = "0035"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create uploads and message_templates; canned replies gain a team and a line of work."""
    op.create_table(
        "uploads",
        sa.Column("id", BigId, nullable=False),
        sa.Column("client_id", BigId, sa.ForeignKey(
            "clients.id", ondelete="CASCADE", name="fk_uploads_client_id_clients"),
            nullable=False),
        sa.Column("case_id", BigId, sa.ForeignKey(
            "cases.id", ondelete="CASCADE", name="fk_uploads_case_id_cases"), nullable=False),
        sa.Column("user_id", BigId, sa.ForeignKey(
            "users.id", ondelete="CASCADE", name="fk_uploads_user_id_users"), nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("content_type", sa.String(255), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("storage_key", sa.String(512), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_uploads"),
    )
    op.create_index("ix_uploads_case_id", "uploads", ["case_id"])
    op.create_table(
        "message_templates",
        sa.Column("id", BigId, nullable=False),
        sa.Column("client_id", BigId, sa.ForeignKey(
            "clients.id", ondelete="CASCADE", name="fk_message_templates_client_id_clients"),
            nullable=False),
        sa.Column("content_sid", sa.String(34), nullable=False),
        sa.Column("line_of_work", sa.String(32), nullable=True),
        sa.Column("fields", sa.JSON().with_variant(
            postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_message_templates"),
        sa.UniqueConstraint("client_id", "content_sid",
                            name="uq_message_templates_client_id_content_sid"),
    )
    with op.batch_alter_table("canned_replies") as batch:
        batch.add_column(sa.Column("team_id", BigId, nullable=True))
        batch.add_column(sa.Column("line_of_work", sa.String(32), nullable=True))
        batch.create_foreign_key("fk_canned_replies_team_id_teams", "teams", ["team_id"],
                                 ["id"], ondelete="CASCADE")


def downgrade() -> None:
    """Drop them again."""
    with op.batch_alter_table("canned_replies") as batch:
        batch.drop_constraint("fk_canned_replies_team_id_teams", type_="foreignkey")
        batch.drop_column("line_of_work")
        batch.drop_column("team_id")
    op.drop_table("message_templates")
    op.drop_index("ix_uploads_case_id", table_name="uploads")
    op.drop_table("uploads")
