"""Policy numbers are searched: an index on claims (client, policy number).

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-07
"""

from alembic import op

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """The search box looks a policy number up by this index."""
    op.create_index("ix_claims_client_policy_number", "claims", ["client_id", "policy_number"])


def downgrade() -> None:
    """Drop it again."""
    op.drop_index("ix_claims_client_policy_number", table_name="claims")
