"""Reading and changing cases, with tenant checks and audit."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.core import audit, case_rows, events
from crm.core.errors import Forbidden, Invalid
from crm.models import Case, Customer, Team, User, utcnow
from crm.models.customers import CASE_STATUSES, PRIORITIES
from crm.tenancy import access

_AUDITED = ("status", "status_reason", "priority", "owner_id", "team_id", "flags", "labels",
            "follow_up_on", "sensitive", "summary")
# Flags are compliance controls that code matches on (do_not_call), so they are plain tokens.
_FLAG = re.compile(r"[a-z0-9_-]{1,40}")
MAX_LABELS, MAX_LABEL = 20, 40
_MAX_ID = 2**63 - 1


def get(session: Session, actor: User, case_id: int, *, audit_view: bool = True) -> Case:
    """A case the actor may see; viewing a sensitive (fraud) case is audited."""
    return case_rows.case(session, actor, case_id, audit_view=audit_view)


def get_customer(session: Session, actor: User, customer_id: int) -> Customer:
    """A customer the actor may see (a merged one resolves to its survivor)."""
    customer = access.ensure_visible(actor, session.get(Customer, customer_id), "customer")
    while customer.merged_into_id is not None:
        customer = session.get(Customer, customer.merged_into_id)
    return customer


def update(session: Session, actor: User, case_id: int, **changes) -> Case:
    """Change a case's status, priority, owner, flags or summary; checked, audited, announced."""
    case = get(session, actor, case_id, audit_view=False)
    unknown = set(changes) - set(_AUDITED)
    if unknown:
        raise Invalid(f"cannot change {', '.join(sorted(unknown))}")
    changes = _validated(session, case, changes)
    _check_allowed(actor, case, changes)
    before = audit.snapshot(case, tuple(changes))
    for name, value in changes.items():
        setattr(case, name, value)
    case.updated_at = utcnow()
    session.flush()
    audit.record(session, actor, "case.updated", case, before=before,
                 after=audit.snapshot(case, tuple(changes)))
    events.emit(session, events.CASE_UPDATED, case_id=case.id, client_id=case.client_id)
    return case


def _validated(session: Session, case: Case, changes: dict) -> dict:
    """The changes checked and normalised (flags de-duplicated); Invalid for a bad value."""
    changes = dict(changes)
    if "status" in changes and changes["status"] not in CASE_STATUSES:
        raise Invalid(f"status must be one of {', '.join(CASE_STATUSES)}")
    if "priority" in changes and changes["priority"] not in PRIORITIES:
        raise Invalid(f"priority must be one of {', '.join(PRIORITIES)}")
    if "summary" in changes and not isinstance(changes["summary"], str):
        raise Invalid("summary cannot be null" if changes["summary"] is None
                      else "summary must be text")
    if "sensitive" in changes and not isinstance(changes["sensitive"], bool):
        raise Invalid("sensitive must be true or false")
    if "flags" in changes:
        changes["flags"] = _valid_flags(changes["flags"])
    if "labels" in changes:
        changes["labels"] = _valid_labels(changes["labels"])
    if "follow_up_on" in changes and changes["follow_up_on"] is not None and not isinstance(
            changes["follow_up_on"], date):
        raise Invalid("follow_up_on must be a date (YYYY-MM-DD) or null")
    if changes.get("owner_id") is not None:
        owner = _row(session, User, changes["owner_id"])
        # One message for "no such user" and "another client's user": ids reveal nothing.
        if owner is None or not owner.active or case.client_id not in owner.client_ids:
            raise Invalid("owner_id: no such active user in this client")
    if changes.get("team_id") is not None and _row(session, Team, changes["team_id"]) is None:
        raise Invalid("team_id: no such team")
    return changes


def _row(session: Session, model, row_id):
    """The row with this id, or None (ids no row can have are not looked up)."""
    if isinstance(row_id, bool) or not isinstance(row_id, int) or not 0 < row_id <= _MAX_ID:
        return None
    return session.get(model, row_id)


def _valid_flags(flags) -> list[str]:
    """The flags without duplicates, in their order; Invalid unless each is a short token."""
    if flags is None:
        raise Invalid("flags cannot be null (send [] for none)")
    if not isinstance(flags, list):
        raise Invalid("flags must be a list")
    for i, flag in enumerate(flags):
        # The flag itself stays out of the message: it may be markup a page would render.
        if not isinstance(flag, str) or not _FLAG.fullmatch(flag):
            raise Invalid(f"flags[{i}] must be 1-40 lowercase letters, digits, '_' or '-'")
    return list(dict.fromkeys(flags))


def _valid_labels(labels) -> list[str]:
    """Labels trimmed, without duplicates (ignoring case), in their order; Invalid otherwise."""
    if labels is None:
        raise Invalid("labels cannot be null (send [] for none)")
    if not isinstance(labels, list) or len(labels) > MAX_LABELS:
        raise Invalid(f"labels must be a list of at most {MAX_LABELS}")
    out: dict[str, str] = {}
    for i, label in enumerate(labels):
        text = " ".join(label.split()) if isinstance(label, str) else ""
        if not text or len(text) > MAX_LABEL:
            raise Invalid(f"labels[{i}] must be text of 1-{MAX_LABEL} characters")
        out.setdefault(text.casefold(), text)
    return list(out.values())


def _check_allowed(actor: User, case: Case, changes: dict) -> None:
    """Forbidden unless the actor may make every change (some need a supervisor)."""
    if actor.has_role("supervisor"):
        return
    refused = []
    if "flags" in changes and set(changes["flags"]) != set(case.flags or []):
        refused.append("flags")
    if "owner_id" in changes and changes["owner_id"] != case.owner_id:
        # An agent may take an unowned case or hand back their own, not move anyone's work.
        taking = case.owner_id is None and changes["owner_id"] == actor.id
        releasing = case.owner_id == actor.id and changes["owner_id"] is None
        if not (taking or releasing):
            refused.append("owner_id (an agent may only take an unowned case or release "
                           "their own)")
    if "team_id" in changes and changes["team_id"] != case.team_id:
        refused.append("team_id")
    # Marking a case sensitive only adds auditing; clearing it stops views being audited.
    if case.sensitive and changes.get("sensitive") is False:
        refused.append("sensitive")
    if refused:
        raise Forbidden(f"only a supervisor may change {', '.join(refused)}")


def for_customer(session: Session, customer_id: int) -> Case:
    """The case of a customer id."""
    return session.scalars(select(Case).where(Case.customer_id == customer_id)).one()
