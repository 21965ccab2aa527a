"""Times and places the debtor named as inconvenient; contact attempts the guardrail blocked.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from crm.models.base import BigId, Json, UTCDateTime

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def _fk(table: str, column: str, target: str, **kw) -> sa.Column:
    return sa.Column(column, BigId, sa.ForeignKey(
        f"{target}.id", name=f"fk_{table}_{column}_{target}", **kw.pop("fk", {})), **kw)


def upgrade() -> None:
    """Create the two tables."""
    op.create_table(
        "contact_restrictions",
        sa.Column("id", BigId, nullable=False),
        _fk("contact_restrictions", "client_id", "clients", nullable=False),
        _fk("contact_restrictions", "customer_id", "customers", nullable=False),
        _fk("contact_restrictions", "contact_point_id", "contact_points",
            fk={"ondelete": "CASCADE"}),
        sa.Column("days", Json, nullable=False),
        sa.Column("starts", sa.Time()),
        sa.Column("ends", sa.Time()),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        _fk("contact_restrictions", "recorded_by_id", "users", fk={"ondelete": "SET NULL"}),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_contact_restrictions"),
    )
    op.create_index("ix_contact_restrictions_customer_id", "contact_restrictions",
                    ["customer_id"])
    op.create_table(
        "blocked_attempts",
        sa.Column("id", BigId, nullable=False),
        _fk("blocked_attempts", "client_id", "clients", nullable=False),
        _fk("blocked_attempts", "case_id", "cases", nullable=False),
        sa.Column("medium", sa.String(16), nullable=False),
        sa.Column("rule", sa.String(48), nullable=False),
        _fk("blocked_attempts", "actor_id", "users", fk={"ondelete": "SET NULL"}),
        sa.Column("occurred_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("override_reason", sa.Text()),
        _fk("blocked_attempts", "overridden_by_id", "users", fk={"ondelete": "SET NULL"}),
        sa.Column("overridden_at", UTCDateTime(timezone=True)),
        sa.Column("override_used_at", UTCDateTime(timezone=True)),
        sa.PrimaryKeyConstraint("id", name="pk_blocked_attempts"),
    )
    op.create_index("ix_blocked_attempts_case_id", "blocked_attempts", ["case_id"])


def downgrade() -> None:
    """Drop them."""
    op.drop_index("ix_blocked_attempts_case_id", table_name="blocked_attempts")
    op.drop_table("blocked_attempts")
    op.drop_index("ix_contact_restrictions_customer_id", table_name="contact_restrictions")
    op.drop_table("contact_restrictions")
