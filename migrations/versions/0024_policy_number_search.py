"""Policy numbers are searched: an index on claims (client, policy number).

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07
"""

from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """The search box looks a policy number up by this index."""
    op.create_index("ix_claims_client_policy_number", "claims", ["client_id", "policy_number"])


def downgrade() -> None:
    """Drop it again."""
    op.drop_index("ix_claims_client_policy_number", table_name="claims")
