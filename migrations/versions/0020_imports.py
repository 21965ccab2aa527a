"""Portfolio imports: the uploaded file's progress, and the rows it refused.

Revision ID: 0020
Revises: 0021
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from crm.models.base import BigId, Json, UTCDateTime

revision = "0020"
down_revision = "0021"
branch_labels = None
depends_on = None

_COUNTS = ("processed", "accepted", "rejected", "customers_created", "accounts_created",
           "accounts_updated")


def upgrade() -> None:
    """Create both tables."""
    op.create_table(
        "imports",
        sa.Column("id", BigId, nullable=False),
        sa.Column("client_id", BigId, sa.ForeignKey("clients.id",
                                                    name="fk_imports_client_id_clients"),
                  nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("filename", sa.String(200), nullable=False),
        sa.Column("storage_key", sa.String(64), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("columns", Json, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("total", sa.Integer()),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in _COUNTS),
        sa.Column("error", sa.Text()),
        sa.Column("created_by_id", BigId, sa.ForeignKey(
            "users.id", ondelete="SET NULL", name="fk_imports_created_by_id_users")),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", UTCDateTime(timezone=True)),
        sa.PrimaryKeyConstraint("id", name="pk_imports"),
    )
    op.create_index("ix_imports_client_created", "imports", ["client_id", "created_at"])
    op.create_index("ix_imports_status", "imports", ["status"])
    op.create_table(
        "import_rejects",
        sa.Column("id", BigId, nullable=False),
        sa.Column("import_id", BigId, sa.ForeignKey(
            "imports.id", ondelete="CASCADE", name="fk_import_rejects_import_id_imports"),
                  nullable=False),
        sa.Column("row", sa.Integer(), nullable=False),
        sa.Column("values", Json, nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_import_rejects"),
    )
    op.create_index("ix_import_rejects_import_row", "import_rejects", ["import_id", "row"])


def downgrade() -> None:
    """Drop them."""
    op.drop_index("ix_import_rejects_import_row", table_name="import_rejects")
    op.drop_table("import_rejects")
    op.drop_index("ix_imports_status", table_name="imports")
    op.drop_index("ix_imports_client_created", table_name="imports")
    op.drop_table("imports")
