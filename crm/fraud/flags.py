"""Red flags on a case: evaluate the rules when facts change, keep what they found, list it.

A flag is stored once per case, rule and matched thing; one no longer found is cleared (kept,
with its reason, for the record), and active again should the rule find it again.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.cases import records as cases
from crm.core import audit, db, events
from crm.core.errors import Forbidden
from crm.fraud import risk, suggestions, visibility
from crm.fraud.rules import DEFAULT, RULES, Facts, Finding, Thresholds
from crm.models import Case, Investigation, RedFlag, User, utcnow


def evaluate(session: Session, case_id: int, thresholds: Thresholds = DEFAULT, *,
             rules: Iterable[str] | None = None, interaction_ids: Iterable[int] = (),
             follow: bool = True) -> list[RedFlag]:
    """Run the rules on a case and store what they found; the case's active flags.

    follow: also evaluate the other cases its findings point at, before and after (the other
    customer sharing a bank account is flagged, and cleared, with this one).
    """
    case = session.get(Case, case_id)
    if case is None:
        return []
    names = list(RULES) if rules is None else [n for n in rules if n in RULES]
    facts = Facts(session, case, thresholds, tuple(interaction_ids))
    before = _related(session, case.id, names)
    found = [f for name in names for f in RULES[name](facts)]
    raised = _apply(session, case, names, found)
    # Flags in, the open investigation weighs them (a change of weights shows on the next run).
    if risk.refresh(session, case.id, thresholds) or raised:
        # The case's watchers refresh their flags and risk (the header itself carries none).
        events.emit(session, events.CASE_UPDATED, case_id=case.id, client_id=case.client_id)
    if suggestions.RULE in names:
        suggestions.offer(session, case, found)
    followed = [n for n in names if n in _FOLLOWED]
    if follow and followed:
        for other in sorted((before | {c for f in found for c in f.related}) - {case.id}):
            evaluate(session, other, thresholds, rules=followed, follow=False)
    return active_flags(session, case.id)


# Rules whose findings involve other cases (the rest read only the case itself).
_FOLLOWED = ("shared_identifier", "seen_on_confirmed_fraud")


def _related(session: Session, case_id: int, names: list[str]) -> set[int]:
    # The cases this one's flags pointed at: when the shared thing goes, theirs clear too.
    related = set()
    for facts in session.scalars(select(RedFlag.facts).where(
            RedFlag.case_id == case_id, RedFlag.rule.in_([n for n in names if n in _FOLLOWED]),
            RedFlag.status == "active")):
        related |= {m["case_id"] for m in facts.get("matches", []) + facts.get("cases", [])}
    return related


def _apply(session: Session, case: Case, names: list[str], found: list[Finding]) -> bool:
    # True when a flag was raised, changed or cleared.
    existing = {(f.rule, f.key): f for f in session.scalars(select(RedFlag).where(
        RedFlag.case_id == case.id, RedFlag.rule.in_(names)))}
    now, changed = utcnow(), False
    for finding in found:
        flag = existing.pop((finding.rule, finding.key), None)
        if flag is None:
            # Two transactions evaluating the same case at once insert one row between them.
            flag = db.insert_unless_exists(session, RedFlag, {
                "client_id": case.client_id, "case_id": case.id, "claim_id": finding.claim_id,
                "rule": finding.rule, "key": finding.key, "reason": finding.reason,
                "facts": finding.facts, "status": "active", "created_at": now,
                "updated_at": now}, ["case_id", "rule", "key"])
            changed = True
            if flag is not None:
                continue
            flag = session.scalars(select(RedFlag).where(
                RedFlag.case_id == case.id, RedFlag.rule == finding.rule,
                RedFlag.key == finding.key)).one()
        if (flag.status, flag.reason, flag.facts, flag.claim_id) != (
                "active", finding.reason, finding.facts, finding.claim_id):
            flag.status, flag.reason, flag.facts = "active", finding.reason, finding.facts
            flag.claim_id, changed = finding.claim_id, True
    for flag in existing.values():  # no longer found: cleared, never deleted
        if flag.status != "cleared":
            flag.status, changed = "cleared", True
    session.flush()
    return changed


def active_flags(session: Session, case_id: int) -> list[RedFlag]:
    """A case's active flags, in the order they were first raised."""
    return list(session.scalars(select(RedFlag).where(
        RedFlag.case_id == case_id, RedFlag.status == "active").order_by(RedFlag.id)))


def for_case(session: Session, actor: User, case_id: int, *, include_cleared: bool = False
             ) -> tuple[Case, list[RedFlag]]:
    """A case's flags for someone allowed to see investigation details (else Forbidden)."""
    case = cases.get(session, actor, case_id, audit_view=False)
    require_may_see(session, actor, case)
    query = select(RedFlag).where(RedFlag.case_id == case.id)
    if not include_cleared:
        query = query.where(RedFlag.status == "active")
    return case, list(session.scalars(query.order_by(RedFlag.status, RedFlag.id)))


def require_may_see(session: Session, actor: User, case: Case) -> None:
    """Forbidden ("under review") unless the actor may see the case's investigation details:
    the fraud team, supervisors, reviewers, admins, or the investigator assigned to it."""
    if visibility.may_see(actor) or any(visibility.may_see(actor, i) for i in session.scalars(
            select(Investigation).where(Investigation.case_id == case.id))):
        if case.sensitive:
            audit.record(session, actor, "case.flags_viewed", case)
        return
    raise Forbidden(f"this case is {visibility.UNDER_REVIEW}", code="under_review")


def referral_recommended(flags: list[RedFlag], thresholds: Thresholds = DEFAULT) -> bool:
    """True when enough flags are active that the case should be referred to the fraud team."""
    return sum(f.status == "active" for f in flags) >= thresholds.referral_flags
