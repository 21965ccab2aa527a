"""Batched Core inserts: the demo and the benchmarks load tens of thousands of rows quickly."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import insert
from sqlalchemy.orm import Session

BATCH = 5_000


def insert_rows(session: Session, model, rows: Iterable[dict], batch: int = BATCH) -> int:
    """INSERT rows (dicts with identical keys) in batches; returns how many were written."""
    total, chunk = 0, []
    for r in rows:
        chunk.append(r)
        if len(chunk) >= batch:
            session.execute(insert(model), chunk)
            total += len(chunk)
            chunk = []
    if chunk:
        session.execute(insert(model), chunk)
        total += len(chunk)
    return total


def insert_returning_ids(session: Session, model, rows: list[dict]) -> list[int]:
    """INSERT rows and return their new ids in the order given."""
    ids: list[int] = []
    for start in range(0, len(rows), BATCH):
        stmt = insert(model).returning(model.id, sort_by_parameter_order=True)
        ids.extend(session.scalars(stmt, rows[start:start + BATCH]).all())
    return ids
