"""Client branding: the colour, logo and greeting the chat widget shows customers.

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Three nullable columns: a client without branding keeps the default look."""
    op.add_column("clients", sa.Column("brand_colour", sa.String(7), nullable=True))
    op.add_column("clients", sa.Column("logo_url", sa.String(500), nullable=True))
    op.add_column("clients", sa.Column("greeting", sa.String(300), nullable=True))


def downgrade() -> None:
    """Drop the branding."""
    with op.batch_alter_table("clients", recreate="never") as batch:
        for name in ("greeting", "logo_url", "brand_colour"):
            batch.drop_column(name)
