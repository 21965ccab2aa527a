"""Links the rules suggest: two customers sharing a bank account, address, device or third
party, offered to an investigator who accepts (a ring link, with a reason) or dismisses."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from crm.core import audit, db
from crm.core.errors import Conflict, NotFound
from crm.fraud import escalations
from crm.fraud.identifiers import KINDS
from crm.fraud.rules import Finding
from crm.models import Case, Customer, CustomerLink, LinkSuggestion, User, utcnow
from crm.tenancy import access

RULE = "shared_identifier"


@dataclass(frozen=True)
class Suggested:
    """A suggestion as seen from one customer's case: the other customer and their case."""

    suggestion: LinkSuggestion
    other: Customer
    other_case: Case


def offer(session: Session, case: Case, found: list[Finding]) -> None:
    """Suggest a link for each other customer a finding shares something with (unless linked
    already or decided before); withdraw waiting ones whose shared thing is gone."""
    me = case.customer_id
    current = set()
    for finding in found:
        if finding.rule != RULE:
            continue
        kind = finding.facts["kind"]
        for row in finding.facts["matches"]:
            low, high = sorted((me, row["customer_id"]))
            current.add((low, high, kind))
            if _linked(session, low, high):
                continue
            where = (f"claim {finding.facts['claim']}" if finding.facts.get("claim")
                     else "profile")
            theirs = f"{row['name']}'s {'claim ' + row['claim'] if row['claim'] else 'profile'}"
            made = db.insert_unless_exists(session, LinkSuggestion, {
                "client_id": case.client_id, "customer_id": low, "other_id": high,
                "rule": RULE, "key": kind, "status": "suggested", "created_at": utcnow(),
                "reason": f"Same {KINDS.get(kind, kind)}: \"{finding.facts['value']}\" on "
                          f"{case.customer.display_name}'s {where} and \"{row['value']}\" on "
                          f"{theirs}."}, ["customer_id", "other_id", "key"])
            if made is None:
                _revive(session, low, high, kind)
    for waiting in session.scalars(select(LinkSuggestion).where(
            or_(LinkSuggestion.customer_id == me, LinkSuggestion.other_id == me),
            LinkSuggestion.status == "suggested")):
        if (waiting.customer_id, waiting.other_id, waiting.key) not in current:
            waiting.status, waiting.decided_at = "dismissed", utcnow()
            waiting.decision_reason = "no longer shared"


def _revive(session: Session, low: int, high: int, kind: str) -> None:
    # Withdrawn because the shared thing went, and now it is back; or accepted, and the link
    # it made since unlinked (offer() asks only for pairs not linked): suggest it again. One
    # an investigator dismissed stays dismissed.
    gone = session.scalars(select(LinkSuggestion).where(
        LinkSuggestion.customer_id == low, LinkSuggestion.other_id == high,
        LinkSuggestion.key == kind, or_(
            LinkSuggestion.status == "accepted",
            (LinkSuggestion.status == "dismissed") & LinkSuggestion.decided_by_id.is_(None)))
        ).first()
    if gone is not None:
        gone.status, gone.decided_at, gone.decision_reason = "suggested", None, None
        gone.decided_by_id = None


def _linked(session: Session, low: int, high: int) -> bool:
    return session.scalar(select(CustomerLink.id).where(
        CustomerLink.customer_id == low, CustomerLink.other_id == high)) is not None


def for_customer(session: Session, customer_id: int) -> list[Suggested]:
    """The suggestions waiting for a decision that involve this customer, oldest first."""
    rows = session.scalars(select(LinkSuggestion).where(
        or_(LinkSuggestion.customer_id == customer_id, LinkSuggestion.other_id == customer_id),
        LinkSuggestion.status == "suggested").order_by(LinkSuggestion.id).limit(100))
    found = []
    for s in rows:
        other_id = s.other_id if s.customer_id == customer_id else s.customer_id
        other = session.get(Customer, other_id)
        other_case = session.scalar(select(Case).where(Case.customer_id == other_id))
        if other is not None and other_case is not None:
            found.append(Suggested(s, other, other_case))
    return found


def accept(session: Session, actor: User, suggestion_id: int, reason: str | None = None
           ) -> LinkSuggestion:
    """Accept: the two customers are linked into a ring with the investigator's reason (the
    suggestion's own when none is given)."""
    access.require_role(actor, *escalations.LINKERS)
    s = _waiting(session, actor, suggestion_id)
    reason = (reason or "").strip() or s.reason
    if not _linked(session, s.customer_id, s.other_id):
        escalations.link(session, actor, s.customer_id, str(s.other_id), reason)
    return _decide(session, actor, s, "accepted", reason)


def dismiss(session: Session, actor: User, suggestion_id: int, reason: str | None = None
            ) -> LinkSuggestion:
    """Dismiss: the pair is not suggested again for this shared thing."""
    access.require_role(actor, *escalations.LINKERS)
    s = _waiting(session, actor, suggestion_id)
    return _decide(session, actor, s, "dismissed", (reason or "").strip() or None)


def _waiting(session: Session, actor: User, suggestion_id: int) -> LinkSuggestion:
    s = session.get(LinkSuggestion, suggestion_id) if 0 < suggestion_id < 2**63 else None
    if s is None or s.client_id not in access.client_ids(actor):
        raise NotFound("link suggestion not found")
    if s.status != "suggested":
        raise Conflict(f"this suggestion was already {s.status}", code="already_decided")
    return s


def _decide(session: Session, actor: User, s: LinkSuggestion, status: str,
            reason: str | None) -> LinkSuggestion:
    s.status, s.decided_by_id, s.decided_at, s.decision_reason = (status, actor.id, utcnow(),
                                                                  reason)
    audit.record(session, actor, f"link_suggestion.{status}", s, client_id=s.client_id,
                 after={"customer_id": s.customer_id, "other_id": s.other_id, "key": s.key,
                        "reason": reason})
    session.flush()
    return s
