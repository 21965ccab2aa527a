"""Migration 0011 re-keys names stored before apostrophes joined and hyphens parted words."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text

from console.core.migrate import alembic_config, upgrade
from crm.core.db import make_engine
from crm.models.workspace import write_name_keys

NAMES = {1: ("Camila O'Brien", "camila o'brien"), 2: ("Ana Smith-Jones", "ana smith-jones"),
         3: ("José Fernández", "jose fernandez")}


def _keys(conn) -> dict[int, list[str]]:
    rows = conn.execute(text("SELECT customer_id, key FROM customer_name_keys "
                             "ORDER BY customer_id, key")).all()
    found: dict[int, list[str]] = {}
    for cid, key in rows:
        found.setdefault(cid, []).append(key)
    return found


def test_upgrade_rekeys_apostrophes_and_hyphens_only_and_downgrades(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url, revision="0010")
    engine = make_engine(url)
    with engine.begin() as conn:
        # (client 1 is the default client the migrations create)
        for cid, (name, old_key) in NAMES.items():
            conn.execute(text("INSERT INTO customers (id, client_id, display_name, search_name, "
                              "created_at, updated_at) VALUES (:id, 1, :name, :key, "
                              "'2025-01-01', '2025-01-01')"),
                         {"id": cid, "name": name, "key": old_key})
            write_name_keys(conn, cid, 1, old_key)
    upgrade(url)
    with engine.connect() as conn:
        names = dict(conn.execute(text("SELECT id, search_name FROM customers")).all())
        assert names == {1: "camila obrien", 2: "ana smith jones", 3: "jose fernandez"}
        assert _keys(conn) == {1: ["camila obrien", "obrien"],
                               2: ["ana smith jones", "jones", "smith jones"],
                               3: ["fernandez", "jose fernandez"]}
    engine.dispose()
    command.downgrade(alembic_config(url), "0010")
    engine = make_engine(url)
    with engine.connect() as conn:
        assert _keys(conn)[1] == ["camila o'brien", "o'brien"]
        assert _keys(conn)[2] == ["ana smith-jones", "smith-jones"]
    engine.dispose()
