"""Server-side sign-ins: one row per signed-in browser, listed and revocable by its user."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.core import audit, events
from crm.core.errors import NotFound
from crm.models import SignIn, User, utcnow

# last_seen_at is written at most this often: not one UPDATE per page and API call.
SEEN_EVERY = timedelta(minutes=1)
LISTED = 100


def digest(raw: str) -> str:
    """The SHA-256 of a sign-in key (the cookie holds the key, the database its digest)."""
    return hashlib.sha256(raw.encode()).hexdigest()


def start(session: Session, user: User, *, method: str = "password", user_agent: str = "",
          ip: str = "") -> str:
    """Record a new sign-in of the user; its raw key (for the cookie) is returned once."""
    raw = secrets.token_urlsafe(24)
    row = SignIn(user_id=user.id, key_hash=digest(raw), method=method,
                 user_agent=(user_agent or "")[:300], ip=(ip or "")[:64])
    session.add(row)
    session.flush()
    audit.record(session, user, "sign_in.started", row, object_type="sign_in",
                 after={"method": method, "ip": row.ip})
    return raw


def live(session: Session, raw: str | None, user_id: int, now: datetime | None = None
         ) -> SignIn | None:
    """The sign-in behind this key when it is still live and the user's; seen now."""
    if not raw or len(raw) > 100:
        return None
    row = session.scalars(select(SignIn).where(SignIn.key_hash == digest(raw))).first()
    if row is None or row.ended_at is not None or row.user_id != user_id:
        return None
    now = now or utcnow()
    if now - row.last_seen_at >= SEEN_EVERY:
        row.last_seen_at = now
    return row


def listing(session: Session, user: User) -> list[SignIn]:
    """The user's live sign-ins, most recently seen first."""
    return list(session.scalars(
        select(SignIn).where(SignIn.user_id == user.id, SignIn.ended_at.is_(None))
        .order_by(SignIn.last_seen_at.desc(), SignIn.id.desc()).limit(LISTED)))


def get(session: Session, user: User, sign_in_id: int) -> SignIn:
    """One live sign-in of the user, or NotFound."""
    row = session.get(SignIn, sign_in_id)
    if row is None or row.user_id != user.id or row.ended_at is not None:
        raise NotFound("sign-in not found")
    return row


def end(session: Session, row: SignIn, actor: User | None, reason: str = "revoked") -> None:
    """End one sign-in: its cookie stops working and its sockets close, on every process."""
    if row.ended_at is not None:
        return
    row.ended_at, row.ended_reason = utcnow(), reason
    audit.record(session, actor, f"sign_in.{reason}", row, object_type="sign_in",
                 after={"user_id": row.user_id})
    events.emit(session, events.ACCESS_ENDED, user_id=row.user_id)


def end_by_key(session: Session, raw: str | None, actor: User | None,
               reason: str = "signed_out") -> None:
    """End the sign-in of this cookie key (signing out)."""
    if raw and len(raw) <= 100:
        row = session.scalars(select(SignIn).where(SignIn.key_hash == digest(raw))).first()
        if row is not None:
            end(session, row, actor, reason)


def end_all(session: Session, user: User, actor: User | None, reason: str,
            keep: int | None = None) -> int:
    """End every live sign-in of the user but `keep`; how many."""
    rows = [r for r in session.scalars(select(SignIn).where(
        SignIn.user_id == user.id, SignIn.ended_at.is_(None))) if r.id != keep]
    for row in rows:
        end(session, row, actor, reason)
    return len(rows)


def live_digests(session: Session, digests: set[str]) -> set[str]:
    """Of these key digests, the ones whose sign-in is still live."""
    if not digests:
        return set()
    return set(session.scalars(select(SignIn.key_hash).where(
        SignIn.key_hash.in_(digests), SignIn.ended_at.is_(None))))
