"""Engine and session factories; the only place that knows about database dialects."""

from __future__ import annotations

import functools
import json
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import JSON, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, make_transient_to_detached, sessionmaker
from sqlalchemy.orm.attributes import instance_dict

log = logging.getLogger(__name__)
MAX_ID = 2**63 - 1  # the largest BIGINT: an id beyond it names no row


def normalise_url(url: str) -> str:
    """Map the URLs people write (postgres://, postgresql://) onto the psycopg 3 driver."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def redact(url: str) -> str:
    """The URL without its password, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "<unparseable database URL>"


def make_engine(url: str, **kwargs) -> Engine:
    """Create an engine; SQLite gets WAL, a busy timeout and write-intent transactions."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        return _sqlite_engine(url, **kwargs)
    _pool_sizes(kwargs)
    engine = create_engine(url, **kwargs)
    if not kwargs.get("pool_pre_ping"):
        _ping_when_idle(engine)
    return engine


def _pool_sizes(kwargs: dict) -> None:
    # Connections kept open for a server's request threads: past pool_size each request would
    # open (and for SQLite, set up with its pragmas) a connection of its own and close it.
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)


# A pooled connection idle for longer than this is checked before use (the server may have
# restarted, or a firewall dropped it); one in steady use is not (a round trip per request).
IDLE_PING_AFTER = 5.0


def _ping_when_idle(engine: Engine) -> None:
    @event.listens_for(engine, "checkin")
    def _checkin(_dbapi_conn, record):
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checkout(dbapi_conn, record, _proxy):
        if time.monotonic() - record.info.get("idle_since", time.monotonic()) <= IDLE_PING_AFTER:
            return
        try:
            engine.dialect.do_ping(dbapi_conn)
        except Exception as exc:
            # The pool drops this connection and checks out a fresh one instead.
            raise DisconnectionError("stale pooled connection") from exc


# How long a writer queues in-process for a file's write lock before falling back to SQLite's
# own busy handling (which is correct too, only slower: it polls with sleeps of up to 100 ms).
GATE_WAIT = 10.0
_gates: dict[str, threading.Lock] = {}
_gates_lock = threading.Lock()


def _gate_for(database: str | None) -> tuple[threading.Lock, _Checkpointer] | None:
    # One gate and one checkpointer per database file, shared by every engine on it in this
    # process.
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    path = os.path.realpath(database)
    with _gates_lock:
        return (_gates.setdefault(path, threading.Lock()),
                _checkpointers.setdefault(path, _Checkpointer(path)))


# The write-ahead log is copied into the database file by a background thread once this many
# transactions have committed, so it stays well under SQLite's own auto-checkpoint threshold
# (1,000 pages). That one runs inside the COMMIT of whichever request crosses it: a pause of
# several ms at random points, the slowest screen pops of a run. Auto-checkpoint stays on as
# the safety net for processes where the thread is busy or gone.
CHECKPOINT_EVERY = 20
# A checkpointer with no commits for this long stops (and closes its connection).
CHECKPOINT_IDLE = 30.0
# A checkpoint that could not copy the whole log is tried again this often, this many times.
CHECKPOINT_RETRY_AFTER = 0.05
CHECKPOINT_RETRIES = 20
_checkpointers: dict[str, _Checkpointer] = {}


class _Checkpointer:
    """Runs `PRAGMA wal_checkpoint(PASSIVE)` on one file from its own thread and connection.

    PASSIVE never takes the write lock, so writers go on meanwhile, and SQLite does the file
    work with the GIL released: request threads barely notice it.
    """

    def __init__(self, path: str):
        self.path = path
        self.commits = 0
        self.wake = threading.Event()
        self.thread: threading.Thread | None = None

    def committed(self) -> None:
        """One more write transaction: every CHECKPOINT_EVERY, wake (or start) the thread."""
        self.commits += 1  # a lost update under a race only delays a checkpoint
        if self.commits < CHECKPOINT_EVERY:
            return
        self.commits = 0
        # Under the lock, so a thread that is just stopping for idleness sees this wake.
        with _gates_lock:
            self.wake.set()
            if self.thread is None:
                self.thread = threading.Thread(target=self._run, daemon=True,
                                               name="sqlite-checkpoint")
                self.thread.start()

    def _run(self) -> None:
        conn = None
        try:
            conn = sqlite3.connect(self.path, isolation_level=None)
            while self._woken() and os.path.exists(self.path):
                self.wake.clear()
                self._checkpoint(conn)
        except sqlite3.Error as exc:
            # Nothing is lost: SQLite's auto-checkpoint copies the log at a later commit.
            log.warning("background WAL checkpoint of %s failed: %s", self.path, exc)
        finally:
            if conn is not None:
                conn.close()
            with _gates_lock:
                if self.thread is threading.current_thread():
                    self.thread = None

    def _woken(self) -> bool:
        # False once idle for CHECKPOINT_IDLE with no wake pending: the thread then stops
        # (and the next committed() starts another).
        while not self.wake.wait(CHECKPOINT_IDLE):
            with _gates_lock:
                if not self.wake.is_set():
                    self.thread = None
                    return False
        return True

    def _checkpoint(self, conn: sqlite3.Connection) -> None:
        # PASSIVE copies what no reader or writer is in the way of; what was in the way (a
        # transaction that had not finished) is tried again shortly, not 20 commits later,
        # unless more commits wake the thread first (their pass carries on).
        for _ in range(CHECKPOINT_RETRIES):
            busy, logged, copied = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            if (not busy and copied >= logged) or self.wake.wait(CHECKPOINT_RETRY_AFTER):
                return


class _GatedConnection(sqlite3.Connection):
    """A SQLite connection that holds its file's in-process write gate for a transaction.

    Every transaction is BEGIN IMMEDIATE, so writers queue for SQLite's one write lock. Left to
    SQLite, a waiter sleeps and polls and the lock sits idle between holders; queuing on a
    thread lock first hands it straight to the next writer in this process. The gate is let go
    whenever the transaction ends (commit, rollback, close), however it ends.
    """

    gate: threading.Lock | None = None
    checkpointer: _Checkpointer | None = None
    holding = False

    def take_gate(self) -> None:
        """Queue for the gate (a waiter that times out proceeds to SQLite's busy handler)."""
        if self.gate is not None and not self.holding:
            self.holding = self.gate.acquire(timeout=GATE_WAIT)

    def leave_gate(self) -> None:
        """Let the next writer in."""
        if self.holding:
            self.holding = False
            self.gate.release()

    def commit(self) -> None:
        wrote = self.holding
        try:
            super().commit()
        finally:
            self.leave_gate()
        if wrote and self.checkpointer is not None:
            self.checkpointer.committed()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self.leave_gate()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.leave_gate()


def _sqlite_engine(url: str, **kwargs) -> Engine:
    database = make_url(url).database
    if database and database != ":memory:":
        os.makedirs(os.path.dirname(os.path.abspath(database)), exist_ok=True)
    connect_args = kwargs.pop("connect_args", {})
    connect_args.setdefault("check_same_thread", False)
    connect_args.setdefault("timeout", 30)
    gate = _gate_for(database)
    if gate is not None:
        connect_args.setdefault("factory", _GatedConnection)
        _pool_sizes(kwargs)  # a file: a queue pool (an in-memory database has one connection)
    engine = create_engine(url, connect_args=connect_args, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        if isinstance(dbapi_conn, _GatedConnection):
            dbapi_conn.gate, dbapi_conn.checkpointer = gate
        # Let SQLAlchemy, not the driver, decide when transactions begin (see _on_begin).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        # IMMEDIATE takes the write lock up front: a deferred transaction that reads and then
        # writes fails with SQLITE_BUSY instead of waiting when another writer got there first.
        dbapi_conn = conn.connection.dbapi_connection
        gated = isinstance(dbapi_conn, _GatedConnection)
        if gated:
            dbapi_conn.take_gate()
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            if gated:
                dbapi_conn.leave_gate()
            raise

    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """A session factory whose objects stay readable after commit."""
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on error, always close."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def insert_unless_exists(session: Session, model, values: dict, key: list[str]):
    """INSERT one row unless a row with the same unique `key` exists: the new object or None.

    One statement (INSERT .. ON CONFLICT (key) DO NOTHING RETURNING) instead of a look-up, a
    savepoint and an insert; atomic under concurrency on both dialects. `values` are keyed by
    attribute (= column) name. Raises NotImplementedError where the database cannot do it, so
    the caller takes the long way.
    """
    table = model.__table__
    stmt = _insert_unless_exists(session.get_bind().dialect.name, table, tuple(key), True)
    session.flush()  # what the insert may refer to is in the database first (as autoflush)
    result = session.connection().execute(stmt, values)
    made = result.first()
    if made is None:
        return None
    # Only what the database made comes back (the key, server defaults): every other column
    # is what was sent, with the Python defaults the insert filled in. Each column returned
    # costs the driver and SQLAlchemy time, and this runs for every call and message; the
    # ORM's own INSERT .. RETURNING costs twice the CPU.
    sent = result.last_inserted_params()
    made = dict(zip(made._fields, made, strict=True))
    return adopt(session, model, [made[c.name] if c.name in made else sent.get(c.key)
                                  for c in table.c])


def insert_unless_exists_statement(session: Session, model, key: list[str]):
    """insert_unless_exists's statement (built once), for callers that run it on many rows at
    once; NotImplementedError where the database cannot do it."""
    return _insert_unless_exists(session.get_bind().dialect.name, model.__table__, tuple(key),
                                 False)


def adopt(session: Session, model, row):
    """A row read with Core (every column of model's table, in order) as a session object.

    The object the session already holds for that primary key, else a new persistent one as
    if a query had loaded it (relationships load lazily on first use; no constructor runs).
    A query through the ORM costs several times the CPU of the same statement through Core,
    most of it in setting up the loading; the hot paths read with Core and adopt the rows.
    """
    values = dict(zip(_attribute_keys(model), row, strict=True))
    mapper = model.__mapper__
    found = held(session, model, *(values[k] for k in _primary_keys(model)))
    if found is not None:
        return found
    item = mapper.class_manager.new_instance()
    instance_dict(item).update(values)
    make_transient_to_detached(item)
    session.add(item)
    # The identity map holds objects weakly: kept until the transaction ends, so a later step
    # of the same unit of work (a screen pop after routing) finds them with held().
    session.info.setdefault(_ADOPTED, []).append(item)
    return item


def held(session: Session, model, *primary_key):
    """The object of model with this primary key the session holds now, without a query."""
    return session.identity_map.get(model.__mapper__.identity_key_from_primary_key(
        list(primary_key)))


_ADOPTED = "crm.adopted"
_NOTES = "crm.notes"


def noted(session: Session, topic: str) -> set:
    """A set of facts this transaction has established about topic (say, the messages it has
    queued for routing); kept until the transaction ends, like adopted objects."""
    return session.info.setdefault(_NOTES, {}).setdefault(topic, set())


@event.listens_for(Session, "after_transaction_end")
def _let_go(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_ADOPTED, None)
        session.info.pop(_NOTES, None)


@functools.lru_cache(maxsize=64)
def _attribute_keys(model) -> tuple[str, ...]:
    # The attribute of each column, in table order (as RETURNING and adopt() take them).
    return tuple(model.__mapper__.get_property_by_column(c).key for c in model.__table__.c)


@functools.lru_cache(maxsize=64)
def _primary_keys(model) -> tuple[str, ...]:
    mapper = model.__mapper__
    return tuple(mapper.get_property_by_column(c).key for c in mapper.primary_key)


def bulk_insert(conn, table, rows: list[dict]) -> None:
    """INSERT many rows that all name the same columns; the table's Python-side defaults fill
    the others, evaluated once for them all (one timestamp for the lot).

    For imports, where rows come by the thousand: most of an executemany's time through
    SQLAlchemy goes on building and converting each row's parameters. Here each column's
    converter is found once and the rows go to the driver as tuples; on PostgreSQL by COPY,
    a third faster again than executemany.
    """
    if not rows:
        return
    dialect = conn.dialect
    given = [table.c[name] for name in rows[0]]
    filled = [c for c in table.c
              if c.name not in rows[0] and c.default is not None and not c.primary_key]
    defaults = tuple(c.default.arg(None) if c.default.is_callable else c.default.arg
                     for c in filled)
    quote = dialect.identifier_preparer.quote
    names = ", ".join(quote(c.name) for c in (*given, *filled))
    if dialect.name == "postgresql":
        _copy(conn, f"COPY {quote(table.name)} ({names}) FROM STDIN", given, filled, rows,
              defaults)
        return
    convert = [(c.name, c.type.dialect_impl(dialect).bind_processor(dialect)) for c in given]
    fixed = tuple(_converted(c, v, dialect) for c, v in zip(filled, defaults, strict=True))
    marks = ", ".join("?" * (len(given) + len(filled)))
    # Only our own table's quoted names are in the text; every value is a parameter.
    sql = f"INSERT INTO {quote(table.name)} ({names}) VALUES ({marks})"  # noqa: S608
    conn.exec_driver_sql(sql, [
        tuple(f(row[name]) if f else row[name] for name, f in convert) + fixed
        for row in rows])


def _converted(column, value, dialect):
    process = column.type.dialect_impl(dialect).bind_processor(dialect)
    return process(value) if process else value


def _copy(conn, sql: str, given, filled, rows: list[dict], defaults: tuple) -> None:
    # Text COPY takes a JSON value as its text: dumped here by the json module (the driver's
    # Jsonb wrapper costs more), and a default only once for all the rows.
    as_json = [isinstance(c.type, JSON) for c in given]
    keys = [c.name for c in given]
    fixed = [json.dumps(v) if isinstance(c.type, JSON) else v
             for c, v in zip(filled, defaults, strict=True)]
    cursor = conn.connection.dbapi_connection.cursor()
    with cursor.copy(sql) as copy:
        if any(as_json):
            for row in rows:
                copy.write_row([json.dumps(row[k]) if j else row[k]
                                for k, j in zip(keys, as_json, strict=True)] + fixed)
        else:
            for row in rows:
                copy.write_row([row[k] for k in keys] + fixed)


def upsert_insert(dialect: str):
    """The dialect's insert() construct with ON CONFLICT and RETURNING (NotImplementedError
    where the database has neither)."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite" and sqlite3.sqlite_version_info >= (3, 35):
        from sqlalchemy.dialects.sqlite import insert
    else:
        raise NotImplementedError(dialect)
    return insert


@functools.lru_cache(maxsize=64)
def _insert_unless_exists(dialect: str, table, key: tuple[str, ...], made_only: bool):
    # Built once per table: statement construction is a large part of a hot path's cost.
    # made_only: return only the columns the database fills in itself.
    columns = [c for c in table.c if c.primary_key or c.server_default is not None] \
        if made_only else table.c
    return (upsert_insert(dialect)(table).on_conflict_do_nothing(index_elements=list(key))
            .returning(*columns))
