"""The investigation workflow: escalate, take, send up, close with an outcome; severity, snooze.

An escalation is an entry on the case timeline and a work item in the `fraud` routing queue;
an investigator takes it (accepting the offer, or from the fraud queue), works it and closes it
with an outcome and a summary. Every step is audited, written on the timeline (veiled from
those who may not see it, crm.fraud.visibility) and announced as INVESTIGATION_CHANGED.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from sqlalchemy import case as sql_case
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from crm.cases import records as cases
from crm.cases import timeline
from crm.core import audit, events
from crm.core.errors import Conflict, Invalid, NotFound, required_text
from crm.fraud import risk, visibility
from crm.fraud.rules import DEFAULT, Thresholds
from crm.models import Case, Claim, Investigation, Offer, User, utcnow
from crm.routing import offers
from crm.routing import router as routing
from crm.tenancy import access

QUEUE = "fraud"
MEDIUM = "investigation"  # the work item's medium: its own capacity in routing
ACTIVE = ("open", "investigating", "escalated")
OUTCOMES = ("false_positive", "confirmed_fraud", "inconclusive")
SEVERITIES = ("low", "medium", "high", "critical")
TAKERS = ("fraud",)
WORKERS = ("fraud", "supervisor")  # work an investigation they may see (reviewers only read)
SNOOZED = "snoozed"  # the offer of a snoozed, waiting investigation: out of routing
_MAX_ID = 2**63 - 1


def get(session: Session, actor: User, investigation_id: int, *, audit_view: bool = True
        ) -> Investigation:
    """An investigation the actor may see (others: not found); each look is audited."""
    if not 0 < investigation_id <= _MAX_ID:
        raise NotFound("investigation not found")
    found = access.ensure_visible(actor, session.get(Investigation, investigation_id),
                                  "investigation")
    if not visibility.may_see(actor, found):
        raise NotFound("investigation not found")
    if audit_view:
        audit.record(session, actor, "investigation.viewed", found)
    return found


def escalate(session: Session, actor: User, case_id: int, summary: str,
             severity: str = "low", claim_id: int | None = None,
             thresholds: Thresholds = DEFAULT) -> Investigation:
    """Send a case to the fraud team: an open investigation, queued for an investigator,
    scored from the case's flags; about one of the case's claims when claim_id names it."""
    case = cases.get(session, actor, case_id, audit_view=False)
    summary = required_text(summary, "say what looks wrong (summary)", field="summary")
    _severity(severity)
    if claim_id is not None and session.scalar(select(Claim.id).where(
            Claim.id == claim_id, Claim.case_id == case.id)) is None:
        raise Invalid("that claim is not one of this case's", field="claim_id")
    if session.scalar(select(Investigation.id).where(
            Investigation.case_id == case.id, Investigation.status.in_(ACTIVE))):
        raise Conflict("this case already has an open fraud investigation", code="already_open")
    # Random, not counted: two escalations at once must not compete for one number.
    reference = f"INV-{datetime.now(UTC).year}-E{secrets.token_hex(4).upper()}"
    made = Investigation(client_id=case.client_id, case_id=case.id, reference=reference,
                         status="open", severity=severity, summary=summary,
                         claim_id=claim_id)
    session.add(made)
    session.flush()
    risk.refresh(session, case.id, thresholds)
    entry = _on_timeline(session, case, actor, made, "escalated",
                         f"Escalated to the fraud team: {summary}")
    made.escalation_id = entry.id
    # From now on every view of the case is audited.
    if not case.sensitive:
        case.sensitive = True
        audit.record(session, actor, "case.updated", case, before={"sensitive": False},
                     after={"sensitive": True})
    offers.open_offer(session, entry, QUEUE, medium=MEDIUM, priority=_priority(severity))
    audit.record(session, actor, "investigation.escalated", made,
                 after={"case_id": case.id, "summary": summary, "severity": severity,
                        "risk_score": made.risk_score,
                        **({"claim_id": claim_id} if claim_id is not None else {})})
    changed(session, made)
    return made


def take(session: Session, actor: User, investigation_id: int) -> Investigation:
    """An investigator takes a waiting investigation (exactly one of two at once wins)."""
    access.require_role(actor, *TAKERS)
    found = get(session, actor, investigation_id, audit_view=False)
    now = utcnow()
    won = session.execute(
        update(Investigation).where(Investigation.id == found.id, Investigation.status == "open")
        .values(status="investigating", assigned_to_id=actor.id, taken_at=now,
                snoozed_until=None).execution_options(synchronize_session=False)).rowcount
    session.refresh(found)
    if won != 1:
        raise Conflict("this investigation is no longer waiting (someone has taken it)",
                       code="already_taken")
    _take_offer(session, actor, found, now)
    step(session, actor, found, "taken", f"Investigation taken by {actor.name}",
          after={"assigned_to_id": actor.id})
    return found


def taken_through_offer(session: Session, actor: User, offer: Offer) -> dict:
    """An investigator accepted the fraud queue's offer: the investigation is theirs."""
    found = session.scalars(select(Investigation).where(
        Investigation.escalation_id == offer.interaction_id)).first()
    if found is None or found.status != "open":
        return {}
    found.status, found.assigned_to_id, found.taken_at = "investigating", actor.id, utcnow()
    found.snoozed_until = None
    step(session, actor, found, "taken", f"Investigation taken by {actor.name}",
          after={"assigned_to_id": actor.id})
    return {"investigation_id": found.id}


