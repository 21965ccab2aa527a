"""A case's status: moved by staff with a reason, and reopened when its customer gets in touch."""

from __future__ import annotations

from sqlalchemy.orm import Session

from crm.cases import records, timeline
from crm.core import audit, events
from crm.core.errors import Invalid
from crm.models import Case, Interaction, User, utcnow
from crm.models.customers import FINISHED_STATUSES
from crm.playbooks import progress

MAX_REASON = 500
# Contacts that are not the customer speaking (a bounce report) leave a finished case alone.
_NOT_THE_CUSTOMER = ("bounce",)


def update(session: Session, actor: User, case_id: int, *, reason: str | None = None,
           **changes) -> Case:
    """records.update, where a change of status carries its reason (required to resolve or
    close) onto the case, the audit trail and the timeline."""
    case = records.get(session, actor, case_id, audit_view=False)
    old = case.status
    moving = "status" in changes and changes["status"] != old
    if reason is not None and not isinstance(reason, str):
        raise Invalid("reason must be text")
    reason = " ".join(reason.split()) if reason else None
    if reason and len(reason) > MAX_REASON:
        raise Invalid(f"a reason can have at most {MAX_REASON} characters")
    if reason and not moving:
        raise Invalid("a reason goes with a change of status")
    if moving:
        if changes["status"] in FINISHED_STATUSES and not reason:
            raise Invalid(f"say why the case is {changes['status']} (reason)")
        if changes["status"] in FINISHED_STATUSES:
            progress.require_complete(session, case, changes["status"], actor=actor)
        changes["status_reason"] = reason or None
    case = records.update(session, actor, case_id, **changes)
    if moving:
        _on_timeline(session, case, f"Status {old} → {case.status}"
                     + (f": {case.status_reason}" if case.status_reason else ""), actor)
    return case


def reopen_on_contact(session: Session, case: Case, item: Interaction) -> bool:
    """Open a resolved or closed case again because its customer wrote or called (item);
    audited and on the timeline. True when it was reopened."""
    if case.status not in FINISHED_STATUSES or item.direction != "inbound" \
            or item.status in _NOT_THE_CUSTOMER:
        return False
    before = {"status": case.status, "status_reason": case.status_reason}
    case.status = "open"
    case.status_reason = f"the customer got in touch ({item.medium})"
    case.updated_at = utcnow()
    session.flush()
    audit.record(session, None, "case.reopened", case, before=before,
                 after={"status": "open", "status_reason": case.status_reason,
                        "interaction_id": item.id})
    _on_timeline(session, case, f"Case reopened: the customer got in touch by {item.medium} "
                 f"(it was {before['status']})", None)
    events.emit(session, events.CASE_UPDATED, case_id=case.id, client_id=case.client_id)
    return True


def _on_timeline(session: Session, case: Case, text: str, actor: User | None) -> None:
    # A system row, so whoever reads the case later sees when and why it moved.
    timeline.record(session, case, medium="system", direction="internal", status="case_status",
                    body=text, agent_id=actor.id if actor else None, occurred_at=utcnow())
