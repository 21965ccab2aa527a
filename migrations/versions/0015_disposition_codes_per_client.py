"""Disposition codes per client: a supervisor's new code changes only their client's list.

Rows from before keep client_id NULL and stay every client's codes.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from crm.models.base import BigId

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the client, and make codes unique per client and line of work."""
    with op.batch_alter_table("disposition_codes") as batch:
        batch.add_column(sa.Column("client_id", BigId, nullable=True))
        batch.create_foreign_key("fk_disposition_codes_client_id_clients", "clients",
                                 ["client_id"], ["id"], ondelete="CASCADE")
        batch.drop_index("ix_disposition_codes_line")
        batch.create_index("ix_disposition_codes_client_line",
                           ["client_id", "line_of_work", "code"], unique=True)


def downgrade() -> None:
    """Back to one list for every client (each client's own codes are dropped)."""
    op.execute("DELETE FROM disposition_codes WHERE client_id IS NOT NULL")
    with op.batch_alter_table("disposition_codes") as batch:
        batch.drop_index("ix_disposition_codes_client_line")
        batch.create_index("ix_disposition_codes_line", ["line_of_work", "code"], unique=True)
        batch.drop_constraint("fk_disposition_codes_client_id_clients", type_="foreignkey")
        batch.drop_column("client_id")
