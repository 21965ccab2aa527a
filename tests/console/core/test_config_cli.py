"""Configuration problems fail at start with one clear line; probes report health."""

import os
import subprocess
import sys

import pytest

from console.core.config import ConfigError, Settings

CASELINE = [sys.executable, "-c", "from console.cli import main; main()"]


def _run(args, **env):
    full = {k: v for k, v in os.environ.items() if not k.startswith(("CASELINE_", "DATABASE_"))}
    full.update(env)
    return subprocess.run(CASELINE + args, capture_output=True, text=True, env=full, timeout=60)


def test_production_without_secret_key_refuses_in_one_line(tmp_path):
    out = _run(["serve"], CASELINE_ENV="production", DATABASE_URL=f"sqlite:///{tmp_path}/x.db")
    assert out.returncode == 1
    assert out.stderr.strip() == ("caseline: error: SECRET_KEY must be set when "
                                  "CASELINE_ENV=production")


def test_production_without_database_url_refuses():
    with pytest.raises(ConfigError, match="DATABASE_URL must be set"):
        Settings.from_env({"CASELINE_ENV": "production", "SECRET_KEY": "k" * 40,
                           "PUBLIC_BASE_URL": "https://x.example"})


def test_collections_terms_are_whole_numbers_from_the_environment(tmp_path):
    settings = Settings.from_env({"COLLECTIONS_PROMISE_GRACE_DAYS": "5",
                                  "INSTANCE_PATH": str(tmp_path)})
    assert (settings.collections_promise_grace_days,
            settings.collections_promise_tolerance_cents) == (5, 100)
    with pytest.raises(ConfigError, match="COLLECTIONS_SETTLEMENT_FREE_DISCOUNT_PCT"):
        Settings.from_env({"COLLECTIONS_SETTLEMENT_FREE_DISCOUNT_PCT": "ten",
                           "INSTANCE_PATH": str(tmp_path)})


def test_unreachable_database_fails_in_one_line():
    out = _run(["serve"], DATABASE_URL="postgresql://nobody@127.0.0.1:1/none")
    assert out.returncode == 1
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert lines[0].startswith("caseline: error: cannot reach the database "
                               "postgresql://nobody@127.0.0.1:1/none: ")
    assert "Connection refused" in lines[0]


def test_users_create_and_token(tmp_path, template_db):
    if os.environ.get("TEST_DATABASE_URL"):
        pytest.skip("CLI round trip runs on the SQLite template only")
    import shutil

    db = tmp_path / "cli.db"
    shutil.copy(template_db, db)
    env = {"DATABASE_URL": f"sqlite:///{db}", "INSTANCE_PATH": str(tmp_path)}
    made = _run(["users", "create", "--email", "Sup@Example.com", "--name", "Sup",
                 "--role", "supervisor", "--password", "a long password"], **env)
    assert made.returncode == 0 and "sup@example.com (supervisor)" in made.stdout
    again = _run(["users", "create", "--email", "sup@example.com", "--name", "Sup",
                  "--role", "supervisor", "--password", "a long password"], **env)
    assert again.returncode == 1 and "already exists" in again.stderr
    tok = _run(["users", "token", "sup@example.com"], **env)
    assert tok.returncode == 0 and tok.stdout.startswith("cl_")


def test_healthz_and_readyz(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.get_json()["checks"] == {"database": "ok"}


def test_readyz_checks_redis_when_configured(app):
    app.config["CASELINE"].redis_url = os.environ.get("TEST_REDIS_URL",
                                                      "redis://127.0.0.1:1/0")
    body = app.test_client().get("/readyz").get_json()
    expected = "ok" if os.environ.get("TEST_REDIS_URL") else "cannot reach Redis"
    assert body["checks"]["redis"].startswith(expected)
