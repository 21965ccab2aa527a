"""Blocked contact attempts, kept on the case, and the supervisor's override of one.

A refused send rolls its request back, so the refusal carries an `aftermath` that records the
attempt in a transaction of its own (crm.core.errors.DomainError). The record names the rule
and the medium, never the address or the words, so it discloses nothing to whoever reads the
timeline.

Overridable rules are those Regulation F itself lets the consumer's consent or a
non-collection purpose lift: the hours and the times and places they named (1006.6(b)(1):
"absent the consumer's prior consent"), the call frequency (1006.14(b)(3) excludes calls with
their consent) and a dispute awaiting validation (contact that does not collect, such as
sending the verification, is allowed). An attorney, a cease request, an opt-out, do-not-call,
a threat of suit on a time-barred debt, a closed reply window and an unknown time zone never
are: those stay absolute.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.cases import timeline
from crm.core import audit, events
from crm.core.errors import Conflict, DomainError, Invalid
from crm.guardrails.attempt import Attempt
from crm.models import BlockedAttempt, Case, User, utcnow
from crm.tenancy import access

OVERRIDABLE = frozenset({"inconvenient_time", "named_inconvenient_time", "inconvenient_place",
                         "call_frequency", "disputed"})
OVERRIDE_LASTS = timedelta(hours=1)  # the override lets one contact through within this
MAX_REASON = 2000
OVERRIDERS = ("supervisor",)
# What the timeline says, in words that name no address and quote nothing.
RULE_TEXT = {
    "do_not_call": "the case is flagged do not call",
    "opted_out": "the customer opted out of this medium",
    "outside_window": "the reply window has closed",
    "attorney_represented": "an attorney represents the customer on this debt",
    "ceased": "the customer asked in writing that we stop contact",
    "disputed": "the debt is disputed and no validation is recorded",
    "unknown_time_zone": "the customer's time zone is unknown",
    "inconvenient_time": "outside 08:00-21:00 in the customer's time",
    "named_inconvenient_time": "a time the customer named as inconvenient",
    "inconvenient_place": "a place the customer named as inconvenient",
    "threat_of_suit": "the message threatens suit on a time-barred debt",
    "call_frequency": "the weekly call limit (7 in 7 days, none after a conversation)",
}


def refused(exc: DomainError, a: Attempt) -> DomainError:
    """The refusal, carrying what records it once the request is rolled back."""
    exc.aftermath = partial(record, case_id=a.case.id, medium=a.medium.name, rule=exc.code,
                            actor_id=a.actor.id if a.actor else None, at=a.now)
    return exc


def record(session: Session, *, case_id: int, medium: str, rule: str, actor_id: int | None,
           at: datetime) -> BlockedAttempt:
    """Keep a blocked attempt on its case, with the rule that blocked it."""
    case = session.get(Case, case_id)
    row = BlockedAttempt(client_id=case.client_id, case_id=case.id, medium=medium, rule=rule,
                         actor_id=actor_id, occurred_at=at)
    session.add(row)
    session.flush()
    timeline.record(session, case, medium="system", direction="internal", status="blocked",
                    body=f"A {medium} contact was blocked: {RULE_TEXT.get(rule, rule)}",
                    agent_id=actor_id, occurred_at=at,
                    meta={"kind": "blocked_attempt", "blocked_attempt_id": row.id,
                          "rule": rule, "medium": medium,
                          "overridable": rule in OVERRIDABLE})
    actor = session.get(User, actor_id) if actor_id else None
    audit.record(session, actor, "guardrail.blocked", row,
                 after={"case_id": case.id, "medium": medium, "rule": rule})
    events.emit(session, events.BLOCKED_ATTEMPT_CREATED, blocked_attempt_id=row.id,
                case_id=case.id)
    return row


def for_case(session: Session, actor: User, case_id: int, limit: int = 50
             ) -> list[BlockedAttempt]:
    """The case's latest blocked attempts, newest first."""
    return list(session.scalars(select(BlockedAttempt).where(
        BlockedAttempt.case_id == case_id,
        BlockedAttempt.client_id.in_(access.client_ids(actor)))
        .order_by(BlockedAttempt.occurred_at.desc(), BlockedAttempt.id.desc()).limit(limit)))


def override(session: Session, actor: User, blocked_id: int, reason: str,
             now: datetime | None = None) -> BlockedAttempt:
    """A supervisor lets one contact through despite the rule, saying why; audited."""
    row = access.ensure_visible(actor, session.get(BlockedAttempt, blocked_id),
                                "blocked attempt")
    access.require_role(actor, *OVERRIDERS)
    text = (reason or "").strip()
    if not text:
        raise Invalid("an override needs a written reason")
    if len(text) > MAX_REASON:
        raise Invalid(f"a reason can have at most {MAX_REASON} characters")
    if row.rule not in OVERRIDABLE:
        raise Conflict(f"the rule {row.rule!r} cannot be overridden "
                       f"({RULE_TEXT.get(row.rule, row.rule)})", code="not_overridable")
    if row.overridden_at is not None:
        raise Conflict("this attempt was overridden already", code="already_overridden")
    now = now or utcnow()
    row.override_reason, row.overridden_by_id, row.overridden_at = text, actor.id, now
    session.flush()
    audit.record(session, actor, "guardrail.overridden", row,
                 after={"case_id": row.case_id, "rule": row.rule, "medium": row.medium,
                        "reason": text})
    timeline.record(session, session.get(Case, row.case_id), medium="system",
                    direction="internal", status="saved", agent_id=actor.id, occurred_at=now,
                    body=f"{actor.name} allowed one {row.medium} contact despite "
                         f"{RULE_TEXT.get(row.rule, row.rule)}: {text}",
                    meta={"kind": "guardrail_override", "blocked_attempt_id": row.id,
                          "rule": row.rule})
    events.emit(session, events.BLOCKED_ATTEMPT_UPDATED, blocked_attempt_id=row.id,
                case_id=row.case_id)
    return row


def waiting_override(session: Session, a: Attempt, rule: str) -> BlockedAttempt | None:
    """An unused override of this rule on this case and medium, granted lately enough."""
    if rule not in OVERRIDABLE:
        return None
    return session.scalars(select(BlockedAttempt).where(
        BlockedAttempt.case_id == a.case.id, BlockedAttempt.medium == a.medium.name,
        BlockedAttempt.rule == rule, BlockedAttempt.override_used_at.is_(None),
        BlockedAttempt.overridden_at >= a.now - OVERRIDE_LASTS)
        .order_by(BlockedAttempt.overridden_at).limit(1)).first()


def use_override(session: Session, a: Attempt, rule: str) -> bool:
    """Spend a waiting override on this attempt (in its transaction: a later refusal of the
    same request rolls the spending back too)."""
    row = waiting_override(session, a, rule)
    if row is None:
        return False
    row.override_used_at = a.now
    audit.record(session, a.actor, "guardrail.override_used", row,
                 after={"case_id": row.case_id, "rule": rule, "medium": row.medium})
    return True
