"""Collections money: payments, payment plans, settlements; promises kept or broken.

Promises learn what was paid towards them, their plan and settlement; debt accounts learn why
contact stopped and who the debtor's attorney is.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from crm.models.base import BigId, Json, UTCDateTime

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


# The collections wrap-up codes (crm.collections.outcomes.CODES as of this revision), seeded as
# every client's codes: a client who adds a code of their own keeps these beside it.
CODES = [("right_party_contact", "Right party contact"), ("wrong_party", "Wrong party"),
         ("no_answer", "No answer"), ("left_message", "Left message"),
         ("promise_to_pay", "Promise to pay"), ("refused", "Refused to pay"),
         ("dispute", "Dispute raised"), ("cease_request", "Cease request"),
         ("attorney", "Attorney represents the debtor"), ("bankrupt", "Bankrupt"),
         ("deceased", "Deceased")]
_codes = sa.table("disposition_codes", sa.column("client_id", BigId),
                  sa.column("line_of_work", sa.String), sa.column("code", sa.String),
                  sa.column("label", sa.String), sa.column("active", sa.Boolean))


def _fk(table: str, column: str, target: str, **kw) -> sa.Column:
    return sa.Column(column, BigId, sa.ForeignKey(
        f"{target}.id", name=f"fk_{table}_{column}_{target}", **kw), nullable=column not in (
        "client_id", "case_id", "debt_account_id"))


def _owned(table: str) -> list:
    """The columns every collections row has: id, client, case, account, author, time."""
    return [sa.Column("id", BigId, nullable=False),
            _fk(table, "client_id", "clients"), _fk(table, "case_id", "cases"),
            _fk(table, "debt_account_id", "debt_accounts"),
            _fk(table, "created_by_id", "users", ondelete="SET NULL"),
            sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
            sa.PrimaryKeyConstraint("id", name=f"pk_{table}")]


def upgrade() -> None:
    """Create the tables and add the columns."""
    op.create_table(
        "settlements", *_owned("settlements"),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("balance_cents", sa.BigInteger(), nullable=False),
        sa.Column("terms", Json, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        _fk("settlements", "decision_id", "decisions"),
        sa.UniqueConstraint("decision_id", name="uq_settlements_decision_id"))
    op.create_table(
        "payment_plans", *_owned("payment_plans"),
        sa.Column("instalment_cents", sa.BigInteger(), nullable=False),
        sa.Column("frequency", sa.String(16), nullable=False),
        sa.Column("first_due_on", sa.Date(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        _fk("payment_plans", "settlement_id", "settlements"))
    op.create_table(
        "payments", *_owned("payments"),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("method", sa.String(24), nullable=False),
        sa.Column("reference", sa.String(100), nullable=False),
        _fk("payments", "reverses_payment_id", "payments"),
        sa.Column("reason", sa.Text()),
        sa.Column("applied", Json, nullable=False),
        sa.UniqueConstraint("debt_account_id", "reference",
                            name="uq_payments_debt_account_id_reference"),
        sa.UniqueConstraint("reverses_payment_id", name="uq_payments_reverses_payment_id"))
    for table in ("settlements", "payment_plans"):
        op.create_index(f"ix_{table}_case_id", table, ["case_id"])
        op.create_index(f"ix_{table}_debt_account_id", table, ["debt_account_id"])
    op.create_index("ix_payments_case_id", "payments", ["case_id"])
    op.create_index("ix_payments_account_paid", "payments", ["debt_account_id", "paid_on"])
    with op.batch_alter_table("promises") as batch:
        batch.add_column(sa.Column("paid_cents", sa.BigInteger(), nullable=False,
                                   server_default="0"))
        batch.add_column(sa.Column("plan_id", BigId, nullable=True))
        batch.add_column(sa.Column("settlement_id", BigId, nullable=True))
        batch.add_column(sa.Column("closed_on", sa.Date()))
        batch.create_foreign_key("fk_promises_plan_id_payment_plans", "payment_plans",
                                 ["plan_id"], ["id"])
        batch.create_foreign_key("fk_promises_settlement_id_settlements", "settlements",
                                 ["settlement_id"], ["id"])
        batch.create_index("ix_promises_plan_id", ["plan_id"])
    with op.batch_alter_table("debt_accounts") as batch:
        batch.add_column(sa.Column("stop_reason", sa.String(32)))
        batch.add_column(sa.Column("attorney_name", sa.String(200)))
        batch.add_column(sa.Column("attorney_phone", sa.String(40)))
    have = set(op.get_bind().scalars(sa.select(_codes.c.code).where(
        _codes.c.client_id.is_(None), _codes.c.line_of_work == "collections")))
    op.bulk_insert(_codes, [{"client_id": None, "line_of_work": "collections", "code": code,
                             "label": label, "active": True}
                            for code, label in CODES if code not in have])


def downgrade() -> None:
    """Drop them again (and the shared collections codes of this revision)."""
    op.execute(_codes.delete().where(_codes.c.client_id.is_(None),
                                     _codes.c.line_of_work == "collections",
                                     _codes.c.code.in_([c for c, _ in CODES])))
    with op.batch_alter_table("debt_accounts") as batch:
        for name in ("attorney_phone", "attorney_name", "stop_reason"):
            batch.drop_column(name)
    with op.batch_alter_table("promises") as batch:
        batch.drop_index("ix_promises_plan_id")
        batch.drop_constraint("fk_promises_settlement_id_settlements", type_="foreignkey")
        batch.drop_constraint("fk_promises_plan_id_payment_plans", type_="foreignkey")
        for name in ("closed_on", "settlement_id", "plan_id", "paid_cents"):
            batch.drop_column(name)
    for table in ("payments", "payment_plans", "settlements"):
        op.drop_table(table)
