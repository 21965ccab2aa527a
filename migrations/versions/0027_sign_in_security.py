"""Sign-in security: server-side sign-ins, password resets, TOTP, recovery codes, token scope.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from crm.models.base import BigId, UTCDateTime

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def _user_fk(table: str) -> sa.Column:
    return sa.Column("user_id", BigId, sa.ForeignKey(
        "users.id", ondelete="CASCADE", name=f"fk_{table}_user_id_users"), nullable=False)


def upgrade() -> None:
    """Add the columns (plain ADD COLUMN keeps SQLite's triggers) and create the tables."""
    op.add_column("clients", sa.Column("require_two_factor", sa.Boolean(), nullable=False,
                                       server_default=sa.false()))
    op.add_column("users", sa.Column("totp_secret", sa.String(64)))
    op.add_column("users", sa.Column("totp_enabled_at", UTCDateTime(timezone=True)))
    op.add_column("users", sa.Column("totp_last_step", sa.BigInteger()))
    # Tokens issued before scopes existed could do everything: they stay "full".
    op.add_column("api_tokens", sa.Column("scope", sa.String(8), nullable=False,
                                          server_default="full"))
    op.create_table(
        "sign_ins",
        sa.Column("id", BigId, nullable=False),
        _user_fk("sign_ins"),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("method", sa.String(16), nullable=False),
        sa.Column("user_agent", sa.String(300), nullable=False),
        sa.Column("ip", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", UTCDateTime(timezone=True)),
        sa.Column("ended_reason", sa.String(32)),
        sa.PrimaryKeyConstraint("id", name="pk_sign_ins"),
        sa.UniqueConstraint("key_hash", name="uq_sign_ins_key_hash"),
    )
    op.create_index("ix_sign_ins_user_id", "sign_ins", ["user_id"])
    op.create_table(
        "password_resets",
        sa.Column("id", BigId, nullable=False),
        _user_fk("password_resets"),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", UTCDateTime(timezone=True)),
        sa.Column("used_at", UTCDateTime(timezone=True)),
        sa.PrimaryKeyConstraint("id", name="pk_password_resets"),
    )
    op.create_index("ix_password_resets_user_id", "password_resets", ["user_id"])
    op.create_table(
        "recovery_codes",
        sa.Column("id", BigId, nullable=False),
        _user_fk("recovery_codes"),
        sa.Column("code_hash", sa.String(160), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", UTCDateTime(timezone=True)),
        sa.PrimaryKeyConstraint("id", name="pk_recovery_codes"),
    )
    op.create_index("ix_recovery_codes_user_id", "recovery_codes", ["user_id"])


def downgrade() -> None:
    """Drop them again."""
    for table in ("recovery_codes", "password_resets", "sign_ins"):
        op.drop_table(table)
    with op.batch_alter_table("api_tokens", recreate="never") as batch:
        batch.drop_column("scope")
    with op.batch_alter_table("users", recreate="never") as batch:
        for column in ("totp_last_step", "totp_enabled_at", "totp_secret"):
            batch.drop_column(column)
    with op.batch_alter_table("clients", recreate="never") as batch:
        batch.drop_column("require_two_factor")
