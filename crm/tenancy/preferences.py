"""A member of staff's own settings: desktop notifications and their sound."""

from __future__ import annotations

from sqlalchemy.orm import Session

from crm.core import audit
from crm.models import User

# Off until the person turns them on: the browser asks its permission only then.
NOTIFICATION_DEFAULTS = {"desktop": False, "sound": False}


def notifications(user: User) -> dict[str, bool]:
    """Whether this person wants desktop notifications and a sound for calls and offers."""
    saved = (user.preferences or {}).get("notifications") or {}
    return {key: bool(saved.get(key, default)) for key, default in NOTIFICATION_DEFAULTS.items()}


def set_notifications(
    session: Session, actor: User, *, desktop: bool, sound: bool
) -> dict[str, bool]:
    """Change one's own notification settings (audited, as every change to an account)."""
    before = notifications(actor)
    after = {"desktop": desktop, "sound": sound}
    # A new dict: the JSON column is stored only when it is assigned, not mutated.
    actor.preferences = {**(actor.preferences or {}), "notifications": after}
    session.flush()
    if before != after:
        audit.record(
            session,
            actor,
            "user.preferences_changed",
            actor,
            object_type="user",
            before={"notifications": before},
            after={"notifications": after},
        )
    return after
