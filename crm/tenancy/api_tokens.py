"""A user's API tokens on screen: listed with their last use, revoked one at a time."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.core import audit, events
from crm.core.errors import NotFound
from crm.models import ApiToken, User, utcnow

LISTED = 200


def listing(session: Session, user: User) -> list[ApiToken]:
    """The user's live tokens, newest first."""
    return list(session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .order_by(ApiToken.id.desc()).limit(LISTED)))


def revoke(session: Session, user: User, token_id: int, actor: User) -> ApiToken:
    """Revoke one live token of the user: the API refuses it and its sockets close at once."""
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id or token.revoked_at is not None:
        raise NotFound("token not found")
    token.revoked_at = utcnow()
    audit.record(session, actor, "api_token.revoked", user,
                 after={"token_id": token.id, "label": token.label})
    events.emit(session, events.ACCESS_ENDED, user_id=user.id)
    return token
