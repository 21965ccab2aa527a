"""`make bench`: run every benchmark on a fresh database and print one table."""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import resource
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

import bench
from bench.harness import print_table
from console.core.migrate import upgrade
from crm.core.db import make_engine, make_session_factory
from crm.tenancy import clients as tenancy
from crm.tenancy import users


@dataclass
class Env:
    """What a benchmark gets: a migrated database and its default client."""

    url: str
    session: Session
    client_id: int
    dialect: str

    def size_mb(self) -> float:
        """The database's size on disk now, in MB."""
        if self.dialect == "postgresql":
            size = self.session.scalar(text("SELECT pg_database_size(current_database())"))
            self.session.rollback()
            return size / 1e6
        path = Path(make_url(self.url).database)
        return sum(p.stat().st_size for p in path.parent.glob(path.name + "*")) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", help="run only benchmarks whose module name contains this")
    parser.add_argument("--database-url", default=None,
                        help="run on this database only (default: SQLite, then "
                             "BENCH_DATABASE_URL when it is set)")
    args = parser.parse_args()
    users.configure_hasher(time_cost=1, memory_cost=1024, parallelism=1)
    urls = [args.database_url] if args.database_url else [None]
    if not args.database_url and os.environ.get("BENCH_DATABASE_URL"):
        urls.append(os.environ["BENCH_DATABASE_URL"])
    rows = []
    for url in urls:
        for info in pkgutil.iter_modules(bench.__path__):
            if not info.name.startswith("bench_") or (args.only and args.only not in info.name):
                continue
            module = importlib.import_module(f"bench.{info.name}")
            with _fresh_env(url) as env:
                started = time.perf_counter()
                new = module.run(env)
                for r in new:
                    r.db = env.dialect
                rows.extend(new)
                print(f"# {env.dialect} {info.name}: {time.perf_counter() - started:.0f} s, "
                      f"database {env.size_mb():,.0f} MB, peak RSS {_peak_rss_mb():,.0f} MB",
                      file=sys.stderr, flush=True)
    print_table(rows)


def _peak_rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


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
