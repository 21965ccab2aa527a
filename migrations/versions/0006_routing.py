"""Routing: queues per line of work; offers become work items offered to one agent at a time.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import crm.models.base

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql")
_WHEN = crm.models.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "routing_queues",
        sa.Column("id", _ID, nullable=False),
        sa.Column("client_id", _ID, nullable=True),
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("skills", _JSON, nullable=False),
        sa.Column("languages", _JSON, nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("sla_seconds", _JSON, nullable=False),
        sa.Column("sticky_seconds", sa.Integer(), nullable=False),
        sa.Column("escalate_to", _JSON, nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["client_id"], ["clients.id"],
                                name=op.f("fk_routing_queues_client_id_clients"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_routing_queues")),
    )
    with op.batch_alter_table("routing_queues", schema=None) as batch_op:
        batch_op.create_index("ix_routing_queues_client_name", ["client_id", "name"],
                              unique=True)
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("medium", sa.String(length=16), nullable=False,
                                      server_default="voice"))
        batch_op.add_column(sa.Column("priority", sa.Integer(), nullable=False,
                                      server_default="0"))
        batch_op.add_column(sa.Column("language", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("offered_user_id", _ID, nullable=True))
        batch_op.add_column(sa.Column("offered_at", _WHEN, nullable=True))
        batch_op.add_column(sa.Column("offer_expires_at", _WHEN, nullable=True))
        batch_op.add_column(sa.Column("sla_due_at", _WHEN, nullable=True))
        batch_op.add_column(sa.Column("sla_breached", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column("done_at", _WHEN, nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_offers_offered_user_id_users"), "users",
                                    ["offered_user_id"], ["id"], ondelete="SET NULL")
        batch_op.create_index(batch_op.f("ix_offers_offered_user_id"), ["offered_user_id"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_offers_offered_user_id"))
        batch_op.drop_constraint(batch_op.f("fk_offers_offered_user_id_users"),
                                 type_="foreignkey")
        for name in ("done_at", "sla_breached", "sla_due_at", "offer_expires_at", "offered_at",
                     "offered_user_id", "language", "priority", "medium"):
            batch_op.drop_column(name)
    with op.batch_alter_table("routing_queues", schema=None) as batch_op:
        batch_op.drop_index("ix_routing_queues_client_name")
    op.drop_table("routing_queues")
