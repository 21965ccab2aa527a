"""Canned replies: shared and personal snippets whose `{{customer.first_name}}` fields are filled
from the case, as plain text (no template engine runs on staff-written text)."""

from __future__ import annotations

import re

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from crm.cases import records as cases
from crm.core import audit
from crm.core.errors import Forbidden, Invalid, NotFound
from crm.models import CannedReply, Case, User
from crm.tenancy import access

MAX_TITLE = 120
MAX_BODY = 4000
FIELD = re.compile(r"\{\{\s*([a-z_]+)\.([a-z_]+)\s*\}\}")


def fields_of(case: Case, actor: User) -> dict[str, str]:
    """The values a case gives the fields of canned replies and templates."""
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


def _scope(actor: User, shared: str) -> dict:
    # "personal": the actor's own; "team": their team's (members use and edit it);
    # "client": everyone working for the client (supervisors only).
    if shared == "personal":
        return {"owner_id": actor.id, "team_id": None}
    if shared == "team":
        if actor.team_id is None:
            raise Invalid("you are in no team, so a reply cannot be shared with one")
        return {"owner_id": None, "team_id": actor.team_id}
    if shared == "client":
        access.require_role(actor, "supervisor")
        return {"owner_id": None, "team_id": None}
    raise Invalid("scope: personal, team or client")


def create(session: Session, actor: User, client_id: int, title: str, body: str, *,
           shared: bool = False, scope: str | None = None,
           line_of_work: str | None = None) -> CannedReply:
    """A personal reply, one for the actor's team, or the client's (supervisors only)."""
    if client_id not in access.client_ids(actor):
        raise NotFound("client not found")
    scope = scope or ("client" if shared else "personal")
    owner = _scope(actor, scope)
    title, body = check(title, body)
    reply = CannedReply(client_id=client_id, title=title, body=body, created_by_id=actor.id,
                        line_of_work=_line(line_of_work), **owner)
    session.add(reply)
    session.flush()
    audit.record(session, actor, "canned_reply.created", reply,
                 after={"title": title, "scope": scope, "line_of_work": reply.line_of_work})
    return reply


def _line(line_of_work: str | None) -> str | None:
    text = (line_of_work or "").strip().lower()
    if len(text) > 32:
        raise Invalid("line_of_work: at most 32 characters")
    return text or None


def scope_of(reply: CannedReply) -> str:
    """Who shares a reply: personal, team or client."""
    if reply.owner_id is not None:
        return "personal"
    return "team" if reply.team_id is not None else "client"


def _mine(reply: CannedReply, actor: User) -> bool:
    return (reply.owner_id is None and reply.team_id is None) or reply.owner_id == actor.id \
        or (reply.owner_id is None and reply.team_id is not None
            and reply.team_id == actor.team_id)


def visible(session: Session, actor: User, *, client_id: int | None = None,
            line_of_work: str | None = None) -> list[CannedReply]:
    """The client-wide replies of the actor's clients, their team's and their own (those
    for one client and line of work, when given: a reply for no line fits every line)."""
    mine = or_(CannedReply.owner_id == actor.id,
               and_(CannedReply.owner_id.is_(None), CannedReply.team_id.is_(None)))
    if actor.team_id is not None:
        mine = or_(mine, and_(CannedReply.owner_id.is_(None),
                              CannedReply.team_id == actor.team_id))
    stmt = access.scope(select(CannedReply), actor, CannedReply.client_id).where(mine)
    if client_id is not None:
        stmt = stmt.where(CannedReply.client_id == client_id)
    if line_of_work is not None:
        stmt = stmt.where(or_(CannedReply.line_of_work.is_(None),
                              CannedReply.line_of_work == line_of_work))
    return list(session.scalars(stmt.order_by(CannedReply.title, CannedReply.id).limit(500)))


def get(session: Session, actor: User, reply_id: int) -> CannedReply:
    """One reply the actor may use."""
    reply = access.ensure_visible(actor, session.get(CannedReply, reply_id), "canned reply")
    if not _mine(reply, actor):
        raise NotFound("canned reply not found")
    return reply


def _may_change(reply: CannedReply, actor: User) -> None:
    if scope_of(reply) == "client" and not actor.has_role("supervisor"):
        raise Forbidden("only a supervisor can change a reply shared with the whole client")


def update(session: Session, actor: User, reply_id: int, *, title: str | None = None,
           body: str | None = None, line_of_work: str | None = None,
           clear_line: bool = False) -> CannedReply:
    """Edit a reply: its owner, its team's members, or a supervisor for client-wide ones."""
    reply = get(session, actor, reply_id)
    _may_change(reply, actor)
    before = {"title": reply.title, "body": reply.body, "line_of_work": reply.line_of_work}
    reply.title, reply.body = check(title if title is not None else reply.title,
                                     body if body is not None else reply.body)
    if line_of_work is not None or clear_line:
        reply.line_of_work = _line(line_of_work)
    session.flush()
    audit.record(session, actor, "canned_reply.updated", reply, before=before,
                 after={"title": reply.title, "body": reply.body,
                        "line_of_work": reply.line_of_work})
    return reply


def delete(session: Session, actor: User, reply_id: int) -> None:
    """Remove a reply: its owner, its team's members, or a supervisor for client-wide ones."""
    reply = get(session, actor, reply_id)
    _may_change(reply, actor)
    audit.record(session, actor, "canned_reply.deleted", reply, before={"title": reply.title})
    session.delete(reply)


def render(session: Session, actor: User, reply_id: int, case_id: int) -> str:
    """The reply's text with its fields filled in from the case (plain text, never markup)."""
    reply = get(session, actor, reply_id)
    case = cases.get(session, actor, case_id, audit_view=False)
    if case.client_id != reply.client_id:
        raise NotFound("canned reply not found")
    values = fields_of(case, actor)
    return FIELD.sub(lambda m: values.get(f"{m.group(1)}.{m.group(2)}", ""), reply.body)
