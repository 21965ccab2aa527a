"""Four-eyes sign-off through the API: ask on a case, decide as a reviewer, list what waits."""

from __future__ import annotations

from pydantic import BaseModel, Field

from console.api.core.blueprint import actor, api, bp
from console.api.core.openapi import NOT_BLANK, documented
from console.api.core.schemas import AgentRef
from console.api.core.workspace_schemas import DecisionOut
from console.core import database
from crm.cases import records as cases
from crm.collections import settlements
from crm.signoff import decisions


class DecisionIn(BaseModel):
    """A judgement call to be signed off by someone else."""

    kind: str = Field(description="what kind of decision",
                      json_schema_extra=documented(enum=list(decisions.KINDS)))
    summary: str = Field(max_length=decisions.MAX_TEXT, description="what is to be decided",
                         json_schema_extra=documented(**NOT_BLANK))
    amount_cents: int | None = Field(None, gt=0, le=decisions.MAX_CENTS,
                                     description="the sum decided on, in cents (required "
                                     "for a kind with needs_amount)")


class KindOut(BaseModel):
    """A kind of decision this case's holdings offer, in words."""

    kind: str
    label: str
    needs_amount: bool = Field(description="it decides a sum: amount_cents is required")
    currency: str | None = Field(None, description="the currency of what it is about")


class KindList(BaseModel):
    """What may be asked on a case: each open line of work's kinds, then other."""

    items: list[KindOut]


class VerdictIn(BaseModel):
    """A checker's note: required to reject, optional to approve."""

    note: str | None = Field(default=None, max_length=decisions.MAX_TEXT)


class SettlementAskedOut(BaseModel):
    """What a settlement sign-off is about: the account, the amount and the discount."""

    settlement_id: int
    debt_id: int
    account_number: str
    creditor: str
    currency: str
    amount_cents: int = Field(description="what the debtor would pay")
    balance_cents: int = Field(description="the balance when it was offered")
    discount_pct: float = Field(description="how far below the balance, in percent")
    terms: dict = Field(description="as a promise (due_on) or a plan (frequency, "
                                    "first_due_on, count)")


class AuthorityCheckOut(BaseModel):
    """Whether my authority reaches a decision, why not, and who holds enough."""

    can_sign: bool = Field(description="my limit and qualifications allow approving it")
    basis: str = Field(description="held (authority is enforced for this client) or "
                       "unrestricted (the client sets none: any reviewer may approve)")
    code: str | None = Field(None, description="over_limit or not_qualified when I cannot")
    message: str | None = Field(None, description="why not, in words")
    limit_cents: int | None = Field(None, description="my limit for this kind")
    qualification: str | None = Field(None, description="the qualification the kind needs")
    signers: list[AgentRef] = Field(default_factory=list, description="who may approve it "
                                    "(checkers other than its maker whose authority reaches)")


class QueuedDecisionOut(DecisionOut):
    """A decision waiting for sign-off, named: customer, case, who asked, how much, and what
    it would sign (a settlement's figures), and whether my authority reaches it."""

    case_reference: str
    customer_name: str
    requester: AgentRef | None = None
    settlement: SettlementAskedOut | None = None
    authority: AuthorityCheckOut | None = None


class DecisionAuthorityOut(AuthorityCheckOut):
    """The sign-off form's check before approving: the decision and my authority over it."""

    decision: DecisionOut


class DecisionList(BaseModel):
    """Decisions waiting for a checker."""

    items: list[QueuedDecisionOut]


def _authority(w: decisions.Waiting) -> AuthorityCheckOut:
    v = w.verdict
    return AuthorityCheckOut(can_sign=v.allowed, basis=v.basis, code=v.code, message=v.reason,
                        limit_cents=v.limit_cents, qualification=v.qualification,
                        signers=[AgentRef(id=u.id, name=u.name) for u in w.signers])


