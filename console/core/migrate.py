"""Running Alembic migrations from Caseline (the CLI, the demo, the tests)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

from console.core.config import ROOT


def alembic_config(database_url: str) -> Config:
    """An Alembic config pointing at our migrations and this database."""
    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    cfg.attributes["database_url"] = database_url
    return cfg


def upgrade(database_url: str, engine: Engine | None = None, revision: str = "heads") -> None:
    """Bring the schema to the newest revision of every branch."""
    cfg = alembic_config(database_url)
    if engine is None:
        command.upgrade(cfg, revision)
        return
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
