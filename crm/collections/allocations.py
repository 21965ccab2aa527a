"""What a payment went towards, in words: which promise, or which instalment of its plan.

Payments go to the oldest open promise first (crm.collections.promises.apply); when that is
an older plan instalment rather than the promise just taken, the note, the API and the debt
panel say so, so nobody wonders why the new promise is still open.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.core import human
from crm.models import Payment, Promise


@dataclass(frozen=True)
class Allocation:
    """A share of a payment put towards one promise (a plan's instalment is one too)."""

    promise_id: int
    amount_cents: int
    due_on: date
    instalment: int | None  # its place in its plan (1-based); None: a promise of its own
    instalments: int | None  # how many the plan has

    def words(self) -> str:
        """instalment 2 of 4 due 8 Dec 2026, or the promise due 8 Dec 2026."""
        what = (f"instalment {self.instalment} of {self.instalments}" if self.instalment
                else "the promise")
        return f"{what} due {human.day(self.due_on)}"


def of_payments(session: Session, payments: list[Payment]) -> dict[int, list[Allocation]]:
    """Each payment's allocations (by payment id), in the order they were made."""
    shares = {p.id: [(int(pid), int(cents)) for pid, cents in (p.applied or [])]
              for p in payments}
    ids = {pid for pairs in shares.values() for pid, _ in pairs}
    if not ids:
        return {p.id: [] for p in payments}
    found = {p.id: p for p in session.scalars(select(Promise).where(Promise.id.in_(ids)))}
    places = _places(session, {p.plan_id for p in found.values() if p.plan_id})
    out = {}
    for payment_id, pairs in shares.items():
        out[payment_id] = [
            Allocation(pid, cents, found[pid].due_on, *places.get(pid, (None, None)))
            for pid, cents in pairs if pid in found]
    return out


def words(allocations: list[Allocation], currency: str) -> str:
    """applied to instalment 2 of 4 due 8 Dec 2026 (with each share when it was split), or
    what it means when it kept nothing."""
    if not allocations:
        return "not applied to any open promise"
    if len(allocations) == 1:
        return f"applied to {allocations[0].words()}"
    return "applied " + " and ".join(f"{human.money(a.amount_cents, currency)} to {a.words()}"
                                     for a in allocations)


def _places(session: Session, plan_ids: set[int]) -> dict[int, tuple[int, int]]:
    """(place, count) of every instalment of these plans, by promise id."""
    if not plan_ids:
        return {}
    by_plan = defaultdict(list)
    for pid, plan_id in session.execute(select(Promise.id, Promise.plan_id).where(
            Promise.plan_id.in_(plan_ids)).order_by(Promise.due_on, Promise.id)):
        by_plan[plan_id].append(pid)
    return {pid: (n, len(ids)) for ids in by_plan.values() for n, pid in enumerate(ids, 1)}
