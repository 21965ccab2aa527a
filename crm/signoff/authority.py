"""Approval authority: may this reviewer approve this decision, and under what authority.

A client that has configured no authority (no reviewer holds a row, no kind requires a
qualification) signs off as before: any reviewer may approve, recorded as "unrestricted".
Once it configures any, authority is enforced for every reviewer of that client: a sum above
the reviewer's limit for the kind (no limit for the kind: none may be approved) is refused
`over_limit`, a kind whose required qualification they lack `not_qualified`. Both name who
can sign instead. Rejecting needs no authority: saying no commits the client to nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.core.errors import Forbidden
from crm.core.inputs import money
from crm.models import Client, Decision, SigningAuthority, SignoffRequirement, User

CHECKERS = ("reviewer", "supervisor")
HELD, UNRESTRICTED = "held", "unrestricted"


@dataclass(frozen=True)
class Verdict:
    """Whether a reviewer may approve a decision, why not, and the authority it would use."""

    allowed: bool
    basis: str  # held | unrestricted
    code: str | None = None  # over_limit | not_qualified
    reason: str | None = None
    limit_cents: int | None = None  # the reviewer's limit for the kind (when it decides a sum)
    qualification: str | None = None  # the qualification the kind requires (when it does)


def _sum(cents: int, currency: str | None) -> str:
    return money(cents, currency or "").strip()


def same(a: str, b: str) -> bool:
    """Qualifications compare without regard to case or spacing ("Attorney,  ZA")."""
    return " ".join(a.lower().split()) == " ".join(b.lower().split())


class Rules:
    """One client's authority, loaded once: every reviewer's row and every requirement."""

    def __init__(self, session: Session, client_id: int):
        self.rows = {a.user_id: a for a in session.scalars(
            select(SigningAuthority).where(SigningAuthority.client_id == client_id))}
        self.requires = dict(session.execute(
            select(SignoffRequirement.kind, SignoffRequirement.qualification)
            .where(SignoffRequirement.client_id == client_id)).all())
        self.configured = bool(self.rows or self.requires)

    def verdict(self, user_id: int, decision: Decision) -> Verdict:
        """What this reviewer's authority says of approving the decision."""
        if not self.configured:
            return Verdict(True, UNRESTRICTED)
        row = self.rows.get(user_id)
        limits = (row.limits or {}) if row else {}
        held = (row.qualifications or []) if row else []
        needed = self.requires.get(decision.kind)
        limit = limits.get(decision.kind)
        limit = limit if isinstance(limit, int) and decision.amount_cents is not None else None
        if needed and not any(same(needed, q) for q in held):
            return Verdict(False, HELD, "not_qualified",
                           f"approving this needs the qualification \"{needed}\"",
                           limit, needed)
        if decision.amount_cents is not None and (limit is None
                                                  or decision.amount_cents > limit):
            currency = decision.currency or ""
            yours = (f"your limit for it is {_sum(limit, currency)}" if limit is not None
                     else "you hold no limit for this kind of decision")
            return Verdict(False, HELD, "over_limit",
                           f"{_sum(decision.amount_cents, currency)} is above your authority"
                           f" ({yours})", limit, needed)
        return Verdict(True, HELD, limit_cents=limit, qualification=needed)


def checkers(session: Session, client_id: int) -> list[User]:
    """The active reviewers and supervisors who work for the client, by name."""
    found = session.scalars(select(User).where(
        User.active.is_(True), User.clients.any(Client.id == client_id))
        .order_by(User.name, User.id))
    return [u for u in found if u.has_role(*CHECKERS)]


def signers(session: Session, decision: Decision, rules: Rules | None = None,
            people: list[User] | None = None) -> list[User]:
    """Who may approve the decision: checkers other than its maker whose authority holds."""
    rules = rules or Rules(session, decision.client_id)
    people = people if people is not None else checkers(session, decision.client_id)
    return [u for u in people
            if u.id != decision.maker_id and rules.verdict(u.id, decision).allowed]


def require(session: Session, actor: User, decision: Decision) -> Verdict:
    """The authority the actor approves under; Forbidden (over_limit / not_qualified) naming
    who can sign when theirs does not reach."""
    rules = Rules(session, decision.client_id)
    verdict = rules.verdict(actor.id, decision)
    if verdict.allowed:
        return verdict
    raise Forbidden(f"{verdict.reason[0].upper()}{verdict.reason[1:]}; "
                    f"{who_can(signers(session, decision, rules))}", code=verdict.code)


def who_can(people: list[User]) -> str:
    """The people who can sign, in words."""
    if not people:
        return "nobody here holds that authority yet: ask an administrator to grant it"
    names = [u.name for u in people[:5]] + ([f"{len(people) - 5} more"]
                                           if len(people) > 5 else [])
    return (f"{', '.join(names[:-1])} or {names[-1]}" if len(names) > 1 else names[0]) + \
        " can sign it"
