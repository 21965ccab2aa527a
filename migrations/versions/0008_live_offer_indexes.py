"""Live offers: partial indexes, so routing reads the few live rows, never the history.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# As in crm.models.voice.LIVE_INDEXES (a migration keeps its own copy: models move on).
INDEXES = {
    "ix_offers_waiting": (["client_id", "priority", "created_at"],
                          "status = 'open' AND offered_user_id IS NULL"),
    "ix_offers_open_offered": (["offered_user_id"], "status = 'open'"),
    "ix_offers_accepted_by": (["accepted_by_id"], "status = 'accepted'"),
    "ix_offers_live_case": (["case_id", "medium"], "status IN ('open', 'accepted')"),
}


def upgrade() -> None:
    """Add one partial index per routing read over live work."""
    for name, (columns, where) in INDEXES.items():
        op.create_index(name, "offers", columns, sqlite_where=sa.text(where),
                        postgresql_where=sa.text(where))


def downgrade() -> None:
    """Drop them."""
    for name in INDEXES:
        op.drop_index(name, table_name="offers")