def _queued(w: decisions.Waiting, about) -> QueuedDecisionOut:
    d = w.decision
    out = QueuedDecisionOut.model_validate({
        **DecisionOut.model_validate(d).model_dump(), "case_reference": w.case_reference,
        "customer_name": w.customer_name, "authority": _authority(w),
        "requester": AgentRef(id=w.maker.id, name=w.maker.name) if w.maker else None})
    if about is not None:
        s, debt = about
        out.settlement = SettlementAskedOut(
            settlement_id=s.id, debt_id=debt.id, account_number=debt.account_number,
            creditor=debt.creditor, currency=debt.currency, amount_cents=s.amount_cents,
            balance_cents=s.balance_cents, terms=s.terms,
            discount_pct=settlements.discount_pct(s.amount_cents, s.balance_cents))
        out.amount_cents, out.currency = s.amount_cents, debt.currency
    return out


def _done(decision) -> DecisionOut:
    out = DecisionOut.model_validate(decision)
    database.session().commit()
    return out


@api.route(bp, "/cases/<int:case_id>/decision-kinds", response=KindList, tags=["decisions"],
           summary="The kinds of decision this case's holdings offer (the sign-off form's)")
def decision_kinds(case_id: int):
    """A debt account offers the collections kinds, a claim the insurance ones, "other"
    always."""
    session = database.session()
    case = cases.get(session, actor(), case_id, audit_view=False)
    out = KindList(items=[KindOut(**vars(k)) for k in decisions.kinds_for(session, actor(), case)])
    session.commit()
    return out


@api.route(bp, "/cases/<int:case_id>/decisions", "POST", body=DecisionIn, response=DecisionOut,
           status=201, tags=["decisions"], summary="Ask for a decision to be signed off")
def request_decision(case_id: int, body: DecisionIn):
    """A maker asks; a reviewer who is not them decides. 422 names the field at fault."""
    return _done(decisions.ask(database.session(), actor(), case_id, kind=body.kind,
                               summary=body.summary, amount_cents=body.amount_cents))


@api.route(bp, "/decisions/<int:decision_id>/approve", "POST", body=VerdictIn,
           response=DecisionOut, tags=["decisions"], summary="Approve a decision (reviewer)",
           errors=(403, 409))
def approve_decision(decision_id: int, body: VerdictIn):
    """403 for its maker, without the reviewer role, above my limit for the kind
    (over_limit) or without the qualification the client requires for it (not_qualified),
    the message naming who can sign; 409 once decided. The decision keeps the authority
    it was signed under."""
    return _done(decisions.decide(database.session(), actor(), decision_id, approve=True,
                                  note=body.note))


@api.route(bp, "/decisions/<int:decision_id>/reject", "POST", body=VerdictIn,
           response=DecisionOut, tags=["decisions"], summary="Reject a decision, saying why",
           errors=(403, 409))
def reject_decision(decision_id: int, body: VerdictIn):
    """As approve; a rejection needs a note."""
    return _done(decisions.decide(database.session(), actor(), decision_id, approve=False,
                                  note=body.note))


@api.route(bp, "/decisions/<int:decision_id>/authority", response=DecisionAuthorityOut,
           tags=["decisions"], errors=(403, 404),
           summary="May I approve this decision (my limit and qualifications), and who may")
def decision_authority(decision_id: int):
    """The sign-off form reads this before approving; the approval checks the same."""
    session = database.session()
    w = decisions.authority_for(session, actor(), decision_id)
    out = DecisionAuthorityOut(**_authority(w).model_dump(),
                               decision=DecisionOut.model_validate(w.decision))
    session.commit()
    return out


@api.route(bp, "/decisions", response=DecisionList, tags=["decisions"],
           summary="Decisions waiting for sign-off, with customer, case, requester, amount "
           "and whether my authority reaches each (reviewer)", errors=(403,))
def waiting_decisions():
    """Oldest first; never the reviewer's own requests; a settlement's figures with it; each
    says whether I may approve it (authority.can_sign) or who may (authority.signers)."""
    session = database.session()
    items = decisions.queue(session, actor())
    about = settlements.by_decision(session, [w.decision.id for w in items])
    out = DecisionList(items=[_queued(w, about.get(w.decision.id)) for w in items])
    database.session().commit()
    return out
