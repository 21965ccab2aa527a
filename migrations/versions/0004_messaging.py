"""Messaging: canned replies (shared and personal).

Revision ID: 0004
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

import crm.models.base

revision = "0004"
down_revision = "0001"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "canned_replies",
        sa.Column("id", BigId, nullable=False),
        sa.Column("client_id", BigId, nullable=False),
        sa.Column("owner_id", BigId, nullable=True),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_by_id", BigId, nullable=True),
        sa.Column("created_at", crm.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", crm.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["client_id"], ["clients.id"], ondelete="CASCADE",
                                name=op.f("fk_canned_replies_client_id_clients")),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_canned_replies_owner_id_users")),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], ondelete="SET NULL",
                                name=op.f("fk_canned_replies_created_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_canned_replies")),
    )
    op.create_index("ix_canned_replies_client_owner", "canned_replies",
                    ["client_id", "owner_id"])


def downgrade() -> None:
    op.drop_index("ix_canned_replies_client_owner", table_name="canned_replies")
    op.drop_table("canned_replies")
