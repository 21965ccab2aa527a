"""The SQLite write gate: writers queue in-process, and every way a transaction ends frees it."""

import os
import sqlite3
import threading
import time
from contextlib import closing

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from crm.core import db


@pytest.fixture
def engine(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'gate.db'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (n INTEGER)"))
    yield engine
    engine.dispose()


def _gate(engine):
    return db._gate_for(engine.url.database)[0]


def test_commit_rollback_and_close_each_free_the_gate(engine):
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO t VALUES (1)"))
        assert _gate(engine).locked()
    assert not _gate(engine).locked()
    with pytest.raises(RuntimeError), engine.begin() as conn:
        conn.execute(text("INSERT INTO t VALUES (2)"))
        raise RuntimeError("rolled back")
    assert not _gate(engine).locked()
    conn = engine.connect()
    conn.execute(text("SELECT 1"))
    conn.invalidate()  # the DBAPI connection is closed mid-transaction
    assert not _gate(engine).locked()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT n FROM t")).scalars().all() == [1]


def test_a_failed_statement_in_a_transaction_frees_the_gate_at_rollback(engine):
    with pytest.raises(OperationalError), engine.begin() as conn:
        conn.execute(text("INSERT INTO missing VALUES (1)"))
    assert not _gate(engine).locked()


def test_concurrent_writers_all_land(engine):
    errors = []

    def write(k):
        try:
            for _ in range(20):
                with engine.begin() as conn:
                    n = conn.execute(text("SELECT count(*) FROM t")).scalar()
                    conn.execute(text("INSERT INTO t VALUES (:n)"), {"n": n + 1})
        except Exception as exc:  # pragma: no cover - shown in the assertion below
            errors.append(repr(exc))

    threads = [threading.Thread(target=write, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    with engine.connect() as conn:
        # Read-then-write inside one transaction never interleaves: 1..160 exactly once each.
        assert sorted(conn.execute(text("SELECT n FROM t")).scalars()) == list(range(1, 161))
    assert not _gate(engine).locked()


def test_engines_on_one_file_share_a_gate_and_memory_databases_have_none(engine, tmp_path):
    other = db.make_engine(f"sqlite:///{tmp_path / 'gate.db'}")
    assert _gate(other) is _gate(engine)
    other.dispose()
    assert db._gate_for(":memory:") is None


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="needs PostgreSQL")
def test_a_pooled_connection_that_died_while_idle_is_replaced(monkeypatch):
    engine = db.make_engine(os.environ["TEST_DATABASE_URL"], pool_size=1, max_overflow=0)
    try:
        with engine.connect() as conn:
            pid = conn.execute(text("SELECT pg_backend_pid()")).scalar()
        with db.make_engine(os.environ["TEST_DATABASE_URL"]).connect() as other:
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        monkeypatch.setattr(db, "IDLE_PING_AFTER", 0.0)  # as if it had idled for a while
        with engine.connect() as conn:
            assert conn.execute(text("SELECT pg_backend_pid()")).scalar() != pid
    finally:
        engine.dispose()


def _commits(engine, numbers) -> None:
    for n in numbers:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO t VALUES (:n)"), {"n": n})


def _in_the_file(engine, at_least: int) -> None:
    """Wait until the database file itself (immutable=1 ignores the write-ahead log) holds
    at least this many rows of t."""
    path = engine.url.database
    deadline = time.monotonic() + 10
    while True:
        with closing(sqlite3.connect(f"file:{path}?immutable=1", uri=True)) as raw:
            try:
                # Far fewer pages than SQLite's own threshold: only the thread copies them.
                if raw.execute("SELECT count(*) FROM t").fetchone()[0] >= at_least:
                    return
            except sqlite3.DatabaseError:
                pass  # the table is still only in the log, or the copy is under way
        assert time.monotonic() < deadline, "the log was never checkpointed"
        time.sleep(0.05)


def test_the_log_is_copied_into_the_database_file_in_the_background(engine):
    # SQLite's own auto-checkpoint would do it inside some request's COMMIT instead.
    _commits(engine, range(db.CHECKPOINT_EVERY))
    _in_the_file(engine, 1)


def test_a_checkpointer_stopped_for_idleness_is_started_again(engine, monkeypatch):
    monkeypatch.setattr(db, "CHECKPOINT_IDLE", 0.2)
    _commits(engine, range(db.CHECKPOINT_EVERY))
    _in_the_file(engine, db.CHECKPOINT_EVERY - 1)
    checkpointer = db._gate_for(engine.url.database)[1]
    deadline = time.monotonic() + 10
    while checkpointer.thread is not None:  # idle: the thread has stopped
        assert time.monotonic() < deadline
        time.sleep(0.05)
    _commits(engine, range(db.CHECKPOINT_EVERY, 3 * db.CHECKPOINT_EVERY))
    _in_the_file(engine, 2 * db.CHECKPOINT_EVERY)
