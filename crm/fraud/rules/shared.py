"""The same bank account, address, device or third-party phone on other customers' claims
or profiles; addresses and names also when they nearly match (rapidfuzz)."""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process
from sqlalchemy import select

from crm.fraud.identifiers import KINDS
from crm.fraud.rules.base import Facts, Finding
from crm.models import Case, Claim, ContactPoint, Customer, FraudIdentifier

NAME = "shared_identifier"


@dataclass(frozen=True)
class Mine:
    """One identifier of the case: its kind, key, what was typed, and the claim it is on."""

    kind: str
    key: str
    value: str
    claim_id: int | None


def mine(facts: Facts) -> list[Mine]:
    """Every identifier of the case: claims' bank accounts, then profile and claim extras."""
    found = [Mine("bank_account", c.bank_account_key, c.bank_account or c.bank_account_key, c.id)
             for c in facts.claims if c.bank_account_key]
    found += [Mine(i.kind, i.key, i.value, i.claim_id) for i in facts.identifiers]
    # The customer's own phones: another customer's "third party" may be this customer.
    found += [Mine("phone", cp.value, cp.value, None) for cp in facts.session.scalars(
        select(ContactPoint).where(ContactPoint.customer_id == facts.case.customer_id,
                                   ContactPoint.kind == "phone").order_by(ContactPoint.id))]
    seen, unique = set(), []
    for m in found:  # one account on two of the customer's claims is one identifier
        if (m.kind, m.key) not in seen:
            seen.add((m.kind, m.key))
            unique.append(m)
    return unique


def evaluate(facts: Facts) -> list[Finding]:
    """One finding per identifier of this case that other customers have too."""
    found = []
    for m in mine(facts):
        matches = _matches(facts, m)
        if matches:
            found.append(_finding(facts, m, matches))
    return found


def _matches(facts: Facts, m: Mine) -> list[dict]:
    s, case = facts.session, facts.case
    others = (Customer.id != case.customer_id, Customer.merged_into_id.is_(None),
              Customer.client_id == case.client_id)
    rows: list[dict] = []
    if m.kind == "bank_account":
        for claim, other, their in s.execute(
                select(Claim, Case, Customer).join(Case, Case.id == Claim.case_id)
                .join(Customer, Customer.id == Case.customer_id)
                .where(Claim.client_id == case.client_id, Claim.bank_account_key == m.key,
                       *others).order_by(Claim.id).limit(50)):
            rows.append(_row(other, their, claim.number, claim.bank_account))
    if m.kind not in ("address", "third_party_name", "phone"):
        for ident, other, their in s.execute(
                select(FraudIdentifier, Case, Customer)
                .join(Customer, Customer.id == FraudIdentifier.customer_id)
                .join(Case, Case.customer_id == Customer.id)
                .where(FraudIdentifier.client_id == case.client_id,
                       FraudIdentifier.kind == m.kind, FraudIdentifier.key == m.key, *others)
                .order_by(FraudIdentifier.id).limit(50)):
            rows.append(_row(other, their, _number(facts, ident.claim_id), ident.value))
    if m.kind == "third_party_phone":
        # The "witness" or "other driver" is another customer of ours.
        for other, their in s.execute(
                select(Case, Customer).join(Customer, Customer.id == Case.customer_id)
                .join(ContactPoint, ContactPoint.customer_id == Customer.id)
                .where(ContactPoint.client_id == case.client_id, ContactPoint.kind == "phone",
                       ContactPoint.value == m.key, *others).limit(50)):
            rows.append(_row(other, their, None, f"{m.key} (their phone)"))
    if m.kind == "phone":
        for ident, other, their in s.execute(
                select(FraudIdentifier, Case, Customer)
                .join(Customer, Customer.id == FraudIdentifier.customer_id)
                .join(Case, Case.customer_id == Customer.id)
                .where(FraudIdentifier.client_id == case.client_id,
                       FraudIdentifier.kind == "third_party_phone",
                       FraudIdentifier.key == m.key, *others)
                .order_by(FraudIdentifier.id).limit(50)):
            rows.append(_row(other, their, _number(facts, ident.claim_id),
                             f"{ident.value} (a third party's phone)"))
    if m.kind == "address":
        rows += _near_addresses(facts, m, others)
    if m.kind == "third_party_name":
        rows += _near_names(facts, m, others)
    unique = {}
    for row in rows:
        unique.setdefault((row["case_id"], row["claim"]), row)
    return list(unique.values())


