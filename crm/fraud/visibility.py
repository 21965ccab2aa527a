"""Who may see a fraud investigation's details; everyone else sees only "under review"."""

from __future__ import annotations

from crm.models import Investigation, User

# Besides these, the investigator the investigation is assigned to sees it.
SEE_DETAILS = ("fraud", "supervisor", "reviewer")
UNDER_REVIEW = "under review"


def may_see(actor: User, investigation: Investigation | None = None) -> bool:
    """True when the actor may see investigation details (reference, risk, flags, ring)."""
    if actor.has_role(*SEE_DETAILS):
        return True
    return investigation is not None and investigation.assigned_to_id == actor.id
