"""Staff accounts: argon2 passwords, hashed API tokens (sign-in throttling is the console's)."""

from __future__ import annotations

import contextlib
import hashlib
import secrets
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm.core import audit, events
from crm.core.errors import Conflict, DomainError, Invalid, NotFound
from crm.customers.identity import normalise_email
from crm.models import ROLES, ApiToken, Client, User, utcnow

_hasher = PasswordHasher()
_dummy_hash: str | None = None


class SignInRefused(DomainError):
    """Wrong email or password, or a locked or disabled account."""

    code = "sign_in_refused"
    status = 401


def configure_hasher(*, time_cost: int = 3, memory_cost: int = 65536, parallelism: int = 4):
    """Set argon2 cost (tests lower it; production keeps argon2-cffi's defaults)."""
    global _hasher, _dummy_hash
    _hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)
    _dummy_hash = None  # the next unknown email gets a dummy of the new cost


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
    """The user for these credentials, or SignInRefused with a message fit to show.

    Every refusal costs one argon2 verification of the same cost and says the same words, so
    neither timing nor text tells whether an account exists. Repeated failures are throttled
    by the caller per address and per account and address (console/auth/sign_in_limits.py), not
    by locking the account here: a lock anyone can trigger lets a stranger lock staff out.
    """
    now = now or utcnow()
    try:
        email = normalise_email(email)
    except Invalid:
        _dummy_verify(password)
        raise SignInRefused("Wrong email or password.") from None
    # One row of plain columns, the same query whether or not the account exists: the User
    # (and its clients) is loaded only once the password is right.
    row = session.execute(select(User.id, User.active, User.password_hash)
                          .where(User.email == email)).first()
    if row is None or not row.active or not row.password_hash:
        _dummy_verify(password)
        raise SignInRefused("Wrong email or password.")
    try:
        _hasher.verify(row.password_hash, password)
    except (VerificationError, InvalidHashError):
        raise SignInRefused("Wrong email or password.") from None
    user = session.get(User, row.id)
    if user.clients_archived:
        # Their clients are gone: the same words as any refusal (the client is not disclosed).
        raise SignInRefused("Wrong email or password.")
    user.last_login_at = now
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    audit.record(session, user, "user.signed_in", user)
    return user


def _dummy_verify(password: str) -> None:
    # The same argon2 parameters as real hashes (made lazily: configure_hasher may change
    # them), so an unknown email costs what a known one does.
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = _hasher.hash(secrets.token_urlsafe(16))
    with contextlib.suppress(VerificationError, InvalidHashError):
        _hasher.verify(_dummy_hash, password)


def token_digest(raw: str) -> str:
    # Tokens are 256 random bits, so a fast hash is enough; argon2 is for human passwords.
    return hashlib.sha256(raw.encode()).hexdigest()


TOKEN_SCOPES = ("full", "read")
# last_used_at is written at most this often: not one UPDATE per API call.
_USE_NOTED_EVERY = timedelta(minutes=1)


def issue_token(session: Session, user: User, label: str = "", actor: User | None = None,
                scope: str = "full") -> str:
    """A new API token for the user; the raw value is returned once and never stored."""
    if scope not in TOKEN_SCOPES:
        raise Invalid(f"scope must be one of {', '.join(TOKEN_SCOPES)}")
    raw = "cl_" + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, token_hash=token_digest(raw), label=label,
                         scope=scope))
    audit.record(session, actor, "api_token.issued", user, after={"label": label,
                                                                  "scope": scope})
    return raw


def token_for(session: Session, raw: str | None, now: datetime | None = None) -> ApiToken | None:
    """The live token with this value whose user is active (its use noted), or None."""
    if not raw or len(raw) > 200:
        return None
    token = session.scalars(
        select(ApiToken).where(
            ApiToken.token_hash == token_digest(raw), ApiToken.revoked_at.is_(None)
        )
    ).first()
    if token is None or not token.user.is_active:
        return None
    now = now or utcnow()
    if token.last_used_at is None or now - token.last_used_at >= _USE_NOTED_EVERY:
        token.last_used_at = now
    return token


def user_for_token(session: Session, raw: str | None) -> User | None:
    """The active user owning this token, or None."""
    token = token_for(session, raw)
    return token.user if token else None


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
    """Of these users and token digests, the ones that still grant access (a user whose
    every client is archived grants none)."""
    active = {u.id for u in session.scalars(select(User).where(User.id.in_(user_ids),
                                                                User.active))
              if u.is_active} if user_ids else set()
    live = set(session.scalars(select(ApiToken.token_hash).where(
        ApiToken.token_hash.in_(digests), ApiToken.revoked_at.is_(None)))) if digests else set()
    return active, live
