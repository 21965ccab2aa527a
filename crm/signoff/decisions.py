"""Four-eyes sign-off: one person asks for a judgement call, another (a reviewer) decides it.

The maker can never be the checker, a decision is decided once (a conditional UPDATE: of two
reviewers at once exactly one wins), a rejection says why, and every step is audited.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from crm.cases import digest, timeline
from crm.cases import records as cases
from crm.core import audit, events, labels
from crm.core.errors import Conflict, Forbidden, Invalid, required_text
from crm.models import Case, Claim, Customer, DebtAccount, Decision, User, utcnow
from crm.signoff import authority
from crm.tenancy import access

CHECKERS = authority.CHECKERS
KINDS_BY_LINE = {"insurance": ("claim_payout", "ex_gratia_payment", "claim_rejection"),
                 "fraud": ("account_freeze", "fraud_referral", "refund_unauthorised"),
                 "collections": ("settlement_offer", "hardship_plan", "write_off")}
KINDS = (*(k for kinds in KINDS_BY_LINE.values() for k in kinds), "other")
# The kinds that decide a sum of money: they need its amount.
MONEY_KINDS = frozenset({"claim_payout", "ex_gratia_payment", "refund_unauthorised",
                         "settlement_offer", "write_off"})
# Which open line of work on a case offers a line of work's kinds.
LINE_OF_WORK = {"claim": "insurance", "investigation": "fraud", "debt_account": "collections"}
MAX_TEXT = 2000
MAX_CENTS = 10**13  # a hundred billion: past any real judgement, within what a column holds


@dataclass(frozen=True)
class KindOffered:
    """A kind of decision the case's holdings allow, in words, and whether it names a sum."""

    kind: str
    label: str
    needs_amount: bool
    currency: str | None


def kinds_for(session: Session, actor: User, case: Case) -> list[KindOffered]:
    """What may be asked on this case: each open line of work's kinds, then "other"."""
    currencies = _currencies(session, case)
    lines = [LINE_OF_WORK[w.kind] for w in digest.open_work(session, case, actor)
             if w.kind in LINE_OF_WORK]
    kinds = [k for line in KINDS_BY_LINE if line in lines for k in KINDS_BY_LINE[line]]
    return [KindOffered(k, kind_label(k), k in MONEY_KINDS, currencies.get(_line(k)))
            for k in (*kinds, "other")]


def _line(kind: str) -> str | None:
    return next((line for line, kinds in KINDS_BY_LINE.items() if kind in kinds), None)


def _currencies(session: Session, case: Case) -> dict[str, str]:
    # The sum is in the currency of what it is about: the debt's or the claim's.
    debt = session.scalar(select(DebtAccount.currency).where(DebtAccount.case_id == case.id)
                          .order_by(DebtAccount.id).limit(1))
    claim = session.scalar(select(Claim.currency).where(Claim.case_id == case.id)
                           .order_by(Claim.id).limit(1))
    found = {"collections": debt, "insurance": claim, "fraud": debt or claim}
    return {line: currency for line, currency in found.items() if currency}


def _amount(offered: KindOffered, amount_cents: int | None) -> int | None:
    if amount_cents is None:
        if offered.needs_amount:
            raise Invalid(f"say how much ({offered.label.lower()} decides a sum)",
                          field="amount_cents")
        return None
    if isinstance(amount_cents, bool) or not isinstance(amount_cents, int):
        raise Invalid("the amount is a whole number of cents", field="amount_cents")
    if not 0 < amount_cents <= MAX_CENTS:
        raise Invalid("the amount must be more than nothing and at most 100,000,000,000.00",
                      field="amount_cents")
    return amount_cents


def ask(session: Session, actor: User, case_id: int, *, kind: str, summary: str,
        amount_cents: int | None = None) -> Decision:
    """A person asks on a case (the sign-off form): the kind must be one the case's holdings
    offer (kinds_for), and a kind that decides a sum names it."""
    case = cases.get(session, actor, case_id, audit_view=False)
    offered = {k.kind: k for k in kinds_for(session, actor, case)}
    if kind not in offered:
        known = "this case holds nothing that kind decides" if kind in KINDS else "unknown kind"
        raise Invalid(f"{known}; choose one of {', '.join(offered)}", field="kind")
    summary = required_text(summary, "say what is to be decided (summary)", MAX_TEXT,
                            field="summary")
    amount_cents = _amount(offered[kind], amount_cents)
    currency = (offered[kind].currency or "USD") if amount_cents is not None else None
    return request(session, actor, case.id, kind=kind, summary=summary,
                   amount_cents=amount_cents, currency=currency)


def request(session: Session, actor: User, case_id: int, *, kind: str, summary: str,
            amount_cents: int | None = None, currency: str | None = None) -> Decision:
    """Ask for a decision on a case; it waits for a checker who is not the actor."""
    case = cases.get(session, actor, case_id, audit_view=False)
    if kind not in KINDS:
        raise Invalid(f"kind must be one of {', '.join(KINDS)}", field="kind")
    summary = required_text(summary, "say what is to be decided (summary)", MAX_TEXT,
                            field="summary")
    decision = Decision(client_id=case.client_id, case_id=case.id, kind=kind, summary=summary,
                        maker_id=actor.id, amount_cents=amount_cents, currency=currency)
    session.add(decision)
    session.flush()
    audit.record(session, actor, "decision.requested", decision, client_id=case.client_id,
                 after={"case_id": case.id, "kind": kind, "summary": summary,
                        **({"amount_cents": amount_cents, "currency": currency}
                           if amount_cents is not None else {})})
    sum_ = f" ({currency} {amount_cents / 100:,.2f})" if amount_cents is not None else ""
    _on_timeline(session, case, actor, f"Asked for sign-off: {kind_label(kind)}{sum_} — {summary}")
    events.emit(session, events.CASE_UPDATED, case_id=case.id, client_id=case.client_id)
    return decision


