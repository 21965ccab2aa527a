"""Who may see a fraud investigation's details; everyone else sees only "under review".

Details are the reference, status, risk, severity, flags, ring, evidence, notes and the
escalation's text. Timeline entries of an investigation carry its id in their meta (VEILED_BY):
whoever may not see it reads UNDER_REVIEW in their place.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.models import Investigation, User

# Besides these, the investigator the investigation is assigned to sees it.
SEE_DETAILS = ("fraud", "supervisor", "reviewer")
UNDER_REVIEW = "under review"
VEILED_BY = "investigation_id"  # the meta key of an investigation's timeline entries


def may_see(actor: User | None, investigation: Investigation | None = None) -> bool:
    """True when the actor may see investigation details (reference, risk, flags, ring)."""
    if actor is None:
        return False  # a broadcast (a case room's socket payload) is read by anyone watching
    if actor.has_role(*SEE_DETAILS):
        return True
    return investigation is not None and investigation.assigned_to_id == actor.id


def may_see_case(session: Session, actor: User | None, case_id: int) -> bool:
    """True when the actor may see the details of the case's investigations (all of them:
    an assigned investigator without the role sees the case's fraud work they were given)."""
    if actor is None:
        return False
    if actor.has_role(*SEE_DETAILS):
        return True
    return session.scalar(select(Investigation.id).where(
        Investigation.case_id == case_id, Investigation.assigned_to_id == actor.id)
        .limit(1)) is not None


def veiled(meta: dict | None) -> bool:
    """True for a timeline entry of an investigation (its step, its note, its escalation)."""
    return bool((meta or {}).get(VEILED_BY))
