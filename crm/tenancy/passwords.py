"""Password resets: a short-lived, single-use link by email, and setting the new password."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from crm.core import audit
from crm.core.errors import DomainError, Invalid
from crm.customers.identity import normalise_email
from crm.models import PasswordReset, User, utcnow
from crm.tenancy import sign_ins, users

LIFETIME = timedelta(minutes=30)


class ResetRefused(DomainError):
    """A reset link that is unknown, used already or expired."""

    code = "reset_refused"
    status = 400


def request_reset(session: Session, email: str, now: datetime | None = None
                  ) -> PasswordReset | None:
    """A reset for the active account with this email, if there is one (the caller answers
    the same either way, so nobody learns which addresses have accounts)."""
    try:
        email = normalise_email(email)
    except Invalid:
        return None
    user = session.scalars(select(User).where(User.email == email)).first()
    if user is None or not user.active:
        return None
    now = now or utcnow()
    reset = PasswordReset(user_id=user.id, created_at=now, expires_at=now + LIFETIME)
    session.add(reset)
    session.flush()
    audit.record(session, None, "password.reset_requested", user)
    return reset


def usable(session: Session, reset_id: int, now: datetime | None = None) -> PasswordReset:
    """The reset behind a genuine link when it may still be used, else ResetRefused."""
    reset = session.get(PasswordReset, reset_id)
    now = now or utcnow()
    if reset is None or not reset.user.active:
        raise ResetRefused("This reset link is not valid. Ask for a new one.")
    if reset.used_at is not None:
        raise ResetRefused("This reset link was used already. Ask for a new one.")
    if now >= reset.expires_at:
        raise ResetRefused("This reset link has expired. Ask for a new one.")
    return reset


def reset_password(session: Session, reset_id: int, password: str,
                   now: datetime | None = None) -> User:
    """Set a new password through a reset link: the link and every other open one of the
    user stop working, and every sign-in of theirs ends (a thief's included)."""
    now = now or utcnow()
    reset = usable(session, reset_id, now)
    user = reset.user
    password_hash = users.hash_password(password)  # a weak password leaves the link usable
    # Claimed in one conditional UPDATE: of two requests racing with one link, one wins.
    claimed = session.execute(update(PasswordReset).where(
        PasswordReset.id == reset.id, PasswordReset.used_at.is_(None)).values(used_at=now))
    if claimed.rowcount != 1:
        raise ResetRefused("This reset link was used already. Ask for a new one.")
    user.password_hash = password_hash
    # Every link of the user dies, not just this one: any of them could be in a stolen inbox.
    for other in session.scalars(select(PasswordReset).where(
            PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))):
        other.used_at = now
    audit.record(session, user, "password.reset", user)
    sign_ins.end_all(session, user, user, "password_reset")
    return user
