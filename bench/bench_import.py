"""Portfolio import: rows/s of 100,000 CSV rows beside a bare executemany INSERT of the same
rows, a re-import of the same file (adds nothing), and peak memory at 10,000 vs 100,000 rows."""

from __future__ import annotations

import csv
import itertools
import os
import tempfile
import time
import tracemalloc
from pathlib import Path

from sqlalchemy import Column, Integer, MetaData, String, Table, func, insert, select

from bench.harness import Row, pct
from crm.core import events
from crm.core.storage import FileStore
from crm.imports import runs
from crm.models import Client, DebtAccount
from crm.tenancy import users

LARGE = int(os.environ.get("BENCH_IMPORT_ROWS", "100000"))
SMALL = LARGE // 10
HEADER = ["external_ref", "name", "phone", "email", "time_zone", "account_number", "creditor",
          "original_balance", "balance", "currency", "charge_off_date", "delinquent_since"]


def run(env) -> list:
    """Write the files, then import them and time the baseline the same way."""
    session = env.session
    manager = users.create_user(session, "imports@caseline.bench", "Bench Manager",
                                ["supervisor"], None, [session.get(Client, env.client_id)])
    session.commit()
    factory = _factory(session)
    with tempfile.TemporaryDirectory() as tmp:
        store = FileStore(Path(tmp) / "files")
        big, small, fresh = (_portfolio(Path(tmp) / f"{name}.csv", n, start)
                             for name, n, start in (("big", LARGE, 0), ("small", SMALL, LARGE),
                                                    ("fresh", LARGE, 2 * LARGE)))
        batches, seconds = _timed_import(session, factory, store, manager, big)
        accounts = _accounts(session)
        again, again_seconds = _timed_import(session, factory, store, manager, big)
        assert _accounts(session) == accounts, "a re-import added accounts"
        raw, raw_seconds = _raw_insert(env, big)
        small_peak = _peak_mb(session, factory, store, manager, small)
        large_peak = _peak_mb(session, factory, store, manager, fresh)
    return [
        _rate_row(f"import {LARGE:,} new rows (per 1,000-row batch)", batches, seconds,
                  raw, raw_seconds),
        _rate_row(f"re-import of the same {LARGE:,} rows (adds nothing)", again,
                  again_seconds, raw, raw_seconds),
        Row(f"peak traced memory, import of {LARGE:,} rows (MB, not ms)", large_peak,
            large_peak, f"the same for {SMALL:,} rows", small_peak, small_peak,
            f"goal: within 1.5x ({large_peak / small_peak:.2f}x)"),
    ]


def _factory(session):
    from crm.core.db import make_session_factory

    return make_session_factory(session.get_bind())


def _portfolio(path: Path, n: int, start: int) -> Path:
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        for i in range(start, start + n):
            writer.writerow([f"B-{i}", f"Debtor {i} Example", f"+1{2010000000 + i}",
                             f"debtor{i}@bench.example", "America/Chicago", f"ACC-{i}",
                             "Acme Bank", "1500.00", f"{1000 + i % 500}.25", "USD",
                             "2025-01-31", "2024-10-01"])
    return path


def _start(session, store, manager, path: Path) -> int:
    with path.open("rb") as source:
        item = runs.start(session, manager, store, source, filename=path.name)
    session.commit()
    return item.id


def _timed_import(session, factory, store, manager, path: Path) -> tuple[list[float], float]:
    # Each batch's time, from one progress event (dispatched after its commit) to the next.
    marks: list[float] = []
    events.clear_listeners()
    events.subscribe(events.IMPORT_PROGRESS, lambda name, payload: marks.append(
        time.perf_counter()))
    import_id = _start(session, store, manager, path)
    started = time.perf_counter()
    runs.run(factory, import_id, store)
    seconds = time.perf_counter() - started
    events.clear_listeners()
    # The last event is the finish, not a batch.
    return [(b - a) * 1000 for a, b in itertools.pairwise(marks[:-1])], seconds


def _accounts(session) -> int:
    n = session.scalar(select(func.count()).select_from(DebtAccount))
    session.commit()
    return n


def _raw_insert(env, path: Path) -> tuple[list[float], float]:
    # The same rows as text, read with csv and inserted 1,000 a transaction, nothing checked.
    table = Table("bench_raw_import", MetaData(), Column("id", Integer, primary_key=True),
                  *(Column(name, String(320)) for name in HEADER))
    bind = env.session.get_bind()
    table.create(bind)
    times: list[float] = []
    started = time.perf_counter()
    with path.open(newline="") as source:
        reader = csv.reader(source)
        next(reader)
        while True:
            t0 = time.perf_counter()
            chunk = [dict(zip(HEADER, values, strict=True))
                     for values in itertools.islice(reader, runs.BATCH)]
            if not chunk:
                break
            with bind.begin() as conn:
                conn.execute(insert(table), chunk)
            times.append((time.perf_counter() - t0) * 1000)
    return times, time.perf_counter() - started


def _peak_mb(session, factory, store, manager, path: Path) -> float:
    import_id = _start(session, store, manager, path)
    tracemalloc.start()
    try:
        runs.run(factory, import_id, store)
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def _rate_row(name, batches, seconds, raw, raw_seconds) -> Row:
    rate, raw_rate = LARGE / seconds, LARGE / raw_seconds
    return Row(name, pct(batches, 50), pct(batches, 99), "bare executemany INSERT of the same "
               "rows as text", pct(raw, 50), pct(raw, 99),
               f"{rate:,.0f} rows/s vs {raw_rate:,.0f} rows/s (goal >= 2,000 rows/s)")