def send_up(session: Session, actor: User, investigation_id: int, reason: str
            ) -> Investigation:
    """Escalate further (to SIU, legal): the investigation stays with its investigator."""
    found = workable(session, actor, investigation_id)
    reason = required_text(reason, "say where and why it goes further (reason)")
    if found.status != "investigating":
        raise Conflict("only an investigation being worked can be escalated further",
                       code="not_investigating")
    found.status = "escalated"
    step(session, actor, found, "escalated", f"Investigation escalated further: {reason}",
          before={"status": "investigating"}, after={"status": "escalated", "reason": reason})
    return found


def close(session: Session, actor: User, investigation_id: int, outcome: str, summary: str
          ) -> Investigation:
    """Close with an outcome and a summary; the work item leaves the queue."""
    found = workable(session, actor, investigation_id)
    if outcome not in OUTCOMES:
        raise Invalid(f"outcome must be one of {', '.join(OUTCOMES)}")
    summary = required_text(summary, "say what was found (summary)", at_most=20_000)
    if found.status == "open":
        raise Conflict("take the investigation before closing it", code="not_taken")
    if found.status == "closed":
        raise Conflict("this investigation is already closed", code="closed")
    before = {"status": found.status}
    found.status, found.outcome, found.outcome_summary = "closed", outcome, summary
    found.closed_at, found.snoozed_until = utcnow(), None
    if found.escalation_id is not None:
        routing.finish(session, found.escalation_id)
    step(session, actor, found, "closed",
          f"Investigation closed ({outcome.replace('_', ' ')}): {summary}",
          before=before, after={"status": "closed", "outcome": outcome, "summary": summary})
    return found


def change(session: Session, actor: User, investigation_id: int, *,
           severity: str | None = None, snoozed_until: datetime | None = None,
           unsnooze: bool = False) -> Investigation:
    """Raise the severity, or snooze until a time (None with unsnooze: wake it now)."""
    found = workable(session, actor, investigation_id)
    if found.status == "closed":
        raise Conflict("this investigation is closed", code="closed")
    if severity is not None and severity != found.severity:
        _severity(severity)
        if SEVERITIES.index(severity) < SEVERITIES.index(found.severity):
            raise Invalid(f"severity only rises (it is {found.severity})")
        before, found.severity = found.severity, severity
        if found.escalation_id is not None:
            session.execute(update(Offer).where(Offer.interaction_id == found.escalation_id)
                            .values(priority=_priority(severity))
                            .execution_options(synchronize_session=False))
        step(session, actor, found, "severity", f"Severity raised to {severity}",
              before={"severity": before}, after={"severity": severity})
    if snoozed_until is not None:
        when = snoozed_until if snoozed_until.tzinfo else snoozed_until.replace(tzinfo=UTC)
        if when <= utcnow():
            raise Invalid("snooze until a time in the future")
        found.snoozed_until = when
        _park_offer(session, found)
        step(session, actor, found, "snoozed", f"Snoozed until {when:%Y-%m-%d %H:%M} UTC",
              after={"snoozed_until": when.isoformat()})
    elif unsnooze and found.snoozed_until is not None:
        _wake(session, actor, found)
    return found


def wake_due(session: Session, now: datetime | None = None) -> int:
    """Snoozed investigations whose time has come return to the active queue."""
    due = list(session.scalars(select(Investigation).where(
        Investigation.snoozed_until.is_not(None), Investigation.snoozed_until <= (now or utcnow()),
        Investigation.status.in_(ACTIVE))))
    for found in due:
        _wake(session, None, found)
    return len(due)


