"""The served consoles' databases: one seeded demo template per run, a fresh copy per console.

Without TEST_DATABASE_URL they are SQLite files (a copy is made with SQLite's backup API);
with it they are PostgreSQL databases on that server, named after its database (a copy is
`CREATE DATABASE ... TEMPLATE`), and the run drops every one it made."""

from __future__ import annotations

import itertools
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from sqlalchemy import Connection, create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from crm.core.db import make_engine, normalise_url
from crm.models import Client

# PostgreSQL refuses to copy a template someone is connected to (SQLSTATE 55006); the backend
# of a client that just exited (the seeding `caseline` process) can linger for a moment.
OBJECT_IN_USE = "55006"


@contextmanager
def served_db(url: str) -> Iterator[Connection]:
    """A transaction on a served console's database (either kind), committed on exit."""
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            yield conn
    finally:
        engine.dispose()


class SqliteDatabases:
    """Template and copies as SQLite files in a temporary folder (removed with it)."""

    def __init__(self, folder: Path):
        self._folder = folder
        self._template = folder / "template.db"
        self.template_url = f"sqlite:///{self._template}"
        self._numbers = itertools.count(1)

    def copy(self, name: str) -> str:
        """A new database holding what the template holds; its URL."""
        dest = self._folder / f"{next(self._numbers)}-{name}.db"
        # The backup API, not a file copy: it also takes what is still in the write-ahead log.
        with closing(sqlite3.connect(self._template)) as source, \
                closing(sqlite3.connect(dest)) as copy:
            source.backup(copy)
        return f"sqlite:///{dest}"

    def drop_all(self) -> None:
        """Nothing to do: the files go with pytest's temporary folders."""


class PostgresDatabases:
    """Template and copies as databases named `<test database>_e2e_...` on its server."""

    def __init__(self, test_database_url: str):
        self._server = make_url(normalise_url(test_database_url))
        self._prefix = f"{self._server.database}_e2e_"
        self._numbers = itertools.count(1)
        # Its own database is the one sure to exist to connect to for CREATE/DROP DATABASE.
        self._admin = create_engine(self._server, isolation_level="AUTOCOMMIT",
                                    poolclass=NullPool)
        self.drop_all()  # what an interrupted earlier run left behind
        self._template = self._prefix + "template"
        self._create(self._template)
        self.template_url = self._url_of(self._template)

    def copy(self, name: str) -> str:
        """A new database holding what the template holds; its URL."""
        database = f"{self._prefix}{next(self._numbers)}_{name}"
        self._create(database, template=self._template)
        return self._url_of(database)

    def drop_all(self) -> None:
        """Drop every database of this run (and of earlier ones), connections or not."""
        with self._admin.connect() as conn:
            names = conn.execute(text("SELECT datname FROM pg_database "
                                      "WHERE starts_with(datname, :p)"),
                                 {"p": self._prefix}).scalars().all()
            for name in names:
                conn.execute(text(f"DROP DATABASE IF EXISTS {self._quoted(conn, name)} "
                                  "WITH (FORCE)"))

    def _create(self, database: str, template: str | None = None) -> None:
        deadline = time.monotonic() + 15
        with self._admin.connect() as conn:
            sql = f"CREATE DATABASE {self._quoted(conn, database)}"
            if template:
                sql += f" TEMPLATE {self._quoted(conn, template)}"
            while True:
                try:
                    conn.execute(text(sql))
                    return
                except OperationalError as exc:
                    in_use = getattr(exc.orig, "sqlstate", None) == OBJECT_IN_USE
                    if not in_use or time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)

    def _url_of(self, database: str) -> str:
        return self._server.set(database=database).render_as_string(hide_password=False)

    @staticmethod
    def _quoted(conn: Connection, name: str) -> str:
        return conn.dialect.identifier_preparer.quote(name)


@contextmanager
def served_default(url):
    """A transaction on a served console's database, and its default client's id."""
    with served_db(url) as conn:
        yield conn, conn.execute(select(Client.id).where(Client.slug == "default")).scalar()
