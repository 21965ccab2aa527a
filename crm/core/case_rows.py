"""Reading a case, or a row kept on one (a claim, a debt account), as its actor may see it.

Tenancy is checked through the case, so a row on another client's case is NotFound, named as
the row ("claim not found"), never revealing that it exists.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from crm.core import audit
from crm.core.db import MAX_ID
from crm.core.errors import NotFound
from crm.models import Case, User
from crm.tenancy import access


def case(session: Session, actor: User, case_id: int, *, audit_view: bool = True) -> Case:
    """A case the actor may see; viewing a sensitive (fraud) case is audited."""
    found = access.ensure_visible(actor, session.get(Case, case_id), "case")
    if audit_view and found.sensitive:
        audit.record(session, actor, "case.viewed", found)
    return found


def get(session: Session, actor: User, model, row_id, what: str, *, lock: bool = False,
        audit_view: bool = False):
    """The model's row by id, on a case the actor may see, else NotFound; lock: to change it."""
    valid = isinstance(row_id, int) and not isinstance(row_id, bool) and 0 < row_id <= MAX_ID
    row = session.get(model, row_id, with_for_update=lock) if valid else None
    if row is None:
        raise NotFound(f"{what} not found")
    try:
        case(session, actor, row.case_id, audit_view=audit_view)
    except NotFound:
        raise NotFound(f"{what} not found") from None
    return row
