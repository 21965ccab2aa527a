"""A client's shared canned replies (the ones every agent of the client can use)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.admin import scope
from crm.admin.checks import Problems, conflict
from crm.core import audit
from crm.core.errors import Invalid
from crm.messaging import canned
from crm.models import CannedReply, User


def listing(session: Session, actor: User, client_id: int | None = None) -> list[CannedReply]:
    """The shared replies of the clients the actor administers, by title."""
    stmt = select(CannedReply).where(CannedReply.owner_id.is_(None),
                                     CannedReply.team_id.is_(None)).order_by(
        CannedReply.client_id, CannedReply.title, CannedReply.id)
    if client_id is not None:
        stmt = stmt.where(CannedReply.client_id == scope.client(session, actor, client_id).id)
    return list(session.scalars(scope.restrict(stmt, actor, CannedReply.client_id)))


def get(session: Session, actor: User, reply_id: int) -> CannedReply:
    """One shared reply the actor administers."""
    reply = session.get(CannedReply, reply_id)
    if reply is not None and (reply.owner_id is not None or reply.team_id is not None):
        reply = None  # someone's personal reply is theirs alone, a team's is the team's
    return scope.visible(actor, reply, "canned reply")


def _checked(title, body) -> tuple[str, str]:
    problems = Problems()
    title_text, body_text = str(title or "").strip(), str(body or "").strip()
    if not title_text:
        problems.add("title", "Required.")
    if not body_text:
        problems.add("body", "Required.")
    problems.raise_any()
    try:
        return canned.check(title_text, body_text)
    except Invalid as exc:
        field = "title" if len(title_text) > canned.MAX_TITLE else "body"
        raise Invalid(exc.message, fields={field: exc.message}) from None


def _taken(session: Session, client_id: int, title: str, but: int | None = None) -> None:
    stmt = select(CannedReply.id).where(CannedReply.client_id == client_id,
                                        CannedReply.owner_id.is_(None),
                                        CannedReply.team_id.is_(None),
                                        CannedReply.title == title)
    if but is not None:
        stmt = stmt.where(CannedReply.id != but)
    if session.scalar(stmt):
        raise conflict("title", f"There is already a shared reply called {title}.")


def create(session: Session, actor: User, fields: dict) -> CannedReply:
    """A new shared reply for a client; audited."""
    client = scope.client(session, actor, fields.get("client_id"))
    title, body = _checked(fields.get("title"), fields.get("body"))
    _taken(session, client.id, title)
    reply = CannedReply(client_id=client.id, owner_id=None, title=title, body=body,
                        created_by_id=actor.id)
    session.add(reply)
    session.flush()
    audit.record(session, actor, "canned_reply.created", reply,
                 after={"title": title, "shared": True})
    return reply


def update(session: Session, actor: User, reply_id: int, fields: dict) -> CannedReply:
    """Change a shared reply's title or text; audited."""
    reply = get(session, actor, reply_id)
    title, body = _checked(fields.get("title", reply.title), fields.get("body", reply.body))
    _taken(session, reply.client_id, title, but=reply.id)
    before = {"title": reply.title, "body": reply.body}
    reply.title, reply.body = title, body
    session.flush()
    audit.record(session, actor, "canned_reply.changed", reply, before=before,
                 after={"title": title, "body": body})
    return reply


def delete(session: Session, actor: User, reply_id: int) -> None:
    """Remove a shared reply; audited."""
    reply = get(session, actor, reply_id)
    audit.record(session, actor, "canned_reply.deleted", reply, before={"title": reply.title})
    session.delete(reply)
    session.flush()
