"""Helpers for red-flag tests: customers with cases, and claims saved as the claims subject
saves them (the row, then CLAIM_CHANGED in the same transaction)."""

from __future__ import annotations

from datetime import date
from itertools import count

from sqlalchemy import select

from crm.core import events
from crm.customers import identity
from crm.models import Case, Claim, Customer, Investigation, RedFlag

_numbers = count(1)


def person(session, client_id: int, name: str, phone: str | None = None) -> tuple[Customer, Case]:
    """A committed customer with their case."""
    phone = phone or f"+1415555{next(_numbers) + 3000:04d}"
    customer, case, _ = identity.find_or_create(session, client_id, phone, display_name=name)
    session.commit()
    return customer, case


def claim(session, case: Case, *, number: str | None = None, **fields) -> Claim:
    """A committed claim on the case (CLAIM_CHANGED raised as the claims service does)."""
    from crm.fraud.identifiers import bank_account_key

    made = Claim(client_id=case.client_id, case_id=case.id,
                 number=number or f"CLM-{next(_numbers):05d}", **fields)
    made.bank_account_key = bank_account_key(made.bank_account)
    session.add(made)
    session.flush()
    events.emit(session, events.CLAIM_CHANGED, claim_id=made.id, case_id=case.id,
                client_id=case.client_id)
    session.commit()
    return made


def change(session, made: Claim, **fields) -> Claim:
    """Change a claim and commit (CLAIM_CHANGED raised)."""
    from crm.fraud.identifiers import bank_account_key

    for name, value in fields.items():
        setattr(made, name, value)
    made.bank_account_key = bank_account_key(made.bank_account)
    events.emit(session, events.CLAIM_CHANGED, claim_id=made.id, case_id=made.case_id,
                client_id=made.client_id)
    session.commit()
    return made


def close_investigation(session, case: Case, outcome: str, reference: str = "INV-1") -> None:
    """An investigation on the case closed with an outcome (INVESTIGATION_CHANGED raised)."""
    made = Investigation(client_id=case.client_id, case_id=case.id, reference=reference,
                         status="closed", outcome=outcome, outcome_summary="done")
    session.add(made)
    session.flush()
    events.emit(session, events.INVESTIGATION_CHANGED, investigation_id=made.id,
                case_id=case.id, client_id=case.client_id)
    session.commit()


def flags(session, case: Case, rule: str | None = None, status: str = "active"
          ) -> list[RedFlag]:
    """The case's flags (of one rule), in order."""
    query = select(RedFlag).where(RedFlag.case_id == case.id, RedFlag.status == status)
    if rule:
        query = query.where(RedFlag.rule == rule)
    session.expire_all()
    return list(session.scalars(query.order_by(RedFlag.id)))


D = date
