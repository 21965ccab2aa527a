"""Chat visits: the case a web chat is on, and whether the visitor's identity was checked.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from crm.models.base import BigId, UTCDateTime

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the table."""
    op.create_table(
        "chat_visits",
        sa.Column("id", BigId, nullable=False),
        sa.Column("client_id", BigId, sa.ForeignKey("clients.id",
                                                    name="fk_chat_visits_client_id_clients"),
                  nullable=False),
        sa.Column("case_id", BigId, sa.ForeignKey("cases.id",
                                                  name="fk_chat_visits_case_id_cases"),
                  nullable=False),
        sa.Column("thread_key", sa.String(64), nullable=False),
        sa.Column("visitor_name", sa.String(100), nullable=False),
        sa.Column("contact", sa.String(320), nullable=False),
        sa.Column("claimed", sa.Boolean(), nullable=False),
        sa.Column("verified_at", UTCDateTime(timezone=True)),
        sa.Column("verified_by_id", BigId, sa.ForeignKey(
            "users.id", ondelete="SET NULL", name="fk_chat_visits_verified_by_id_users")),
        sa.Column("moved_from_case_id", BigId, sa.ForeignKey(
            "cases.id", ondelete="SET NULL", name="fk_chat_visits_moved_from_case_id_cases")),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("thread_key", name="uq_chat_visits_thread_key"),
        sa.PrimaryKeyConstraint("id", name="pk_chat_visits"),
    )
    op.create_index("ix_chat_visits_case_id", "chat_visits", ["case_id"])


def downgrade() -> None:
    """Drop it."""
    op.drop_index("ix_chat_visits_case_id", table_name="chat_visits")
    op.drop_table("chat_visits")
