"""Migration 0002 fills the new search indexes for data that existed before it."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text

from console.core.migrate import alembic_config, upgrade
from crm.core.db import make_engine


def test_upgrade_backfills_digits_and_name_keys_and_downgrades(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url, revision="0001")
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO customers (id, client_id, display_name, search_name, "
                          "created_at, updated_at) VALUES (1, 1, 'Ana López', 'ana lopez', "
                          "'2025-01-01', '2025-01-01')"))
        conn.execute(text("INSERT INTO contact_points (client_id, customer_id, kind, value, "
                          "opt_outs, consents, created_at) VALUES (1, 1, 'phone', "
                          "'+14155550100', '{}', '{}', '2025-01-01')"))
    upgrade(url, revision="0002")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT digits_rev FROM contact_points")).scalar() == \
            "00105555141"
        keys = conn.execute(text("SELECT key FROM customer_name_keys ORDER BY key")).scalars()
        assert list(keys) == ["ana lopez", "lopez"]
    engine.dispose()
    command.downgrade(alembic_config(url), "0001")
    engine = make_engine(url)
    with engine.connect() as conn:
        columns = [r[1] for r in conn.execute(text("PRAGMA table_info(contact_points)"))]
        assert "digits_rev" not in columns
    engine.dispose()
