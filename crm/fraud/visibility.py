"""Who may see a fraud investigation's details; everyone else sees only "under review".

Details are the reference, status, risk, severity, flags, ring, evidence, notes and the
escalation's text. Timeline entries of an investigation carry its id in their meta (VEILED_BY):
whoever may not see it reads UNDER_REVIEW in their place, with a neutral status (VEILED_STATUS,
never the step: "escalated", "closed").

Once the investigation is closed, those readers see nothing of it but its entries on the
timeline, each reading REVIEW_FINISHED: no "under review" on the header, digest or panel (it is
no longer open work), and no outcome. The same words on the page, in the API and in socket
payloads, since all three build the entry with veil_word.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.models import Investigation, User

# Besides these, the investigator the investigation is assigned to sees it.
SEE_DETAILS = ("fraud", "supervisor", "reviewer")
UNDER_REVIEW = "under review"
REVIEW_FINISHED = "review finished"
VEILED_STATUS = "recorded"  # a veiled entry's status: the same whatever step it was
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


def note_veil(session: Session, actor: User, case_id: int) -> int | None:
    """The investigation a case note by this actor belongs to: the case's newest one still
    open, when the actor is of the fraud team or is its investigator (else None)."""
    found = session.scalars(select(Investigation).where(
        Investigation.case_id == case_id, Investigation.status != "closed")
        .order_by(Investigation.id.desc()).limit(1)).first()
    if found is None:
        return None
    mine = "fraud" in actor.roles or found.assigned_to_id == actor.id
    return found.id if mine else None


def veiled(meta: dict | None) -> bool:
    """True for a timeline entry of an investigation (its step, its note, its escalation)."""
    return bool((meta or {}).get(VEILED_BY))


def finished(session: Session, metas: Iterable[dict | None]) -> frozenset[int]:
    """Of the investigations these timeline entries belong to, the ids of the closed ones."""
    ids = {m[VEILED_BY] for m in metas if veiled(m) and isinstance(m[VEILED_BY], int)}
    if not ids:
        return frozenset()
    return frozenset(session.scalars(select(Investigation.id).where(
        Investigation.id.in_(ids), Investigation.status == "closed")))


def veil_word(meta: dict | None, closed: frozenset[int] = frozenset()) -> str:
    """What a veiled entry reads: "under review", or "review finished" once it is closed."""
    return REVIEW_FINISHED if (meta or {}).get(VEILED_BY) in closed else UNDER_REVIEW
