"""Canned replies: shared and personal snippets whose `{{customer.first_name}}` fields are filled
from the case, as plain text (no template engine runs on staff-written text)."""

from __future__ import annotations

import re

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from crm.cases import records as cases
from crm.core import audit
from crm.core.errors import Forbidden, Invalid, NotFound
from crm.models import CannedReply, Case, User
from crm.tenancy import access

MAX_TITLE = 120
MAX_BODY = 4000
FIELD = re.compile(r"\{\{\s*([a-z_]+)\.([a-z_]+)\s*\}\}")


def _fields(case: Case, actor: User) -> dict[str, str]:
    name = (case.customer.display_name or "").strip()
    first = name.split()[0] if name and not name.startswith(("+", "whatsapp:")) else ""
    return {
        "customer.first_name": first,
        "customer.name": name,
        "case.reference": case.reference,
        "agent.name": actor.name,
        "agent.first_name": actor.name.split()[0] if actor.name else "",
    }


FIELDS = ("customer.first_name", "customer.name", "case.reference", "agent.name",
          "agent.first_name")


def check(title: str, body: str) -> tuple[str, str]:
    """A reply's title and body trimmed, or Invalid saying what is wrong with them."""
    title, body = (title or "").strip(), (body or "").strip()
    if not title or not body:
        raise Invalid("a canned reply needs a title and a body")
    if len(title) > MAX_TITLE or len(body) > MAX_BODY:
        raise Invalid(f"title at most {MAX_TITLE} and body at most {MAX_BODY} characters")
    unknown = sorted({f"{a}.{b}" for a, b in FIELD.findall(body)} - set(FIELDS))
    if unknown:
        raise Invalid(f"unknown field {', '.join(unknown)}; use one of {', '.join(FIELDS)}")
    return title, body


def create(session: Session, actor: User, client_id: int, title: str, body: str, *,
           shared: bool = False) -> CannedReply:
    """A personal reply, or a shared one (supervisors and admins only)."""
    if client_id not in access.client_ids(actor):
        raise NotFound("client not found")
    if shared:
        access.require_role(actor, "supervisor")
    title, body = check(title, body)
    reply = CannedReply(client_id=client_id, owner_id=None if shared else actor.id,
                        title=title, body=body, created_by_id=actor.id)
    session.add(reply)
    session.flush()
    audit.record(session, actor, "canned_reply.created", reply,
                 after={"title": title, "shared": shared})
    return reply


def visible(session: Session, actor: User) -> list[CannedReply]:
    """The shared replies of the actor's clients and the actor's own."""
    stmt = access.scope(select(CannedReply), actor, CannedReply.client_id).where(
        or_(CannedReply.owner_id.is_(None), CannedReply.owner_id == actor.id)
    ).order_by(CannedReply.title, CannedReply.id).limit(500)
    return list(session.scalars(stmt))


def get(session: Session, actor: User, reply_id: int) -> CannedReply:
    """One reply the actor may use."""
    reply = access.ensure_visible(actor, session.get(CannedReply, reply_id), "canned reply")
    if reply.owner_id not in (None, actor.id):
        raise NotFound("canned reply not found")
    return reply


def delete(session: Session, actor: User, reply_id: int) -> None:
    """Remove a reply: its owner, or a supervisor for shared ones."""
    reply = get(session, actor, reply_id)
    if reply.owner_id is None and not actor.has_role("supervisor"):
        raise Forbidden("only a supervisor can delete a shared canned reply")
    audit.record(session, actor, "canned_reply.deleted", reply, before={"title": reply.title})
    session.delete(reply)


def render(session: Session, actor: User, reply_id: int, case_id: int) -> str:
    """The reply's text with its fields filled in from the case (plain text, never markup)."""
    reply = get(session, actor, reply_id)
    case = cases.get(session, actor, case_id, audit_view=False)
    if case.client_id != reply.client_id:
        raise NotFound("canned reply not found")
    values = _fields(case, actor)
    return FIELD.sub(lambda m: values.get(f"{m.group(1)}.{m.group(2)}", ""), reply.body)
