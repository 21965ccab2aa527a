"""Case file exports: a requested PDF or ZIP of a case, its progress and its stored file.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from crm.models.base import BigId, UTCDateTime

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the exports table."""
    op.create_table(
        "exports",
        sa.Column("id", BigId, nullable=False),
        sa.Column("client_id", BigId, sa.ForeignKey("clients.id",
                                                    name="fk_exports_client_id_clients"),
                  nullable=False),
        sa.Column("case_id", BigId, sa.ForeignKey("cases.id", name="fk_exports_case_id_cases"),
                  nullable=False),
        sa.Column("format", sa.String(8), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("storage_key", sa.String(64)),
        sa.Column("filename", sa.String(200), nullable=False),
        sa.Column("size", sa.BigInteger()),
        sa.Column("sha256", sa.String(64)),
        sa.Column("error", sa.Text()),
        sa.Column("requested_by_id", BigId, sa.ForeignKey(
            "users.id", ondelete="SET NULL", name="fk_exports_requested_by_id_users")),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", UTCDateTime(timezone=True)),
        sa.PrimaryKeyConstraint("id", name="pk_exports"),
    )
    op.create_index("ix_exports_case_created", "exports", ["case_id", "created_at"])
    op.create_index("ix_exports_status", "exports", ["status"])


def downgrade() -> None:
    """Drop it."""
    op.drop_index("ix_exports_status", table_name="exports")
    op.drop_index("ix_exports_case_created", table_name="exports")
    op.drop_table("exports")
