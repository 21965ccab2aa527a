"""An identifier of this case seen on a case whose investigation closed as confirmed fraud."""

from __future__ import annotations

from sqlalchemy import select

from crm.fraud.identifiers import KINDS
from crm.fraud.rules.base import Facts, Finding
from crm.fraud.rules.shared import Mine, mine
from crm.models import Case, Claim, ContactPoint, FraudIdentifier, Investigation

NAME = "seen_on_confirmed_fraud"
CONFIRMED = "confirmed_fraud"


def evaluate(facts: Facts) -> list[Finding]:
    """One finding per identifier (exact keys; phones and emails too) also on such a case."""
    # mine() has the phones already; emails are only compared here.
    s, case = facts.session, facts.case
    confirmed = {case_id: reference for case_id, reference in s.execute(
        select(Investigation.case_id, Investigation.reference).where(
            Investigation.client_id == case.client_id, Investigation.outcome == CONFIRMED,
            Investigation.case_id != case.id))}
    if not confirmed:
        return []
    ours = mine(facts) + [Mine(cp.kind, cp.value, cp.value, None) for cp in s.scalars(
        select(ContactPoint).where(ContactPoint.customer_id == case.customer_id,
                                   ContactPoint.kind == "email"))]
    seen: dict[tuple[str, str], list[int]] = {}
    keys = {m.key for m in ours}
    for case_id, key in s.execute(select(Claim.case_id, Claim.bank_account_key).where(
            Claim.client_id == case.client_id, Claim.bank_account_key.in_(keys),
            Claim.case_id.in_(confirmed))):
        seen.setdefault(("bank_account", key), []).append(case_id)
    for case_id, kind, key in s.execute(
            select(Case.id, FraudIdentifier.kind, FraudIdentifier.key)
            .join(Case, Case.customer_id == FraudIdentifier.customer_id)
            .where(FraudIdentifier.client_id == case.client_id, FraudIdentifier.key.in_(keys),
                   Case.id.in_(confirmed))):
        # A third party's phone there is the same number as a phone of ours, and back.
        for k in ((kind, key), ("phone", key) if kind == "third_party_phone" else None):
            if k:
                seen.setdefault(k, []).append(case_id)
    for case_id, kind, value in s.execute(
            select(Case.id, ContactPoint.kind, ContactPoint.value)
            .join(Case, Case.customer_id == ContactPoint.customer_id)
            .where(ContactPoint.client_id == case.client_id, ContactPoint.value.in_(keys),
                   Case.id.in_(confirmed))):
        seen.setdefault((kind, value), []).append(case_id)
        if kind == "phone":
            seen.setdefault(("third_party_phone", value), []).append(case_id)
    found = []
    for m in ours:
        cases = sorted(set(seen.get((m.kind, m.key), ())))
        if not cases:
            continue
        references = dict(s.execute(select(Case.id, Case.reference).where(
            Case.id.in_(cases))).all())
        where = ", ".join(f"{references[c]} ({confirmed[c]})" for c in cases)
        found.append(Finding(
            NAME, f"{m.kind}:{m.key}"[:200],
            f"The {KINDS.get(m.kind, m.kind)} \"{m.value}\" was also on "
            f"{'a case' if len(cases) == 1 else 'cases'} closed as confirmed fraud: {where}.",
            {"kind": m.kind, "value": m.value, "claim": facts.claim_number(m.claim_id),
             "cases": [{"case_id": c, "case_reference": references[c],
                        "investigation": confirmed[c]} for c in cases]},
            claim_id=m.claim_id, related=tuple(cases)))
    return found
