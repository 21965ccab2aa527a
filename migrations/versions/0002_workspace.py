"""Workspace: phone digit suffixes, name-word keys, recent cases, per-medium timeline index.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

import crm.models.base

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _text(n):
    return sa.String(n).with_variant(sa.String(n, collation="C"), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("contact_points") as batch:
        batch.add_column(sa.Column("digits_rev", _text(32), nullable=True))
    op.create_index("ix_contact_points_digits_rev", "contact_points", ["digits_rev"])
    op.create_index("ix_interactions_case_medium_time", "interactions",
                    ["case_id", "medium", "occurred_at"])
    op.create_table(
        "customer_name_keys",
        sa.Column("id", BigId, nullable=False),
        sa.Column("client_id", BigId, nullable=False),
        sa.Column("customer_id", BigId, nullable=False),
        sa.Column("key", _text(200), nullable=False),
        sa.ForeignKeyConstraint(["client_id"], ["clients.id"],
                                name=op.f("fk_customer_name_keys_client_id_clients")),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"], ondelete="CASCADE",
                                name=op.f("fk_customer_name_keys_customer_id_customers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_name_keys")),
    )
    op.create_index("ix_customer_name_keys_client_key", "customer_name_keys",
                    ["client_id", "key"])
    op.create_index("ix_customer_name_keys_customer_id", "customer_name_keys", ["customer_id"])
    op.create_table(
        "recent_cases",
        sa.Column("id", BigId, nullable=False),
        sa.Column("user_id", BigId, nullable=False),
        sa.Column("case_id", BigId, nullable=False),
        sa.Column("viewed_at", crm.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_recent_cases_user_id_users")),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], ondelete="CASCADE",
                                name=op.f("fk_recent_cases_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recent_cases")),
        sa.UniqueConstraint("user_id", "case_id", name=op.f("uq_recent_cases_user_id_case_id")),
    )
    op.create_index("ix_recent_cases_user_viewed", "recent_cases", ["user_id", "viewed_at"])
    _backfill()


def _backfill() -> None:
    from crm.models.workspace import name_keys, reversed_digits

    conn = op.get_bind()
    cps = sa.table("contact_points", sa.column("id"), sa.column("kind"), sa.column("value"),
                   sa.column("digits_rev"))
    for ident, value in conn.execute(sa.select(cps.c.id, cps.c.value).where(
            cps.c.kind == "phone")).all():
        conn.execute(sa.update(cps).where(cps.c.id == ident)
                     .values(digits_rev=reversed_digits(value)))
    customers = sa.table("customers", sa.column("id"), sa.column("client_id"),
                         sa.column("search_name"))
    keys = sa.table("customer_name_keys", sa.column("client_id"), sa.column("customer_id"),
                    sa.column("key"))
    rows = [{"client_id": c, "customer_id": i, "key": k}
            for i, c, name in conn.execute(sa.select(customers)).all()
            for k in name_keys(name or "")]
    if rows:
        conn.execute(sa.insert(keys), rows)


def downgrade() -> None:
    op.drop_index("ix_recent_cases_user_viewed", table_name="recent_cases")
    op.drop_table("recent_cases")
    op.drop_index("ix_customer_name_keys_customer_id", table_name="customer_name_keys")
    op.drop_index("ix_customer_name_keys_client_key", table_name="customer_name_keys")
    op.drop_table("customer_name_keys")
    op.drop_index("ix_interactions_case_medium_time", table_name="interactions")
    op.drop_index("ix_contact_points_digits_rev", table_name="contact_points")
    with op.batch_alter_table("contact_points") as batch:
        batch.drop_column("digits_rev")
