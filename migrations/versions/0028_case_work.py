"""Case work: a case's labels, follow-up day and status reason; tasks for a team or queue,
and snoozed tasks.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

from crm.models.base import BigId, Json, UTCDateTime

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the columns (existing cases have no labels, existing tasks no team)."""
    # Plain ADD COLUMNs: a batch copy of cases would drop the triggers that touch it on SQLite.
    op.add_column("cases", sa.Column("labels", Json, nullable=False, server_default="[]"))
    op.add_column("cases", sa.Column("follow_up_on", sa.Date()))
    op.add_column("cases", sa.Column("status_reason", sa.Text()))
    # tasks has no triggers: a batch (a copy on SQLite) can add its foreign key.
    with op.batch_alter_table("tasks") as batch:
        batch.add_column(sa.Column("team_id", BigId))
        batch.add_column(sa.Column("queue", sa.String(32)))
        batch.add_column(sa.Column("snoozed_until", UTCDateTime(timezone=True)))
        batch.add_column(sa.Column("updated_at", UTCDateTime(timezone=True)))
        batch.create_foreign_key("fk_tasks_team_id_teams", "teams", ["team_id"], ["id"],
                                 ondelete="SET NULL")
        batch.create_index("ix_tasks_team_status_due", ["team_id", "status", "due_at"])
        batch.create_index("ix_tasks_client_queue_status", ["client_id", "queue", "status"])


def downgrade() -> None:
    """Drop them."""
    with op.batch_alter_table("tasks") as batch:
        batch.drop_index("ix_tasks_client_queue_status")
        batch.drop_index("ix_tasks_team_status_due")
        batch.drop_constraint("fk_tasks_team_id_teams", type_="foreignkey")
        for name in ("updated_at", "snoozed_until", "queue", "team_id"):
            batch.drop_column(name)
    with op.batch_alter_table("cases", recreate="never") as batch:
        for name in ("status_reason", "follow_up_on", "labels"):
            batch.drop_column(name)
