"""The claim lifecycle: the one table of allowed moves, and what each move asks for.

A claim starts at first notice of loss (fnol), is triaged, may wait for documents or go to
investigation, is assessed, and ends settled or declined, then closed. A closed, settled or
declined claim can be reopened (with a reason) and worked again. Paying (settled) and refusing
(declined) are judgement calls: they wait for a second person's sign-off.
"""

from __future__ import annotations

from crm.core import labels
from crm.core.errors import Conflict, Invalid

STATUSES = ("fnol", "triage", "awaiting_documents", "investigation", "assessed",
            "settlement_proposed", "settled", "declined", "closed", "reopened")

# From each status, where a claim may go next (and nowhere else).
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "fnol": ("triage", "declined", "closed"),
    "triage": ("awaiting_documents", "investigation", "assessed", "declined", "closed"),
    "awaiting_documents": ("triage", "investigation", "assessed", "declined", "closed"),
    "investigation": ("awaiting_documents", "assessed", "declined", "closed"),
    "assessed": ("settlement_proposed", "awaiting_documents", "investigation", "declined"),
    "settlement_proposed": ("settled", "assessed", "declined"),
    "settled": ("closed", "reopened"),
    "declined": ("closed", "reopened"),
    "closed": ("reopened",),
    "reopened": ("triage", "awaiting_documents", "investigation", "assessed", "closed"),
}

# Moves that wait for four-eyes sign-off, with the decision kind each asks for
# (crm.signoff.decisions.KINDS_BY_LINE["insurance"]).
NEEDS_SIGNOFF = {"settled": "claim_payout", "declined": "claim_rejection"}
# Moves that must say why (the reason is kept on the claim and shown on the timeline).
NEEDS_REASON = ("declined", "reopened")
# Moves that say how much is paid (settlement_amount_cents): proposing one must give it;
# settling pays the proposed amount unless another is given.
NEEDS_AMOUNT = ("settlement_proposed", "settled")
# Moves refused while a requested document is still awaited (unless it is waived, saying why):
# nobody assesses or pays a claim on papers not yet seen.
NEEDS_DOCUMENTS = ("assessed", "settlement_proposed", "settled")
# No more work is done on these until reopened.
FINISHED = ("settled", "declined", "closed")


def label(status: str) -> str:
    """A status as a claims handler reads it (the one table of words: crm.core.labels)."""
    return labels.label(status)


def allowed(status: str) -> tuple[str, ...]:
    """The statuses a claim in `status` may move to."""
    return TRANSITIONS.get(status, ())


def check(current: str, to) -> str:
    """The target status when the table allows current -> to; else Invalid or Conflict."""
    if to not in STATUSES:
        raise Invalid("The new status must be one of: "
                      + ", ".join(s for s in STATUSES if s != "fnol"))
    if to not in allowed(current):
        moves = ", ".join(label(s) for s in allowed(current)) or "none"
        raise Conflict(f"A claim in {label(current)} cannot move to {label(to)}; "
                       f"it can move to: {moves}", code="transition_not_allowed")
    return to

