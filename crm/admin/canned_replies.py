"""A client's shared canned replies (the ones every agent of the client can use)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.admin import scope
from crm.admin.checks import Problems, conflict
from crm.admin.resource import Resource
from crm.core.errors import Invalid
from crm.messaging import canned
from crm.models import CannedReply, User


def _shared(reply: CannedReply) -> bool:
    # Someone's personal reply is theirs alone, a team's is the team's.
    return reply.owner_id is None and reply.team_id is None


RESOURCE = Resource(CannedReply, "canned reply", "canned_reply", "canned_reply",
                    shown=lambda reply: {"title": reply.title, "body": reply.body},
                    where=(CannedReply.owner_id.is_(None), CannedReply.team_id.is_(None)),
                    mine=_shared,
                    order_by=(CannedReply.client_id, CannedReply.title, CannedReply.id))
listing = RESOURCE.listing
get = RESOURCE.get


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
    return RESOURCE.add(session, actor, CannedReply(
        client_id=client.id, owner_id=None, title=title, body=body, created_by_id=actor.id),
        after={"title": title, "shared": True})


def update(session: Session, actor: User, reply_id: int, fields: dict) -> CannedReply:
    """Change a shared reply's title or text; audited."""
    reply = get(session, actor, reply_id)
    title, body = _checked(fields.get("title", reply.title), fields.get("body", reply.body))
    _taken(session, reply.client_id, title, but=reply.id)
    return RESOURCE.change(session, actor, reply, {"title": title, "body": body})


def delete(session: Session, actor: User, reply_id: int) -> None:
    """Remove a shared reply; audited."""
    RESOURCE.remove(session, actor, get(session, actor, reply_id))
