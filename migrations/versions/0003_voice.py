"""Voice: offers (calls waiting for an agent) and wrap-up disposition codes.

Revision ID: 0003
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import crm.models.base

revision = "0003"
down_revision = "0001"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql")
_WHEN = crm.models.base.UTCDateTime(timezone=True)

def upgrade() -> None:
    op.create_table(
        "offers",
        sa.Column("id", _ID, nullable=False),
        sa.Column("client_id", _ID, nullable=False),
        sa.Column("case_id", _ID, nullable=False),
        sa.Column("interaction_id", _ID, nullable=False),
        sa.Column("queue", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("offered_to", _JSON, nullable=False),
        sa.Column("declined_by", _JSON, nullable=False),
        sa.Column("accepted_by_id", _ID, nullable=True),
        sa.Column("accepted_at", _WHEN, nullable=True),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.ForeignKeyConstraint(["client_id"], ["clients.id"],
                                name=op.f("fk_offers_client_id_clients")),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_offers_case_id_cases")),
        sa.ForeignKeyConstraint(["interaction_id"], ["interactions.id"],
                                name=op.f("fk_offers_interaction_id_interactions"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["accepted_by_id"], ["users.id"],
                                name=op.f("fk_offers_accepted_by_id_users"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offers")),
        sa.UniqueConstraint("interaction_id", name=op.f("uq_offers_interaction_id")),
    )
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_offers_case_id"), ["case_id"], unique=False)
        batch_op.create_index("ix_offers_status_created", ["status", "created_at"], unique=False)
    op.create_table(
        "disposition_codes",
        sa.Column("id", _ID, nullable=False),
        sa.Column("line_of_work", sa.String(length=32), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disposition_codes")),
    )
    with op.batch_alter_table("disposition_codes", schema=None) as batch_op:
        batch_op.create_index("ix_disposition_codes_line", ["line_of_work", "code"], unique=True)


def downgrade() -> None:
    op.drop_table("disposition_codes")
    op.drop_table("offers")
