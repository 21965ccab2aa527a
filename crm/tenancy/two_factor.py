"""A TOTP second factor: enrolment confirmed by a code, one-time recovery codes."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

import pyotp
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm.core import audit
from crm.core.errors import Conflict, DomainError, Invalid
from crm.models import RecoveryCode, User, utcnow

ISSUER = "Caseline"
RECOVERY_CODES = 10
# One step either side: a phone's clock a little off, or a code typed as it turned over.
WINDOW = 1
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread


class CodeRefused(DomainError):
    """A wrong, used or stale authenticator or recovery code."""

    code = "code_refused"
    status = 401


def begin_enrolment(session: Session, user: User) -> str:
    """A new secret for the user's authenticator (not live until a code confirms it)."""
    if user.two_factor:
        raise Conflict("two-factor sign-in is already on; turn it off first to start again")
    user.totp_secret = pyotp.random_base32()
    return user.totp_secret


def provisioning_uri(user: User) -> str:
    """The otpauth:// URI an authenticator app reads from the QR code."""
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def confirm(session: Session, user: User, code: str, now: datetime | None = None) -> list[str]:
    """Turn two-factor on once a code from the new authenticator checks out; the recovery
    codes are returned (to show once)."""
    if user.two_factor:
        raise Conflict("two-factor sign-in is already on")
    if not user.totp_secret:
        raise Invalid("start the enrolment first")
    step = _matching_step(user, code, now or utcnow())
    if step is None:
        raise CodeRefused("That code is not right. Check your phone's clock and try again.")
    user.totp_enabled_at, user.totp_last_step = now or utcnow(), step
    audit.record(session, user, "two_factor.enabled", user)
    return new_recovery_codes(session, user)


def verify(session: Session, user: User, code: str, now: datetime | None = None) -> str:
    """Check a sign-in's second step: "totp" or "recovery" (then used up), else CodeRefused."""
    now = now or utcnow()
    cleaned = "".join((code or "").split())
    if cleaned.isdigit() and len(cleaned) == 6:
        step = _matching_step(user, cleaned, now)
        if step is not None and step > (user.totp_last_step or -1):
            user.totp_last_step = step  # a code seen once (by anyone) is not taken again
            return "totp"
    elif _use_recovery_code(session, user, cleaned, now):
        audit.record(session, user, "two_factor.recovery_code_used", user,
                     after={"left": recovery_codes_left(session, user)})
        return "recovery"
    raise CodeRefused("That code is not right, or was used already.")


def new_recovery_codes(session: Session, user: User) -> list[str]:
    """Replace the user's recovery codes; the raw codes are returned once, never stored."""
    for old in session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id,
                                                          RecoveryCode.used_at.is_(None))):
        session.delete(old)
    codes = ["-".join(_chunk("".join(secrets.choice(_ALPHABET) for _ in range(10))))
             for _ in range(RECOVERY_CODES)]
    session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash_code(c)) for c in codes)
    audit.record(session, user, "two_factor.recovery_codes_issued", user,
                 after={"count": len(codes)})
    return codes


def recovery_codes_left(session: Session, user: User) -> int:
    """How many unused recovery codes the user holds."""
    return session.scalar(select(func.count(RecoveryCode.id)).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))) or 0


def disable(session: Session, user: User, code: str, now: datetime | None = None) -> None:
    """Turn two-factor off with a current code; refused while a client of theirs requires it."""
    if not user.two_factor:
        return
    if user.two_factor_required:
        raise Invalid("your organisation requires two-factor sign-in; it cannot be turned off")
    verify(session, user, code, now)
    user.totp_secret = user.totp_enabled_at = user.totp_last_step = None
    for old in session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)):
        session.delete(old)
    audit.record(session, user, "two_factor.disabled", user)


def _matching_step(user: User, code: str, now: datetime) -> int | None:
    # The time step whose code this is (within the window), so a replay can be refused.
    code = "".join((code or "").split())
    if not user.totp_secret or not code.isdigit() or len(code) != 6:
        return None
    totp = pyotp.TOTP(user.totp_secret)
    step = totp.timecode(now)
    for candidate in range(step - WINDOW, step + WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(candidate), code):
            return candidate
    return None


def _use_recovery_code(session: Session, user: User, code: str, now: datetime) -> bool:
    normal = code.lower().replace("-", "")
    if len(normal) != 10:
        return False
    unused = session.scalars(select(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)).with_for_update())
    for row in unused:
        if _code_matches(row.code_hash, normal):
            row.used_at = now
            return True
    return False


def _chunk(code: str) -> list[str]:
    return [code[:5], code[5:]]


def _hash_code(code: str) -> str:
    # 50 random bits per code: a salted SHA-256 is enough (argon2 is for chosen passwords).
    salt = secrets.token_hex(8)
    digest = hashlib.sha256((salt + code.replace("-", "")).encode()).hexdigest()
    return f"{salt}${digest}"


def _code_matches(stored: str, normal: str) -> bool:
    salt, _, digest = stored.partition("$")
    return hmac.compare_digest(hashlib.sha256((salt + normal).encode()).hexdigest(), digest)
