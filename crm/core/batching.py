"""Group commit: units of work from many threads, committed together, one transaction a batch."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

# Units at most per transaction: bounds how long a batch holds SQLite's write lock.
MAX_BATCH = 16


class _Unit:
    __slots__ = ("done", "error", "item", "lead", "many", "result", "wake", "work")

    def __init__(self, work: Callable[[Session], Any], item: Any = None,
                 many: Callable[[Session, list], list] | None = None):
        self.work, self.item, self.many = work, item, many
        self.wake = threading.Event()
        self.lead = self.done = False
        self.result: Any = None
        self.error: BaseException | None = None

    def finish(self, result: Any = None, error: BaseException | None = None) -> None:
        self.result, self.error, self.done = result, error, True
        self.wake.set()


class GroupCommit:
    """Runs each submitted unit of work in a transaction shared with whatever else is queued.

    Under load most of a small transaction's cost is its own begin and commit (on PostgreSQL
    two round trips, plus the session's set-up). The first thread to arrive while no batch is
    running leads: it runs everything queued by then in one session, commits once, and hands
    the lead to the next thread waiting. Every caller returns only once its unit is committed,
    so a webhook is answered only when what it delivered is stored. A batch that fails is
    rolled back and each of its units rerun in a transaction of its own: one bad unit never
    costs another one its commit. Alone, a unit runs at once, as if it had its own session.
    """

    def __init__(self, factory: sessionmaker[Session], max_batch: int = MAX_BATCH):
        self.factory = factory
        self.max_batch = max_batch
        self._lock = threading.Lock()
        self._queue: list[_Unit] = []
        self._running = False

    def run(self, work: Callable[[Session], Any], *, item: Any = None,
            many: Callable[[Session, list], list] | None = None) -> Any:
        """work(session) in a committed transaction (maybe shared): its result, or its error.

        work must not commit or roll back itself, and may run on another caller's thread.
        many(session, items): the work of a whole batch whose units all name it, given their
        items in order, returning their results in order (fewer statements than one by one).
        """
        unit = _Unit(work, item, many)
        with self._lock:
            self._queue.append(unit)
            if not self._running:
                self._running = unit.lead = True
        while not unit.done:
            if unit.lead:
                self._lead()
            else:
                unit.wake.wait()
                unit.wake.clear()
        if unit.error is not None:
            raise unit.error
        return unit.result

    def _lead(self) -> None:
        with self._lock:
            batch = self._queue[:self.max_batch]
            del self._queue[:self.max_batch]
        try:
            self._commit(batch)
        finally:
            for unit in batch:
                if not unit.done:  # interrupted mid-batch: nothing of it is known stored
                    unit.finish(error=RuntimeError("the batch was interrupted"))
            with self._lock:
                if self._queue:
                    following = self._queue[0]
                    following.lead = True
                    following.wake.set()
                else:
                    self._running = False

    def _commit(self, batch: list[_Unit]) -> None:
        results = self._together(batch) if len(batch) > 1 else None
        if results is None:
            for unit in batch:
                self._alone(unit)
            return
        for unit, result in zip(batch, results, strict=True):
            unit.finish(result)

    def _together(self, batch: list[_Unit]) -> list | None:
        # The results, or None when any unit (or the commit) failed and all was rolled back.
        session = self.factory()
        many = batch[0].many
        try:
            if many is not None and all(unit.many is many for unit in batch):
                results = many(session, [unit.item for unit in batch])
            else:
                results = [unit.work(session) for unit in batch]
            session.commit()
            return results
        except Exception:
            session.rollback()
            return None
        finally:
            session.close()

    def _alone(self, unit: _Unit) -> None:
        session = self.factory()
        result = error = None
        try:
            result = unit.work(session)
            session.commit()
        except Exception as exc:
            session.rollback()
            error = exc
        finally:
            session.close()
        unit.finish(result, error)
