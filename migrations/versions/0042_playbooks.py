"""Playbooks: versioned steps per client and line of work, and a case's runs of them.

Revision ID: 0042
Revises: 0041
Create Date: 2026-12-08
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from crm.models.base import BigId, UTCDateTime

revision = "0042"
down_revision = "0041"
branch_labels = None
depends_on = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _fk(table: str, column: str, target: str, ondelete: str | None = None):
    return sa.ForeignKey(f"{target}.id", ondelete=ondelete,
                         name=f"fk_{table}_{column}_{target}")


def upgrade() -> None:
    """Create playbooks, playbook_versions, playbook_runs and playbook_step_states."""
    op.create_table(
        "playbooks",
        sa.Column("id", BigId, nullable=False),
        sa.Column("client_id", BigId, _fk("playbooks", "client_id", "clients", "CASCADE"),
                  nullable=False),
        sa.Column("line_of_work", sa.String(32), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by_id", BigId, _fk("playbooks", "created_by_id", "users", "SET NULL"),
                  nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_playbooks"),
        sa.UniqueConstraint("client_id", "line_of_work",
                            name="uq_playbooks_client_id_line_of_work"),
    )
    op.create_table(
        "playbook_versions",
        sa.Column("id", BigId, nullable=False),
        sa.Column("playbook_id", BigId,
                  _fk("playbook_versions", "playbook_id", "playbooks", "CASCADE"),
                  nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("steps", _JSON, nullable=False),
        sa.Column("created_by_id", BigId,
                  _fk("playbook_versions", "created_by_id", "users", "SET NULL"), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_playbook_versions"),
        sa.UniqueConstraint("playbook_id", "version",
                            name="uq_playbook_versions_playbook_id_version"),
    )
    op.create_table(
        "playbook_runs",
        sa.Column("id", BigId, nullable=False),
        sa.Column("client_id", BigId, _fk("playbook_runs", "client_id", "clients", "CASCADE"),
                  nullable=False),
        sa.Column("case_id", BigId, _fk("playbook_runs", "case_id", "cases", "CASCADE"),
                  nullable=False),
        sa.Column("line_of_work", sa.String(32), nullable=False),
        sa.Column("version_id", BigId,
                  _fk("playbook_runs", "version_id", "playbook_versions"), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_playbook_runs"),
        sa.UniqueConstraint("case_id", "line_of_work",
                            name="uq_playbook_runs_case_id_line_of_work"),
    )
    op.create_index("ix_playbook_runs_version_id", "playbook_runs", ["version_id"])
    op.create_table(
        "playbook_step_states",
        sa.Column("id", BigId, nullable=False),
        sa.Column("run_id", BigId,
                  _fk("playbook_step_states", "run_id", "playbook_runs", "CASCADE"),
                  nullable=False),
        sa.Column("step_key", sa.String(64), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("source", sa.String(200), nullable=True),
        sa.Column("actor_id", BigId,
                  _fk("playbook_step_states", "actor_id", "users", "SET NULL"), nullable=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_playbook_step_states"),
        sa.UniqueConstraint("run_id", "step_key",
                            name="uq_playbook_step_states_run_id_step_key"),
    )


def downgrade() -> None:
    """Drop them again."""
    op.drop_table("playbook_step_states")
    op.drop_index("ix_playbook_runs_version_id", table_name="playbook_runs")
    op.drop_table("playbook_runs")
    op.drop_table("playbook_versions")
    op.drop_table("playbooks")
