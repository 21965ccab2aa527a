"""Asking for a case file, following it, and downloading it: the fraud team's, audited."""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from crm.cases import records as cases
from crm.core import audit, events
from crm.core.errors import Conflict, Forbidden, Invalid
from crm.core.files import safe_filename
from crm.fraud.visibility import SEE_DETAILS, may_see
from crm.models import Case, CaseExport, Investigation, User
from crm.models.exports import FORMATS
from crm.tenancy import access


def permitted(session: Session, actor: User, case: Case) -> bool:
    """True when the actor may see the case's investigation details, which the file holds."""
    if may_see(actor):
        return True
    # The investigator an investigation of this case is assigned to sees it too.
    return bool(session.scalar(select(exists().where(
        Investigation.case_id == case.id, Investigation.assigned_to_id == actor.id))))


def _require(session: Session, actor: User, case: Case) -> None:
    if not permitted(session, actor, case):
        raise Forbidden(f"a case file holds investigation details: this needs the role "
                        f"{' or '.join(SEE_DETAILS)}")


def start(session: Session, actor: User, case_id: int, fmt: str) -> CaseExport:
    """Queue a case file of the case (the caller commits, then runs the task); audited."""
    if fmt not in FORMATS:
        raise Invalid(f"format must be one of {', '.join(FORMATS)}")
    case = cases.get(session, actor, case_id)
    _require(session, actor, case)
    item = CaseExport(client_id=case.client_id, case_id=case.id, format=fmt,
                      filename=safe_filename(f"case-file-{case.reference}.{fmt}"),
                      requested_by_id=actor.id)
    session.add(item)
    session.flush()
    audit.record(session, actor, "export.requested", item,
                 after={"case_id": case.id, "format": fmt})
    announce(session, item)
    return item


def get(session: Session, actor: User, export_id: int) -> CaseExport:
    """An export the actor may follow: of their clients, and of a case whose details they see."""
    item = access.ensure_visible(actor, session.get(CaseExport, export_id), "export")
    case = cases.get(session, actor, item.case_id, audit_view=False)
    _require(session, actor, case)
    return item


def download(session: Session, actor: User, export_id: int) -> CaseExport:
    """A finished export to hand over: each download is on the audit trail."""
    item = get(session, actor, export_id)
    if item.status != "done" or not item.storage_key:
        raise Conflict("the case file is not ready yet" if item.status in ("queued", "running")
                       else "this export has no file: it failed; ask for a new one")
    audit.record(session, actor, "export.downloaded", item,
                 after={"case_id": item.case_id, "format": item.format,
                        "sha256": item.sha256, "size": item.size})
    return item


def progress(item: CaseExport) -> dict:
    """The export's state as the API and the live event show it."""
    return {"id": item.id, "case_id": item.case_id, "format": item.format,
            "status": item.status, "progress": item.progress, "error": item.error}


def announce(session: Session, item: CaseExport) -> None:
    """Tell whoever asked for it how far it has got (after the commit)."""
    events.emit(session, events.EXPORT_PROGRESS, export_id=item.id, case_id=item.case_id,
                client_id=item.client_id, user_id=item.requested_by_id, progress=progress(item))
