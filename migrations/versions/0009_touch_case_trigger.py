"""A case's last activity moves forward in the database as each interaction is inserted.

Every inbound message, call and email used to send its own UPDATE of the case after the
INSERT of the interaction: a round trip per contact on PostgreSQL. The trigger does the same
inside the INSERT; crm.cases.timeline mirrors it on the case object the session holds.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# Forward only: an interaction back-dated (an imported email) never moves it backwards.
TOUCH = ("UPDATE cases SET last_activity_at = NEW.occurred_at, updated_at = NEW.created_at "
         "WHERE id = NEW.case_id AND last_activity_at < NEW.occurred_at")


def upgrade() -> None:
    """Create the trigger (a PL/pgSQL function on PostgreSQL)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE FUNCTION interactions_touch_case() RETURNS trigger AS $$ "
                   f"BEGIN {TOUCH}; RETURN NULL; END; $$ LANGUAGE plpgsql")
        op.execute("CREATE TRIGGER interactions_touch_case AFTER INSERT ON interactions "
                   "FOR EACH ROW EXECUTE FUNCTION interactions_touch_case()")
    else:
        op.execute("CREATE TRIGGER interactions_touch_case AFTER INSERT ON interactions "
                   f"BEGIN {TOUCH}; END")


def downgrade() -> None:
    """Drop it: crm.cases.timeline's own UPDATE has to come back with it."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS interactions_touch_case ON interactions")
        op.execute("DROP FUNCTION IF EXISTS interactions_touch_case()")
    else:
        op.execute("DROP TRIGGER IF EXISTS interactions_touch_case")
