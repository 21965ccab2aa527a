"""What one person did, newest first: an index on the audit trail by actor and action.

A reloaded phone asks which calls its agent transferred away in the last hours (their
wrap-up is still theirs); without it that read would scan every audit event of those hours.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29
"""

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the index."""
    op.create_index("ix_audit_events_actor", "audit_events", ["actor_id", "action", "at"])


def downgrade() -> None:
    """Drop it."""
    op.drop_index("ix_audit_events_actor", table_name="audit_events")