def queue(session: Session, actor: User, *, status: str | None = None, mine: bool = False,
          snoozed: bool = False, limit: int = 100) -> list[Investigation]:
    """The fraud queue: active investigations, most severe then oldest first (snoozed ones
    only when asked for)."""
    access.require_role(actor, *visibility.SEE_DETAILS)
    if status is not None and status not in ACTIVE:
        raise Invalid(f"status must be one of {', '.join(ACTIVE)}")
    stmt = access.scope(select(Investigation), actor, Investigation.client_id).where(
        Investigation.status.in_((status,) if status else ACTIVE))
    now = utcnow()
    if snoozed:
        stmt = stmt.where(Investigation.snoozed_until > now)
    else:
        stmt = stmt.where(Investigation.snoozed_until.is_(None)
                          | (Investigation.snoozed_until <= now))
    if mine:
        stmt = stmt.where(Investigation.assigned_to_id == actor.id)
    rank = sql_case(*((Investigation.severity == s, n) for n, s in enumerate(SEVERITIES)),
                else_=0)
    return list(session.scalars(stmt.order_by(rank.desc(), Investigation.created_at,
                                              Investigation.id).limit(limit)))


def of_case(session: Session, actor: User, case_id: int) -> list[Investigation]:
    """The investigations of a case, newest first, as far as the actor may see them."""
    case = cases.get(session, actor, case_id, audit_view=False)
    found = list(session.scalars(select(Investigation).where(
        Investigation.case_id == case.id).order_by(Investigation.id.desc())))
    return [i for i in found if visibility.may_see(actor, i)]


def workable(session: Session, actor: User, investigation_id: int) -> Investigation:
    """An investigation the actor may work: theirs or nobody's (a supervisor: any)."""
    access.require_role(actor, *WORKERS)
    found = get(session, actor, investigation_id, audit_view=False)
    if not actor.has_role("supervisor") and found.assigned_to_id not in (None, actor.id):
        raise Conflict("this investigation is assigned to another investigator",
                       code="not_yours")
    return found


def _take_offer(session: Session, actor: User, found: Investigation, now: datetime) -> None:
    # Taken from the fraud queue rather than through an offer: the work item becomes theirs,
    # and whoever it was being offered to loses the offer.
    if found.escalation_id is None:
        return
    offer = session.scalars(select(Offer).where(
        Offer.interaction_id == found.escalation_id)).first()
    if offer is None or offer.status not in ("open", SNOOZED):
        return
    offer.status, offer.accepted_by_id, offer.accepted_at = "accepted", actor.id, now
    session.flush()
    events.emit(session, events.OFFER_ACCEPTED, offer_id=offer.id, user_id=actor.id,
                attempt=offer.attempt, interaction_id=offer.interaction_id,
                case_id=offer.case_id, client_id=offer.client_id)


def _park_offer(session: Session, found: Investigation) -> None:
    # A waiting investigation that is snoozed leaves routing until it wakes.
    offer = _open_offer(session, found)
    if offer is None:
        return
    if offer.offered_user_id is not None:
        routing.take_back(session, offer, offer.offered_user_id, "snoozed", exclude=False)
    offer.status = SNOOZED


def _wake(session: Session, actor: User | None, found: Investigation) -> None:
    found.snoozed_until = None
    if found.escalation_id is not None:
        offer = session.scalars(select(Offer).where(
            Offer.interaction_id == found.escalation_id, Offer.status == SNOOZED)).first()
        if offer is not None:
            offer.status = "open"
            session.flush()
            events.emit(session, events.WORK_QUEUED, offer_id=offer.id,
                        client_id=offer.client_id)
    step(session, actor, found, "woke", "Snooze over: back in the fraud queue")


def _open_offer(session: Session, found: Investigation) -> Offer | None:
    if found.escalation_id is None:
        return None
    return session.scalars(select(Offer).where(Offer.interaction_id == found.escalation_id,
                                               Offer.status == "open")).first()


def step(session: Session, actor: User | None, found: Investigation, what: str, text: str,
         *, before: dict | None = None, after: dict | None = None) -> None:
    """One step of the workflow: on the timeline, audited, announced."""
    case = session.get(Case, found.case_id)
    _on_timeline(session, case, actor, found, what, text)
    audit.record(session, actor, f"investigation.{what}", found, before=before, after=after)
    changed(session, found)


def _on_timeline(session: Session, case: Case, actor: User | None, found: Investigation,
                 what: str, text: str):
    item, _ = timeline.record(
        session, case, medium="system", direction="internal", status=what, body=text,
        agent_id=actor.id if actor else None, occurred_at=utcnow(),
        meta={visibility.VEILED_BY: found.id, "step": what})
    return item


def changed(session: Session, found: Investigation) -> None:
    """Tell listeners (red-flag rules, the case's open pages) the investigation changed."""
    events.emit(session, events.INVESTIGATION_CHANGED, investigation_id=found.id,
                case_id=found.case_id, client_id=found.client_id)
    events.emit(session, events.CASE_UPDATED, case_id=found.case_id, client_id=found.client_id)


def _severity(severity: str) -> None:
    if severity not in SEVERITIES:
        raise Invalid(f"severity must be one of {', '.join(SEVERITIES)}", field="severity")


def _priority(severity: str) -> int:
    # A critical escalation is offered before a low one that has waited longer.
    return SEVERITIES.index(severity) * 10
