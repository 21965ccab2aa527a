"""Disposition (wrap-up) codes per client and line of work, as the call wrap-up reads them
(crm.voice.callwork.dispositions): a line with codes of its own offers only those."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.admin import scope
from crm.admin.checks import Problems, conflict, text
from crm.admin.resource import Resource
from crm.models import DispositionCode, User
from crm.routing import router

CODE = re.compile(r"^[a-z0-9_]{1,64}$")


RESOURCE = Resource(DispositionCode, "disposition code", "disposition", "disposition_code",
                    shown=lambda row: _shown(row), created="added",
                    order_by=(DispositionCode.client_id, DispositionCode.line_of_work,
                              DispositionCode.id))
listing = RESOURCE.listing
get = RESOURCE.get


def create(session: Session, actor: User, fields: dict) -> DispositionCode:
    """A new code for a client's line of work (admins: or every client's); audited."""
    client_id = scope.owning_client(session, actor, fields.get("client_id"))
    problems = Problems()
    code = str(fields.get("code") or "").strip().lower()
    if not CODE.match(code):
        problems.add("code", "Use lower-case letters, digits and underscores.")
    label = text(problems, "label", fields.get("label"), at_most=120)
    line = str(fields.get("line_of_work") or "").strip()
    lines = (router.LINES if client_id is None
             else router.queue_names(session, client_id))
    if line not in lines:
        problems.add("line_of_work", f"Choose one of: {', '.join(lines)}.")
    problems.raise_any()
    same_client = (DispositionCode.client_id.is_(None) if client_id is None
                   else DispositionCode.client_id == client_id)
    if session.scalar(select(DispositionCode.id).where(
            same_client, DispositionCode.line_of_work == line, DispositionCode.code == code)):
        raise conflict("code", f"{code} already exists for {line}.")
    return RESOURCE.add(session, actor, DispositionCode(
        client_id=client_id, line_of_work=line, code=code, label=label))


def update(session: Session, actor: User, code_id: int, fields: dict) -> DispositionCode:
    """Change a code's label, or take it off the list (active false); audited."""
    row = get(session, actor, code_id)
    problems = Problems()
    values = {}
    if "label" in fields:
        values["label"] = text(problems, "label", fields["label"], at_most=120)
    if "active" in fields:
        values["active"] = bool(fields["active"])
    problems.raise_any()
    return RESOURCE.change(session, actor, row, values)


def delete(session: Session, actor: User, code_id: int) -> None:
    """Remove a code (calls wrapped up with it keep it); audited."""
    RESOURCE.remove(session, actor, get(session, actor, code_id))


def _shown(row: DispositionCode) -> dict:
    return {"client_id": row.client_id, "line_of_work": row.line_of_work, "code": row.code,
            "label": row.label, "active": row.active}
