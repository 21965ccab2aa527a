"""A claim on a case: taken at first notice of loss, its facts corrected as they are learnt.

Who may do what (checked here, on the server): claims handlers, agents and supervisors take
claims, correct their facts, move them, ask for documents and mark documents received (an
agent often takes the first notice of loss on a call). Setting the reserve — money the
insurer puts aside — and reopening a finished claim are for claims handlers and supervisors.
Anyone who may see the case may read its claims.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crm.cases import records as cases
from crm.cases import timeline
from crm.core import audit, case_rows, events, inputs
from crm.core.errors import Conflict, Invalid
from crm.fraud.identifiers import bank_account_key
from crm.models import Case, Claim, User, utcnow
from crm.tenancy import access

WORKERS = ("claims", "agent", "supervisor")  # take, correct, move, ask for documents
HANDLERS = ("claims", "supervisor")  # the reserve, reopening
TYPES = ("motor", "property", "travel", "health", "liability", "life", "other")
# The facts PATCH may change, as the API names them (type is the column claim_type).
FACTS = ("policy_number", "policy_start", "loss_date", "type", "reported_amount_cents",
         "reserve_cents", "bank_account", "description")
MAX_LISTED = 50


def get(session: Session, actor: User, claim_id, *, lock: bool = False,
        audit_view: bool = False) -> Claim:
    """A claim on a case the actor may see (else NotFound); lock: to change it."""
    return case_rows.get(session, actor, Claim, claim_id, "claim", lock=lock,
                         audit_view=audit_view)


def of_case(session: Session, case_id: int) -> list[Claim]:
    """Every claim on a case (finished ones too), oldest first."""
    return list(session.scalars(select(Claim).where(Claim.case_id == case_id)
                                .order_by(Claim.id).limit(MAX_LISTED)))


def create(session: Session, actor: User, case_id: int, *, number=None, policy_number=None,
           policy_start=None, loss_date=None, type=None, reported_amount_cents=None,
           bank_account=None, description=None, today: date | None = None) -> Claim:
    """Take a first notice of loss on a case: the claim starts at fnol; audited, on the case."""
    access.require_role(actor, *WORKERS)
    case = cases.get(session, actor, case_id, audit_view=False)
    facts = _facts(actor, {"policy_number": policy_number, "policy_start": policy_start,
                           "loss_date": loss_date, "type": type,
                           "reported_amount_cents": reported_amount_cents,
                           "bank_account": bank_account, "description": description},
                   today or utcnow().date())
    if facts.get("loss_date") is None:
        raise Invalid("The loss date is required")
    number = (inputs.text(number, "The claim number", 64, required=False) or
              _next_number(session, case)).upper()
    if len(number) > 64:  # a few letters grow when upper-cased (ß is SS)
        raise Invalid("The claim number can have at most 64 characters")
    if session.scalar(select(Claim.id).where(Claim.client_id == case.client_id,
                                             Claim.number == number)):
        raise Conflict(f"Claim number {number} is already taken", code="number_taken")
    claim = Claim(client_id=case.client_id, case_id=case.id, number=number, status="fnol",
                  **facts)
    claim.bank_account_key = _account_key(claim.bank_account)
    try:
        with session.begin_nested():
            session.add(claim)
    except IntegrityError:  # the same number taken a moment ago by someone else
        raise Conflict(f"Claim number {number} is already taken", code="number_taken") from None
    audit.record(session, actor, "claim.created", claim, after=snapshot(claim))
    on_case(session, claim, actor, "First notice of loss taken ("
            + ", ".join(x for x in (claim.claim_type, f"loss on {claim.loss_date.isoformat()}")
                        if x) + ")")
    return claim


def update(session: Session, actor: User, claim_id: int, changes: dict,
           today: date | None = None) -> Claim:
    """Correct a claim's facts; audited with before and after, on the case."""
    access.require_role(actor, *WORKERS)
    claim = get(session, actor, claim_id, lock=True)
    unknown = set(changes) - set(FACTS)
    if unknown:
        raise Invalid(f"These cannot be changed here: {', '.join(sorted(unknown))}")
    facts = _facts(actor, changes, today or utcnow().date())
    if "loss_date" in facts and facts["loss_date"] is None:
        raise Invalid("The loss date is required")
    facts = {k: v for k, v in facts.items() if getattr(claim, k) != v}
    if not facts:
        return claim
    before = audit.snapshot(claim, tuple(facts))
    for name, value in facts.items():
        setattr(claim, name, value)
    claim.bank_account_key = _account_key(claim.bank_account)
    claim.updated_at = utcnow()
    session.flush()
    audit.record(session, actor, "claim.updated", claim, before=before,
                 after=audit.snapshot(claim, tuple(facts)))
    on_case(session, claim, actor, "Changed " + ", ".join(
        _FACT_LABELS.get(k, k) for k in facts))
    return claim