def decide(session: Session, actor: User, decision_id: int, *, approve: bool,
           note: str | None = None) -> Decision:
    """Approve or reject a pending decision: a reviewer's, never its maker's, and once."""
    decision = access.ensure_visible(actor, session.get(Decision, decision_id), "decision")
    access.require_role(actor, *CHECKERS)
    if decision.maker_id == actor.id:
        raise Forbidden("four eyes: you asked for this decision, so another reviewer decides it",
                        code="own_decision")
    note = (required_text(note, "say why it is rejected (note)", MAX_TEXT, field="note")
            if not approve else " ".join((note or "").split())[:MAX_TEXT] or None)
    if decision.status != "pending":
        raise Conflict(f"this decision was already {decision.status}", code="already_decided")
    # Approving commits the client, so it needs the authority to; rejecting does not.
    used = authority.require(session, actor, decision) if approve else None
    status = "approved" if approve else "rejected"
    signed = ({"authority_basis": used.basis, "authority_limit_cents": used.limit_cents,
               "authority_qualification": used.qualification} if used else {})
    won = session.execute(
        update(Decision).where(Decision.id == decision.id, Decision.status == "pending")
        .values(status=status, checker_id=actor.id, decided_at=utcnow(), note=note, **signed)
        .execution_options(synchronize_session=False)).rowcount
    session.refresh(decision)
    if won != 1:
        raise Conflict(f"this decision was already {decision.status}", code="already_decided")
    under = decision.signed_under
    audit.record(session, actor, f"decision.{status}", decision, client_id=decision.client_id,
                 before={"status": "pending"},
                 after={"status": status, "note": note, **signed})
    # The maker (and everyone on the case) reads the outcome, its reason and the authority it
    # was signed under on the timeline.
    _on_timeline(session, session.get(Case, decision.case_id), actor,
                 f"Sign-off {status}: {kind_label(decision.kind)} — {decision.summary}"
                 + (f". {note}" if note else "")
                 + (f" Signed by {actor.name} under {under}." if under else ""))
    events.emit(session, events.CASE_UPDATED, case_id=decision.case_id,
                client_id=decision.client_id)
    events.emit(session, events.DECISION_DECIDED, decision_id=decision.id, status=status,
                kind=decision.kind, case_id=decision.case_id, client_id=decision.client_id)
    return decision


def authority_for(session: Session, actor: User, decision_id: int) -> Waiting:
    """One decision as the sign-off form reads it: may the reader approve it, and who may."""
    decision = access.ensure_visible(actor, session.get(Decision, decision_id), "decision")
    access.require_role(actor, *CHECKERS)
    rules = authority.Rules(session, decision.client_id)
    case = session.get(Case, decision.case_id)
    return Waiting(decision, case.reference, "", session.get(User, decision.maker_id)
                   if decision.maker_id else None, rules.verdict(actor.id, decision),
                   tuple(authority.signers(session, decision, rules)))


# Enough for a reviewer's whole backlog in one list (the demo's is over a hundred): a newer
# decision below a cut would be out of sight. The worklist does not page this list yet.
WAITING_LIMIT = 500


def waiting_for(session: Session, actor: User, limit: int = WAITING_LIMIT) -> list[Decision]:
    """Pending decisions a checker may decide (not their own), oldest first."""
    access.require_role(actor, *CHECKERS)
    return list(session.scalars(select(Decision).where(
        Decision.status == "pending", Decision.client_id.in_(access.client_ids(actor)),
        (Decision.maker_id != actor.id) | Decision.maker_id.is_(None))
        .order_by(Decision.created_at, Decision.id).limit(limit)))


@dataclass(frozen=True)
class Waiting:
    """A decision in the sign-off queue, named: whose case, which, and who asked."""

    decision: Decision
    case_reference: str
    customer_name: str
    maker: User | None
    verdict: authority.Verdict | None = None  # whether the reader's authority reaches
    signers: tuple[User, ...] = ()  # who holds the authority to approve it


def queue(session: Session, actor: User, limit: int = WAITING_LIMIT) -> list[Waiting]:
    """waiting_for(), each with its case reference, customer name and maker (one query), and
    whether the reader may approve it or who may (authority is loaded once per client)."""
    found = waiting_for(session, actor, limit)
    if not found:
        return []
    rows = session.execute(select(Case.id, Case.reference, Customer.display_name).join(
        Customer, Customer.id == Case.customer_id).where(
        Case.id.in_({d.case_id for d in found}))).all()
    named = {r.id: (r.reference, r.display_name) for r in rows}
    makers = {u.id: u for u in session.scalars(select(User).where(
        User.id.in_({d.maker_id for d in found if d.maker_id})))}
    rules = {c: authority.Rules(session, c) for c in {d.client_id for d in found}}
    people = {c: authority.checkers(session, c) for c in rules}
    return [Waiting(d, *named[d.case_id], makers.get(d.maker_id),
                    rules[d.client_id].verdict(actor.id, d),
                    tuple(authority.signers(session, d, rules[d.client_id],
                                            people[d.client_id])))
            for d in found]


def kind_label(kind: str) -> str:
    """A kind of decision in the people's words ("Claim settlement (pay out)"): the sign-off
    form, notices and the timeline offer these, never the codes (crm.core.labels)."""
    return labels.title(kind, labels.DECISION_KIND)


def _on_timeline(session: Session, case: Case, actor: User, text: str) -> None:
    timeline.record(session, case, medium="note", direction="internal", body=text,
                    agent_id=actor.id, status=timeline.LOGGED, occurred_at=utcnow())
