"""Staff accounts: argon2 passwords, lockout after repeated failures, hashed API tokens."""

from __future__ import annotations

import contextlib
import hashlib
import secrets
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm import audit, events
from crm.errors import Conflict, DomainError, Invalid, NotFound
from crm.identity import normalise_email
from crm.models import ROLES, ApiToken, Client, User, utcnow

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)

_hasher = PasswordHasher()


class SignInRefused(DomainError):
    """Wrong email or password, or a locked or disabled account."""

    code = "sign_in_refused"
    status = 401


def configure_hasher(*, time_cost: int = 3, memory_cost: int = 65536, parallelism: int = 4):
    """Set argon2 cost (tests lower it; production keeps argon2-cffi's defaults)."""
    global _hasher
    _hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)


def hash_password(password: str) -> str:
    """An argon2id hash of the password."""
    if len(password or "") < 8:
        raise Invalid("password must have at least 8 characters")
    return _hasher.hash(password)


def create_user(
    session: Session,
    email: str,
    name: str,
    roles: list[str],
    password: str | None = None,
    clients: list[Client] | None = None,
    actor: User | None = None,
) -> User:
    """Create a staff user with roles and client access."""
    email = normalise_email(email)
    unknown = [r for r in roles if r not in ROLES]
    if unknown or not roles:
        raise Invalid(f"roles must be some of {', '.join(ROLES)}; got {', '.join(roles) or 'none'}")
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict(f"a user with email {email} already exists")
    user = User(
        email=email,
        name=name.strip() or email,
        roles=list(dict.fromkeys(roles)),
        password_hash=hash_password(password) if password else None,
        clients=list(clients or []),
    )
    session.add(user)
    session.flush()
    audit.record(session, actor, "user.created", user, after={"email": email, "roles": user.roles})
    return user


def authenticate(session: Session, email: str, password: str, now: datetime | None = None) -> User:
    """The user for these credentials, or SignInRefused with a message fit to show."""
    now = now or utcnow()
    try:
        email = normalise_email(email)
    except Invalid:
        raise SignInRefused("Wrong email or password.") from None
    user = session.scalars(select(User).where(User.email == email).with_for_update()).first()
    if user is None or not user.active or not user.password_hash:
        _hasher_dummy_verify(password)
        raise SignInRefused("Wrong email or password.")
    if user.locked_until and user.locked_until > now:
        minutes = max(1, int((user.locked_until - now).total_seconds() // 60) + 1)
        raise SignInRefused(
            f"This account is locked after too many failed sign-ins. Try again in {minutes} "
            "minutes or ask an administrator to unlock it.",
            code="locked",
        )
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILED_LOGINS:
            user.locked_until = now + LOCKOUT
            user.failed_logins = 0
            audit.record(session, None, "user.locked", user, after={"until": now.isoformat()})
            raise SignInRefused(
                "Too many failed sign-ins: this account is locked for "
                f"{int(LOCKOUT.total_seconds() // 60)} minutes.",
                code="locked",
            ) from None
        raise SignInRefused("Wrong email or password.") from None
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    audit.record(session, user, "user.signed_in", user)
    return user


def _hasher_dummy_verify(password: str) -> None:
    # Spend the same time on unknown emails as on known ones, so timing reveals nothing.
    with contextlib.suppress(VerificationError, InvalidHashError):
        _hasher.verify(_DUMMY_HASH, password)


_DUMMY_HASH = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash("not-a-password")


def token_digest(raw: str) -> str:
    # Tokens are 256 random bits, so a fast hash is enough; argon2 is for human passwords.
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(session: Session, user: User, label: str = "", actor: User | None = None) -> str:
    """A new API token for the user; the raw value is returned once and never stored."""
    raw = "cl_" + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, token_hash=token_digest(raw), label=label))
    audit.record(session, actor, "api_token.issued", user, after={"label": label})
    return raw


def user_for_token(session: Session, raw: str | None) -> User | None:
    """The active user owning this token, or None."""
    if not raw or len(raw) > 200:
        return None
    token = session.scalars(
        select(ApiToken).where(
            ApiToken.token_hash == token_digest(raw), ApiToken.revoked_at.is_(None)
        )
    ).first()
    if token is None or not token.user.active:
        return None
    return token.user


def get_by_email(session: Session, email: str) -> User:
    """The user with this email, or NotFound."""
    user = session.scalars(select(User).where(User.email == normalise_email(email))).first()
    if user is None:
        raise NotFound(f"no user with email {email}")
    return user


def count(session: Session) -> int:
    """How many users exist."""
    return session.scalar(select(func.count(User.id))) or 0


def deactivate(session: Session, user: User, actor: User | None = None) -> None:
    """End a user's access: no sign-in, no token, and their open sockets close."""
    if user.active:
        user.active = False
        audit.record(session, actor, "user.deactivated", user)
        events.emit(session, events.ACCESS_ENDED, user_id=user.id)


def revoke_tokens(session: Session, user: User, actor: User | None = None) -> int:
    """Revoke every live API token of the user (their sockets opened with one close); how many."""
    live = session.scalars(select(ApiToken).where(ApiToken.user_id == user.id,
                                                  ApiToken.revoked_at.is_(None))).all()
    now = utcnow()
    for token in live:
        token.revoked_at = now
    if live:
        audit.record(session, actor, "api_token.revoked", user, after={"count": len(live)})
        events.emit(session, events.ACCESS_ENDED, user_id=user.id)
    return len(live)


def still_allowed(session: Session, user_ids: set[int],
                  digests: set[str]) -> tuple[set[int], set[str]]:
    """Of these users and token digests, the ones that still grant access."""
    active = set(session.scalars(select(User.id).where(User.id.in_(user_ids), User.active))
                 ) if user_ids else set()
    live = set(session.scalars(select(ApiToken.token_hash).where(
        ApiToken.token_hash.in_(digests), ApiToken.revoked_at.is_(None)))) if digests else set()
    return active, live
