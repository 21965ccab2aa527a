"""Changes to a claim's policy cover: an increase (or decrease) from a day, with its new sum.

Kept so a red-flag rule can test "loss soon after a cover increase" as it tests "loss soon
after the policy started".
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.claims import records
from crm.core import audit, inputs
from crm.models import CoverChange, User
from crm.tenancy import access

KINDS = ("increase", "decrease", "other")
MAX_LISTED = 50


def of_claim(session: Session, claim_id: int) -> list[CoverChange]:
    """A claim's cover changes, by the day they took effect."""
    return list(session.scalars(select(CoverChange).where(CoverChange.claim_id == claim_id)
                                .order_by(CoverChange.effective_on, CoverChange.id)
                                .limit(MAX_LISTED)))


def add(session: Session, actor: User, claim_id: int, *, kind, effective_on,
        sum_insured_cents=None, note=None) -> CoverChange:
    """Record a change of cover on the claim's policy; audited, on the case."""
    access.require_role(actor, *records.WORKERS)
    claim = records.get(session, actor, claim_id, lock=True)
    kind = inputs.choice(kind, "The kind of change", KINDS)
    day = inputs.day(effective_on, "The day the change took effect")
    total = (inputs.cents(sum_insured_cents, "The new sum insured", currency=claim.currency)
             if sum_insured_cents is not None or kind != "other" else None)
    change = CoverChange(client_id=claim.client_id, claim_id=claim.id, kind=kind,
                         effective_on=day, sum_insured_cents=total,
                         note=inputs.text(note, "The note", 2000, required=False) or "",
                         created_by_id=actor.id)
    session.add(change)
    session.flush()
    audit.record(session, actor, "claim.cover_changed", claim,
                 after={"cover_change_id": change.id, "kind": kind,
                        "effective_on": day.isoformat(), "sum_insured_cents": total})
    records.on_case(session, claim, actor, f"cover {kind} from {day.isoformat()}"
                    + (f": sum insured {inputs.money(total, claim.currency)}" if total else ""))
    return change
