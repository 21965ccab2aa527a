"""Customer account references: a partial index the planner trusts at a million customers.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

WHERE = sa.text("external_ref IS NOT NULL")


def upgrade() -> None:
    """Replace the full (client_id, external_ref) index by one over non-null references."""
    op.drop_index("ix_customers_client_external_ref", table_name="customers")
    op.create_index("ix_customers_client_external_ref", "customers",
                    ["client_id", "external_ref"], sqlite_where=WHERE, postgresql_where=WHERE)


def downgrade() -> None:
    """Back to the full index."""
    op.drop_index("ix_customers_client_external_ref", table_name="customers")
    op.create_index("ix_customers_client_external_ref", "customers",
                    ["client_id", "external_ref"])
