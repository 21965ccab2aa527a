"""`make bench`: run every benchmark on a fresh database and print one table."""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session

import bench
from bench.harness import print_table
from console.migrate import upgrade
from crm import tenancy, users
from crm.db import make_engine, make_session_factory


@dataclass
class Env:
    """What a benchmark gets: a migrated database and its default client."""

    url: str
    session: Session
    client_id: int
    dialect: str


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", help="run only benchmarks whose module name contains this")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    args = parser.parse_args()
    users.configure_hasher(time_cost=1, memory_cost=1024, parallelism=1)
    rows = []
    for info in pkgutil.iter_modules(bench.__path__):
        if not info.name.startswith("bench_") or (args.only and args.only not in info.name):
            continue
        module = importlib.import_module(f"bench.{info.name}")
        with _fresh_env(args.database_url) as env:
            rows.extend(module.run(env))
    print_table(rows)


class _fresh_env:
    def __init__(self, url: str | None):
        self.tmp = tempfile.TemporaryDirectory()
        self.url = url or f"sqlite:///{Path(self.tmp.name) / 'bench.db'}"

    def __enter__(self) -> Env:
        self.engine = make_engine(self.url)
        if self.engine.dialect.name == "postgresql":
            with self.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade(self.url)
        self.session = make_session_factory(self.engine)()
        client = tenancy.default_client(self.session)
        self.session.commit()
        return Env(self.url, self.session, client.id, self.engine.dialect.name)

    def __exit__(self, *exc):
        self.session.close()
        self.engine.dispose()
        self.tmp.cleanup()


if __name__ == "__main__":
    main()