def _near_addresses(facts: Facts, m: Mine, others) -> list[dict]:
    t = facts.thresholds
    candidates = list(facts.session.execute(
        select(FraudIdentifier, Case, Customer)
        .join(Customer, Customer.id == FraudIdentifier.customer_id)
        .join(Case, Case.customer_id == Customer.id)
        .where(FraudIdentifier.client_id == facts.case.client_id,
               FraudIdentifier.kind == "address", *others)
        .order_by(FraudIdentifier.id.desc()).limit(t.match_scan)))
    hits = process.extract(m.key, [ident.key for ident, _, _ in candidates],
                           scorer=fuzz.token_sort_ratio, score_cutoff=t.match_score, limit=None)
    return [_row(candidates[n][1], candidates[n][2], _number(facts, candidates[n][0].claim_id),
                 candidates[n][0].value, round(score)) for _, score, n in hits]


def _near_names(facts: Facts, m: Mine, others) -> list[dict]:
    # A third party named on this claim who is (nearly) another customer of ours. Names
    # sharing the first letter are the candidates: a typo rarely hits the first letter.
    t = facts.thresholds
    candidates = list(facts.session.execute(
        select(Case, Customer).join(Customer, Customer.id == Case.customer_id)
        .where(Customer.search_name.like(f"{m.key[:1]}%"), *others)
        .order_by(Customer.id.desc()).limit(t.match_scan)))
    hits = process.extract(m.key, [c.search_name for _, c in candidates],
                           scorer=fuzz.token_sort_ratio, score_cutoff=t.match_score, limit=None)
    return [_row(candidates[n][0], candidates[n][1], None,
                 f"{candidates[n][1].display_name} (their name)", round(score))
            for _, score, n in hits]


def _number(facts: Facts, claim_id: int | None) -> str | None:
    if claim_id is None:
        return None
    return facts.session.scalar(select(Claim.number).where(Claim.id == claim_id))


def _row(case: Case, customer: Customer, claim: str | None, value: str,
         score: int | None = None) -> dict:
    row = {"customer_id": customer.id, "name": customer.display_name, "case_id": case.id,
           "case_reference": case.reference, "claim": claim, "value": value}
    if score is not None:
        row["score"] = score
    return row


def _finding(facts: Facts, m: Mine, matches: list[dict]) -> Finding:
    what = KINDS.get(m.kind, m.kind)
    where = f" on claim {facts.claim_number(m.claim_id)}" if m.claim_id else " on the profile"
    theirs = "; ".join(
        f"{r['name']}'s {'claim ' + r['claim'] if r['claim'] else 'profile'} "
        f"({r['case_reference']}) as \"{r['value']}\""
        + (f", {r['score']}% alike" if "score" in r else "") for r in matches[:5])
    more = f" and {len(matches) - 5} more" if len(matches) > 5 else ""
    return Finding(
        NAME, f"{m.kind}:{m.key}"[:200],
        f"The {what} \"{m.value}\"{where} is also on {theirs}{more}.",
        {"kind": m.kind, "value": m.value, "claim": facts.claim_number(m.claim_id),
         "matches": matches},
        claim_id=m.claim_id,
        related=tuple(sorted({r["case_id"] for r in matches})),
        customers=tuple(sorted({r["customer_id"] for r in matches})))
