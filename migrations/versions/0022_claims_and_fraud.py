"""Claims and fraud work: a claim's lifecycle fields, an investigation's workflow, red flags.

Revision ID: 0022
Revises: 0020
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from crm.models.base import BigId, Json, UTCDateTime

revision = "0022"
down_revision = "0020"
branch_labels = None
depends_on = None

# Old claim statuses in the words of the lifecycle (the table in crm.claims).
_CLAIM_STATUSES = {"open": "fnol", "assessing": "triage", "approved": "assessed",
                   "rejected": "declined"}


def upgrade() -> None:
    """Add the columns and the red_flags table; old statuses move to the lifecycle's words."""
    with op.batch_alter_table("claims") as batch:
        batch.alter_column("amount_cents", new_column_name="reported_amount_cents")
        batch.add_column(sa.Column("policy_start", sa.Date()))
        batch.add_column(sa.Column("status_reason", sa.Text()))
        batch.add_column(sa.Column("claim_type", sa.String(32)))
        batch.add_column(sa.Column("reserve_cents", sa.BigInteger()))
        batch.add_column(sa.Column("currency", sa.String(3), nullable=False,
                                   server_default="USD"))
        batch.add_column(sa.Column("bank_account", sa.String(64)))
        batch.add_column(sa.Column("bank_account_key", sa.String(64)))
        batch.add_column(sa.Column("updated_at", UTCDateTime(), nullable=True))
        batch.create_index("ix_claims_bank_account_key", ["client_id", "bank_account_key"])
    op.execute("UPDATE claims SET updated_at = created_at")
    with op.batch_alter_table("claims") as batch:
        batch.alter_column("updated_at", existing_type=UTCDateTime(), nullable=False)
    for old, new in _CLAIM_STATUSES.items():
        op.execute(sa.text("UPDATE claims SET status = :new WHERE status = :old")
                   .bindparams(new=new, old=old))
    with op.batch_alter_table("investigations") as batch:
        batch.add_column(sa.Column("severity", sa.String(16), nullable=False,
                                   server_default="low"))
        batch.add_column(sa.Column("assigned_to_id", BigId, sa.ForeignKey(
            "users.id", ondelete="SET NULL", name="fk_investigations_assigned_to_id_users")))
        batch.add_column(sa.Column("taken_at", UTCDateTime()))
        batch.add_column(sa.Column("snoozed_until", UTCDateTime()))
        batch.add_column(sa.Column("outcome", sa.String(24)))
        batch.add_column(sa.Column("outcome_summary", sa.Text()))
        batch.add_column(sa.Column("closed_at", UTCDateTime()))
    op.create_table(
        "red_flags",
        sa.Column("id", BigId, nullable=False),
        sa.Column("client_id", BigId, sa.ForeignKey("clients.id",
                                                    name="fk_red_flags_client_id_clients"),
                  nullable=False),
        sa.Column("case_id", BigId, sa.ForeignKey("cases.id", name="fk_red_flags_case_id_cases"),
                  nullable=False),
        sa.Column("claim_id", BigId, sa.ForeignKey("claims.id", ondelete="SET NULL",
                                                   name="fk_red_flags_claim_id_claims")),
        sa.Column("rule", sa.String(48), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("facts", Json, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_red_flags"),
        sa.UniqueConstraint("case_id", "rule", "key", name="uq_red_flags_case_id_rule_key"),
    )
    op.create_index("ix_red_flags_case_id", "red_flags", ["case_id"])


def downgrade() -> None:
    """Drop them again (the lifecycle's statuses stay as they are)."""
    op.drop_index("ix_red_flags_case_id", table_name="red_flags")
    op.drop_table("red_flags")
    with op.batch_alter_table("investigations") as batch:
        for name in ("closed_at", "outcome_summary", "outcome", "snoozed_until", "taken_at",
                     "assigned_to_id", "severity"):
            batch.drop_column(name)
    with op.batch_alter_table("claims") as batch:
        batch.drop_index("ix_claims_bank_account_key")
        for name in ("updated_at", "bank_account_key", "bank_account", "currency",
                     "reserve_cents", "claim_type", "status_reason", "policy_start"):
            batch.drop_column(name)
        batch.alter_column("reported_amount_cents", new_column_name="amount_cents")
