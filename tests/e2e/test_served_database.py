"""The served console runs on the run's kind of database: PostgreSQL when TEST_DATABASE_URL
is set, SQLite otherwise."""

from __future__ import annotations

import json
import os
import urllib.request

from sqlalchemy import text
from sqlalchemy.engine import make_url

from tests.e2e.databases import served_db


def test_the_console_is_served_from_its_own_database_of_the_run_s_kind(live_server,
                                                                        server_env):
    with urllib.request.urlopen(live_server + "/readyz", timeout=10) as resp:
        assert json.loads(resp.read())["checks"]["database"] == "ok"
    served = make_url(server_env["DATABASE_URL"])
    test_database = os.environ.get("TEST_DATABASE_URL")
    if not test_database:
        assert served.get_backend_name() == "sqlite"
        return
    assert served.get_backend_name() == "postgresql"
    assert served.database != make_url(test_database).database
    with served_db(server_env["DATABASE_URL"]) as conn:
        # The console keeps the connection /readyz used in its pool: it is connected here.
        others = conn.execute(text(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()")).scalar_one()
    assert others >= 1
