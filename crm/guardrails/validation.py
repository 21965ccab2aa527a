"""Recording that the validation (verification) of a disputed debt was sent.

12 CFR 1006.34: a dispute inside the validation period pauses collection until verification
is sent. Collections staff and supervisors record it (it is a fact about a document the
back office sent, not a judgement call); the guardrail then lets collection resume.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from crm.core import audit, events
from crm.core.errors import Invalid
from crm.models import DebtAccount, User, utcnow
from crm.tenancy import access

RECORDERS = ("collections", "supervisor")


def record_sent(session: Session, actor: User, debt_id: int,
                sent_on: date | None = None) -> DebtAccount:
    """Set the account's `validated_on`; a `disputed` status becomes `active` again."""
    debt = access.ensure_visible(actor, session.get(DebtAccount, debt_id), "debt account")
    access.require_role(actor, *RECORDERS)
    today = utcnow().date()
    sent_on = sent_on or today
    if sent_on > today:
        raise Invalid("the validation cannot have been sent in the future")
    before = audit.snapshot(debt, ("validated_on", "status"))
    debt.validated_on = sent_on
    if debt.status == "disputed":
        debt.status = "active"
    session.flush()
    audit.record(session, actor, "debt.validation_sent", debt, before=before,
                 after=audit.snapshot(debt, ("validated_on", "status")))
    events.emit(session, events.CASE_UPDATED, case_id=debt.case_id, client_id=debt.client_id)
    return debt