def on_case(session: Session, claim: Claim, actor: User | None, text: str) -> None:
    """Say on the case's timeline what happened to the claim, and tell whoever listens."""
    case = session.get(Case, claim.case_id)
    timeline.record(session, case, medium="note", direction="internal",
                    body=f"Claim {claim.number}: {text}", agent_id=actor.id if actor else None,
                    status=timeline.LOGGED, occurred_at=utcnow())
    changed(session, claim)


def changed(session: Session, claim: Claim) -> None:
    """The claim changed: red-flag rules look again, open pages refresh."""
    events.emit(session, events.CLAIM_CHANGED, claim_id=claim.id, case_id=claim.case_id,
                client_id=claim.client_id)
    events.emit(session, events.CASE_UPDATED, case_id=claim.case_id, client_id=claim.client_id)


def snapshot(claim: Claim) -> dict:
    """The claim's facts and status as the audit trail keeps them."""
    return audit.snapshot(claim, ("number", "status", *_COLUMNS.values()))


_COLUMNS = {"policy_number": "policy_number", "policy_start": "policy_start",
            "loss_date": "loss_date", "type": "claim_type",
            "reported_amount_cents": "reported_amount_cents", "reserve_cents": "reserve_cents",
            "bank_account": "bank_account", "description": "description"}
_FACT_LABELS = {"policy_number": "policy number", "policy_start": "policy start",
                "loss_date": "loss date", "claim_type": "claim type",
                "reported_amount_cents": "reported amount", "reserve_cents": "reserve",
                "bank_account": "bank account", "description": "description"}


def _facts(actor: User, given: dict, today: date) -> dict:
    """The given facts checked, by column name (a key not given is left out)."""
    out = {}
    for name, value in given.items():
        column = _COLUMNS[name]
        if name == "reserve_cents":
            access.require_role(actor, *HANDLERS)
            out[column] = None if value is None else inputs.cents(value, "The reserve")
        elif name == "reported_amount_cents":
            out[column] = None if value is None else inputs.cents(value, "The reported amount")
        elif name in ("policy_start", "loss_date"):
            what = "The policy start" if name == "policy_start" else "The loss date"
            out[column] = None if value is None else inputs.day(value, what)
            if out[column] is not None and out[column] > today:
                raise Invalid(f"{what} cannot be in the future")
        elif name == "type":
            out[column] = None if value is None else inputs.choice(value, "The claim type",
                                                                   TYPES)
        elif name == "description":
            out[column] = inputs.text(value, "The description", 4000, required=False) or ""
        else:
            what = "The policy number" if name == "policy_number" else "The bank account"
            out[column] = inputs.text(value, what, 64, required=False)
    return out


def _next_number(session: Session, case: Case) -> str:
    """A number for a claim taken without one: the case's reference and a count."""
    n = session.scalar(select(func.count()).select_from(Claim).where(
        Claim.case_id == case.id)) or 0
    return f"CLM-{case.reference}-{n + 1}"



def _account_key(account: str | None) -> str | None:
    # The column's width: a few letters grow when upper-cased (ß is SS).
    key = bank_account_key(account)
    return key[:64] if key else None


def any_for_client(session: Session, client_id: int) -> bool:
    """Whether the client has any claim at all, asked once per transaction: the listeners
    on every message (documents received, stated facts) skip a client with none (collections)
    for one query per burst, not one per message."""
    transaction = session.get_transaction()
    owner, known = session.info.get(_CLIENTS_WITH_CLAIMS, (None, {}))
    if owner is not transaction:  # a later transaction of the same session asks afresh
        known = {}
        session.info[_CLIENTS_WITH_CLAIMS] = (transaction, known)
    if client_id not in known:
        known[client_id] = session.scalar(
            select(Claim.id).where(Claim.client_id == client_id).limit(1)) is not None
    return known[client_id]


_CLIENTS_WITH_CLAIMS = "claims.clients_with_claims"
