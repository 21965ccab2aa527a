"""Approval authority: reviewers' limits and qualifications per client, the qualification a
client requires per kind of decision, and the authority each approval was signed under.

Revision ID: 0038
Revises: 0037
Create Date: 2026-12-08
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from crm.models.base import BigId, UTCDateTime

revision = "0038"
down_revision = "0037"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    """Create signing_authorities and signoff_requirements; decisions keep the authority."""
    op.create_table(
        "signing_authorities",
        sa.Column("id", BigId, nullable=False),
        sa.Column("user_id", BigId, sa.ForeignKey(
            "users.id", ondelete="CASCADE", name="fk_signing_authorities_user_id_users"),
            nullable=False),
        sa.Column("client_id", BigId, sa.ForeignKey(
            "clients.id", ondelete="CASCADE", name="fk_signing_authorities_client_id_clients"),
            nullable=False),
        sa.Column("limits", JSON, nullable=False),
        sa.Column("qualifications", JSON, nullable=False),
        sa.Column("updated_by_id", BigId, sa.ForeignKey(
            "users.id", ondelete="SET NULL", name="fk_signing_authorities_updated_by_id_users"),
            nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_signing_authorities"),
        sa.UniqueConstraint("user_id", "client_id",
                            name="uq_signing_authorities_user_id_client_id"),
    )
    op.create_index("ix_signing_authorities_client_id", "signing_authorities", ["client_id"])
    op.create_table(
        "signoff_requirements",
        sa.Column("id", BigId, nullable=False),
        sa.Column("client_id", BigId, sa.ForeignKey(
            "clients.id", ondelete="CASCADE", name="fk_signoff_requirements_client_id_clients"),
            nullable=False),
        sa.Column("kind", sa.String(48), nullable=False),
        sa.Column("qualification", sa.String(120), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_signoff_requirements"),
        sa.UniqueConstraint("client_id", "kind", name="uq_signoff_requirements_client_id_kind"),
    )
    # Plain ADD COLUMN keeps SQLite's triggers on decisions.
    op.add_column("decisions", sa.Column("authority_basis", sa.String(16), nullable=True))
    op.add_column("decisions", sa.Column("authority_limit_cents", sa.BigInteger(),
                                         nullable=True))
    op.add_column("decisions", sa.Column("authority_qualification", sa.String(120),
                                         nullable=True))


def downgrade() -> None:
    """Drop them."""
    with op.batch_alter_table("decisions", recreate="never") as batch:
        batch.drop_column("authority_qualification")
        batch.drop_column("authority_limit_cents")
        batch.drop_column("authority_basis")
    op.drop_table("signoff_requirements")
    op.drop_index("ix_signing_authorities_client_id", table_name="signing_authorities")
    op.drop_table("signing_authorities")
