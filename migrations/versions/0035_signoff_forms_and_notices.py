"""Sign-off and escalation forms, notifications: a decision's amount and currency, the claim
an escalation concerns, and each member of staff's own settings.

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from crm.models.base import BigId, Json

revision = "0035"
down_revision = "0034"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the columns (existing decisions name no sum, existing staff keep the defaults)."""
    op.add_column("decisions", sa.Column("amount_cents", sa.BigInteger()))
    op.add_column("decisions", sa.Column("currency", sa.String(3)))
    op.add_column("users", sa.Column("preferences", Json, nullable=False, server_default="{}"))
    with op.batch_alter_table("investigations") as batch:
        batch.add_column(sa.Column("claim_id", BigId))
        batch.create_foreign_key(
            "fk_investigations_claim_id_claims", "claims", ["claim_id"], ["id"], ondelete="SET NULL"
        )


def downgrade() -> None:
    """Drop them."""
    with op.batch_alter_table("investigations") as batch:
        batch.drop_constraint("fk_investigations_claim_id_claims", type_="foreignkey")
        batch.drop_column("claim_id")
    with op.batch_alter_table("users", recreate="never") as batch:
        batch.drop_column("preferences")
    with op.batch_alter_table("decisions", recreate="never") as batch:
        batch.drop_column("currency")
        batch.drop_column("amount_cents")
